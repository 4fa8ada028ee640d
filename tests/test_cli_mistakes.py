"""`genimg` refusing what it cannot do, with a message a user understands and the exit code of the mistake:
2 for what was typed, 1 for a file or run that failed (no Qt)."""
from __future__ import annotations

import json
import pickle
import shlex
import shutil
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from genimg_gui import catalog, cli_models
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE
from genimg_gui.recipe import Recipe
from conftest import TINY_GAN, TINY_VAE, make_model_folder
from test_cli import gan, run, vae  # noqa: F401 (fixtures, and the command as a test runs it)


def test_a_scale_past_the_side_limit_is_refused_before_anything_is_written(vae, gan, image_files, tmp_path, capsys):
    np.savez(tmp_path / "z.npz", latent=np.zeros(512, np.float32))
    for args in (["generate", "--gan", gan, "--seeds", "0"], ["encode", "--vae", vae, image_files[0]],
                 ["decode", "--vae", vae, tmp_path / "z.npz"], ["edit", "--vae", vae, image_files[0], "--edit", "0=1"]):
        assert run(*args, "--scale", "9", "-o", tmp_path / "out") == 2
        # 288 px: the cap, whatever the pictures, refused with the command line
        assert "argument --scale: 9 is past the largest, ×8: use at most 8" in capsys.readouterr().err
        assert not (tmp_path / "out").exists()
    assert run("generate", "--gan", gan, "--seeds", "0-599", "--grid", tmp_path / "g.png", "--scale", "2",
               "-o", tmp_path / "out") == 2
    err = capsys.readouterr().err
    # the size refused is the scaled one, and no seed is drawn first (its PNG at a scale the run then refuses)
    assert "--scale 2 makes the 256×2400 grid 512×4800 px, larger than 4096 px a side: use at most 1" in err
    assert "seed 0" not in err
    assert not (tmp_path / "out").exists()  # refused once the model had loaded
    (tmp_path / "notes.png").write_text("not a picture")
    assert run("encode", "--vae", vae, tmp_path / "notes.png", "-o", tmp_path / "out") == 1
    assert not (tmp_path / "out").exists()  # nothing to write: no folder either


