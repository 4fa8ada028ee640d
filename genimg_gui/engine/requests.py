"""What crosses the thread boundary: frozen requests in, plain results out (no Qt, no torch).

`live` requests (decodes, generations) are superseded by newer ones of the same
lane while queued; jobs (loads, encodes) always run, in order. `preview` requests
are live ones of the lowest priority: served only when nothing else waits, and
abandoned between frames when something does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from ..edit import Directions, EditState
from ..export import LatentFile
from ..file_stamp import FileStamp
from ..seed_draws import OWN


@dataclass(frozen=True, eq=False)
class Request:
    seq: int = field(default=0, kw_only=True)  # stamped by the engine on submit
    live = False
    preview = False  # lowest priority (implies live)

    @property
    def lane(self) -> tuple:
        """Live requests in the same lane supersede each other: one lane per request kind and item."""
        tag = getattr(self, "tag", 0)
        return (type(self).__name__, tag if tag > 0 else -self.seq)


@dataclass(frozen=True, eq=False)
class LoadModel(Request):
    """A genimg model folder, or a file from elsewhere (SD VAE, TAESD, StyleGAN2 pickle), converted
    and cached first. An SD VAE needs scaling_factor: without one the answer is a ScaleNeeded."""
    path: str
    scaling_factor: float | None = None


@dataclass(frozen=True, eq=False)
class SetDevice(Request):
    device: str


@dataclass(frozen=True, eq=False)
class EncodeFiles(Request):
    """Read, fit and encode image files; one Encoded result per file, errors per file."""
    paths: tuple[str, ...]
    fit: str = "crop"


@dataclass(frozen=True, eq=False)
class EncodeImage(Request):
    image: np.ndarray  # (H, W, 3) uint8, any size; fitted by the worker
    name: str = "pasted image"
    fit: str = "crop"
    # the file image was fitted from (a picture restored from a session keeps only its last VAE's fit): read it
    # again where it is still as it was, so a new VAE encodes the pixels as opened; else image is encoded
    file: FileStamp | None = None


@dataclass(frozen=True, eq=False)
class EncodeLatents(Request):
    """Encode example files to latents without making items (e.g. for a direction from examples):
    one Latents result; unreadable files are listed in it, not fatal."""
    paths: tuple[str, ...]
    fit: str = "crop"
    tag: int = 0


@dataclass(frozen=True, eq=False)
class Decode(Request):
    """Decode a latent. With a mask, the edit shows only inside it: the worker also decodes
    `base` (cached per item, so a slider drag costs one decode) and blends the two."""
    kind: str             # "vae" or "gan": which loaded model decodes
    latent: np.ndarray    # flattened (D,); (C, h, w) for a spatial VAE (SD VAE, TAESD)
    tag: int = 0          # the caller's item id, echoed back
    mask: np.ndarray | None = None  # (H, W) float32 in [0, 1] at the output resolution (resized if not)
    base: np.ndarray | None = None  # (D,) the unedited latent; needed with a mask
    # the model (ModelInfo.identity) whose latent it is, the only one to draw it: another of its kind loaded first (a
    # load asked before it) leaves it undrawn, ended with no result (Engine.done), and the views ask again once the
    # picture is in the new one. "": drawn by the one loaded
    model: str = ""
    kept: bool = True  # False: a morph preview's frame, whose decode is not kept (Runtime.render's kept)
    live = True


@dataclass(frozen=True, eq=False)
class ReadLatentFile(Request):
    """A large latent file opened in the window (ui/latent_files.READ_HERE), read by export.read_latent here, not on
    the GUI thread: one at the sizes it lets through (the latent, base and mask of a picture at the 150-megapixel
    limit, 0.9 GB as read) took 10 s on a 2-core CPU. One LatentFileRead; a file it cannot read fails in
    read_latent's words ("x.npz is not a readable latent file (…)"), as `genimg decode` says it."""
    path: str


@dataclass(frozen=True, eq=False)
class DecodeLatentFile(Request):
    """A latent file opened in the window (read by export.read_latent): its picture, as `genimg decode` draws it,
    and its unedited one; one LatentDecoded. A job, not a live decode: a slider moved meanwhile does not drop it."""
    kind: str
    latent: np.ndarray    # as the file holds it: flat, or (C, h, w) for a spatial VAE
    name: str             # the file's name, for its errors
    base: np.ndarray | None = None  # the unedited latent; its decode is the item's original
    mask: np.ndarray | None = None  # (H, W): the edit shows inside it, base's decode outside


@dataclass(frozen=True, eq=False)
class DigestWeights(Request):
    """The digest of a model folder's weights (weights_file.held_digest), which tells whether a latent file opened in
    the window was made with them (ui/latent_files.py): read here, as an SD VAE's 300 MB held the window for a second
    or more. One WeightsDigest."""
    folder: str


