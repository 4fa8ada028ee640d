"""`genimg`'s advice and notes naming what would work: the commands a model of the other kind goes with, an --edit
past the sliders' range, progress through a long morph, the command that reads a latent file (no Qt)."""
from __future__ import annotations

import re
import shlex
import shutil
import time

import pytest

import genimg_gui
from genimg_gui.catalog import BUNDLED_DIR
from genimg_gui.cli import build_parser
from genimg_gui.engine.runtime import Runtime
from genimg_gui.models.directions import save_directions
from test_cli import gan, run, vae  # noqa: F401 (fixtures, and the command as a test runs it)


def takes_option(command: str, option: str) -> bool:
    """Whether `genimg COMMAND` has this option."""
    commands = next(a for a in build_parser()._actions if a.dest == "command").choices
    return option in commands[command]._option_string_actions


@pytest.mark.parametrize("args, kind", [(["edit", "{img}", "--edit", "PC1=1", "--vae", "{gan}"], "gan"),
                                        (["encode", "{img}", "--vae", "{gan}"], "gan"),
                                        (["generate", "--seeds", "1", "--gan", "{vae}"], "vae")])
def test_a_model_of_the_other_kind_is_pointed_to_the_commands_that_take_it(args, kind, vae, gan, image_files,
                                                                           tmp_path, capsys):
    """"pass it as --gan" pointed edit and encode to an option they lack (argparse: "unrecognized arguments")."""
    values = {"vae": vae, "gan": gan, "img": image_files[0]}
    assert run(*[a.format(**values) for a in args], "-o", tmp_path / "out") == 2
    err = capsys.readouterr().err
    folder = values[kind]
    other = "VAE" if kind == "gan" else "GAN"
    said = re.search(rf"{folder} holds a {kind.upper()}, not a {other}: use it as --{kind} {folder} with genimg "
                     r"(.+)", err)
    assert said, err
    named = re.findall(r"[a-z]+", said.group(1).split("(")[0].replace("--seeds", ""))
    commands = [c for c in named if c not in ("or", "with", "images")]
    assert len(commands) >= 3 and all(takes_option(c, f"--{kind}") for c in commands), commands
    assert args[0] not in commands  # the command typed takes no model of that kind


def test_an_edit_past_the_sliders_range_is_taken_with_a_note(vae, gan, image_files, tmp_path, capsys):
    """PC2=100 wrote an orange smear without a word; the window's sliders stop at ±3σ and its meter turns red."""
    assert run("edit", image_files[0], "--vae", vae, "--edit", "PC2=100", "--edit", "PC1=-2", "-o", tmp_path) == 0
    err = capsys.readouterr().err
    assert "genimg: note: --edit PC2=100 is past the sliders' ±3σ (off-distribution: images may break from about " \
           "4σ)" in err, err  # typicality.SLIDER_SPAN, the window's, and the meter's red band
    assert "PC1" not in err  # within the sliders' range: nothing to say
    assert run("generate", "--gan", gan, "--seeds", "1", "2", "--edit", "0=-50", "--edit", "1=3", "-o", tmp_path) == 0
    err = capsys.readouterr().err
    assert err.count("genimg: note: --edit 0=-50 is past the sliders' ±3σ") == 1, err  # once, however many seeds
    assert "1=3" not in err and (tmp_path / "seed0002.png").is_file()


