"""`genimg`'s words as a tester running the README's examples met them: each file named by its path as typed, a
latent of a converted SD VAE naming the user's file (not genimg's hidden conversion), an option typed before the
command said where it goes, a safetensors file cut short said in the README's words, --class with images a note as
--psi is, a recipe of the other kind and --labels folders on a folder of no sub-folders exit 2, the latent scale
note true to where the scale came from, the help naming the 600-frame limit and the default GAN, and `genimg-gui`
with no display said in words."""
from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import foreign_builders as fb
from genimg_gui.engine.runtime import Runtime
from genimg_gui.recipe import Recipe
from genimg_gui.edit import EditState
from test_cli import gan, run, vae  # noqa: F401 (fixtures, and the command as a test runs it)


def wide_picture(path, seed: int):
    """A 64×32 picture: its centre square is kept, with a note."""
    rng = np.random.default_rng(seed)
    path.parent.mkdir(exist_ok=True)
    Image.fromarray(rng.integers(0, 255, (32, 64, 3), dtype=np.uint8)).save(path)
    return path


def test_two_inputs_of_one_name_are_told_apart_by_their_paths_as_typed(vae, tmp_path, monkeypatch, capsys):
    """`genimg encode c/p.jpg d/p.jpg c/q.jpg d/q.jpg` said "p.jpg: its centre square was kept" twice, "q.jpg is
    damaged" and "q.jpg is not an image", while "c/zz.jpg does not exist" named its path."""
    monkeypatch.chdir(tmp_path)
    wide_picture(tmp_path / "c" / "p.png", 0)
    wide_picture(tmp_path / "d" / "p.png", 1)
    wide_picture(tmp_path / "c" / "whole.jpg", 2)
    whole = (tmp_path / "c" / "whole.jpg").read_bytes()
    (tmp_path / "c" / "q.jpg").write_bytes(whole[:len(whole) // 2])
    (tmp_path / "d" / "q.jpg").write_text("notes, not a picture\n")
    assert run("encode", "--vae", vae, "c/p.png", "d/p.png", "c/q.jpg", "d/q.jpg", "-o", "out") == 1
    err = capsys.readouterr().err
    for folder in "cd":
        assert f"genimg: note: {folder}/p.png: its centre square was kept" in err, err
    assert "genimg: error: c/q.jpg is damaged or cut short (its end is missing)\n" in err
    assert "genimg: error: d/q.jpg is not an image (it holds text)\n" in err
    (tmp_path / "c" / "x.npz").write_bytes(b"\x00\x01\x02 not an archive")  # read_latent, shared with the window
    (tmp_path / "d" / "x.npz").write_text("notes\n")
    assert run("decode", "--vae", vae, "c/x.npz", "d/x.npz", "-o", "dec") == 1
    err = capsys.readouterr().err
    assert "genimg: error: c/x.npz is damaged: it does not read as an .npz archive\n" in err, err
    assert "genimg: error: d/x.npz is not a latent file: it holds text\n" in err
    assert "genimg: error: x.npz" not in err


def test_a_latent_of_an_sd_vae_file_names_that_file_and_that_leaving_out_vae_works(vae, tmp_path, monkeypatch,
                                                                                    capsys):
    """Decoded with another VAE, it said "it was made by …/.local/share/genimg/models/my-vae-a581f78cda06: pass --vae
    …" (genimg's hidden conversion folder), where `edit --recipe` names the file the user opened."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "foreign").mkdir()
    sd_file = fb.sd_vae_file(tmp_path / "foreign" / "my-vae.safetensors")
    wide_picture(tmp_path / "photo.png", 0)
    assert run("encode", "photo.png", "--vae", "foreign/my-vae.safetensors", "--latent-scale", "sd", "-o", "sd1") == 0
    capsys.readouterr()
    assert run("decode", "sd1/photo.npz", "--vae", vae, "-o", "x") == 1
    err = capsys.readouterr().err
    assert (f"it was made by {sd_file.resolve()}: pass --vae {sd_file.resolve()} --latent-scale sd, or leave out "
            "--vae to decode it with my-vae\n") in err, err
    assert os.environ["GENIMG_DATA_DIR"] not in err  # the cache folder is genimg's own
    # either way said decodes it, with the model that made it
    assert run("decode", "sd1/photo.npz", "--vae", sd_file.resolve(), "--latent-scale", "sd", "-o", "x1") == 0
    assert run("decode", "sd1/photo.npz", "-o", "x2") == 0
    assert (tmp_path / "x1" / "photo_decoded.png").read_bytes() == (tmp_path / "x2" / "photo_decoded.png").read_bytes()


def test_an_option_before_the_command_is_said_where_it_goes(capsys):
    """`genimg --verison` and `genimg -v` said "the following arguments are required: COMMAND"; `genimg --vae
    emoji-vae encode …` said "argument COMMAND: invalid choice: 'emoji-vae'", and no more."""
    for typed in ("--verison", "-v"):
        assert run(typed) == 2
        assert f"genimg: error: unrecognized option {typed}: did you mean --version?\n" in capsys.readouterr().err
    assert run("--vae", "emoji-vae", "encode", "photo.jpg", "-o", "out") == 2
    assert "; options go after the command: genimg encode --vae emoji-vae …\n" in capsys.readouterr().err
    assert run("--version") == 0 and capsys.readouterr().out.startswith("genimg ")


@pytest.mark.parametrize("typed, word, meant", [
    ("gen --seeds 1 -o x", "gen", "generate"), ("encod pics/img1.png -o x", "encod", "encode"),
    ("trian vae pics", "trian", "train"), ("Generate -o x", "Generate", "generate"),
    ("--vae emoji-vae encod p.png -o x", "encod", "encode")])
def test_a_mistyped_command_word_is_said_with_the_command_it_is_close_to(typed, word, meant, capsys):
    """`genimg gen --seeds 1 -o x` said "invalid choice: 'gen' (…); options go after the command: genimg COMMAND gen
    --seeds 1 -o x …": nothing was typed before a command, and the advice put the typo after a placeholder."""
    assert run(*typed.split()) == 2
    err = capsys.readouterr().err
    assert err.endswith(f"genimg: error: unknown command '{word}': did you mean {meant}?\n"), err
    assert "options go after" not in err


def test_a_command_word_close_to_none_is_refused_with_the_commands_and_no_advice_on_options(capsys):
    assert run("xyz", "--seeds", "1") == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'xyz' (choose from 'info', 'encode'" in err and "options go after" not in err


@pytest.mark.parametrize("command", [["generate", "-o", "x"], ["train", "vae", "pics"]])
def test_a_device_in_capitals_is_said_in_the_case_torch_names_it(command, capsys):
    assert run(*command, "--device", "CPU") == 2
    assert "argument --device: 'CPU' is not a device (did you mean cpu?): use auto, cpu" in capsys.readouterr().err


def test_a_safetensors_file_cut_short_is_said_in_the_words_of_any_file_cut_short(vae, tmp_path, capsys):
    """It was "it is truncated: its header lists 72 tensors in 3,403,828 bytes, but the file has 1,701,914" and "its
    safetensors header is longer than the file", where a cut checkpoint.pt and the README say "it is cut short: its
    end is missing"."""
    whole = (vae / "model.safetensors").read_bytes()
    (tmp_path / "half.safetensors").write_bytes(whole[:len(whole) // 2])
    (tmp_path / "head.safetensors").write_bytes(whole[:100])  # cut inside its header
    assert run("info", tmp_path / "half.safetensors", tmp_path / "head.safetensors") == 1
    err = capsys.readouterr().err
    assert (f"half.safetensors is a damaged file, not a readable safetensors file (it is cut short: its end is "
            f"missing, {len(whole) // 2:,} of {len(whole):,} bytes)") in err, err
    assert ("head.safetensors is a damaged file, not a readable safetensors file (it is cut short: its end is "
            "missing)") in err
    assert "truncated" not in err and "longer than the file" not in err


def test_class_with_images_is_a_note_as_psi_is(vae, tmp_path, capsys):
    """`genimg interpolate a.jpg b.jpg --class cat` stopped (exit 2), while --psi, --draw and --gan got a note."""
    a, b = wide_picture(tmp_path / "a.png", 0), wide_picture(tmp_path / "b.png", 1)
    assert run("interpolate", a, b, "--vae", vae, "--class", "cat", "--psi", "0.5", "--frames", "2",
               "-o", tmp_path / "m.gif") == 0
    err = capsys.readouterr().err
    assert "genimg: note: --class ignored: it is for --seeds (GAN)\n" in err
    assert "genimg: note: --psi ignored: it is for --seeds (GAN)\n" in err
    assert (tmp_path / "m.gif").is_file()


def test_a_recipe_of_the_other_kind_is_a_mistake_in_what_was_typed_as_an_edit_of_the_other_kind(vae, gan, tmp_path,
                                                                                                capsys):
    """`genimg generate --recipe VAE_RECIPE.json` exited 1, while the same mistake with --edit (a VAE's direction
    given to generate) exits 2: a recipe that loads, of the other kind, is given to the wrong command, as a VAE
    given as --gan is (exit 2). A recipe of another model of its kind stays a file that does not fit (exit 1)."""
    picture = wide_picture(tmp_path / "p.png", 0)
    assert run("edit", picture, "--vae", vae, "--edit", "0=1", "--save-recipe", tmp_path / "v.json",
               "-o", tmp_path / "e") == 0
    info = Runtime("cpu").load(str(gan), lambda *_: None)
    state = EditState(np.zeros(info.latent_size, np.float32), (1.0,) + (0.0,) * (len(info.directions) - 1))
    Recipe.from_edit(state, info.directions, info.name, "gan").save(tmp_path / "g.json")
    capsys.readouterr()
    assert run("generate", "--gan", gan, "--seeds", "1", "--recipe", tmp_path / "v.json", "-o", tmp_path / "g") == 2
    assert (f"genimg generate: error: {tmp_path / 'v.json'} edits VAE latents; apply it with genimg edit --recipe"
            in capsys.readouterr().err)
    assert run("edit", picture, "--vae", vae, "--recipe", tmp_path / "g.json", "-o", tmp_path / "e2") == 2
    assert (f"genimg edit: error: {tmp_path / 'g.json'} edits GAN latents; apply it with genimg generate --recipe"
            in capsys.readouterr().err)
    assert not (tmp_path / "g").exists() and not (tmp_path / "e2").exists()


def test_labels_folders_on_a_folder_of_no_sub_folders_is_a_mistake_in_what_was_typed(vae, tmp_path, capsys):
    """`genimg train gan DIR -o g3 --latent-of myvae --labels folders` of a folder with no sub-folders exited 1, as
    a run that failed, where train's other mistakes in what was typed, found before any work, exit 2."""
    data = tmp_path / "shapes"
    for i in range(12):
        wide_picture(data / f"{i}.png", i)
    assert run("train", "gan", data, "-o", tmp_path / "g3", "--latent-of", vae, "--labels", "folders",
               "--steps", "1") == 2
    err = capsys.readouterr().err
    assert "genimg train: error: --labels folders takes each image's class from its sub-folder of " in err, err
    assert not (tmp_path / "g3").exists()


def test_the_latent_scale_note_says_the_scale_came_from_the_last_conversion(tmp_path, capsys):
    """Converted at sd, then again with --latent-scale sdxl, the file opened at sdxl "given when it was first
    converted": the first conversion had been at sd."""
    sd_file = fb.sd_vae_file(tmp_path / "my-vae.safetensors")
    picture = wide_picture(tmp_path / "p.png", 0)
    for scale in ("sd", "sdxl"):
        assert run("encode", picture, "--vae", sd_file, "--latent-scale", scale, "-o", tmp_path / scale) == 0
        assert "latent scale" not in capsys.readouterr().err  # given: nothing to say of it
    assert run("info", sd_file) == 0
    err = capsys.readouterr().err
    assert ("genimg: note: my-vae.safetensors: latent scale 0.13025 (SDXL), as given when it was last converted; "
            "--latent-scale for another\n") in err, err


def test_help_names_the_frame_limit_and_the_default_gan(capsys):
    """`interpolate --help` gave no maximum for --frames (600, as the Morph dialog), and `info --help` said "the
    bundled VAE and GAN" where two GANs are bundled."""
    assert run("interpolate", "--help") == 0
    said = " ".join(capsys.readouterr().out.split())  # argparse wraps the lines
    assert "--frames FRAMES frames in all, at least one per keyframe, at most 600 (default 24)" in said
    assert "--gan MODEL GAN model folder, a StyleGAN2 .pkl, or a bundled model's name (default: the bundled " \
           "emoji-faces-gan)" in said
    assert run("info", "--help") == 0
    said = " ".join(capsys.readouterr().out.split())
    assert "(default: the bundled emoji-vae and emoji-faces-gan)" in said


def test_the_app_without_a_display_says_so_and_what_runs_instead():
    """`env -u DISPLAY QT_QPA_PLATFORM= genimg-gui` aborted in Qt's xcb plugin, exit 134."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = ""  # set, but naming no platform: Qt picks its default, xcb on Linux
    # the check is Linux's (elsewhere a window always has a screen): the platform forced, the test means the same on
    # any machine
    code = "import sys; sys.platform = 'linux'; from genimg_gui.app import main; sys.exit(main([]))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("genimg-gui: error: no display to open the window on")
    assert "QT_QPA_PLATFORM=offscreen" in done.stderr and "`genimg` does the same work" in done.stderr