@dataclass(frozen=True, eq=False)
class PreviewStrip(Request):
    """Thumbnails of N latents (a slider's -3 sigma ... +3 sigma), rendered when the worker is
    otherwise idle. One lane per tag (the UI uses item_id * 1000 + slider index)."""
    kind: str
    latents: np.ndarray   # (N, D), or (N, C, h, w) for a spatial VAE
    tag: int
    size: int = 48
    masks: tuple[np.ndarray | None, ...] = ()  # per frame, as in RenderFrames
    bases: tuple[np.ndarray | None, ...] = ()
    live = True
    preview = True


def frame_masks(states: Sequence[EditState]) -> dict[str, tuple]:
    """masks= and bases= for PreviewStrip / RenderFrames: each frame drawn with its edit state's mask."""
    return {"masks": tuple(s.mask for s in states), "bases": tuple(s.base for s in states)}


def masked_frame(masks: tuple, bases: tuple, i: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(mask, base) of frame i of a request's per-frame tuples (frame_masks'); (None, None) for an unmasked frame."""
    mask = masks[i] if i < len(masks) else None
    return (mask, bases[i]) if mask is not None else (None, None)


@dataclass(frozen=True)
class AnimationFile:
    """Where and how a RenderFrames writes its frames (animation_files.write_animation), in the same job: at a large
    scale the writing takes as long as the rendering, and the window froze while it ran on the GUI thread."""
    path: str
    fps: float
    scale: int = 1

    @property
    def doing(self) -> str:
        """The progress text while it is written: "Writing morph.gif…"."""
        return f"Writing {Path(self.path).name}…"


@dataclass(frozen=True, eq=False)
class RenderFrames(Request):
    """Decode a sequence of latents (a morph, an A/B pair) at full resolution, with progress and
    cancel. A frame with a mask shows its latent inside it and its base's decode outside (as Decode).
    With `write`, the frames are then written to that file, with progress and cancel too."""
    kind: str
    latents: np.ndarray   # (F, D), or (F, C, h, w) for a spatial VAE
    tag: int = 0
    masks: tuple[np.ndarray | None, ...] = ()  # per frame; none given: no masks
    bases: tuple[np.ndarray | None, ...] = ()  # per frame, the unedited latent of a masked frame
    write: AnimationFile | None = None


@dataclass(frozen=True, eq=False)
class Invert(Request):
    """GAN inversion of an image: the w that redraws it. editability 0 = best fidelity,
    1 = w kept close to the model's w distribution, where the sliders behave."""
    image: np.ndarray     # (H, W, 3) uint8, any size; fitted to the GAN's resolution
    steps: int = 200
    editability: float = 0.5
    tag: int = 0
    preview_every: int = 10
    fit: str = "crop"


@dataclass(frozen=True, eq=False)
class MapSeed(Request):
    """GAN: seed -> w (truncated by psi) and its image."""
    seed: int
    psi: float = 1.0
    tag: int = 0
    # a conditional GAN's class, by name: a class index counts the classes of one GAN, and a load asked before this
    # runs first (jobs before pictures), so another GAN may draw it. None, or a class it lacks: the seed's own
    class_name: str | None = None
    draw: str = OWN  # how: the seed's own z, skipping mixtures or refined (seed_draws.py)
    record: bool = True  # an undoable step; False: a live sample mid-gesture (a ψ drag), shown, not recorded
    live = True


# --- results ---------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ModelInfo:
    path: str
    name: str
    kind: str
    card: dict
    device: str
    latent_size: int
    parameters: int
    directions: Directions
    seconds: float
    # the weights' SHA-256 (weights_file.weights_digest): the model that slider values and kept edits belong to,
    # so two copies of one model folder are one model and a folder trained again in place is another
    identity: str
    source: str = ""       # the path the load was asked for (a file that was converted to `path`)
    spatial: bool = False  # images at their own size, latents (C, h, w), latent_size = C
    draws: tuple[str, ...] = ()  # a GAN's ways to draw a seed (seed_draws.py): which the Generate tab offers
    # why a GAN cannot refine though its folder holds a discriminator (a damaged file, another GAN's), in words
    no_refine: str = ""
    # why its card's training data, steps and figures are not these weights' (the card records another file's
    # digest: weights_file.other_weights_note), in words; "" when they are, or the card records no digest
    other_weights: str = ""
    # why its slider directions were estimated as it loaded (its folder has no directions.safetensors, or none
    # usable), in words; "" when they were read from its folder, or it is a conversion genimg keeps them for
    estimated_directions: str = ""

    @property
    def classes(self) -> tuple[str, ...]:
        """A conditional GAN's class names (its card's config); () for any other model."""
        return tuple(self.card.get("config", {}).get("classes", ()))


@dataclass(frozen=True, eq=False)
class ScaleNeeded:
    """A LoadModel of an SD VAE without a scale: ask the user, then load again with one. The window asks it too of
    an SD VAE converted before, to convert it at another scale (the Models tab's Latent scale…; now: its scale)."""
    seq: int
    path: str
    description: str                         # what the file is, for the question
    choices: tuple[tuple[str, float], ...]   # (label, scaling factor)
    default: str                             # the label guessed from the file name (the one it has now)
    now: float | None = None                 # the scale of the conversion to change; None when the worker asks
    # the scale the file is loaded at, where the VAE in use is its conversion at another scale than `now` (the
    # Models tab's row selected is not the one in use): the question says so, as its default is then not in use
    loaded_at: float | None = None


