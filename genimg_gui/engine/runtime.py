"""The models the worker holds: one VAE and one GAN, on one device, in inference mode
(except GAN inversion, which needs gradients with respect to w)."""
from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import torch
from PIL import Image
from torch import nn

from .. import masking, seed_draws
from ..catalog import converted_dir, user_file
from ..edit import Anchors
from ..export import check_drawn_size
from ..imaging import Fit, fit_square, to_rgb
from ..models import foreign, mixtures, refine
from ..models.device import pick_device
from ..models.directions import load_directions
from ..models.gan import seed_class, seed_z
from ..models.layer_checks import StopCheck, checked_layers
from ..models.tensors import to_images, to_tensor
from ..models.tiling import TileSteps, downscale_factor
from ..models.weights import ModelFileError, latent_shape, load_model, parameter_count
from ..weights_file import held_digest
from ..wording import step_of
from . import inversion, spatial
from .loaded_model import (LoadedModel, ProgressFn, direction_size, discriminator_of, estimated_directions,
                           offered_draws, other_weights)
from .ran_out import DeviceFull, out_of_memory
from .requests import ModelInfo

UNEDITED_CACHE = 64  # items whose unedited decode is kept for masked edits
RECENT_DECODES = 2  # latents whose render() decode is kept: a mask stroke, or its undo, keeps the edited latent
# a spatial model's tiles, told ("encoding" or "decoding", tiles done, tiles in all) as models.tiling.TileSteps says
TileProgress = Callable[[str, int, int], None]


class LatentMismatch(ValueError):
    """A latent of another shape than the model's: most often a file another model made (the CLI names it)."""


def _mapped(net: nn.Module, z: torch.Tensor, psi: float, c: torch.Tensor | None) -> torch.Tensor:
    """z -> w; c: a conditional GAN's class indices (None for an unconditional one)."""
    return net.map(z, psi) if c is None else net.map(z, psi, c)



