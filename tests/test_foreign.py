"""Models from elsewhere, below the UI: identify() on real layouts and junk, convert() and its cache,
the Runtime on converted SD VAE / TAESD / StyleGAN2 models (photos at their own size, latents
(C, h, w), per-channel directions), and edit.py's spatial broadcast."""
from __future__ import annotations

import io
import os
import re
import struct
import time

import numpy as np
import pytest
import torch

import foreign_builders as fb
from genimg_gui.edit import Directions, EditState, edited_latent, shift
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models import foreign
from genimg_gui.models.sd_vae_files import load_sd_vae
from genimg_gui.models.state_files import read_state_file
from genimg_gui.models.weights import CARD_NAME, WEIGHTS_NAME, ModelFileError, load_model, read_card
from genimg_gui.typicality import UNUSUAL_BELOW, prior_distance, reading

SD_SCALE = foreign.SD_SCALES["SD 1.x / 2.x"]
# what a message about a damaged file must not hold: an exception's class, torch's or safetensors' own words
JARGON = re.compile(r"[A-Z]\w*Error\b|Error\(s\)|state_dict|Unpickl|Safetensor|PytorchStreamReader|weights_only")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture()
def files(tmp_path):
    marker = tmp_path / "CODE_RAN"
    made = {"sd-ldm": fb.sd_vae_file(tmp_path / "vae-ft-mse.safetensors"),
            "sd-diffusers": fb.sd_vae_file(tmp_path / "sdxl_vae.safetensors", "diffusers"),
            "sd-checkpoint": fb.sd_vae_file(tmp_path / "v1-5-pruned.safetensors", "checkpoint"),
            "taesd-pair": fb.taesd_pair(tmp_path)[0],
            "taesd-diffusers": fb.taesd_diffusers_file(tmp_path / "taesdxl.safetensors"),
            "stylegan": fb.stylegan_pickle(tmp_path / "network-snapshot.pkl", marker),
            "stylegan-conditional": fb.conditional_stylegan_pickle(tmp_path / "cond.pkl", marker, c_dim=3),
            "unet": fb.unet_only_file(tmp_path / "unet.safetensors"),
            "malicious": fb.malicious_pickle(tmp_path / "evil.pkl", marker)}
    made.update(fb.junk_files(tmp_path))
    yield made
    assert not marker.exists(), "code from a file ran"


EXPECTED = {  # name -> (kind, words in the description)
    "sd-ldm": ("sd-vae", "Stable Diffusion VAE (LDM layout)"),
    "sd-diffusers": ("sd-vae", "Stable Diffusion VAE (diffusers layout)"),
    "sd-checkpoint": ("sd-vae", "full Stable Diffusion checkpoint"),
    "taesd-pair": ("taesd", "encoder/decoder pair"),
    "taesd-diffusers": ("taesd", "AutoencoderTiny"),
    "stylegan": ("stylegan", "StyleGAN2 network pickle (16×16"),
    "stylegan-conditional": ("stylegan", "StyleGAN2 network pickle (16×16 generator, conditional on 3 classes)"),
    "unet": ("unsupported", "UNet without its VAE"),
    "malicious": ("unsupported", "builtins.exec"),
    "empty": ("unsupported", "an empty file"),
    "random": ("unsupported", "no checkpoint at all: its bytes are neither a torch zip nor a pickle"),
    "png": ("unsupported", "a PNG image"),
    "text": ("unsupported", "a text file"),
    "pickle-list": ("unsupported", "holds a list"),
}


def test_identify_says_what_each_file_is(files, tmp_path):
    for name, path in files.items():
        found = foreign.identify(path)
        kind, words = EXPECTED[name]
        assert (found.kind, words in found.description) == (kind, True), (name, found)
        assert found.needs_scale == (kind == "sd-vae")
    (tmp_path / "no-card").mkdir()
    assert foreign.identify(tmp_path / "no-card").kind == "unsupported"
    with pytest.raises(ModelFileError, match="does not exist"):
        foreign.identify(tmp_path / "nowhere.safetensors")