def test_save_recipe_makes_its_folder_refuses_a_folder_and_never_costs_the_images(vae, image_files, tmp_path, capsys,
                                                                                   monkeypatch):
    edit = ["edit", "--vae", vae, image_files[0], "--edit", "0=1", "-o", tmp_path / "ed", "--save-recipe"]
    assert run(*edit, tmp_path / "new" / "r.json") == 0
    assert (tmp_path / "new" / "r.json").is_file() and (tmp_path / "ed" / f"{image_files[0].stem}_edited.png").is_file()
    assert run(*edit, tmp_path) == 2
    assert f"argument --save-recipe: {tmp_path} is a folder: name the file to write in it" in capsys.readouterr().err
    edited = tmp_path / "ed" / f"{image_files[0].stem}_edited.png"
    for name in (edited, tmp_path / "newdir"):  # the edited image itself, or a folder meant (newdir/)
        assert run(*edit, name) == 2
        # it said "(a recipe is JSON; a name such as an edited image's was written over)": as if it just had been
        assert capsys.readouterr().err.endswith(f"genimg edit: error: --save-recipe {name}: name a .json file, "
                                                f"such as {name.with_suffix('.json')}: a recipe is JSON\n")
    assert edited.is_file() and not (tmp_path / "newdir").exists()
    edited.unlink()
    monkeypatch.setattr(Recipe, "save", lambda *_: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    assert run(*edit, tmp_path / "r.json") == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {tmp_path / 'r.json'} cannot be written: the disk is full" in err and "Traceback" not in err
    assert (tmp_path / "ed" / f"{image_files[0].stem}_edited.png").is_file()


@pytest.mark.parametrize("command", ["edit", "generate"])
def test_a_folder_given_as_recipe_is_a_mistake_in_what_was_typed_said_in_words(command, vae, gan, image_files,
                                                                               tmp_path, capsys):
    """It said "cannot read the recipe app: Is a directory", exit 1, where --save-recipe and --labels say a folder
    in words, exit 2."""
    (tmp_path / "app").mkdir()
    given = ["edit", "--vae", vae, image_files[0]] if command == "edit" else ["generate", "--gan", gan]
    assert run(*given, "--recipe", tmp_path / "app", "-o", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert err.endswith(f"genimg {command}: error: argument --recipe: {tmp_path / 'app'} is a folder: name the "
                        "recipe (.json) in it\n"), err
    assert not (tmp_path / "out").exists()


def test_a_training_checkpoint_given_as_a_model_says_to_open_its_folder_or_resume(vae, image_files, tmp_path, capsys):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "card.json").write_text((vae / "card.json").read_text())
    torch.save({"step": 3, "model": {}}, run_dir / "checkpoint.pt")
    for args in (["info", run_dir / "checkpoint.pt"], ["encode", image_files[0], "-o", tmp_path / "o",
                                                       "--vae", run_dir / "checkpoint.pt"],
                 ["generate", "--seeds", "0", "-o", tmp_path / "o", "--gan", run_dir / "checkpoint.pt"]):
        assert run(*args) == 1
        err = capsys.readouterr().err
        assert "is a training checkpoint of `genimg train`, not a model: open its folder" in err, err
        assert "--resume" in err and "architecture" not in err


@pytest.mark.parametrize("command", [["generate", "--seeds", "0"], ["encode", "x.png"], ["decode", "x.npz"],
                                     ["edit", "x.png", "--edit", "0=1"], ["interpolate", "a.png", "b.png"]])
def test_every_command_checks_device_names_as_train_does(command, tmp_path, capsys):
    assert run(*command, "-o", tmp_path / "o.gif", "--device", "tpu") == 2
    assert "'tpu' is not a device: use auto, cpu, cuda, cuda:N" in capsys.readouterr().err


@pytest.mark.parametrize("psi", ["nan", "inf", "-inf", "x"])
@pytest.mark.parametrize("command", [["generate", "--seeds", "0", "-o", "g"], ["interpolate", "--seeds", "1", "2",
                                                                              "-o", "m.gif"]])
def test_a_psi_that_is_no_number_is_a_usage_error(command, psi, capsys):
    assert run(*command, f"--psi={psi}") == 2
    assert f"{psi!r}: expected a number" in capsys.readouterr().err


@pytest.mark.parametrize("psi", ["-1", "-0.01", "1.51", "5"])
@pytest.mark.parametrize("command", [["generate", "--seeds", "0", "-o", "g"], ["interpolate", "--seeds", "1", "2",
                                                                              "-o", "m.gif"]])
def test_a_psi_the_app_cannot_set_is_a_usage_error(command, psi, capsys):
    """--psi -1 and --psi 5 drew odd pictures with exit 0, where the app's ψ slider runs from 0 to 1.5."""
    from genimg_gui.catalog import PSI_RANGE

    assert run(*command, f"--psi={psi}") == 2
    low, high = PSI_RANGE
    assert f"argument --psi: {psi!r}: expected a number from {low:g} to {high:g}, e.g. 0.7" in capsys.readouterr().err


def test_the_ends_of_the_psi_range_are_taken():
    from genimg_gui.catalog import PSI_RANGE
    from genimg_gui.cli_args import psi_value

    assert [psi_value(f"{end:g}") for end in PSI_RANGE] == list(PSI_RANGE)


def test_the_psi_slider_runs_over_the_range_the_cli_takes(qtbot):
    from genimg_gui.catalog import PSI_RANGE
    from genimg_gui.ui.gan_panel import GanPanel

    panel = GanPanel()
    qtbot.addWidget(panel)
    assert (panel.psi.minimum() / 100, panel.psi.maximum() / 100) == PSI_RANGE


def square_pictures(image_files) -> list[Path]:
    """Two square pictures (the 64 × 64 one, and the 40 × 30 one cut square): a crop's note (test_crop_note.py) is not
    among the notes these tests count."""
    square = image_files[0].with_name("square.png")
    with Image.open(image_files[0]) as im:
        im.crop((0, 0, 30, 30)).save(square)
    return [square, image_files[1]]


def test_options_a_run_has_no_use_for_are_named_not_dropped_silently(vae, gan, image_files, tmp_path, capsys):
    """`genimg interpolate IMG1 IMG2 --psi 0.5` ran as if --psi were not there, without a word."""
    images = square_pictures(image_files)
    assert run("interpolate", *images, "--vae", vae, "--gan", gan, "--psi", "0.5", "--draw", "own", "--frames", "2",
               "-o", tmp_path / "m.gif") == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "note:" in line]
    assert notes == [f"genimg: note: {option} ignored: it is for --seeds (GAN)"
                     for option in ("--gan", "--psi", "--draw")]
    assert run("interpolate", "--seeds", "1", "2", "--vae", vae, "--gan", gan, "--fit", "letterbox",
               "--latent-scale", "sd", "--frames", "2", "-o", tmp_path / "s.gif") == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "note:" in line]
    assert notes == ["genimg: note: --vae ignored: it is for images (VAE)",
                     "genimg: note: --fit ignored: it is for images (VAE)",
                     "genimg: note: --latent-scale ignored: tiny-gan is no Stable Diffusion VAE file, whose latent "
                     "scale it chooses"]
    assert run("encode", images[0], "--vae", vae, "-o", tmp_path / "e") == 0  # nothing given in vain
    assert "note:" not in capsys.readouterr().err



