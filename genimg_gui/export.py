"""What the user exports: PNGs at model resolution or upscaled, latents as .npz (written and read back).
Each is written beside its name and renamed over it once whole (fileio.atomic_path): a full disk or a kill
mid-write leaves neither a cut-off file nor an older file of that name lost."""
from __future__ import annotations

import json
import math
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Protocol, Sequence

import numpy as np

from .catalog import model_to_load
from .earlier_run import CARD_FILE
from .file_damage import CUT_SHORT_SAID, what_file_holds
from .fileio import atomic_path
from .image_files import IMAGE_SUFFIXES
from .imaging import MAX_PIXELS, pixel_count, save_png
from .weights_file import CARD_DIGEST
from .wording import as_scale, converted_scale, one_of


# the picture formats a file of pictures (`genimg generate --grid`) is written in, by its suffix
PICTURE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
EDITED = "_edited"  # what an edit of a picture adds to its name: cat.png -> cat_edited.png
# an image file's extension at the end of an item's name or before what a derived name adds (" (to VAE)",
# ", inverted")
IMAGE_EXTENSION = re.compile(r"\.(?:%s)(?=$| \(|, )" % "|".join(s[1:] for s in sorted(IMAGE_SUFFIXES)),
                             re.IGNORECASE)


def name_tail(suffix: str, number: int = 1, edited: bool = False, scale: int = 1) -> str:
    """What follows a picture's name (its stem) in the name of a file made from it, one rule for the window's exports
    and the CLI's outputs: "-2", "-3" … for another file of that name (b/x.png beside a/x.png, an export beside an
    earlier one), EDITED for the picture's edit, "@4x" for it enlarged, then suffix: "-2_edited@4x.png". The window
    offered "cat (edited).png" where `genimg edit` wrote cat_edited.png, and "cat@4x.png" for the enlarged edit."""
    return f"{f'-{number}' if number > 1 else ''}{EDITED if edited else ''}{f'@{scale}x' if scale > 1 else ''}{suffix}"


def picture_name(name: str) -> bool:
    """Whether name is a picture file's ("cat.png"), not a sample's ("seed 42") or a derived one ("cat.png, inverted",
    "cat.png (2)"): the window marks an export of its edit EDITED, as `genimg edit` marks its files."""
    return any(m.end() == len(name) for m in IMAGE_EXTENSION.finditer(name))


def file_stem(name: str) -> str:
    """The stem an export of an item named name is offered: a picture file's name without its extension, as it is
    ("my cat.png" -> "my cat", as `genimg edit` names its files); a derived name's words joined by "_", as a
    sample's "seed0042" is one word: "face.png, inverted 2" -> "face_inverted_2" (it offered "face, inverted
    2.png", a comma and spaces that a shell or a script must quote)."""
    stem = IMAGE_EXTENSION.sub("", name)  # also in a derived name: "1f600.png, inverted" -> "1f600, inverted"
    return stem if picture_name(name) else re.sub(r"[\s,()]+", "_", stem).strip("_") or stem


def export_name(stem: str, suffix: str, number: int = 1, edited: bool = False, scale: int = 1) -> str:
    """stem + name_tail: export_name("cat", ".png", edited=True) is "cat_edited.png"."""
    return stem + name_tail(suffix, number, edited, scale)


def with_suffix_kept(path: str, suffixes: Sequence[str], default: str) -> str:
    """path as given when it ends in one of suffixes (any case), else with default added to the whole name: "v1.2"
    becomes "v1.2.png" and "orig.jpg" (for a PNG) "orig.jpg.png". Path.with_suffix made them "v1.png" and
    "orig.png", dropping what was typed and landing on another file, one the save dialog had not asked about. Adding
    keeps every character typed and names what the file holds (PNG bytes under .jpg would be mislabelled)."""
    return path if path.lower().endswith(tuple(s.lower() for s in suffixes)) else path + default


def export_png(image: np.ndarray, path: str | Path, scale: int = 1) -> Path:
    path = Path(with_suffix_kept(str(path), (".png",), ".png"))
    with atomic_path(path) as tmp:
        save_png(image, tmp, scale)
    return path