def test_a_text_file_is_one_whatever_its_suffix_and_a_refused_pickle_is_no_random_bytes(files, tmp_path):
    """readme.pkl was "a pickle genimg cannot read: it is not a network pickle", and random bytes named .ckpt were
    said as a malicious one is ("cannot be read as plain tensors (UnpicklingError …)")."""
    (tmp_path / "readme.pkl").write_text("This is a README, not a network.\n")
    assert foreign.identify(tmp_path / "readme.pkl").description == "a text file"
    (tmp_path / "evil.ckpt").write_bytes(files["malicious"].read_bytes())  # a pickle the weights-only load refuses
    assert "cannot be read as plain tensors" in foreign.identify(tmp_path / "evil.ckpt").description
    assert foreign.identify(files["random"]).description.startswith("no checkpoint at all")


class _CallsSystem:
    """Pickled, it calls os.system (never run here: the marker's touch is what would show it ran)."""

    def __init__(self, marker) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize("name", ["evil_p0.pkl", "evil_p0.pt", "evil_p0"])
def test_a_text_format_pickle_is_refused_for_what_it_calls_as_a_binary_one_is(tmp_path, name):
    """A protocol-0 pickle is printable ASCII ("cposix\nsystem\n…"): it was "evil_p0.pkl is a text file", where
    a binary one says what it would call."""
    import pickle

    marker = tmp_path / "CODE_RAN"
    (tmp_path / name).write_bytes(pickle.dumps(_CallsSystem(marker), protocol=0))
    (tmp_path / "evil_p2.pkl").write_bytes(pickle.dumps(_CallsSystem(marker), protocol=2))
    said = foreign.identify(tmp_path / name).description
    assert f"would call {os.system.__module__}.system" in said and "text" not in said, said
    if name.endswith(".pkl"):  # word for word as the binary pickle's
        assert said == foreign.identify(tmp_path / "evil_p2.pkl").description
    assert not marker.exists()


def test_a_text_file_is_still_one_and_no_pickle():
    """The pickle rule reads opcodes, not guesses: text that starts with opcodes' letters stays text."""
    from genimg_gui.file_damage import TEXT_SAMPLE, is_pickle, is_text

    for text in (b"Notes on this model\n", b"(draft) README\n", b"I like it\n", b"cats\n", b"N", b"x" * TEXT_SAMPLE):
        assert is_text(text) and not is_pickle(text), text
    import pickle
    long = pickle.dumps({"tensor": list(range(5000))}, protocol=0)[:TEXT_SAMPLE]  # cut by the sample's end
    assert is_pickle(long) and not is_text(long)