def test_a_long_morph_says_how_far_it_is_every_few_seconds_and_before_it_writes(gan, tmp_path, monkeypatch, capsys):
    """Lines came at quarters only (49 s of silence before "frames 150/600"), then 11-17 s of none while the GIF
    was written. Each frame here takes 1.1 s by the clock: a line every second frame, and the last."""
    late, real_clock, real_decode = [0.0], time.monotonic, Runtime.decode

    def slow_decode(self, *args, **kwargs):
        late[0] += 1.1
        return real_decode(self, *args, **kwargs)

    monkeypatch.setattr(Runtime, "decode", slow_decode)
    monkeypatch.setattr(time, "monotonic", lambda: real_clock() + late[0])
    out = tmp_path / "m.gif"
    assert run("interpolate", "--gan", gan, "--seeds", "1", "2", "--frames", "10", "-o", out) == 0
    said = capsys.readouterr()
    lines = [line for line in said.err.splitlines() if line.startswith(("frames", "writing"))]
    assert lines == [f"frames {i}/10" for i in (2, 4, 6, 8, 10)] + [f"writing {out}…"], said.err
    assert said.out.strip() == str(out) and out.is_file()


def test_decode_calls_a_cut_latent_damaged_and_points_an_image_to_encode(vae, image_files, tmp_path, capsys):
    """Both were "is not an .npz file": true of the image, with no word of what makes a latent of it."""
    assert run("encode", "--vae", vae, image_files[0], "-o", tmp_path / "enc") == 0
    latent = next((tmp_path / "enc").glob("*.npz"))
    cut = tmp_path / "cut.npz"
    cut.write_bytes(latent.read_bytes()[:200])  # a copy that stopped
    capsys.readouterr()
    assert run("decode", "--vae", vae, cut, "-o", tmp_path / "out") == 1
    assert f"genimg: error: {cut} is damaged: it does not read as an .npz archive" in capsys.readouterr().err
    assert run("decode", "--vae", vae, image_files[0], "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"{image_files[0]} is an image, not a latent file: `genimg encode {shlex.quote(str(image_files[0]))} " \
           "-o DIR` makes its latent (DIR/NAME.npz), which decode reads" in err, err
    assert not (tmp_path / "out").exists()


def test_a_mistyped_direction_gets_the_name_meant(vae, image_files, tmp_path, capsys):
    """`--edit "skn tone"=2` was told the labels' first and last only, never the name it was near."""
    named = shutil.copytree(vae, tmp_path / "named-vae")
    directions = Runtime("cpu").load(str(named), lambda *_: None).directions
    save_directions(named, directions.renamed(1, "skin tone: lighter → darker"))
    for typo, meant in (("skn tone", "skin tone"), ("PC12x", "PC12"), ("Skin tone: lighter → drker", None)):
        assert run("edit", "--vae", named, image_files[0], "--edit", f"{typo}=2", "-o", tmp_path / "out") == 2
        err = capsys.readouterr().err
        said = f"the VAE has no direction {typo!r} (did you mean "
        assert said + (f"{meant}?): use a label" if meant else "skin tone: lighter → darker?): use a label") in err, err
    assert run("edit", "--vae", named, image_files[0], "--edit", "zzzz=2", "-o", tmp_path / "out") == 2
    assert "no direction 'zzzz': use a label" in capsys.readouterr().err  # nothing close: no guess
    assert not (tmp_path / "out").exists()


def test_a_direction_named_by_one_of_its_words_is_taken_as_a_class_is(image_files, tmp_path, capsys):
    """`--class glasses` drew face-glasses with a note, but `edit --edit skin=2` and `generate --edit smiling=2`
    were refused ("did you mean skin tone?"), though each word is of one direction only. One rule now: taken, with
    a note, moving the direction its full name moves; a word several share asks which."""
    emoji_vae, faces = BUNDLED_DIR / "emoji-vae", BUNDLED_DIR / "emoji-faces-gan"
    for word, name in (("skin", "skin tone"), ("Skin", "skin tone: lighter -> darker")):
        assert run("edit", "--vae", emoji_vae, image_files[0], "--edit", f"{name}=2", "-o", tmp_path / "named") == 0
        assert run("edit", "--vae", emoji_vae, image_files[0], "--edit", f"{word}=2", "-o", tmp_path / word) == 0
        assert f"genimg: note: --edit {word}: moving skin tone: lighter → darker" in capsys.readouterr().err
        out = f"{image_files[0].stem}_edited.png"
        assert (tmp_path / word / out).read_bytes() == (tmp_path / "named" / out).read_bytes()
    smiling = "subcategory: other -> face-smiling=2"
    for edit, out in ((smiling, "named"), ("smiling=2", "word")):
        assert run("generate", "--gan", faces, "--seeds", "3", "--edit", edit, "-o", tmp_path / "g" / out) == 0
    assert "genimg: note: --edit smiling: moving subcategory: other → face-smiling" in capsys.readouterr().err
    drawn = [(tmp_path / "g" / out / "seed0003.png").read_bytes() for out in ("named", "word")]
    assert drawn[0] == drawn[1]
    assert run("edit", "--vae", emoji_vae, image_files[0], "--edit", "other=1", "-o", tmp_path / "other") == 2
    assert ("genimg edit: error: --edit 'other' matches 4 directions of the VAE: category: other → Smileys & Emotion, "
            "category: other → Animals & Nature, category: other → Food & Drink and category: other → Flags; name one"
            in capsys.readouterr().err)
    assert not (tmp_path / "other").exists()


def test_version_says_the_package_version(capsys):
    assert run("--version") == 0
    assert capsys.readouterr().out == f"genimg {genimg_gui.__version__}\n"


def test_an_empty_latent_file_is_said_to_be_empty_as_an_empty_picture_is(vae, tmp_path, capsys):
    """A zero-byte .npz was "damaged: it does not read as an .npz archive", where a zero-byte picture says the file
    is empty."""
    (tmp_path / "empty.npz").write_bytes(b"")
    assert run("decode", "--vae", vae, tmp_path / "empty.npz", "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {tmp_path / 'empty.npz'} is not a latent file (it is empty: 0 bytes)" in err, err
    assert "damaged" not in err


def test_a_word_of_where_a_direction_starts_is_refused_saying_which_way_it_goes(vae, image_files, tmp_path, capsys):
    """`--edit lighter=2` took skin tone: lighter → darker and made skin darker, and `--edit open=2` took eyes: open
    → closed and closed them, with only a note: a positive value goes towards a label's "to" side. A word of only
    its "from" side is refused, naming the option that moves towards it; a word of the topic or "to" side is taken."""
    emoji_vae, out = BUNDLED_DIR / "emoji-vae", tmp_path / "out"
    assert run("edit", "--vae", emoji_vae, image_files[0], "--edit", "lighter=2", "-o", out) == 2
    # one sentence after the prefix: "the VAE: --edit lighter: …" read as two prefixes
    assert ("genimg edit: error: --edit lighter: 'lighter' is where skin tone: lighter → darker starts; a "
            "positive value goes towards darker — use --edit 'skin tone'=-2 to move towards lighter"
            in capsys.readouterr().err)
    assert not out.exists()
    named = shutil.copytree(vae, tmp_path / "named-vae")
    directions = Runtime("cpu").load(str(named), lambda *_: None).directions
    save_directions(named, directions.renamed(1, "eyes: open → closed").renamed(2, "eyes: wide → narrow"))
    assert run("edit", "--vae", named, image_files[0], "--edit", "Open=1.5", "-o", out) == 2
    said = re.search(r"--edit Open: 'Open' is where eyes: open → closed starts; a positive value goes towards closed "
                     r"— use (--edit .+=-1\.5) to move towards open\n", capsys.readouterr().err)
    assert said and not out.exists()
    assert shlex.split(said.group(1)) == ["--edit", "eyes: open -> closed=-1.5"]  # the topic is two directions'
    assert run("edit", "--vae", named, image_files[0], *shlex.split(said.group(1)), "-o", out) == 0
    for word, label in (("closed", "eyes: open → closed"), ("narrow", "eyes: wide → narrow")):
        assert run("edit", "--vae", named, image_files[0], "--edit", f"{word}=1", "-o", tmp_path / word) == 0
        assert f"genimg: note: --edit {word}: moving {label}" in capsys.readouterr().err