def export_picture(image: np.ndarray, path: str | Path, scale: int = 1) -> Path:
    """image written in the format path's suffix names (PICTURE_FORMATS), the name kept as given: --grid g.jpg
    wrote a PNG named g.png."""
    path = Path(path)
    if (format := PICTURE_FORMATS.get(path.suffix.lower())) is None:
        raise ValueError(f"{path.name}: a picture must end in {suffixes_said()}")
    with atomic_path(path) as tmp:
        save_png(image, tmp, scale, format)
    return path


def suffixes_said() -> str:
    """".png, .jpg, .jpeg or .webp": the suffixes a picture may end in, for a message."""
    return one_of(list(PICTURE_FORMATS))


# The most values an array of a latent file may hold, from the limit on the pictures genimg opens (imaging.MAX_PIXELS,
# GENIMG_MAX_PIXELS; the one place it is set): a mask holds one value a pixel, a latent (and its base) at most a quarter
# of one, 16 channels a cell of 8x8 pixels (SD3's and Flux's VAEs; an SD VAE's holds 4; genimg's own VAEs, at the small
# size they were trained at, far fewer). A header that claims more is damage, or a "zip bomb": a 310-byte file whose
# latent claimed 4x10^6x10^6 values asked numpy for 14.6 TiB. read_latent refuses it before numpy allocates anything.
LATENT_VALUES_PER_PIXEL = 16 / (8 * 8)
MOST_LATENT_VALUES = int(MAX_PIXELS * LATENT_VALUES_PER_PIXEL)
MOST_MASK_VALUES = MAX_PIXELS
WIDEST_VALUE = 8  # bytes: float64, the widest number a latent is saved in (a JSON record is one value of many bytes)
# A spatial latent (C, h, w) draws h*w cells of pixels, whatever its C: the bound above, sized for 16 channels, let an
# SD VAE's 4-channel latent draw 4x genimg's limit (164 megapixels, minutes and gigabytes). read_latent bounds the
# picture at this cell, the spatial VAEs' people use (SD 1/2, SDXL, SD3, Flux, TAESD: 8x8 pixels); the Runtime again,
# at the VAE's own cell, before a decode (check_drawn_size).
LATENT_CELL = 8


class TooLargeToDraw(ValueError):
    """A spatial latent whose picture would pass genimg's limit on pictures (MAX_PIXELS, GENIMG_MAX_PIXELS)."""


def check_drawn_size(shape: tuple[int, ...], cell: int, said_as: str) -> None:
    """Raise TooLargeToDraw where a spatial latent of this shape (C, h, w) draws a picture of more than MAX_PIXELS at
    cell x cell pixels a latent cell. said_as: the sentence, with {dims} (the latent's shape) and {picture} (its size)
    to fill."""
    if len(shape) != 3:  # a flat latent draws the model's one size
        return
    height, width = shape[1] * cell, shape[2] * cell
    if height * width > MAX_PIXELS:
        picture = f"{width}×{height} pixels ({pixel_count(height * width)})"
        raise TooLargeToDraw(said_as.format(dims="×".join(map(str, shape)), picture=picture) +
                             f", above genimg's limit of {pixel_count(MAX_PIXELS)} (GENIMG_MAX_PIXELS sets it)")


# a latent file's record of the weights that made it (ModelInfo.identity), named as a card's (weights_file.CARD_DIGEST)
IDENTITY_KEY = CARD_DIGEST
# and of the latent scale a converted SD VAE made it at: one file converted at two scales is two models of one digest
SCALE_KEY = "latent_scale"


class RecordedModel(Protocol):
    """What model_record reads of a model: engine.requests.ModelInfo (not imported: the editing core, which
    imports this module, never imports the engine)."""
    name: str
    path: str
    kind: str
    identity: str
    card: dict


def model_record(info: RecordedModel) -> dict:
    """What a latent file records about its model, one record for the app's Export latent and the CLI's files. The
    path is absolute: as typed (--vae vae1) it named no folder to a decode run from another folder. The weights'
    SHA-256 tells decode a copy of the model in another folder from another model; a converted SD VAE's latent scale,
    its conversion at another scale (of the same weights) from its own."""
    record = {"name": info.name, "path": str(Path(info.path).resolve()), "kind": info.kind,
              IDENTITY_KEY: info.identity}
    if (scale := converted_scale(info.card)) is not None:
        record[SCALE_KEY] = scale
    return record