def test_damaged_weights_files_say_what_is_wrong_in_plain_words(files, tmp_path):
    """`genimg info`, `--vae FILE` and the window's Open model… said a torch file cut short was "a zip archive", and
    garbled ones "cannot be read as plain tensors (UnpicklingError: Weights only load failed)", a safetensors header
    that is no JSON "(JSONDecodeError: Expecting property name …)": the error's class, not what is wrong."""
    whole = tmp_path / "whole.pth"
    torch.save(read_state_file(files["taesd-diffusers"]), whole)
    module = io.BytesIO()
    torch.save(torch.nn.Linear(2, 2), module)  # a whole network pickled where its tensors belong
    damaged = {"cut.pth": (whole.read_bytes()[: whole.stat().st_size // 2],
                           "a damaged torch file (it is cut short: its end is missing)"),
               "garbled.ckpt": (b"\x80\x02" + bytes(range(256)) * 2, "cannot be read as plain tensors (its data is "
                                                                       "garbled); genimg never runs code"),
               "header.safetensors": (struct.pack("<Q", 10) + b"{not json}" + bytes(8),
                                      "a damaged file, not a readable safetensors file (its header is garbled)"),
               "module.pt": (module.getvalue(), "cannot be read as plain tensors (it would call "
                                                "torch.nn.modules.linear.Linear, which plain tensors never need)")}
    for name, (data, said) in damaged.items():
        (tmp_path / name).write_bytes(data)
        description = foreign.identify(tmp_path / name).description
        assert said in description and not JARGON.search(description), (name, description)
    with pytest.raises(ModelFileError) as e:  # read as an SD VAE or a TAESD file is
        read_state_file(tmp_path / "cut.pth")
    assert "cut.pth cannot be read as plain tensors (it is cut short: its end is missing)" in str(e.value)
    assert not JARGON.search(str(e.value)), e.value


def test_unsupported_files_say_what_they_look_like_and_what_works(files, tmp_path):
    for name in ("unet", "malicious", "empty", "png", "text"):
        with pytest.raises(ModelFileError) as e:
            foreign.convert(files[name], tmp_path / "cache")
        text = str(e.value)
        assert files[name].name in text and EXPECTED[name][1] in text and "genimg opens" in text, text
        assert "StyleGAN2" in text and "TAESD" in text
    assert not (tmp_path / "cache").exists()


def test_sd_vae_needs_a_scale_guessed_from_its_name(files, tmp_path):
    for name, guess in (("sd-ldm", "SD 1.x / 2.x"), ("sd-diffusers", "SDXL")):
        with pytest.raises(foreign.NeedsScale) as e:
            foreign.convert(files[name], tmp_path / "cache")
        assert e.value.guess == guess == foreign.guess_scale_label(files[name])
        assert "0.18215" in str(e.value) and "0.13025" in str(e.value)


def test_convert_makes_an_ordinary_model_folder_and_caches_it(files, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    folder = foreign.convert(files["sd-diffusers"], cache, foreign.SD_SCALES["SDXL"])
    card = read_card(folder)
    assert (card["architecture"], card["kind"], card["spatial"]) == ("AutoencoderKL", "vae", True)
    assert card["source"] == {"file": "sdxl_vae.safetensors", "path": str(files["sd-diffusers"].resolve()),
                              "type": "a Stable Diffusion VAE (diffusers layout)", "scaling_factor": 0.13025,
                              "scale_label": "SDXL"}
    net, _ = load_model(folder)  # the usual strict, safetensors-only load
    direct = load_sd_vae(files["sd-diffusers"], 0.13025)
    x = torch.rand(1, 3, 16, 24) * 2 - 1
    with torch.no_grad():
        assert torch.equal(net.encode(x)[0], direct.encode(x)[0])

    built = []
    stamp = (folder / WEIGHTS_NAME).stat().st_mtime_ns
    with monkeypatch.context() as no_build:  # not monkeypatch.undo(): that undoes the suite's user folders too
        no_build.setattr(foreign, "_build", lambda *a: built.append(a))
        assert foreign.convert(files["sd-diffusers"], cache, 0.13025) == folder  # a cache hit: nothing rebuilt
    assert built == [] and (folder / WEIGHTS_NAME).stat().st_mtime_ns == stamp
    other = foreign.convert(files["sd-diffusers"], cache, SD_SCALE)  # another scale is another model
    assert other != folder and read_card(other)["config"]["scaling_factor"] == SD_SCALE
    os.utime(files["sd-diffusers"], ns=(time.time_ns(), time.time_ns() + 10**9))  # the file changed
    assert foreign.convert(files["sd-diffusers"], cache, SD_SCALE) not in (folder, other)


def test_taesd_and_stylegan_convert_without_a_question(files, tmp_path):
    for name, arch, kind in (("taesd-pair", "TAESD", "vae"), ("taesd-diffusers", "TAESD", "vae"),
                             ("stylegan", "StyleGAN2Generator", "gan")):
        folder = foreign.convert(files[name], tmp_path / "cache")
        card = read_card(folder)
        assert (card["architecture"], card["kind"], card["spatial"]) == (arch, kind, kind == "vae")
        assert "scaling_factor" not in card["source"]
    assert read_card(foreign.convert(files["taesd-pair"], tmp_path / "cache"))["name"] == "taesd"
    from genimg_gui.catalog import converted_dir, converted_models, is_model_file

    mine = foreign.convert(files["stylegan"], converted_dir())  # the app's cache (GENIMG_DATA_DIR in tests)
    assert [(e.path, e.kind, e.card["source"]["file"]) for e in converted_models()] == \
        [(str(mine), "gan", "network-snapshot.pkl")]
    assert all(is_model_file(p) for p in files.values()) and not is_model_file("photo.PNG")
    genimg_folder = foreign.convert(files["stylegan"], tmp_path / "cache")
    assert foreign.convert(genimg_folder, tmp_path / "elsewhere") == genimg_folder
    assert foreign.convert(genimg_folder / CARD_NAME, tmp_path / "elsewhere") == genimg_folder


def test_a_diffusers_folder_converts_as_its_weights_file_at_the_scale_of_its_config(tmp_path):
    """An SD VAE folder from the hub (config.json + diffusion_pytorch_model.safetensors) was "not a genimg model
    folder: it has no card.json"; its file asked the scale config.json records, and was named
    "diffusion_pytorch_model"."""
    folder = tmp_path / "sdxl-vae-fp16-fix"
    folder.mkdir()
    weights = fb.sd_vae_file(folder / "diffusion_pytorch_model.safetensors", "diffusers")
    (folder / "config.json").write_text('{"_class_name": "AutoencoderKL", "scaling_factor": 0.13025}')
    assert foreign.identify(folder).kind == "sd-vae"
    converted = foreign.convert(folder, tmp_path / "cache")  # no NeedsScale: the config says it
    card = read_card(converted)
    assert card["name"] == "sdxl-vae-fp16-fix" and converted.name.startswith("sdxl-vae-fp16-fix-")
    assert (card["config"]["scaling_factor"], card["source"]["scale_from"]) == (0.13025, "config.json")
    assert foreign.convert(weights, tmp_path / "cache") == converted  # the file inside is the same model
    assert read_card(foreign.convert(weights, tmp_path / "other-cache"))["name"] == "sdxl-vae-fp16-fix"
    (folder / "config.json").write_text("[1, 2]")  # a config without the scale: the question again
    with pytest.raises(foreign.NeedsScale):
        foreign.convert(folder, tmp_path / "third-cache")


def test_a_whole_pipeline_folder_opens_as_its_vae_named_after_the_pipeline(tmp_path):
    """A diffusers pipeline's folder (model_index.json, its VAE in vae/) was "a folder without card.json", and its
    vae/ opened as a model named "vae" (every pipeline's VAE folder is so named)."""
    pipeline = tmp_path / "sd15"
    (pipeline / "vae").mkdir(parents=True)
    fb.sd_vae_file(pipeline / "vae" / "diffusion_pytorch_model.safetensors", "diffusers")
    (pipeline / "vae" / "config.json").write_text('{"_class_name": "AutoencoderKL", "scaling_factor": 0.18215}')
    (pipeline / "model_index.json").write_text('{"_class_name": "StableDiffusionPipeline"}')
    for opened in (pipeline, pipeline / "vae"):
        card = read_card(foreign.convert(opened, tmp_path / "cache"))
        assert (card["name"], card["config"]["scaling_factor"]) == ("sd15-vae", 0.18215)


def test_a_file_converted_before_opens_at_the_scale_chosen_then(files, tmp_path):
    """The scale question came back at every open of a file whose conversion was cached."""
    cache, path = tmp_path / "cache", files["sd-ldm"]
    chosen = foreign.convert(path, cache, foreign.SD_SCALES["SDXL"])
    assert foreign.convert(path, cache) == chosen  # no NeedsScale
    other = foreign.convert(path, cache, SD_SCALE)  # another scale, asked explicitly: the newest conversion
    assert other != chosen and foreign.convert(path, cache) == other
    # chosen again (the Models tab's Latent scale…): its conversion, made before, is the one a plain open loads
    assert foreign.convert(path, cache, foreign.SD_SCALES["SDXL"]) == chosen and foreign.convert(path, cache) == chosen
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))  # the file changed: its conversions are stale
    with pytest.raises(foreign.NeedsScale):
        foreign.convert(path, cache)