class Runtime:
    """Loads, moves and runs models. Only the worker thread touches it."""

    def __init__(self, device: str = "auto") -> None:
        self.device = pick_device(device)
        self.models: dict[str, LoadedModel] = {}
        self.max_side = spatial.max_side_setting(self.device.type)  # a spatial VAE edits photos up to this size
        self.decode_count = 0  # network decodes run, masked edits' cached ones not counted
        # (kind, tag) -> (hash of the base latent, its decode): a masked slider drag re-decodes
        # only the edited latent
        self._unedited: OrderedDict[tuple[str, int], tuple[bytes, np.ndarray]] = OrderedDict()
        # (kind, model identity, device, hash of the latent) -> its decode: a stroke (its undo, its redo) changes only
        # the mask, and decoding the same latent again took seconds a stroke for an SD VAE on a CPU
        self._recent: OrderedDict[tuple[str, str, str, bytes], np.ndarray] = OrderedDict()
        self._stop: StopCheck | None = None  # the check of the request running now (stoppable)

    # no_grad, not inference_mode: tensors made in inference mode can never join autograd,
    # and GAN inversion needs gradients through the generator
    @torch.no_grad()
    def load(self, path: str, progress: ProgressFn, scaling_factor: float | None = None,
             chosen: bool = True) -> ModelInfo:
        """A model folder, or a file from elsewhere converted (and cached) into one first.
        Raises foreign.NeedsScale for an SD VAE file without a scaling factor. chosen: foreign.convert's."""
        t0 = time.perf_counter()
        folder = Path(path)
        # genimg folders (and missing paths) keep load_model's own messages; a diffusers folder is converted
        if folder.is_file() or foreign.folder_weights(folder) is not None:
            folder = foreign.convert(folder, converted_dir(), scaling_factor, progress, chosen)
        net, card = load_model(folder)
        net = net.to(self.device).requires_grad_(False)
        made = f"{'×'.join(map(str, latent_shape(net)))} at resolution {net.cfg.resolution}"
        directions, estimated, identity = load_directions(folder, direction_size(net), made), "", held_digest(folder)
        if directions is None:
            directions, estimated = estimated_directions(folder, identity, net, card["kind"], progress)
        mapped = inversion.mapped_ws(net).cpu() if card["kind"] == "gan" else None
        if mapped is not None:  # where its w lie, for the typicality meter (not saved: drawn again in ms)
            directions = replace(directions, anchors=Anchors.of(mapped.numpy()))
        model = LoadedModel(str(folder), net, card, directions, identity, *discriminator_of(folder, net),
                            mapped=mapped, estimated=estimated)
        self.models[model.kind] = model
        self._unedited.clear()
        self._recent.clear()
        return self.info(model, time.perf_counter() - t0, source=user_file(card, path))

    def info(self, model: LoadedModel, seconds: float = 0.0, source: str = "") -> ModelInfo:
        return ModelInfo(model.path, str(model.card.get("name", Path(model.path).name)), model.kind,
                         model.card, str(self.device), model.direction_size,
                         parameter_count(model.net), model.directions, seconds, model.identity, source or model.path,
                         model.spatial, offered_draws(model) if model.kind == "gan" else (), model.no_judge,
                         other_weights(model), model.estimated)

    def set_device(self, name: str) -> None:
        """Every model onto the device named, or none: one that does not fit there (out of memory halfway through its
        weights) puts every weight moved back where it was, and raises DeviceFull. Moved one by one, the VAE went and
        the GAN stayed, and every decode after failed ("Tensor on device … is not on the expected device cpu")."""
        device = pick_device(name)
        nets = [net for model in self.models.values() for net in (model.net, model.judge) if net is not None]
        back = _way_back(nets)
        try:
            for net in nets:
                net.to(device)
        except Exception as e:
            back()
            if out_of_memory(e):
                raise DeviceFull(device, self.device) from e
            raise
        for model in self.models.values():
            model.inversion_setup = None  # its tensors are on the old device
        self.device = device
        self.max_side = spatial.max_side_setting(device.type)  # photos opened from now on
        self._unedited.clear()  # another device may round a pixel differently
        self._recent.clear()

    @contextmanager
    def stoppable(self, check: StopCheck) -> Iterator[None]:
        """Within the block, each encode and decode runs check before each layer of its network, and stops where it
        raises: a cancel (or a quit) inside one long pass, a 512-px photo's single tile through an SD VAE on a CPU,
        waited for the pass's end, half a minute. Nested: a live request drawn between a job's steps has its own."""
        before, self._stop = self._stop, check
        try:
            yield
        finally:
            self._stop = before

    def model(self, kind: str) -> LoadedModel:
        if kind not in self.models:
            raise ModelFileError(f"no {kind.upper()} is loaded; load one first (the app's Models tab, "
                                 f"or --{kind} on the command line)")
        return self.models[kind]

    def identity(self, kind: str) -> str:
        """The identity (ModelInfo.identity) of the model of a kind loaded now; "" when none is."""
        return self.models[kind].identity if kind in self.models else ""

    @torch.inference_mode()
    def encode(self, image: np.ndarray, fit: str, tiles: TileProgress | None = None, reconstruct: bool = True
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Any-size RGB array -> (fitted original, latent, reconstruction). The latent is (D,); a
        spatial VAE keeps the image's own size (spatial.fit_own) and gives (C, H/f, W/f), its tiles told to tiles.
        reconstruct=False skips the reconstruction's decode (None in its place) for a caller that decodes the latent
        itself, edited: a photo's tiled decode through an SD VAE is most of an encode's time, and was thrown away."""
        vae = self.model("vae")
        with checked_layers(vae.net, self._stop):
            if vae.spatial:
                fitted = spatial.fit_own(image, vae.net, self.max_side)
                # contiguous, as the latent sent back later will be: the same memory layout takes the same
                # kernels, so decoding the returned latent reproduces this reconstruction bit for bit
                mean = spatial.encode(vae.net, to_tensor(fitted, self.device), _pass(tiles, "encoding")).contiguous()
            else:
                fitted = _fitted(image, vae.resolution, fit)
                mean, _ = vae.net.encode(to_tensor(fitted, self.device))
            out = None
            if reconstruct:
                out = spatial.decode(vae.net, mean, _pass(tiles, "decoding")) if vae.spatial else vae.net.decode(mean)
        if not (torch.isfinite(mean).all() and (out is None or torch.isfinite(out).all())):
            raise FloatingPointError("the VAE produced NaN/inf values for this image")
        latent = mean[0] if vae.spatial else mean.flatten()
        return fitted, latent.float().cpu().numpy(), None if out is None else to_images(out)[0]

    @torch.inference_mode()
    def encode_latent(self, image: np.ndarray, fit: str) -> np.ndarray:
        """Any-size RGB array -> latent (D,), without the reconstruction's decode. A spatial VAE
        gives the image's mean latent pixel (C,): the space its directions live in."""
        vae = self.model("vae")
        with checked_layers(vae.net, self._stop):
            if vae.spatial:
                fitted = spatial.fit_own(image, vae.net, self.max_side)
                mean = spatial.encode(vae.net, to_tensor(fitted, self.device)).mean(dim=(2, 3))
            else:
                mean, _ = vae.net.encode(to_tensor(_fitted(image, vae.resolution, fit), self.device))
        if not torch.isfinite(mean).all():
            raise FloatingPointError("the VAE produced NaN/inf values for this image")
        return mean.flatten().float().cpu().numpy()

    def _latent_tensor(self, model: LoadedModel, latent: np.ndarray) -> torch.Tensor:
        """(1, *shape) on the device, after checking that the latent fits the model and is finite."""
        z = torch.as_tensor(np.asarray(latent), dtype=torch.float32, device=self.device)
        if not torch.isfinite(z).all():  # a GAN drew a picture from an infinite w (its layers normalise it)
            raise FloatingPointError("the latent holds NaN/inf values (an edit too large for float32?)")
        if model.spatial:
            c = model.latent_shape[0]
            if z.ndim != 3 or z.shape[0] != c:
                raise LatentMismatch(f"a latent of shape {tuple(z.shape)} does not fit the {model.kind.upper()} "
                                     f"(expects ({c}, height, width))")
            check_drawn_size(tuple(z.shape), downscale_factor(model.net), "this {dims} latent is too large to draw: "
                             f"the {model.kind.upper()} makes a picture of {{picture}} of it")
            return z.unsqueeze(0)
        if z.numel() != np.prod(model.latent_shape):
            raise LatentMismatch(f"latent of size {z.numel()} does not fit the {model.kind.upper()} "
                                 f"(expects {int(np.prod(model.latent_shape))})")
        return z.reshape(1, *model.latent_shape)

    @torch.inference_mode()
    def decode(self, kind: str, latent: np.ndarray, tiles: TileProgress | None = None) -> np.ndarray:
        model = self.model(kind)
        z = self._latent_tensor(model, latent)
        with checked_layers(model.net, self._stop):
            if kind == "gan":
                out = model.net.synthesize(z)
            else:
                out = spatial.decode(model.net, z, _pass(tiles, "decoding")) if model.spatial else model.net.decode(z)
        self.decode_count += 1
        if not torch.isfinite(out).all():
            raise FloatingPointError(f"the {kind.upper()} produced NaN/inf pixels for this latent")
        return to_images(out)[0]

    @torch.no_grad()  # not inference_mode: refining a seed takes gradients through the generator
    def map_seed(self, seed: int, psi: float, cls: int | None = None, draw: str = seed_draws.OWN) -> np.ndarray:
        """The w of a seed. cls: a conditional GAN's class index; None draws the class from the seed too.
        draw: how (seed_draws.py); one the loaded GAN cannot do draws the seed's own z (see drawn_as)."""
        net = self.model("gan").net
        cls = self._seed_class(net, seed, cls)
        c = None if cls is None else torch.tensor([cls], device=self.device)
        draw = self.drawn_as(draw)
        if draw == seed_draws.REFINE:
            w = _mapped(net, self.refined_z(seed, psi, cls), psi, c)
        elif draw == seed_draws.SKIP_MIXTURES:
            w = mixtures.steady_draw(net, mixtures.seed_stream(seed, net.cfg.z_dim).to(self.device), psi, cls)
        else:
            w = _mapped(net, seed_z(seed, net.cfg.z_dim).to(self.device), psi, c)
        return w[0].float().cpu().numpy()

    def drawn_class(self, seed: int, cls: int | None = None) -> str | None:
        """The name of the class the loaded GAN draws a seed in: cls's, or for None the seed's own; None for a GAN
        without classes."""
        net = self.model("gan").net
        return seed_draws.class_named(self._seed_class(net, seed, cls), tuple(getattr(net.cfg, "classes", ())))

    def class_index(self, name: str | None) -> int | None:
        """The loaded GAN's index of a class name; None for no name, or one it has no class of (the seed's own)."""
        return seed_draws.class_numbered(name, tuple(getattr(self.model("gan").net.cfg, "classes", ())))

    def drawn_as(self, draw: str) -> str:
        """How the loaded GAN draws a seed asked to be drawn so: `draw` if it offers it, else its own z
        (a converted StyleGAN2 offers neither other way; a GAN without its discriminator cannot refine)."""
        return draw if seed_draws.checked(draw) in offered_draws(self.model("gan")) else seed_draws.OWN

    @staticmethod
    def _seed_class(net: nn.Module, seed: int, cls: int | None) -> int | None:
        """The class a seed is drawn in: the one asked for, checked, or for any class the seed's own."""
        n_classes = len(getattr(net.cfg, "classes", ()))
        if cls is not None and not n_classes:
            raise ValueError("this GAN has no classes to choose from")
        if cls is not None and not 0 <= cls < n_classes:
            raise ValueError(f"class {cls} is not one of this GAN's {n_classes} classes")
        return int(seed_class(net, seed)) if n_classes and cls is None else cls

    def discriminator(self) -> nn.Module | None:
        """The loaded GAN's own discriminator, judging alone, or None when its folder has none."""
        return self.model("gan").judge

    @torch.no_grad()
    def refined_z(self, seed: int, psi: float, cls: int | None = None) -> torch.Tensor:
        """The seed's z (1, z_dim) after models/refine.py's steps down its discriminator's energy."""
        net, judge = self.model("gan").net, self.discriminator()
        if judge is None:
            raise ModelFileError("this GAN's folder holds no discriminator to refine its samples with")
        cls = self._seed_class(net, seed, cls)
        c = None if cls is None else torch.tensor([cls], device=self.device)
        return refine.refine(net, judge, seed_z(seed, net.cfg.z_dim).to(self.device), psi, c)

    def render(self, kind: str, latent: np.ndarray, mask: np.ndarray | None = None,
               base: np.ndarray | None = None, tag: int = 0, tiles: TileProgress | None = None, *,
               kept: bool = True) -> np.ndarray:
        """decode(), or with a mask: the edit inside it, the unedited `base` decode outside.
        The base decode is cached per (kind, tag), so moving a slider costs one decode; the last few latents' decodes
        are kept, so a mask-only change, or its undo, costs none. kept=False for a one-off of many (a thumbnail, an
        animation's frame): its decode is not kept, and does not push the picture's own out."""
        if mask is not None and base is None:
            raise ValueError("a masked decode needs the unedited latent (base) to blend with")
        edited = self._recent_decode(kind, latent, tiles, kept)
        if mask is None:
            return edited.copy()  # the kept one stays as it was drawn, whatever the caller does with its copy
        key, digest = (kind, tag), _digest(base)
        cached = self._unedited.get(key)
        if cached is None or cached[0] != digest:
            cached = (digest, self._recent_decode(kind, base, tiles, kept=False))
            self._unedited[key] = cached
            while len(self._unedited) > UNEDITED_CACHE:
                self._unedited.popitem(last=False)
        self._unedited.move_to_end(key)
        return masking.blend(edited, cached[1], masking.resize_mask(mask, edited.shape[:2]))

    def _recent_decode(self, kind: str, latent: np.ndarray, tiles: TileProgress | None, kept: bool) -> np.ndarray:
        """decode(), or the kept decode of the same latent by the same model (load and set_device empty the cache);
        kept: keep this one, the oldest dropped past RECENT_DECODES."""
        key = (kind, self.identity(kind), str(self.device), _digest(latent))
        image = self._recent.get(key)
        if image is None:
            image = self.decode(kind, latent, tiles)
            if not kept:
                return image
            self._recent[key] = image
            while len(self._recent) > RECENT_DECODES:
                self._recent.popitem(last=False)
        self._recent.move_to_end(key)
        return image

    def render_thumbnail(self, kind: str, latent: np.ndarray, mask: np.ndarray | None, base: np.ndarray | None,
                         tag: int, size: int) -> np.ndarray:
        """render() for a thumbnail of about `size` pixels: a spatial model decodes its latent (and
        base) averaged down first (spatial.shrink), not the whole photo."""
        model = self.model(kind)
        if model.spatial and np.ndim(latent) == 3:
            latent = spatial.shrink(latent, model.net, size)
            base = None if base is None else spatial.shrink(base, model.net, size)
        return self.render(kind, latent, mask, base, tag, kept=False)  # a strip's many would push the picture's out

    def invert_steps(self, image: np.ndarray, steps: int = 200, editability: float = 0.5,
                     preview_every: int = 10, fit: str = "crop", check: Callable[[], None] = lambda: None,
                     ) -> tuple[np.ndarray, Iterator[inversion.Step]]:
        """(the fitted target, the inversion's steps): iterate to run it, stop to cancel.
        Uses the loaded VAE's encoder for the start and a latent loss when the GAN paints
        through that same VAE."""
        gan = self.model("gan")
        target = _fitted(image, gan.resolution, fit)
        vae = self.models["vae"].net if "vae" in self.models else None

        def run() -> Iterator[inversion.Step]:  # the set-up, on the first inversion, runs at the first step
            if gan.inversion_setup is None:
                gan.inversion_setup = inversion.gan_setup(gan.net, gan.mapped)
            yield from inversion.invert(gan.net, target, steps, editability, gan.directions, vae,
                                        preview_every, check=check, setup=gan.inversion_setup)
        return target, run()

    def invert(self, image: np.ndarray, steps: int = 200, editability: float = 0.5,
               progress: ProgressFn | None = None, fit: str = "crop") -> inversion.Step:
        """GAN inversion run to the end (headless use): the final step, with w and its image."""
        _, run = self.invert_steps(image, steps, editability, preview_every=0, fit=fit)
        for step in run:
            if progress is not None:
                progress(step.step / max(1, step.steps), step_of("Inverting", step.step, step.steps))
        return step


def _way_back(nets: list[nn.Module]) -> Callable[[], None]:
    """What puts nets' weights and buffers back as they are now, after a Module.to that failed halfway. Module.to
    swaps each tensor for a copy on the new device (a parameter's .data, or the parameter itself, and each buffer):
    putting the tensors held here back needs no memory and cannot fail, where copying them back could run out too.
    Held until the switch ends, they keep on the old device only what was there before it began."""
    held = [(slots, key, tensor, tensor.data) for net in nets for module in net.modules()
            for slots in (module._parameters, module._buffers) for key, tensor in slots.items() if tensor is not None]

    def back() -> None:
        for slots, key, tensor, data in held:
            if isinstance(tensor, nn.Parameter):  # a buffer is only ever replaced in its slot
                tensor.data = data
            slots[key] = tensor
    return back


def _digest(latent: np.ndarray) -> bytes:
    """A hash of a latent as decode() reads it: float32 values and their shape."""
    values = np.ascontiguousarray(latent, np.float32)
    digest = hashlib.blake2b(repr(values.shape).encode(), digest_size=16)
    digest.update(values.tobytes())
    return digest.digest()


def _pass(tiles: TileProgress | None, doing: str) -> TileSteps | None:
    return None if tiles is None else lambda done, total: tiles(doing, done, total)


def _fitted(image: np.ndarray, size: int, fit: str) -> np.ndarray:
    return np.asarray(fit_square(to_rgb(Image.fromarray(image)), size, Fit(fit)), np.uint8)