def export_latent(path: str | Path, latent: np.ndarray, base: np.ndarray, values: tuple[float, ...],
                  labels: tuple[str, ...], model: dict, mask: np.ndarray | None = None,
                  sample: dict | None = None) -> Path:
    """The edited latent, how it was made (base + values along labelled directions), and the model.
    A masked edit also stores its mask (H, W): `genimg decode` blends the decodes of latent and base through it,
    as the app shows it. A GAN sample drawn from a seed also stores how (seed_draws.sample_record), as JSON
    like the model's record; read_latent, which reads what decoding needs, passes over it."""
    path = Path(with_suffix_kept(str(path), (".npz",), ".npz"))
    extra = {} if mask is None else {"mask": np.asarray(mask, np.float32)}
    if sample is not None:
        extra["sample"] = np.asarray(json.dumps(sample))
    # into an open file: given a path, np.savez would add .npz to the temp file's name
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        np.savez(f, latent=latent, base=base, values=np.asarray(values, np.float32),
                 labels=np.asarray(labels), model=np.asarray(json.dumps(model)), **extra)
    return path


@dataclass(frozen=True, eq=False)
class LatentFile:
    """What an .npz written by export_latent holds: what decoding needs, and how the edit was made, which the
    app opens as an item's History (ui/latent_files.py)."""
    latent: np.ndarray          # in its own shape: flat, or (C, h, w) from a spatial VAE
    kind: str | None            # the model kind it records; None if it records none
    mask: np.ndarray | None = None  # (H, W) in [0, 1]: the edit shows inside it, base's decode outside
    base: np.ndarray | None = None  # the unedited latent, of the latent's shape; None if it holds none
    model_path: str = ""        # the model that made it, as its record says; "" if none
    model_name: str = ""        # that model's name, as its record says; "" if none
    identity: str = ""          # that model's weights' SHA-256 (ModelInfo.identity); "" if it records none
    values: tuple[float, ...] = ()  # the edit's slider values, one per label; () if it holds none (or they are bad)
    labels: tuple[str, ...] = ()    # the directions they move along, by name
    sample: dict | None = None  # how a GAN sample was drawn (seed_draws.sample_record); None if not recorded
    latent_scale: float | None = None  # the converted SD VAE's latent scale it was made at; None if it records none
    # a model folder -> the latent scale its card records, for a file that records none (latent_model.made_scale):
    # read once per file, not at each of the questions decode and the window ask of it
    scales_read: dict[Path, float | None] = field(default_factory=dict, repr=False)


def read_latent(path: str | Path) -> LatentFile:
    """The latent of an .npz written by export_latent (the app, encode, generate, edit), the model it records, its
    unedited latent and mask, and the slider values, labels and GAN sample it records, where it holds them."""
    path = Path(path)
    if path.is_dir():  # "does not exist" said of a folder that does
        raise ValueError(f"{path} is a folder, not a latent file")
    if not path.is_file():
        raise ValueError(f"{path} does not exist")
    if not zipfile.is_zipfile(path):
        if path.suffix.lower() == ".npz" and (seen := what_file_holds(path)):  # as a picture's: not "damaged"
            raise ValueError(f"{path.name} is not a latent file ({seen})")
        if path.suffix.lower() == ".npz":  # cut short (a copy that stopped) or written over
            raise ValueError(f"{path.name} is damaged: it does not read as an .npz archive")
        raise ValueError(f"{path.name} is not an .npz file")
    try:
        headers = list(_array_headers(path))
        _check_sizes(headers)
        for key, shape, _ in headers:
            if key == "latent":
                check_drawn_size(shape, LATENT_CELL, f"{path.name} is too large to draw: its {{dims}} latent makes a "
                                 f"picture of {{picture}} at {LATENT_CELL}×{LATENT_CELL} pixels a latent cell")
        with np.load(path, allow_pickle=False) as f:
            if "latent" not in f.files:
                raise ValueError(f"it holds {', '.join(f.files) or 'nothing'} but no 'latent'")
            latent = np.asarray(f["latent"], np.float32)
            record, sample = (_json_of(f, key) for key in ("model", "sample"))
            mask, base = _mask_and_base(f, latent.shape)
            values, labels = _edit_of(f)
    except TooLargeToDraw:  # a whole file, not damaged
        raise
    except MemoryError:  # numpy's "Unable to allocate 1.2 GiB…", for an array within the bounds above
        raise _no_memory_for(path) from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:  # damaged, or object arrays
        raise ValueError(f"{path.name} is not a readable latent file ({e})") from None
    kind = record.get("kind")
    return LatentFile(latent, kind if kind in ("vae", "gan") else None, mask, base, str(record.get("path") or ""),
                      str(record.get("name") or ""), str(record.get(IDENTITY_KEY) or ""), values, labels,
                      sample or None, as_scale(record.get(SCALE_KEY)))


