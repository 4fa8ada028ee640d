"""`genimg` says the files a run replaced, and a latent file of an earlier run left beside a picture it replaced
(no Qt): they were written over without a word, and seed0000.npz was left decoding to another picture than
seed0000.png."""
from __future__ import annotations

from test_cli import gan, run, vae  # noqa: F401 (fixtures, and the command as a test runs it)


def test_a_picture_replaced_beside_an_earlier_runs_latent_is_said_and_the_latent_kept(gan, tmp_path, capsys):
    out = tmp_path / "gen"
    assert run("generate", "--gan", gan, "--seeds", "0", "1", "-o", out, "--save-latents") == 0
    assert "replaced" not in capsys.readouterr().err  # nothing was there
    latent = (out / "seed0000.npz").read_bytes()
    assert run("generate", "--gan", gan, "--seeds", "0", "1", "--psi", "0.3", "-o", out) == 0
    err = capsys.readouterr().err
    assert (f"genimg: note: replaced 2 files that were there before this run: {out / 'seed0000.png'} and "
            f"{out / 'seed0001.png'}\n") in err, err
    assert (f"genimg: note: 2 latent files beside pictures this run replaced are from an earlier run and no longer "
            f"match them: {out / 'seed0000.npz'} and {out / 'seed0001.npz'} (with --save-latents a run writes "
            "latents anew beside their pictures)\n") in err, err
    assert (out / "seed0000.npz").read_bytes() == latent  # the user's file is left as it was
    assert run("generate", "--gan", gan, "--seeds", "0", "-o", out, "--save-latents") == 0
    err = capsys.readouterr().err
    assert (f"replaced 2 files that were there before this run: {out / 'seed0000.png'} and "
            f"{out / 'seed0000.npz'}\n") in err and "earlier run" not in err, err


def test_one_latent_left_beside_the_picture_replaced_is_named_with_it(gan, tmp_path, capsys):
    out = tmp_path / "gen"
    assert run("generate", "--gan", gan, "--seeds", "3", "-o", out, "--save-latents") == 0
    assert run("generate", "--gan", gan, "--seeds", "3", "4", "-o", out) == 0
    err = capsys.readouterr().err
    assert f"replaced 1 file that was there before this run: {out / 'seed0003.png'}\n" in err, err
    assert (f"genimg: note: {out / 'seed0003.npz'} is from an earlier run and no longer matches "
            f"{out / 'seed0003.png'}, which this run replaced: it decodes to the earlier picture") in err, err


def test_a_recipe_and_an_animation_replaced_are_said(vae, image_files, tmp_path, capsys):
    edit = ["edit", image_files[0], "--vae", vae, "--edit", "0=1", "-o", tmp_path / "out",
            "--save-recipe", tmp_path / "r.json"]
    assert run(*edit) == 0
    assert "replaced" not in capsys.readouterr().err
    assert run(*edit) == 0
    err = capsys.readouterr().err
    assert (f"replaced 2 files that were there before this run: {tmp_path / 'out' / 'image 0_edited.png'} and "
            f"{tmp_path / 'r.json'}\n") in err, err
    morph = tmp_path / "morph.gif"
    morph.write_bytes(b"an older file")
    assert run("interpolate", *image_files[:2], "--vae", vae, "--frames", "2", "-o", morph) == 0
    err = capsys.readouterr().err
    assert f"genimg: note: replaced 1 file that was there before this run: {morph}\n" in err, err
    assert "latent" not in err