def test_a_reopened_conversion_is_named_by_the_users_file(files):
    """After a restart the window reopens the cache folder, and said "Loaded taesd from ~/.local/share/genimg/
    models/taesd_decoder-…"."""
    from genimg_gui.catalog import converted_dir
    rt = Runtime("cpu")
    folder = foreign.convert(files["taesd-pair"], converted_dir())
    assert rt.load(str(folder), lambda *_: None).source == str(files["taesd-pair"].resolve())


# --- the Runtime on converted models ------------------------------------------------------------

@pytest.fixture()
def photo() -> np.ndarray:
    """A 200x120 picture with structure (gradients and a disc), not noise."""
    y, x = np.mgrid[0:120, 0:200]
    disc = ((x - 70) ** 2 + (y - 60) ** 2 < 35**2)[..., None]
    image = np.stack([x * 255 / 199, y * 255 / 119, np.full_like(x, 90.0)], -1)
    return np.where(disc, [230, 40, 40], image).astype(np.uint8)


def test_runtime_loads_an_sd_vae_file_and_edits_photos_at_their_own_size(files, photo, monkeypatch):
    rt = Runtime("cpu")
    with pytest.raises(foreign.NeedsScale):
        rt.load(str(files["sd-ldm"]), lambda *_: None)
    info = rt.load(str(files["sd-ldm"]), lambda *_: None, SD_SCALE)
    assert (info.kind, info.spatial, info.latent_size, info.source) == ("vae", True, 4, str(files["sd-ldm"]))
    assert info.path != info.source and info.card["source"]["file"] == files["sd-ldm"].name
    d = info.directions
    assert d.basis.shape == (4, 4) and np.allclose(d.basis @ d.basis.T, np.eye(4), atol=1e-4)
    assert np.all(d.sigma > 0) and d.explained.sum() == pytest.approx(1.0, abs=1e-4)

    original, latent, recon = rt.encode(photo, "crop")  # fit is for square models only
    assert original.shape == recon.shape == (120, 200, 3) and np.array_equal(original, photo)
    assert latent.shape == (4, 60, 100) and latent.dtype == np.float32  # downscale 2 in the tiny VAE
    assert np.array_equal(rt.decode("vae", latent), recon)
    edited = edited_latent(EditState(latent, (2.0,)), d)
    assert not np.array_equal(rt.decode("vae", edited), recon)
    with pytest.raises(ValueError, match=r"expects \(4, height, width\)"):
        rt.decode("vae", latent.ravel())
    assert rt.encode_latent(photo, "crop").shape == (4,)
    assert rt.encode_latent(photo, "crop") == pytest.approx(latent.mean(axis=(1, 2)), abs=1e-5)

    rt.max_side = 100  # a larger photo is scaled down, keeping its aspect
    small, small_latent, _ = rt.encode(photo, "crop")
    assert small.shape == (60, 100, 3) and small_latent.shape == (4, 30, 50)
    odd, odd_latent, _ = Runtime.encode(rt, photo[:117, :201], "crop")
    assert odd.shape[:2] == (58, 100)  # 201x117 scaled to 100 and rounded to multiples of 2
    monkeypatch.setenv("GENIMG_MAX_SIDE", "64")
    assert Runtime("cpu").max_side == 64
    monkeypatch.delenv("GENIMG_MAX_SIDE")
    from genimg_gui.engine import spatial
    assert Runtime("cpu").max_side == 512  # interactive on a CPU
    assert spatial.max_side_setting("cuda") == spatial.max_side_setting("mps") == 2048
    monkeypatch.setenv("GENIMG_MAX_SIDE", "nonsense")
    assert spatial.max_side_setting("cuda") == 2048


