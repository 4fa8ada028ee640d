"""A latent file given where a model or a picture goes: `genimg info enc/p001.npz` named it "p001.npz", unlike every
other message, which names a file as typed (`genimg edit --recipe enc/p001.npz` too); `genimg edit enc/p001.npz` and
`genimg encode enc/p001.npz` said only "is not an image in a format genimg reads", where `genimg interpolate` names
the command that makes its picture (no Qt)."""
from __future__ import annotations

import shlex
from pathlib import Path

from genimg_gui.cli import main
from test_cli import run, vae  # noqa: F401 (fixture)


def encoded_here(vae, image_files, tmp_path, monkeypatch, capsys) -> Path:
    """A latent file encoded into enc/, with the current folder tmp_path: its path as typed, enc/NAME.npz."""
    monkeypatch.chdir(tmp_path)
    assert run("encode", "--vae", vae, image_files[0], "-o", "enc") == 0
    capsys.readouterr()
    return Path("enc") / f"{image_files[0].stem}.npz"


def test_a_latent_file_given_as_a_model_is_named_as_typed(vae, image_files, tmp_path, monkeypatch, capsys):
    latent = encoded_here(vae, image_files, tmp_path, monkeypatch, capsys)
    said = (f"genimg: error: {latent} is a latent file (from genimg encode, generate, edit or the app), not a model: "
            f"`genimg decode {shlex.quote(str(latent))} -o enc` decodes it beside itself\n")
    assert run("info", latent) == 1
    assert capsys.readouterr().err == said
    assert run("encode", "--vae", latent, image_files[0], "-o", "out") == 1
    assert said in capsys.readouterr().err
    monkeypatch.chdir(tmp_path / "enc")  # typed bare, in its own folder: named so
    assert run("info", latent.name) == 1
    assert capsys.readouterr().err.startswith(f"genimg: error: {latent.name} is a latent file (")


def test_edit_of_a_latent_file_says_how_to_edit_one_in_interpolates_words(vae, image_files, tmp_path, monkeypatch,
                                                                          capsys):
    latent = encoded_here(vae, image_files, tmp_path, monkeypatch, capsys)
    decode = f"genimg decode {shlex.quote(str(latent))} -o DIR"
    assert run("edit", "--vae", vae, latent, image_files[1], "--edit", "PC1=1", "-o", "ee") == 1
    err = capsys.readouterr().err
    assert (f"genimg: error: {latent} is a latent file, not an image: edit takes images; decode it to an image first "
            f"with `{decode}` and edit the PNG it writes, or `genimg-gui {shlex.quote(str(latent))}` opens it to edit "
            "its latent itself\n") in err, err
    assert (tmp_path / "ee" / f"{image_files[1].stem}_edited.png").is_file()  # the others go on
    assert run("interpolate", "--vae", vae, latent, image_files[1], "-o", "m.gif") == 2
    assert (f"genimg interpolate: error: {latent} is a latent file, not an image: a morph takes images (VAE) or "
            f"--seeds (GAN); decode it to an image first with `{decode}`\n") in capsys.readouterr().err
    # the decode named makes a picture edit takes
    assert main(shlex.split(decode.replace("DIR", "dec"))[1:]) == 0
    assert run("edit", "--vae", vae, Path("dec") / f"{latent.stem}_decoded.png", "--edit", "PC1=1", "-o", "ee") == 0


def test_a_latent_file_given_as_a_recipe_is_named_as_typed(vae, image_files, tmp_path, monkeypatch, capsys):
    """`--recipe enc/p001.npz` said "p001.npz is a latent file, not an edit recipe", as a recipe's own faults named
    it ("typo.json: its JSON is broken …"): the recipe reader, the window's too, names a file by its name."""
    latent = encoded_here(vae, image_files, tmp_path, monkeypatch, capsys)
    assert run("edit", "--vae", vae, image_files[1], "--recipe", latent, "-o", "x") == 1
    err = capsys.readouterr().err
    assert (f"genimg: error: {latent} is a latent file, not an edit recipe: a recipe is the .json file that File → "
            "Save edit recipe… or genimg edit --save-recipe writes\n") in err, err
    (tmp_path / "recipes").mkdir()
    (tmp_path / "recipes" / "typo.json").write_text('{"format": "genimg-recipe",\n "version" 1}')
    assert run("edit", "--vae", vae, image_files[1], "--recipe", Path("recipes") / "typo.json", "-o", "x") == 1
    assert capsys.readouterr().err.endswith("genimg: error: recipes/typo.json: its JSON is broken at line 2, column "
                                            "12 (expecting ':' delimiter)\n")
    assert not (tmp_path / "x").exists()


def test_encode_of_a_latent_file_says_it_is_encoded_already_and_what_draws_it(vae, image_files, tmp_path, monkeypatch,
                                                                               capsys):
    latent = encoded_here(vae, image_files, tmp_path, monkeypatch, capsys)
    quoted = shlex.quote(str(latent))
    assert run("encode", "--vae", vae, latent, image_files[1], "-o", "again") == 1
    err = capsys.readouterr().err
    assert (f"genimg: error: {latent} is a latent file, not an image: encode takes images, and this one is encoded "
            f"already: `genimg decode {quoted} -o DIR` draws its picture, and `genimg-gui {quoted}` opens it to "
            "edit\n") in err, err
    assert (tmp_path / "again" / f"{image_files[1].stem}.npz").is_file()  # the others go on
    # the decode named draws its picture
    assert run("decode", latent, "-o", "dec") == 0
    assert (tmp_path / "dec" / f"{latent.stem}_decoded.png").is_file()