class NoMemoryToRead(ValueError):
    """A whole latent file (every array holds the data its header claims) whose arrays the memory free could not
    hold: nothing is wrong with the file, which the window keeps in File → Open recent (a damaged one leaves it).
    A ValueError, as read_latent's other refusals, so that `genimg decode` says it in the same way."""


def _no_memory_for(path: Path) -> ValueError:
    """Why read_latent found no memory for path's arrays: too little memory free for a whole file (NoMemoryToRead),
    or damage, for one cut short whose header claims data it does not hold (numpy allocates before it reads on)."""
    if not _arrays_whole(path):
        return ValueError(f"{path.name} is not a readable latent file ({CUT_SHORT_SAID})")
    size = f"{math.ceil(bytes_to_read(path) / 2**20):,} MB"
    return NoMemoryToRead(f"{path.name} could not be read: its {size} of arrays need more memory than is free; "
                          "close other programs and try again")


def _check_sizes(headers: Iterable[tuple[str, tuple[int, ...], np.dtype]]) -> None:
    """Refuse an array read_latent reads (headers: _array_headers) whose .npy header claims more values than a latent
    file holds
    (MOST_LATENT_VALUES; MOST_MASK_VALUES for the mask), or more bytes than WIDEST_VALUE each, from the header alone:
    numpy allocates what the header claims before it reads the data (MemoryError), or gets it and reads on for
    seconds (a 1 MB compressed file of zeros held 1 GiB)."""
    for key, shape, dtype in headers:
        values, most = math.prod(shape), MOST_MASK_VALUES if key == "mask" else MOST_LATENT_VALUES
        if values > most or values * dtype.itemsize > most * WIDEST_VALUE:
            claimed = "×".join(map(str, shape)) if len(shape) > 1 else f"{values:,}"
            wide = f" of {dtype.itemsize:,} bytes" if dtype.itemsize > WIDEST_VALUE else ""
            holder = "a mask" if key == "mask" else "a latent"
            raise ValueError(f"its '{key}' array claims {claimed} value{'s' if values != 1 else ''}{wide}, more than "
                             f"{holder} of a picture at genimg's limit of {pixel_count(MAX_PIXELS)} holds; "
                             "GENIMG_MAX_PIXELS sets it")


def bytes_to_read(path: str | Path) -> int:
    """The bytes numpy would allocate to read a latent file's arrays, from their headers alone (a millisecond);
    0 where the file or a header cannot be read (read_latent says why)."""
    try:
        return sum(math.prod(shape) * dtype.itemsize for _, shape, dtype in _array_headers(Path(path)))
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return 0


def holds_latent(path: str | Path) -> bool:
    """Whether path is a latent file, as a note on a file given where another kind goes says it (file_kind,
    not_a_model): a zip of .npy arrays whose headers claim a 'latent' of numbers, nothing pickled and nothing larger
    than read_latent reads. From the headers alone (a millisecond): reading the arrays, as these notes did, took 10 s
    near the size limit, on the GUI thread where an .npz dropped on the Models tab is asked about. Damage within the
    arrays' data is read_latent's to say, as the file is opened as a latent."""
    path = Path(path)
    try:
        if not path.is_file() or not zipfile.is_zipfile(path):
            return False
        headers = list(_array_headers(path))
        _check_sizes(headers)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return False
    dtypes = {key: dtype for key, _, dtype in headers}
    return "latent" in dtypes and dtypes["latent"].kind in "biuf" and not any(d.hasobject for d in dtypes.values())


def _array_headers(path: Path) -> Iterator[tuple[str, tuple[int, ...], np.dtype]]:
    """(key, shape, dtype) of each array read_latent reads, as its .npy header claims them."""
    for key, shape, dtype, _ in _array_members(path):
        yield key, shape, dtype


