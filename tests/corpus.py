"""The bad-input corpus, made on the fly: broken and hostile image and model files, and awkward
images that must open. Shared by test_bad_input.py and test_security.py; nothing is downloaded."""
from __future__ import annotations

import io
import json
import shutil
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from PIL import Image

from genimg_gui.models.weights import CARD_NAME, WEIGHTS_NAME

MARKER = "PWNED"  # what a code-running payload creates beside itself; its presence means code ran

# --- crafted bytes -------------------------------------------------------


def png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height RGB over a few bytes of data: a decompression
    bomb as it looks before decoding. Making it allocates nothing."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + png_chunk(b"IEND", b""))


def gif_declaring(width: int, height: int) -> bytes:
    screen = struct.pack("<HHBBB", width, height, 0, 0, 0)
    frame = b"," + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x44\x01\x00"
    return b"GIF89a" + screen + frame + b";"


def encoded(im: Image.Image, fmt: str, **options) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **options)
    return buf.getvalue()


def noise(h: int = 48, w: int = 40, seed: int = 0) -> Image.Image:
    return Image.fromarray(np.random.default_rng(seed).integers(0, 255, (h, w, 3), np.uint8))


def halves(h: int, w: int, left, right, mode: str = "RGB") -> Image.Image:
    """Left half one colour, right half another (tells rotations and transparency apart)."""
    im = Image.new(mode, (w, h), left)
    im.paste(Image.new(mode, (w - w // 2, h), right), (w // 2, 0))
    return im


def with_exif_orientation(path: Path, orientation: int) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    halves(20, 40, (255, 0, 0), (0, 0, 255)).save(path, "JPEG", exif=exif, quality=95)


class RunsCode:
    """Unpickling this calls exec, as a malicious model file would; the code creates MARKER."""

    def __init__(self, folder: Path) -> None:
        self.target = str(folder / MARKER)

    def __reduce__(self):
        return exec, (f"__import__('pathlib').Path({self.target!r}).write_text('code ran')",)


def code_pickle(folder: Path) -> bytes:
    import pickle

    return pickle.dumps(RunsCode(folder))


def torch_code_pickle(folder: Path) -> bytes:
    buf = io.BytesIO()
    torch.save({"state_dict": RunsCode(folder)}, buf)
    return buf.getvalue()


# --- images that must fail ----------------------------------------------

@dataclass(frozen=True)
class BadImage:
    name: str                            # the file's name
    make: Callable[[Path], object]       # writes the file (or folder) at the path
    says: tuple[str, ...]                # words the message must hold, besides the file's name
    unreadable: bool = False             # the path loses read permission
    max_pixels: int | None = None        # the size setting in force


def _write(data: bytes | Callable[[], bytes]):
    return lambda p: p.write_bytes(data() if callable(data) else data)


def _cut(data: bytes, fraction: float) -> bytes:
    return data[: int(len(data) * fraction)]


def _flip_idat(data: bytes) -> bytes:
    b = bytearray(data)
    i = b.index(b"IDAT")
    b[i + 6:i + 14] = b"\xff" * 8
    return bytes(b)


TOO_BIG = ("megapixels", "above the limit", "GENIMG_MAX_PIXELS")
BAD_IMAGES = {
    "zero-bytes": BadImage("empty.png", _write(b""), ("empty", "0 bytes")),
    "text-named-png": BadImage("notes.png", lambda p: p.write_text("shopping list: eggs, milk\n"), ("holds text",)),
    "random-bytes": BadImage("noise.png", _write(np.random.default_rng(1).bytes(600)), ("not an image", "supported")),
    "png-signature-only": BadImage("sig.png", _write(b"\x89PNG\r\n\x1a\n"), ("PNG", "damaged")),
    "truncated-png": BadImage("cut.png", _write(lambda: _cut(encoded(noise(), "PNG"), 0.6)),
                              ("damaged", "cut short", "end is missing")),
    "corrupt-png-data": BadImage("scrambled.png", _write(lambda: _flip_idat(encoded(noise(), "PNG"))),
                                 ("damaged", "garbled")),
    "truncated-jpeg": BadImage("cut.jpg", _write(lambda: _cut(encoded(noise(), "JPEG"), 0.4)),
                               ("damaged", "cut short", "end is missing")),
    "jpeg-header-only": BadImage("header.jpg", _write(lambda: encoded(noise(), "JPEG")[:200]), ("damaged",)),
    "corrupt-jpeg": BadImage("garbled.jpg", _write(lambda: encoded(noise(), "JPEG")[:2] + bytes(300)),
                             ("JPEG", "damaged")),
    "bomb-png-100000x100000": BadImage("bomb.png", _write(png_declaring(100_000, 100_000)), TOO_BIG),
    "png-20000x20000": BadImage("huge.png", _write(png_declaring(20_000, 20_000)), ("400 megapixels",) + TOO_BIG),
    "png-15000x15000": BadImage("large.png", _write(png_declaring(15_000, 15_000)), ("225 megapixels",) + TOO_BIG),
    "bomb-gif": BadImage("bomb.gif", _write(gif_declaring(65_535, 65_535)), TOO_BIG),
    "over-the-setting": BadImage("small.png", lambda p: noise(20, 30).save(p),  # a small limit is said in pixels
                                 ("30x20 = 600 pixels", "limit of 599 pixels") + TOO_BIG[1:], max_pixels=599),
    "eps-needs-ghostscript": BadImage("drawing.eps", lambda p: Image.new("RGB", (8, 8)).save(p, "EPS"),
                                      ("not an image in a format genimg reads",)),
    "folder": BadImage("photos.png", lambda p: p.mkdir(), ("is a folder",)),
    "missing": BadImage("gone.png", lambda p: None, ("does not exist",)),
    "no-read-permission": BadImage("secret.png", lambda p: noise().save(p), ("no permission",), unreadable=True),
}


# --- images that must open ----------------------------------------------

@dataclass(frozen=True)
class Awkward:
    name: str
    make: Callable[[Path], object]
    check: Callable[[np.ndarray], bool]  # on the RGB array open_image gives


def _palette_transparent(p: Path) -> None:
    im = Image.new("P", (8, 8), 1)
    im.putpalette([0, 0, 255, 0, 255, 0] + [0, 0, 0] * 254)
    im.paste(0, (0, 0, 4, 8))  # left half: index 0, transparent
    im.save(p, transparency=0)


def _gif(p: Path) -> None:
    frames = [Image.new("RGB", (6, 5), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    frames[0].save(p, "GIF", save_all=True, append_images=frames[1:], duration=50, loop=0)


def _mpo(p: Path) -> None:  # a phone's multi-picture JPEG: the first picture is the photo
    Image.new("RGB", (20, 10), (255, 0, 0)).save(p, "MPO", save_all=True,
                                                 append_images=[Image.new("RGB", (20, 10), (0, 0, 255))])


def _near(a: np.ndarray, colour, tol: int = 12) -> bool:
    return bool(np.abs(a.reshape(-1, 3).astype(int) - colour).max() <= tol)


AWKWARD_IMAGES = {
    "1x1": Awkward("dot.png", lambda p: Image.new("RGB", (1, 1), (10, 200, 30)).save(p),
                   lambda a: a.shape == (1, 1, 3) and _near(a, (10, 200, 30), 0)),
    "16-bit-dark": Awkward("deep.png", lambda p: Image.fromarray(np.array([[0, 1000, 65535]], np.uint16)).save(p),
                           lambda a: a[0, :, 0].tolist() == [0, 4, 255]),
    "cmyk-jpeg": Awkward("print.jpg", lambda p: Image.new("CMYK", (9, 7), (0, 255, 255, 0)).save(p, "JPEG"),
                         lambda a: a.shape == (7, 9, 3) and _near(a, (255, 0, 0))),
    "palette-transparency": Awkward("palette.png", _palette_transparent,
                                    lambda a: _near(a[:, :4], (255, 255, 255), 0) and _near(a[:, 4:], (0, 255, 0), 0)),
    "grey-alpha": Awkward("la.png", lambda p: halves(6, 8, (0, 0), (100, 255), "LA").save(p),
                          lambda a: _near(a[:, :4], (255, 255, 255), 0) and _near(a[:, 4:], (100, 100, 100), 0)),
    "animated-gif": Awkward("anim.gif", _gif, lambda a: a.shape == (5, 6, 3) and _near(a, (255, 0, 0), 0)),
    "exif-rotate-90": Awkward("phone.jpg", lambda p: with_exif_orientation(p, 6),  # stored left edge is now the top
                              lambda a: a.shape == (40, 20, 3) and _near(a[:15], (255, 0, 0), 40)
                              and _near(a[25:], (0, 0, 255), 40)),
    "exif-rotate-180": Awkward("upside.jpg", lambda p: with_exif_orientation(p, 3),
                               lambda a: a.shape == (20, 40, 3) and _near(a[:, :15], (0, 0, 255), 40)
                               and _near(a[:, 25:], (255, 0, 0), 40)),
    "exif-rotate-270": Awkward("other way.jpg", lambda p: with_exif_orientation(p, 8),
                               lambda a: a.shape == (40, 20, 3) and _near(a[:15], (0, 0, 255), 40)
                               and _near(a[25:], (255, 0, 0), 40)),
    "mpo-phone-jpeg": Awkward("IMG_0001.JPG", _mpo, lambda a: a.shape == (10, 20, 3) and _near(a, (255, 0, 0))),
    "png-named-jpg": Awkward("really a png.jpg", lambda p: Image.new("RGB", (5, 5), (1, 2, 3)).save(p, "PNG"),
                             lambda a: _near(a, (1, 2, 3), 0)),
    "float-tiff": Awkward("scan.tif", lambda p: Image.fromarray(np.linspace(0, 1, 12, dtype=np.float32)
                                                                 .reshape(3, 4), "F").save(p),
                          lambda a: a.min() == 0 and a.max() == 255),
    "lab-tiff": Awkward("lab.tif", lambda p: Image.new("LAB", (4, 3), (128, 128, 128)).save(p),
                        lambda a: _near(a, (119, 119, 119), 3)),
    "webp-transparent": Awkward("sticker.webp", lambda p: Image.new("RGBA", (6, 6), (0, 0, 0, 0)).save(p, "WEBP"),
                                lambda a: _near(a, (255, 255, 255), 0)),
    "unicode-name": Awkward("café 猫 🙂.png", lambda p: Image.new("RGB", (7, 7), (9, 9, 9)).save(p),
                            lambda a: _near(a, (9, 9, 9), 0)),
    "spaces-in-name": Awkward("  my  holiday photo .png", lambda p: Image.new("RGB", (7, 7), (5, 50, 5)).save(p),
                              lambda a: _near(a, (5, 50, 5), 0)),
    "url-characters-in-name": Awkward("100% #1 ?&=.png", lambda p: Image.new("RGB", (7, 7), (70, 7, 7)).save(p),
                                      lambda a: _near(a, (70, 7, 7), 0)),
}


# --- model files that must fail ------------------------------------------

@dataclass(frozen=True)
class BadModel:
    name: str                                  # the file or folder the user points at
    make: Callable[[Path, Path, Path], object]  # (path, good VAE folder, good GAN folder)
    says: tuple[str | tuple[str, ...], ...]    # words the message must hold; a tuple: any one of them
    runs_code: bool = False                    # holds a payload that must never run


def _model(card_edit: Callable[[dict], object] | None = None, weights: bytes | Callable | None = None,
           source: str = "vae", card_text: str | bytes | None = None):
    """A copy of a good model folder, then its card edited or replaced, or its weights replaced."""
    def make(path: Path, vae: Path, gan: Path) -> None:
        shutil.copytree(vae if source == "vae" else gan, path)
        card = json.loads((path / CARD_NAME).read_text())
        if card_edit is not None:
            card_edit(card)
            (path / CARD_NAME).write_text(json.dumps(card))
        if card_text is not None:
            (path / CARD_NAME).write_bytes(card_text if isinstance(card_text, bytes) else card_text.encode())
        if weights is not None:
            data = weights(path, vae, gan) if callable(weights) else weights
            if data is None:
                (path / WEIGHTS_NAME).unlink()
            else:
                (path / WEIGHTS_NAME).write_bytes(data)
    return make


def _nan_decoder(path: Path, vae: Path, gan: Path) -> bytes:
    from safetensors.torch import load_file, save

    state = load_file(str(vae / WEIGHTS_NAME))
    for key in state:
        if key.startswith("decoder"):
            state[key] = torch.full_like(state[key], float("nan"))
    return save(state)


def _set(**fields):
    return lambda card: card.update(fields)


def _set_config(**fields):
    return lambda card: card["config"].update(fields)


BARE_FILE = (("is a file", "not a genimg model folder", "not a readable", "cannot be read", "never", "unpickl",
              "not supported", "unsupported", "genimg opens"),)
SAFETENSORS = ("not a readable safetensors file",)
BAD_MODELS = {
    "missing-folder": BadModel("nowhere", lambda p, v, g: None, ("does not exist",)),
    "folder-without-card": BadModel("no-card", lambda p, v, g: (p.mkdir(), shutil.copy(v / WEIGHTS_NAME, p)),
                                    ("no card.json",)),
    "empty-file": BadModel("empty.safetensors", lambda p, v, g: p.write_bytes(b""), BARE_FILE),
    "random-bytes-file": BadModel("random.ckpt", lambda p, v, g: p.write_bytes(np.random.default_rng(2).bytes(999)),
                                  BARE_FILE),
    "pt-needing-full-unpickling": BadModel("net.pt", lambda p, v, g: torch.save(torch.nn.Linear(2, 2), p), BARE_FILE),
    "code-running-pickle": BadModel("network.pkl", lambda p, v, g: p.write_bytes(code_pickle(p.parent)),
                                    BARE_FILE, runs_code=True),
    "code-pickle-as-weights": BadModel("pickled-weights", _model(weights=lambda p, v, g: code_pickle(p.parent)),
                                       SAFETENSORS, runs_code=True),
    "torch-pickle-as-weights": BadModel("torch-weights", _model(weights=lambda p, v, g: torch_code_pickle(p.parent)),
                                        SAFETENSORS, runs_code=True),
    "empty-weights": BadModel("empty-weights", _model(weights=b""), SAFETENSORS),
    "random-weights": BadModel("random-weights", _model(weights=np.random.default_rng(3).bytes(5000)), SAFETENSORS),
    "huge-header-weights": BadModel("lying-header", _model(weights=struct.pack("<Q", 2 ** 62) + b"{}"), SAFETENSORS),
    "missing-weights": BadModel("card-only", _model(weights=lambda p, v, g: None), ("missing weights file",)),
    "wrong-shape-weights": BadModel("gan-weights", _model(weights=lambda p, v, g: (g / WEIGHTS_NAME).read_bytes()),
                                    ("does not match its card", "its weights are a GAN's, not a VAE's")),
    "nan-weights": BadModel("diverged", _model(weights=_nan_decoder), ("NaN", "decoder")),
    "card-is-a-list": BadModel("list-card", _model(card_text="[1, 2, 3]"), ("not a genimg model card",)),
    "card-not-json": BadModel("bad-json", _model(card_text="{'kind': vae"), ("not valid JSON",)),
    "card-not-utf8": BadModel("latin1-card", _model(card_text=b'{"name": "caf\xe9"}'), ("not valid JSON",)),
    "card-nested-too-deep": BadModel("deep-card", _model(card_text="[" * 200_000 + "]" * 200_000),
                                     ("not valid JSON",)),
    "card-wrong-format": BadModel("other-format", _model(_set(format="keras")), ('"format" must be',)),
    "card-missing-config": BadModel("no-config", _model(lambda c: c.pop("config")), ("lacks", "config")),
    "card-unknown-architecture": BadModel("unknown-arch", _model(_set(architecture="UNet")),
                                          ("unknown architecture", "ConvVAE")),
    "card-architecture-not-text": BadModel("arch-list", _model(_set(architecture=["ConvVAE"])),
                                           ("unknown architecture",)),
    "card-kind-mismatch": BadModel("vae-called-gan", _model(_set(kind="gan")), ('"kind"', "vae")),
    "card-config-not-object": BadModel("config-null", _model(_set(config=None)), ("JSON object",)),
    "card-resolution-not-a-number": BadModel("res-text", _model(_set_config(resolution="big")),
                                             ("config is invalid", "big")),
    "card-negative-channels": BadModel("negative", _model(_set_config(channels=[-8, 16])),
                                       ("config is invalid", "negative")),
    "card-resolution-zero": BadModel("zero-res", _model(_set_config(resolution=0)), ("resolution 0", "positive")),
    # the sizes the card states, edited by hand: each named with its value and what the network has
    "card-resolution-off": BadModel("res-63", _model(_set(resolution=63)),
                                    ("card.json says resolution 63", "draws 32×32", "correct the card")),
    "card-resolution-null": BadModel("res-null", _model(_set(resolution=None)),
                                     ("resolution null", "positive whole number")),
    "card-resolution-words": BadModel("res-px", _model(_set(resolution="64px")),
                                      ('resolution "64px"', "positive whole number")),
    "card-resolution-negative": BadModel("res-neg", _model(_set(resolution=-64)),
                                         ("resolution -64", "positive whole number")),
    "card-resolution-0": BadModel("res-0", _model(_set(resolution=0)), ("resolution 0", "positive whole number")),
    "card-latent-shape-off": BadModel("shape-off", _model(_set(latent_shape=[2, 8, 8])),
                                      ("latent_shape [2, 8, 8]", "2×16×16", "correct the card")),
    "card-latent-shape-words": BadModel("shape-words", _model(_set(latent_shape="2x16x16")),
                                        ('latent_shape "2x16x16"', "positive whole numbers")),
    "card-resolution-in-card-and-config": BadModel("res-both", _model(lambda c: (c.update(resolution=64),
                                                                                  c["config"].update(resolution=64))),
                                                   ("latent_shape [2, 16, 16]", "resolution 64", "2×32×32")),
    "card-giant-network": BadModel("giant", _model(_set_config(channels=[100_000, 100_000])),
                                   ("does not match its card", "100000")),
}