def test_interpolate_notes_a_gif_asked_faster_than_a_gif_plays(vae, image_files, tmp_path, capsys):
    """`--fps 60 -o m.gif` wrote 50 fps without a word (GIF delays come in 10 ms steps, 20 ms at least)."""
    images = square_pictures(image_files)
    assert run("interpolate", *images, "--vae", vae, "--frames", "2", "--fps", "60", "-o", tmp_path / "m.gif") == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "note:" in line]
    assert notes == ["genimg: note: a GIF plays at most 50 fps: written at 50 fps, not 60"]
    for fps, out in (("50", "m50.gif"), ("60", "m.webp")):  # what a GIF plays, and a format that plays 60
        assert run("interpolate", *images, "--vae", vae, "--frames", "2", "--fps", fps, "-o", tmp_path / out) == 0
        assert "note:" not in capsys.readouterr().err


def test_interpolate_through_latent_files_says_what_a_morph_takes_and_how_to_make_images_of_them(
        vae, image_files, tmp_path, monkeypatch, capsys):
    """`interpolate enc/img00.npz enc/img03.npz` said "img00.npz is not an image Pillow can read" (Pillow: the
    image reader's name, since worded for a user)."""
    assert run("encode", "--vae", vae, image_files[0], image_files[1], "-o", tmp_path / "enc") == 0
    monkeypatch.chdir(tmp_path)
    latents = [Path("enc") / f"{p.stem}.npz" for p in image_files[:2]]
    capsys.readouterr()
    assert run("interpolate", *latents, "--vae", vae, "-o", tmp_path / "m.gif") == 2
    err = capsys.readouterr().err
    decode = f"genimg decode {shlex.quote(str(latents[0]))} -o DIR"  # "enc/image 0.npz": quoted, to paste
    assert (f"genimg interpolate: error: {latents[0]} is a latent file, not an image: a morph takes images (VAE) "
            f"or --seeds (GAN); decode it to an image first with `{decode}`") in err
    assert not (tmp_path / "m.gif").exists()
    np.savez(tmp_path / "other.npz", weights=np.zeros(3))  # an .npz of something else: the image reader's answer
    assert run("interpolate", image_files[0], tmp_path / "other.npz", "--vae", vae, "-o", tmp_path / "m.gif") == 1
    assert "other.npz is not an image in a format genimg reads" in capsys.readouterr().err


def test_an_option_typed_at_its_default_value_is_named_too_when_unused(vae, gan, image_files, tmp_path, capsys):
    """`--draw refine` and `--psi 0.7` are the defaults: typed with images, they were still dropped without a word,
    as were `--fit crop` with seeds (the check compared the value with the default, not what was typed)."""
    images = square_pictures(image_files)
    assert run("interpolate", *images, "--vae", vae, "--psi", "0.7", "--draw", "refine", "--frames", "2",
               "-o", tmp_path / "m.gif") == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "note:" in line]
    assert notes == [f"genimg: note: {option} ignored: it is for --seeds (GAN)" for option in ("--psi", "--draw")]
    assert run("interpolate", "--seeds", "1", "2", "--gan", gan, "--fit", "crop", "--frames", "2",
               "-o", tmp_path / "s.gif") == 0
    notes = [line for line in capsys.readouterr().err.splitlines() if "note:" in line]
    assert notes == ["genimg: note: --fit ignored: it is for images (VAE)"]
    assert run("interpolate", *images, "--vae", vae, "--fit", "crop", "--frames", "2", "-o", tmp_path / "c.gif") == 0
    assert "note:" not in capsys.readouterr().err  # used: the images are fitted so


