"""`genimg`'s remarks on what it was given: a latent decoded by another model than its own, a file of another kind
given as a recipe or a model, a tiny picture enlarged, inputs numbered only once written, and --loop's help (no
Qt)."""
from __future__ import annotations

import json
import shutil

import numpy as np
import torch
from PIL import Image

from genimg_gui import catalog, cli_decode, cli_models
from genimg_gui.cli import build_parser
from genimg_gui.engine import requests as rq
from genimg_gui.export import export_latent
from genimg_gui.models.vae import ConvVAE
from genimg_gui.ui.encoded_message import encoded_message
from conftest import TINY_VAE, make_model_folder
from test_cli import gan, run, vae  # noqa: F401 (fixtures, and the command as a test runs it)


def test_decode_with_another_model_given_says_the_file_was_made_with_another(vae, image_files, tmp_path, monkeypatch,
                                                                              capsys):
    """`decode enc/smiley.npz --vae vae-tiny` decoded emoji-vae's latent into another picture without a word (a file
    that records no model got a note). Models are told apart by their weights: a copy in another folder is the same
    model, also for a file written before latent files recorded the weights' SHA-256."""
    torch.manual_seed(5)
    other = make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae")  # same sizes, other weights
    own, copy = (shutil.copytree(vae, tmp_path / folder / "tiny-vae") for folder in ("own", "copies"))
    assert run("encode", "--vae", own, image_files[0], "-o", tmp_path / "enc") == 0
    latent = tmp_path / "enc" / f"{image_files[0].stem}.npz"
    with np.load(latent) as f:
        record = json.loads(str(f["model"]))
        old = tmp_path / "old.npz"  # as genimg wrote it before: name, path and kind only
        export_latent(old, f["latent"], f["latent"], (), (), {k: record[k] for k in ("name", "path", "kind")})
    capsys.readouterr()
    assert run("decode", latent, old, "--vae", other, "-o", tmp_path / "d") == 0
    err = capsys.readouterr().err
    for name in (latent, old):  # named as typed
        assert (f"genimg: note: {name} was made with tiny-vae; decoded with other-vae, as --vae says, which gives "
                "another picture (leave out --vae to decode it with its own)\n") in err, err
    for model in (copy, own, vae):
        assert run("decode", latent, old, "--vae", model, "-o", tmp_path / "same" / model.parent.name) == 0
        assert "note:" not in capsys.readouterr().err
    assert run("decode", latent, "-o", tmp_path / "new") == 0 and "note:" not in capsys.readouterr().err
    # another weights file copied over its own since (its card unchanged): not its model now, as one trained again
    # in place is not; the bundled VAE decodes it, said
    shutil.copy(other / "model.safetensors", own / "model.safetensors")
    for module in (cli_decode, cli_models):
        monkeypatch.setattr(module, "bundled_models", lambda: [catalog.read_entry(other, bundled=True)])
    assert run("decode", latent, "-o", tmp_path / "new") == 0
    assert (f"genimg: note: {latent} was made with tiny-vae, and {own} now holds other weights than those it "
            "was made with; decoded with other-vae instead") in capsys.readouterr().err


def test_a_gan_latent_given_with_a_vae_is_pointed_to_the_gan_it_records(vae, gan, tmp_path, capsys):
    """"holds a GAN latent; decode it with --gan MODEL_DIR", though the file records its GAN, which decode finds
    by itself without --vae."""
    assert run("generate", "--gan", gan, "--seeds", "1", "--save-latents", "-o", tmp_path / "g") == 0
    latent = tmp_path / "g" / "seed0001.npz"
    capsys.readouterr()
    assert run("decode", latent, "--vae", vae, "-o", tmp_path / "d") == 1
    assert (f"genimg: error: {latent} holds a GAN latent, made with tiny-gan: leave out --vae to decode it with "
            "tiny-gan\n") in capsys.readouterr().err
    assert run("decode", latent, "-o", tmp_path / "d") == 0  # as the advice says
    moved = shutil.copytree(gan, tmp_path / "moved-gan")
    with np.load(latent) as f:  # the GAN it records is not where it was
        record = {**json.loads(str(f["model"])), "path": str(tmp_path / "gone")}
        export_latent(tmp_path / "lost.npz", f["latent"], f["latent"], (), (), record)
    assert run("decode", tmp_path / "lost.npz", "--vae", vae, "-o", tmp_path / "d") == 1
    assert (f"genimg: error: {tmp_path / 'lost.npz'} holds a GAN latent, made with tiny-gan: pass --gan with "
            "tiny-gan's folder, not --vae\n") in capsys.readouterr().err
    assert run("decode", tmp_path / "lost.npz", "--gan", moved, "-o", tmp_path / "d") == 0


