"""A latent file made with an SD VAE file converted at one latent scale, decoded after the same file was converted
at another: both conversions hold the same weights (one SHA-256), so `genimg decode --vae FILE` took the later one
for the file's own model and drew another picture without a word."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

import foreign_builders as fb
from genimg_gui import latent_model
from genimg_gui.catalog import converted_models
from genimg_gui.cli import main
from genimg_gui.export import read_latent
from genimg_gui.wording import converted_scale


def run(*args) -> int:
    return main([str(a) for a in args])


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def made_at_sd_then_converted_at_sdxl(tmp_path, capsys):
    """my-vae.safetensors converted at sd, a photo encoded, then the file converted at sdxl (the last conversion,
    which --vae without --latent-scale opens); the file's own decode (found by the folder it records) as the
    reference."""
    vae, photo = fb.sd_vae_file(tmp_path / "my-vae.safetensors"), tmp_path / "photo.png"
    y, x = np.mgrid[0:48, 0:64]
    Image.fromarray(np.stack([x * 4, y * 5, (x + y) * 2], -1).astype(np.uint8)).save(photo)
    assert run("encode", photo, "--vae", vae, "--latent-scale", "sd", "-o", tmp_path / "sd1") == 0
    assert run("info", vae, "--latent-scale", "sdxl") == 0
    latent = tmp_path / "sd1" / "photo.npz"
    assert run("decode", latent, "-o", tmp_path / "own") == 0
    capsys.readouterr()
    return vae, latent, pixels(tmp_path / "own" / "photo_decoded.png")


def test_a_latent_is_decoded_at_the_scale_it_was_made_at_not_the_files_last(tmp_path, capsys):
    vae, latent, own = made_at_sd_then_converted_at_sdxl(tmp_path, capsys)
    assert run("decode", latent, "--vae", vae, "-o", tmp_path / "given") == 0
    assert np.array_equal(pixels(tmp_path / "given" / "photo_decoded.png"), own)  # it was the sdxl conversion's
    assert read_latent(latent).latent_scale == 0.18215  # recorded beside its weights' digest

    assert run("decode", latent, "--vae", vae, "--latent-scale", "sdxl", "-o", tmp_path / "asked") != 0
    err = capsys.readouterr().err
    assert "photo.npz was made at latent scale 0.18215 (sd)" in err and "pass --latent-scale sd" in err, err
    assert not (tmp_path / "asked" / "photo_decoded.png").exists()

    assert run("decode", latent, "--latent-scale", "sdxl", "-o", tmp_path / "r3") == 0  # its own, found: kept
    err = capsys.readouterr().err
    assert (f"genimg: note: --latent-scale sdxl ignored: {latent} was made with {vae} at latent scale 0.18215 (sd)"
            in err), err
    assert "my-vae-" not in err and "no Stable Diffusion VAE file" not in err, err
    assert np.array_equal(pixels(tmp_path / "r3" / "photo_decoded.png"), own)


def as_written_before(latent, old):
    """The latent file as genimg wrote it before latent files recorded their scale: its model record without it."""
    with zipfile.ZipFile(latent) as z:
        arrays = {name[:-4]: np.load(z.open(name)) for name in z.namelist()}
    record = json.loads(str(arrays["model"]))
    record.pop("latent_scale", None)
    arrays["model"] = np.array(json.dumps(record))
    np.savez(old, **arrays)
    return old


def test_a_latent_written_before_files_recorded_their_scale_goes_by_its_conversions_card(tmp_path, capsys):
    vae, latent, own = made_at_sd_then_converted_at_sdxl(tmp_path, capsys)
    as_written_before(latent, tmp_path / "old.npz")
    assert run("decode", tmp_path / "old.npz", "--vae", vae, "-o", tmp_path / "given") == 0
    assert np.array_equal(pixels(tmp_path / "given" / "old_decoded.png"), own)


def test_an_old_latents_scale_is_read_from_its_conversions_card_once(tmp_path, capsys, monkeypatch):
    """decode read the card of an old file's own conversion for its scale at each question asked of the file (the
    scale to load the file given at, whether that is another scale, whether the model used made it): three times."""
    vae, latent, own = made_at_sd_then_converted_at_sdxl(tmp_path, capsys)
    old, sd = as_written_before(latent, tmp_path / "old.npz"), conversion_at(0.18215)
    reads, read = [], latent_model.read_entry
    monkeypatch.setattr(latent_model, "read_entry", lambda folder: reads.append(Path(folder)) or read(folder))
    assert run("decode", old, "--vae", vae, "-o", tmp_path / "given") == 0
    assert np.array_equal(pixels(tmp_path / "given" / "old_decoded.png"), own)
    assert reads.count(sd) == 2, reads  # once to find it as the file's own model (own_model), once for its scale


def conversion_at(scale: float):
    """The folder genimg converted the SD VAE file into at this latent scale (catalog.converted_models)."""
    return next(Path(e.path) for e in converted_models() if converted_scale(e.card) == scale)


def test_a_conversion_folder_at_another_scale_given_is_said_to_be_at_another_scale(tmp_path, capsys):
    """`decode --vae` with genimg's conversion folder at sdxl of the file the latent was made with at sd said it
    "was made with other weights of my-vae than those in …": the weights are the very same, at another scale."""
    vae, latent, own = made_at_sd_then_converted_at_sdxl(tmp_path, capsys)
    sdxl = conversion_at(0.13025)
    assert run("decode", latent, "--vae", sdxl, "-o", tmp_path / "given") == 0
    err = capsys.readouterr().err
    assert (f"genimg: note: {latent} was made with my-vae at latent scale 0.18215 (sd); decoded with my-vae at latent "
            "scale 0.13025 (sdxl), as --vae says, which gives another picture (leave out --vae to decode it with its "
            "own)") in err, err
    assert "other weights" not in err, err

    shutil.rmtree(conversion_at(0.18215))  # its own conversion gone: the file itself, at its scale, is named
    assert run("decode", latent, "--vae", sdxl, "-o", tmp_path / "gone") == 0
    err = capsys.readouterr().err
    assert (f"scale 0.13025 (sdxl), as --vae says, which gives another picture (pass --vae {vae} --latent-scale sd to "
            "decode it at its own)") in err, err
    assert run("decode", latent, "--vae", vae, "--latent-scale", "sd", "-o", tmp_path / "as-said") == 0
    assert np.array_equal(pixels(tmp_path / "as-said" / "photo_decoded.png"), own)


def test_a_conversion_given_whose_sd_file_is_gone_says_so_not_to_pass_its_folder(tmp_path, capsys):
    """With the file's own conversion and the SD VAE file both gone, the note said "pass --vae with my-vae's folder":
    my-vae was a file, which is not where it was."""
    vae, latent, own = made_at_sd_then_converted_at_sdxl(tmp_path, capsys)
    sdxl = conversion_at(0.13025)
    shutil.rmtree(conversion_at(0.18215))
    moved = Path(shutil.move(vae, tmp_path / "elsewhere.safetensors"))
    assert run("decode", latent, "--vae", sdxl, "-o", tmp_path / "gone") == 0
    err = capsys.readouterr().err
    assert (f"scale 0.13025 (sdxl), as --vae says, which gives another picture; my-vae was converted from {vae}, which "
            "no longer exists (moved or deleted?): pass --vae with that file where it is now and --latent-scale sd to "
            "decode it at its own") in err, err
    assert "folder" not in err, err
    assert run("decode", latent, "--vae", moved, "--latent-scale", "sd", "-o", tmp_path / "as-said") == 0
    assert np.array_equal(pixels(tmp_path / "as-said" / "photo_decoded.png"), own)


def opens_at(vae, capsys) -> str:
    """The note `genimg info FILE` without --latent-scale gives: which scale a plain open of the file loads."""
    capsys.readouterr()
    assert run("info", vae) == 0
    return next(line for line in capsys.readouterr().err.splitlines() if "latent scale" in line)


def test_decoding_a_latent_at_its_scale_leaves_the_scale_the_user_chose_last(tmp_path, capsys):
    vae, latent, _own = made_at_sd_then_converted_at_sdxl(tmp_path, capsys)  # the user chose sdxl last
    old = as_written_before(latent, tmp_path / "old.npz")
    for name in (latent, old):  # its sd conversion, found in the cache, loaded to decode it at its scale
        assert run("decode", name, "--vae", vae, "-o", tmp_path / name.stem) == 0
        assert "latent scale 0.13025 (SDXL)" in opens_at(vae, capsys)

    shutil.rmtree(conversion_at(0.18215))  # made again to decode the latent: not chosen by the user either
    assert run("decode", latent, "--vae", vae, "-o", tmp_path / "again") == 0
    assert len(converted_models()) == 2
    assert "latent scale 0.13025 (SDXL)" in opens_at(vae, capsys)

    assert run("info", vae, "--latent-scale", "sd") == 0  # chosen by the user: a plain open loads it from now on
    assert "latent scale 0.18215 (SD 1.x / 2.x)" in opens_at(vae, capsys)
