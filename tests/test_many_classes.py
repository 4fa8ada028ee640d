"""A GAN of many classes named in a line: `genimg info` and a --class refusal listed all 1000 of a StyleGAN2 pickle's
numbered classes (118 lines; 11 KB of error). And an unconditional StyleGAN2 pickle asked for a class is not told
of genimg train's --labels."""
from __future__ import annotations

from dataclasses import replace

import pytest
import torch

import foreign_builders as fb
from conftest import TINY_GAN, make_model_folder
from genimg_gui.cli import main
from genimg_gui.models.gan import Generator
from test_stylegan2 import tiny_generator, write_pickle

NAMED = tuple(f"breed-{i:02d}" for i in range(30))


def run(*args) -> int:
    return main([str(a) for a in args])


def test_a_pickle_of_1000_numbered_classes_says_their_range(tmp_path, capsys):
    pkl = fb.conditional_stylegan_pickle(tmp_path / "many.pkl", tmp_path / "CODE_RAN", c_dim=1000)
    assert run("info", pkl) == 0
    out = capsys.readouterr().out
    assert "  classes        1000, --class takes a name or an index: class 0 … class 999\n" in out, out
    assert "class 500" not in out
    assert run("generate", "--gan", pkl, "--seeds", "1", "--class", "xyz", "-o", tmp_path / "g") == 2
    err = capsys.readouterr().err
    assert "many has no class 'xyz'; its classes are: class 0 … class 999; or give an index (0 … 999)\n" in err, err
    assert run("generate", "--gan", pkl, "--seeds", "1", "--class", "class", "-o", tmp_path / "g") == 2
    err = capsys.readouterr().err
    assert "--class 'class' matches 1000 classes of many: class 0 … class 999; name one\n" in err, err
    assert "class 500" not in err


def test_a_gan_of_many_named_classes_lists_the_first_ones_and_counts_the_rest(tmp_path, capsys):
    torch.manual_seed(2)
    folder = make_model_folder(tmp_path / "breeds", Generator(replace(TINY_GAN, classes=NAMED)), "breeds")
    first = ", ".join(NAMED[:20])
    assert run("info", folder) == 0
    said = " ".join(capsys.readouterr().out.split())  # the row is wrapped
    assert f"30, --class takes a name or an index: {first} and 10 more directions" in said, said
    assert run("generate", "--gan", folder, "--seeds", "1", "--class", "poodle", "-o", tmp_path / "g") == 2
    err = capsys.readouterr().err
    assert f"breeds has no class 'poodle'; its classes are: {first} and 10 more; or give an index (0 … 29)" in err


def test_an_unconditional_pickle_asked_for_a_class_is_not_told_of_labels(tmp_path, capsys):
    plain = write_pickle(tmp_path / "plain.pkl", tiny_generator(), tmp_path / "CODE_RAN")
    assert run("generate", "--gan", plain, "--seeds", "1", "--class", "1", "-o", tmp_path / "g") == 2
    assert capsys.readouterr().err.endswith("genimg generate: error: plain has no classes; drop --class\n")


@pytest.mark.parametrize("command", ["generate", "interpolate"])
def test_class_help_names_conditional_stylegan2_pickles(command, capsys):
    assert run(command, "--help") == 0
    assert "--class CLASS a GAN trained with --labels, or a conditional StyleGAN2 pickle: draw this class" in " ".join(
        capsys.readouterr().out.split())