@pytest.mark.parametrize("text", ["inf", "1e400", "-3", "0", "nan", "abc"])
def test_a_max_side_that_is_no_positive_number_is_named_once_and_the_default_kept(text, monkeypatch, capsys):
    """"inf" was an OverflowError traceback from every command (Runtime reads it), and the others were dropped
    without a word; read on every model load, the note comes once."""
    from genimg_gui.engine import spatial

    monkeypatch.setenv("GENIMG_MAX_SIDE", text)
    assert Runtime("cpu").max_side == 512 and spatial.max_side_setting("cuda") == 2048
    assert Runtime("cpu").max_side == 512
    notes = capsys.readouterr().err.splitlines()
    assert notes == [f"genimg: note: GENIMG_MAX_SIDE={text!r} is not a positive number of pixels a side; using the "
                     f"default, 512"]


def test_thumbnails_of_a_spatial_latent_decode_a_shrunk_latent_and_keep_the_aspect(files, photo):
    from genimg_gui.engine import spatial
    from genimg_gui.engine.encode_inputs import thumbnail

    rt = Runtime("cpu")
    rt.load(str(files["sd-ldm"]), lambda *_: None, SD_SCALE)
    _, latent, _ = rt.encode(photo, "crop")
    count = rt.decode_count
    small = rt.render_thumbnail("vae", latent, None, None, 5, 16)
    assert small.shape == (20, 32, 3) and rt.decode_count == count + 1  # 4x(10, 16) latent: about 2x16 px
    shrunk = spatial.shrink(latent, rt.model("vae").net, 16)
    assert shrunk.shape == (4, 10, 16) and np.allclose(shrunk[:, :, 0], latent[:, :, :7].reshape(4, 10, 6, 7)
                                                       .mean(axis=(2, 3)), atol=1e-5)  # local means
    assert np.array_equal(small, rt.decode("vae", shrunk))
    mask = np.zeros((120, 200), np.float32)
    mask[:, :100] = 1
    edited = shift(latent, [(3.0, 1.0, np.ones(4))])
    masked = rt.render_thumbnail("vae", edited, mask, latent, 5, 16)
    assert masked.shape == (20, 32, 3) and np.array_equal(masked[:, 18:], small[:, 18:])  # unedited half
    assert not np.array_equal(masked[:, :14], small[:, :14])
    thumb = thumbnail(small, 16)
    assert thumb.shape == (16, 16, 3) and (thumb[:3] == 255).all()  # letterboxed, not squashed