def test_a_file_of_another_kind_is_named_by_its_kind(vae, image_files, tmp_path, capsys):
    """`edit photo.png --recipe x.npz` said "…is not an edit recipe: a recipe is JSON text, and byte 15 of it is
    not UTF-8 text"; `info r1.json` said "r1.json is a text file"; a model folder whose card.json was deleted was
    told "Pictures are given as the IMAGE arguments…" for its samples.png."""
    assert run("encode", "--vae", vae, image_files[0], "-o", tmp_path / "enc") == 0
    latent = tmp_path / "enc" / f"{image_files[0].stem}.npz"
    for given, kind in ((latent, "a latent file"), (image_files[1], "an image")):
        assert run("edit", "--vae", vae, image_files[0], "--recipe", given, "-o", tmp_path / "e") == 1
        err = capsys.readouterr().err
        assert f"genimg: error: {given} is {kind}, not an edit recipe: a recipe is the .json file that " in err
        assert "UTF-8" not in err
    recipe = tmp_path / "r1.json"
    assert run("edit", "--vae", vae, image_files[0], "--edit", "PC1=1", "--save-recipe", recipe, "-o",
               tmp_path / "e") == 0
    capsys.readouterr()
    assert run("info", recipe) == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {recipe} is an edit recipe made with tiny-vae (PC1 (" in err, err  # named as typed
    assert f"%) +1.00σ), not a model: `genimg edit IMAGE -o OUT --recipe {recipe}` applies it\n" in err, err
    no_card = shutil.copytree(vae, tmp_path / "no-card")
    (no_card / "card.json").unlink()
    Image.new("RGB", (64, 64)).save(no_card / "samples.png")
    assert run("encode", image_files[0], "--vae", no_card, "-o", tmp_path / "e") == 1
    err = capsys.readouterr().err
    assert f"{no_card} is not a genimg model folder: it has model.safetensors but no card.json. A model folder " \
           "needs both" in err and "Pictures are" not in err, err


def test_a_tiny_picture_is_said_to_be_enlarged_by_the_command_line_and_the_window(vae, tmp_path, capsys):
    """`genimg edit tiny.png` (1×1) wrote a flat colour without a word, though training skips pictures under 16 px."""
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (1, 1), (200, 30, 30)).save(tiny)
    assert run("edit", "--vae", vae, tiny, "--edit", "PC1=1", "-o", tmp_path / "e") == 0
    said = ("it is only 1×1 px, enlarged to 32×32: too small to show much (training skips pictures under 16 px a "
            "side)")
    assert f"genimg: note: {tiny}: {said}\n" in capsys.readouterr().err
    pixels = np.zeros((32, 32, 3), np.uint8)
    r = rq.Encoded(1, "tiny.png", pixels, np.zeros(512, np.float32), pixels, 0.01,
                   source=np.zeros((1, 1, 3), np.uint8))
    assert encoded_message(r, "tiny.png") == f"Encoded tiny.png in 10 ms: {said}"
    assert encoded_message(rq.Encoded(1, "big.png", pixels, np.zeros(512, np.float32), pixels, 0.01,
                                      source=np.zeros((40, 40, 3), np.uint8)), "big.png") == "Encoded big.png in 10 ms"


def test_an_input_numbered_is_said_only_once_its_files_are_written(vae, image_files, tmp_path, capsys):
    """`decode a.npy a.npz a.safetensors` said "a.npz is written as a-2_decoded.png…" first; then all three failed,
    and no file had that name."""
    assert run("encode", "--vae", vae, image_files[0], "-o", tmp_path / "enc") == 0
    good = tmp_path / "enc" / f"{image_files[0].stem}.npz"
    bad = tmp_path / "bad" / good.name
    bad.parent.mkdir()
    bad.write_bytes(b"\x00not a latent")
    capsys.readouterr()
    assert run("decode", "--vae", vae, good, bad, "-o", tmp_path / "d") == 1
    assert "is written as" not in capsys.readouterr().err  # bad, numbered, failed
    assert run("decode", "--vae", vae, bad, good, "-o", tmp_path / "d2") == 1
    assert "is written as" not in capsys.readouterr().err  # bad failed, and took no name: good has its own
    assert [p.name for p in (tmp_path / "d2").iterdir()] == [f"{good.stem}_decoded.png"]


def test_loop_help_says_what_it_does_and_that_the_file_replays_either_way():
    """--loop "(seamless loop)" read as the switch that makes the GIF repeat; it repeats without it too."""
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    loop = commands["interpolate"]._option_string_actions["--loop"].help
    assert "back to the first" in loop and "A GIF or WebP replays either way" in loop