def test_an_edit_too_large_for_a_latent_is_refused_in_words_without_numpy_warnings(vae, gan, image_files, tmp_path,
                                                                                  capsys):
    """--edit PC1=1e300 printed numpy's RuntimeWarning (overflow, naming edit.py) before genimg's own message."""
    assert run("edit", "--vae", vae, image_files[0], "--edit", "PC1=1e300", "-o", tmp_path / "o") == 2
    err = capsys.readouterr().err
    assert "'PC1=1e300': 1e+300 is beyond what a float32 latent holds" in err and "Warning" not in err
    # float32 holds 1e38, not 1e38 σ of a direction: the latent overflows and its decode is refused in words (a
    # RuntimeWarning would fail this test: pytest makes warnings errors)
    assert run("edit", "--vae", vae, image_files[0], "--edit", "PC1=-1e38", "-o", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert "NaN/inf" in err and "Warning" not in err
    # a GAN's layers normalise w: it drew a picture from an infinite one
    np.savez(tmp_path / "inf.npz", latent=np.full(TINY_GAN.w_dim, np.inf, np.float32))
    assert run("decode", "--gan", gan, tmp_path / "inf.npz", "-o", tmp_path / "o") == 1
    assert "the latent holds NaN/inf values (an edit too large for float32?)" in capsys.readouterr().err
    assert not (tmp_path / "o" / "inf_decoded.png").exists()


def test_a_topic_of_several_directions_is_named_as_ambiguous(image_files, tmp_path, capsys):
    assert run("edit", "--vae", catalog.BUNDLED_DIR / "emoji-vae", image_files[0], "--edit", "category=1",
               "-o", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert "'category' matches 4 directions: category: other → Smileys & Emotion, " in err
    assert "category: other → Flags; name one" in err and not (tmp_path / "out").exists()


def test_a_direction_of_the_other_kind_of_model_says_which_command_takes_it(image_files, tmp_path, capsys):
    """The README's `genimg edit photo.png --edit "subcategory: other -> face-smiling"=2`: the face GAN's direction,
    which the VAE was asked for, was offered a near miss of the VAE's ("did you mean category: other → Flags?")."""
    smiling = "subcategory: other -> face-smiling"
    assert run("edit", image_files[0], "--edit", f"{smiling}=2", "-o", tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert (f"genimg edit: error: {smiling!r} is a direction of the GAN emoji-faces-gan, not of the VAE: use it with "
            "genimg generate") in err
    assert "did you mean" not in err and not (tmp_path / "out").exists()
    assert run("generate", "--seeds", "0", "--edit", "skin tone=2", "-o", tmp_path / "out") == 2
    assert ("'skin tone' is a direction of the VAE emoji-vae, not of the GAN: use it with genimg edit"
            in capsys.readouterr().err)
    assert run("generate", "--seeds", "0", "--edit", f"{smiling}=2", "-o", tmp_path / "out") == 0
    assert (tmp_path / "out" / "seed0000.png").is_file()
    # a name no bundled model has is still offered the loaded model's nearest
    assert run("edit", image_files[0], "--edit", "skn tone=2", "-o", tmp_path / "out") == 2
    assert "no direction 'skn tone' (did you mean skin tone?)" in capsys.readouterr().err


@pytest.mark.parametrize("command, option", [(["encode", "{img}"], "-o"), (["interpolate", "{img}", "{img}"], "-o"),
                                             (["generate", "-o", "{tmp}/g", "--grid"], "--grid"),
                                             (["edit", "{img}", "--edit", "0=1", "-o", "{tmp}/e", "--save-recipe"],
                                              "--save-recipe")])
def test_an_output_path_a_file_blocks_is_refused_in_words(command, option, image_files, tmp_path, capsys):
    values = {"img": image_files[0], "tmp": tmp_path}
    args = [a.format(**values) for a in command]
    blocked = image_files[0] if option == "-o" and command[0] == "encode" else image_files[0] / "x.gif"
    assert run(*args, *(["-o"] if option == "-o" else []), blocked) == 2
    err = capsys.readouterr().err
    assert "Errno" not in err
    assert (f"{blocked} is a file: name a folder to write into" if blocked == image_files[0]
            else f"{blocked} cannot be written: {image_files[0]} is not a folder") in err
    assert run("encode", image_files[0], "-o", "/dev/null/x") == 2
    assert "/dev/null/x cannot be made: /dev/null is not a folder" in capsys.readouterr().err


def test_an_image_given_as_a_recipe_is_named_as_not_a_recipe(vae, image_files, tmp_path, capsys):
    assert run("edit", "--vae", vae, image_files[0], "--recipe", image_files[0], "-o", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert f"{image_files[0].name} is an image, not an edit recipe: a recipe is the .json file that " in err
    assert "codec" not in err
    (tmp_path / "r.bin").write_bytes(b"\x00\xff binary")  # neither an image nor a latent: what its bytes are
    assert run("edit", "--vae", vae, image_files[0], "--recipe", tmp_path / "r.bin", "-o", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'r.bin'} is not an edit recipe: a recipe is JSON text, and byte 1 of it is not UTF-8" in err


def test_info_names_a_truncated_or_unknown_weights_file_plainly_and_quietly(vae, tmp_path, capsys):
    whole = (vae / "model.safetensors").read_bytes()
    cut = 8 + int.from_bytes(whole[:8], "little") + 1000  # the header and a little of the tensors
    (tmp_path / "t.safetensors").write_bytes(whole[:cut])
    torch.save({"a": torch.zeros(2)}, tmp_path / "dict.pt")
    (tmp_path / "p4.pth").write_bytes(pickle.dumps({"a": 1}, protocol=4))  # not torch's own protocol
    assert run("info", tmp_path / "t.safetensors") == 1
    err = capsys.readouterr().err
    assert "a damaged file, not a readable safetensors file (it is cut short: its end is missing, " in err
    assert f"missing, {cut:,} of " in err and "architecture" not in err
    folder = tmp_path / "cut-vae"  # the same file in a model folder got safetensors' own words
    shutil.copytree(vae, folder)
    (folder / "model.safetensors").write_bytes(whole[:cut])
    assert run("info", folder) == 1
    err = capsys.readouterr().err
    assert (f"{folder / 'model.safetensors'} is a damaged file, not a readable safetensors file (it is cut short: "
            f"its end is missing, {cut:,} of ") in err
    assert "deserializing" not in err
    (folder / "model.safetensors").write_bytes(b"")
    assert run("info", folder) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'model.safetensors'} is an empty file (0 bytes)" in err and "unpack" not in err
    assert run("info", tmp_path / "dict.pt") == 1
    assert "a weights file with 1 tensor (a) of an architecture" in capsys.readouterr().err
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch's "Detected pickle protocol 4" UserWarning, with its source path
        assert run("info", tmp_path / "p4.pth") == 1
    assert "Warning" not in capsys.readouterr().err


@pytest.mark.parametrize("args, message", [(["--device", "tpu"], "'tpu' is not a device"),
                                           (["--threads", "0"], "must be at least 1")])
def test_the_app_refuses_what_the_cli_refuses_before_a_window_opens(args, message, capsys):
    """`genimg-gui --device tpu` opened the window all the same, the device never said to be unknown."""
    from genimg_gui.app import parse_args

    with pytest.raises(SystemExit) as exit_:
        parse_args(args)
    assert exit_.value.code == 2 and message in capsys.readouterr().err


@pytest.fixture()
def wide_vae(tmp_path):
    """A tiny VAE whose latent is larger than the tiny VAE's: another model's files do not fit it."""
    torch.manual_seed(3)
    return make_model_folder(tmp_path / "wide-vae", ConvVAE(replace(TINY_VAE, latent_channels=4)), "wide-vae")


def test_a_latent_made_by_another_vae_names_the_vae_to_pass(vae, wide_vae, image_files, tmp_path, capsys):
    assert run("encode", "--vae", wide_vae, image_files[0], "-o", tmp_path / "wide") == 0
    latent = next((tmp_path / "wide").glob("*.npz"))
    capsys.readouterr()
    assert run("decode", "--vae", vae, latent, "-o", tmp_path / "out") == 1
    assert f"it was made by {wide_vae}: pass --vae {wide_vae}" in capsys.readouterr().err


def test_a_damaged_latent_of_the_vae_decoding_it_says_so_rather_than_to_pass_that_vae(vae, image_files, tmp_path,
                                                                                          capsys):
    """"pass --vae X" named the very model that had just refused the file."""
    assert run("encode", "--vae", vae, image_files[0], "-o", tmp_path / "enc") == 0
    latent = next((tmp_path / "enc").glob("*.npz"))
    short = dict(np.load(latent))
    np.savez(tmp_path / "short.npz", **{**short, "latent": short["latent"].ravel()[:100]})
    capsys.readouterr()
    for given in ([], ["--vae", vae]):  # the model the file records, found or given
        assert run("decode", *given, tmp_path / "short.npz", "-o", tmp_path / "out") == 1
        err = capsys.readouterr().err
        assert f"it records this VAE ({Path(vae).resolve()}) as the one that made it: the file was damaged or " \
               "edited since" in err, err
        assert "pass --vae" not in err


def test_a_recipe_made_for_another_vae_names_the_vae_to_pass(vae, wide_vae, image_files, tmp_path, monkeypatch,
                                                             capsys):
    monkeypatch.setattr(cli_models, "bundled_models", lambda: [catalog.read_entry(wide_vae, bundled=True)])
    recipe = tmp_path / "wide.json"
    assert run("edit", "--vae", wide_vae, image_files[0], "--edit", "0=1", "--save-recipe", recipe,
               "-o", tmp_path / "wide") == 0
    capsys.readouterr()
    assert run("edit", "--vae", vae, image_files[0], "--recipe", recipe, "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "wide.json was made with wide-vae, not tiny-vae: " in err and err.endswith(f": pass --vae {wide_vae}\n"), err


def test_a_mistyped_class_is_refused_with_the_nearest_as_a_mistyped_direction_is(tmp_path, capsys):
    """--class face-glases listed every class, but did not say "did you mean face-glasses?" as --edit does."""
    torch.manual_seed(2)
    classes = ("face-glasses", "face-smiling", "face-sleepy")
    faces = make_model_folder(tmp_path / "faces", Generator(replace(TINY_GAN, classes=classes)), "faces")
    for command in (["generate", "--seeds", "3"], ["interpolate", "--seeds", "1", "2"]):
        assert run(*command, "--gan", faces, "--class", "face-glases", "-o", tmp_path / "out.gif") == 2
        assert ("faces has no class 'face-glases' (did you mean face-glasses?); its classes are: face-glasses, "
                "face-smiling and face-sleepy; or give an index (0 … 2)") in capsys.readouterr().err
    assert run("generate", "--seeds", "3", "--gan", faces, "--class", "owl", "-o", tmp_path / "owl") == 2
    assert "has no class 'owl'; its classes" in capsys.readouterr().err  # nothing near: no guess


def test_a_class_named_by_one_of_its_words_gets_that_class(tmp_path, capsys):
    """`--class cat` and `--class smileys` were refused with no guess: neither is near a whole name (cat-face,
    face-smiling), and difflib's likeness put 'smileys' nearer face-sleepy. A word of one class's name now draws that
    class, with a note, as --edit takes a direction's topic; a word several share asks which."""
    torch.manual_seed(2)
    classes = ("cat-face", "face-sleepy", "face-smiling")
    faces = make_model_folder(tmp_path / "faces", Generator(replace(TINY_GAN, classes=classes)), "faces")
    assert run("generate", "--seeds", "3", "--gan", faces, "--class", "cat", "--save-latents",
               "-o", tmp_path / "cat") == 0
    assert "genimg: note: --class cat: drawing cat-face" in capsys.readouterr().err
    with np.load(tmp_path / "cat" / "seed0003.npz") as f:
        assert json.loads(str(f["sample"]))["class"] == "cat-face"
    assert run("generate", "--seeds", "3", "--gan", faces, "--class", "face", "-o", tmp_path / "out") == 2
    assert ("genimg generate: error: --class 'face' matches 3 classes of faces: cat-face, face-sleepy and "
            "face-smiling; name one"
            in capsys.readouterr().err)
    for typed, meant in (("smileys", "face-smiling"), ("sleepy-face", "face-sleepy")):
        assert run("generate", "--seeds", "3", "--gan", faces, "--class", typed, "-o", tmp_path / "out") == 2
        assert f"has no class {typed!r} (did you mean {meant}?); its classes" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