def test_runtime_reloads_the_cache_fast_and_keeps_the_directions(files):
    """The second load reads the cached conversion and its directions: it converts nothing and computes nothing
    (what made the first one slow), so its progress hears of no work at all."""
    first_heard, again_heard = [], []
    first = Runtime("cpu").load(str(files["taesd-diffusers"]), lambda _, text: first_heard.append(text))
    again = Runtime("cpu").load(str(files["taesd-diffusers"]), lambda _, text: again_heard.append(text))
    assert first_heard[0].startswith("converting taesdxl.safetensors") and "computing latent directions" in first_heard
    assert again_heard == [] and again.path == first.path
    assert np.array_equal(again.directions.basis, first.directions.basis)
    assert again.spatial and again.latent_size == 4


def test_a_big_photo_is_encoded_and_decoded_in_tiles(files, monkeypatch):
    from genimg_gui.engine import spatial

    rt = Runtime("cpu")
    rt.load(str(files["taesd-pair"]), lambda *_: None)
    image = np.random.default_rng(0).integers(0, 255, (96, 160, 3), dtype=np.uint8)
    whole = rt.encode(image, "crop")
    calls = []
    net = rt.model("vae").net
    monkeypatch.setattr(spatial, "TILE_PX", 64)
    monkeypatch.setattr(spatial, "OVERLAP_PX", 16)
    monkeypatch.setattr(net, "decode", lambda z, f=net.decode: calls.append(tuple(z.shape)) or f(z))
    tiled = rt.encode(image, "crop")
    assert tiled[1].shape == whole[1].shape == (4, 12, 20) and tiled[2].shape == (96, 160, 3)
    assert len(calls) > 1 and all(h <= 8 and w <= 8 for *_, h, w in calls)  # 64 px tiles: 8 latent cells
    assert np.abs(tiled[2].astype(int) - whole[2]).mean() < 8  # blended tiles stay close to one pass