def _arrays_whole(path: Path) -> bool:
    """Whether each array read_latent reads holds, by the zip's record of its member's size, all the data its header
    claims: from the headers alone, as numpy allocates before it finds data missing. An object array's size is not
    known from its header: not whole (read_latent refuses it anyway)."""
    try:
        return all(not dtype.hasobject and held >= math.prod(shape) * dtype.itemsize
                   for _, shape, dtype, held in _array_members(path))
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):
        return False


def _array_members(path: Path) -> Iterator[tuple[str, tuple[int, ...], np.dtype, int]]:
    """(key, shape, dtype) of each array read_latent reads, as its .npy header claims them, and the bytes of data
    its member holds after the header."""
    with zipfile.ZipFile(path) as archive:
        for member in archive.infolist():
            key = member.filename.removesuffix(".npy")  # as np.load names it
            if key not in READ_KEYS:
                continue
            with archive.open(member) as npy:
                version = np.lib.format.read_magic(npy)  # no .npy (np.load would read its bytes whole): ValueError
                read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                               else np.lib.format.read_array_header_2_0)  # 3.0 is 2.0's layout; others np.load refuses
                shape, _, dtype = read_header(npy)
                held = member.file_size - npy.tell()
            yield key, shape, dtype, held


READ_KEYS = ("latent", "base", "mask", "values", "labels", "model", "sample")  # the arrays read_latent reads


def _json_of(f, key: str) -> dict:
    """The JSON record under key; {} when absent or not a JSON object (a bare model name)."""
    if key not in f.files:
        return {}
    text = str(f[key])  # an object array raises here: a damaged file, said so by read_latent
    try:
        recorded = json.loads(text)
    except ValueError:
        return {}
    return recorded if isinstance(recorded, dict) else {}


def _edit_of(f) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """The slider values and their labels, one each; ((), ()) where they are missing or do not pair up: the latent
    alone still opens."""
    if "values" not in f.files or "labels" not in f.files:
        return (), ()
    values, labels = np.asarray(f["values"]), np.asarray(f["labels"])
    if values.ndim != 1 or labels.shape != values.shape or values.dtype.kind not in "fiu" \
            or labels.dtype.kind != "U" or not np.isfinite(values).all():
        return (), ()
    # each value as the shortest number its float32 holds (1.2, not 1.2000000476837158): the value the slider was at,
    # which a slider set to it again is equal to, and which float32 edits (edit.shift) turn into the same latent
    return tuple(float(str(np.float32(v))) for v in values), tuple(str(label) for label in labels)


def file_kind(path: Path) -> str:
    """What a file given where another kind was asked for is, for the sentence that names it ("x.npz is a latent
    file, not an edit recipe"): "the card of the model NAME" (a model folder's card.json, which opens as that model:
    catalog.model_to_load), "a latent file" (holds_latent), "an image" (by its suffix, unless it holds text: notes
    saved as notes.png), or "" for anything else."""
    if path.name == CARD_FILE and path.is_file() and model_to_load(path) is not None:
        return f"the card of the model {path.resolve().parent.name}"
    if what_file_holds(path) == "it holds text":
        return ""
    if path.suffix.lower() in IMAGE_SUFFIXES:
        return "an image"
    return "a latent file" if holds_latent(path) else ""


def _mask_and_base(f, shape: tuple[int, ...]) -> tuple[np.ndarray | None, np.ndarray | None]:
    """A masked edit's (mask, base), checked; an edit of the whole image's (None, its base where it holds one of
    the latent's shape)."""
    base = np.asarray(f["base"], np.float32) if "base" in f.files else None  # each f[key] reads the array again
    base = base if base is not None and base.shape == shape else None
    if "mask" not in f.files:
        return None, base
    mask = np.asarray(f["mask"], np.float32)
    if mask.ndim != 2 or not np.isfinite(mask).all():
        raise ValueError(f"its mask must be a finite (H, W) array, not {mask.dtype} {mask.shape}")
    if base is None:
        raise ValueError("it holds a mask but no unedited latent ('base') of the latent's shape to blend with")
    return np.clip(mask, 0.0, 1.0), base