@dataclass(frozen=True, eq=False)
class DeviceChanged:
    seq: int
    device: str
    available: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Encoded:
    seq: int
    name: str
    original: np.ndarray  # (R, R, 3) uint8, the fitted input; a spatial VAE's: (H, W, 3) at its own size
    latent: np.ndarray    # (D,) float32; (C, H/f, W/f) for a spatial VAE
    image: np.ndarray     # reconstruction, the size of original
    seconds: float
    note: str = ""        # e.g. the photo was scaled down to the size limit
    # the pixels as read, before any fitting (no larger than any device edits at: spatial.kept_source), and how
    # they were fitted: another VAE fits them its own way (a 64-px VAE's square crop, encoded again by a spatial
    # VAE, stayed a square)
    source: np.ndarray | None = None
    fit: str = "crop"
    file: FileStamp | None = None  # the file read, as it was then (EncodeFiles); None for pixels given


@dataclass(frozen=True, eq=False)
class Decoded:
    seq: int
    kind: str
    tag: int
    latent: np.ndarray
    image: np.ndarray
    seconds: float


@dataclass(frozen=True, eq=False)
class LatentDecoded:
    seq: int
    image: np.ndarray     # the file's picture
    original: np.ndarray  # its unedited latent's (image where the file holds none)
    seconds: float


@dataclass(frozen=True, eq=False)
class LatentFileRead:
    seq: int
    file: LatentFile     # what the ReadLatentFile's file holds


@dataclass(frozen=True, eq=False)
class WeightsDigest:
    seq: int
    folder: str          # the DigestWeights' folder, as asked
    digest: str | None   # None: no weights file could be read there


@dataclass(frozen=True, eq=False)
class Mapped:
    seq: int
    seed: int
    psi: float
    tag: int
    latent: np.ndarray
    image: np.ndarray
    seconds: float
    cls: int | None = None  # the class it was drawn in, the drawing GAN's index; None: the seed's own
    draw: str = OWN  # as the GAN drew it: its own z where it cannot draw the way the request asked
    record: bool = True  # the request's
    asked: str = OWN  # the way the request asked for, which a GAN that can draw so again will
    class_name: str | None = None  # the class the request asked for, by name; cls None: the GAN has no such class
    drawn_class: str | None = None  # the class the seed was drawn in, by name (asked, or its own); None: no classes


@dataclass(frozen=True, eq=False)
class Previewed:
    seq: int
    tag: int
    images: np.ndarray    # (N, size, size, 3) uint8


@dataclass(frozen=True, eq=False)
class Latents:
    seq: int
    tag: int
    names: tuple[str, ...]  # file names of the encoded files, in order
    latents: np.ndarray     # (N, D) float32, one row per name (a spatial VAE: each image's mean pixel, D = C)
    failed: tuple[str, ...]  # one message per unreadable file
    model: str = ""         # the identity of the VAE that encoded them: a load asked before them ran first


@dataclass(frozen=True, eq=False)
class Frames:
    seq: int
    tag: int
    images: np.ndarray    # (F, H, W, 3) uint8
    # what RenderFrames.write wrote, in animation_files.Written's words: "…/m.gif (24 frames, …)"
    written: str = ""


@dataclass(frozen=True, eq=False)
class Inverted:
    seq: int
    tag: int
    step: int             # 0 = the starting guess
    steps: int
    latent: np.ndarray    # (w_dim,) float32
    image: np.ndarray     # (R, R, 3) uint8, the GAN's drawing of latent
    loss: float           # pixel MSE to the target, images in [-1, 1]
    final: bool
    original: np.ndarray | None = None  # (R, R, 3) uint8, the fitted target
    model: str = ""  # the identity of the GAN the w is fitted in: a load asked before the Invert ran first


@dataclass(frozen=True, eq=False)
class Progress:
    seq: int
    fraction: float
    text: str


@dataclass(frozen=True, eq=False)
class Failed:
    seq: int
    request: str   # the request's class name
    message: str   # for the user
    cancelled: bool = False
    final: bool = True  # False: one part failed (a file of many) and the job goes on
    retry_on_cpu: bool = False  # out of memory on a GPU: the same request may fit on the CPU
    # out of memory on any device (the CPU too; so is every retry_on_cpu): the work was too much for the memory
    # free, not what it was given damaged (a latent file that ran out stays in Open recent)
    out_of_memory: bool = False
    # past genimg's limit on pictures (export.TooLargeToDraw, a latent's; imaging.PictureTooLarge, a picture file's):
    # not damaged either; a raised GENIMG_MAX_PIXELS draws it
    too_large: bool = False
    path: str = ""  # the file that could not be read, where one of several failed
    # what Retry on CPU sends (retry_on_cpu): the request, or the files of several that ran out of GPU memory. It
    # comes with the failure, as the queue lets a request go once it ends: the engine keeps it (Engine.resubmit)
    retry: Request | None = None
    superseded: bool = False  # dropped while queued, a newer request making it pointless: said by who asked for it