def test_runtime_generates_with_a_stylegan2_pickle(files):
    rt = Runtime("cpu")
    info = rt.load(str(files["stylegan"]), lambda *_: None)
    assert (info.kind, info.spatial, info.latent_size) == ("gan", False, 8)
    assert info.card["architecture"] == "StyleGAN2Generator" and len(info.directions) == 8
    w = rt.map_seed(3, 0.7)
    image = rt.decode("gan", w)
    assert w.shape == (8,) and image.shape == (16, 16, 3)
    assert np.array_equal(image, rt.decode("gan", rt.map_seed(3, 0.7)))  # fixed noise: reproducible


def test_runtime_refuses_bad_files_and_keeps_its_models(files):
    rt = Runtime("cpu")
    rt.load(str(files["stylegan"]), lambda *_: None)
    for name in ("malicious", "unet", "random"):
        with pytest.raises(ModelFileError, match="genimg opens"):
            rt.load(str(files[name]), lambda *_: None)
    assert set(rt.models) == {"gan"}


# --- edit.py: per-channel directions on a spatial latent -----------------------------------------

def test_shift_broadcasts_channel_directions_over_a_spatial_latent():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(4, 3, 5)).astype(np.float32)
    d = Directions(np.zeros(4, np.float32), np.eye(4, dtype=np.float32), np.array([2, 1, 1, 1], np.float32),
                   np.full(4, 0.25, np.float32), ("a", "b", "c", "d"))
    out = edited_latent(EditState(base, (1.5, 0.0, -1.0, 0.0)), d)
    expected = base + (np.array([3.0, 0.0, -1.0, 0.0], np.float32))[:, None, None]
    assert out.shape == base.shape and np.allclose(out, expected)
    flat = rng.normal(size=20).astype(np.float32)  # flat latents: unchanged behaviour, same shape back
    assert np.array_equal(shift(flat, [(1.0, 2.0, np.ones(20))]), flat + np.float32(2.0))
    with pytest.raises(ValueError, match="size 3 does not fit a latent of shape"):
        shift(base, [(1.0, 1.0, np.ones(3))])


def test_prior_distance_of_a_spatial_latent_is_the_mean_over_its_pixels():
    rng = np.random.default_rng(1)
    basis = np.linalg.qr(rng.normal(size=(4, 4)))[0].astype(np.float32)
    d = Directions(np.full(4, 0.5, np.float32), basis, np.array([2, 1, 0.5, 0.25], np.float32),
                   np.array([0.6, 0.2, 0.15, 0.05], np.float32), ("a", "b", "c", "d"))
    latent = rng.normal(size=(4, 6, 7)).astype(np.float32)
    per_pixel = [prior_distance(latent[:, i, j], d) for i in range(6) for j in range(7)]
    assert prior_distance(latent, d) == pytest.approx(np.mean(per_pixel))
    typical = (d.mean[:, None, None] + np.einsum("k,kc,khw->chw", d.sigma, d.basis,
                                                   rng.normal(size=(4, 30, 30)))).astype(np.float32)
    assert 0.8 < prior_distance(typical, d) < 1.2
    assert 0.8 < reading(typical, d).sigma < 1.2  # per direction, the RMS over the pixels
    pushed = shift(typical, [(4.5, d.sigma[2], d.basis[2])])  # a per-channel slider moves every latent pixel
    assert reading(pushed, d).sigma >= UNUSUAL_BELOW and reading(pushed, d).direction == "c"
