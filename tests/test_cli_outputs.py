"""`genimg`'s outputs: a folder given as IMAGE and the files written for its pictures, each under a name of its own;
and when the disk or a stream fails them: a full disk part-way through a file (no Qt)."""
from __future__ import annotations

import builtins
import errno
import io
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genimg_gui.image_files import images_in

from test_cli import gan, run, vae  # noqa: F401 (fixtures, and the command as a test runs it)


class Cramped(io.FileIO):
    """A file on a disk with room for `room` more bytes: the write that passes it writes what fits, then fails as
    a full disk does."""

    def __init__(self, file, mode: str, room: int):
        super().__init__(file, mode)
        self.room = room

    def write(self, data) -> int:
        data = memoryview(data).cast("B")
        if len(data) <= self.room:
            self.room -= len(data)
            return super().write(data)
        super().write(data[:self.room])
        self.room = 0
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture()
def full_disk(monkeypatch):
    """fill(folder, names, room): each file opened for writing in folder whose name holds one of names (its temp
    file's name holds it too) has room for `room` bytes, as on a disk that fills up part-way through it."""
    real_open = io.open

    def fill(folder: Path, names: tuple[str, ...] = ("",), room: int = 100) -> None:
        def cramped_open(file, mode="r", *args, **kwargs):
            path = Path(file) if isinstance(file, (str, os.PathLike)) else None
            if path is None or path.parent != folder or not any(n in path.name for n in names) or "r" in mode:
                return real_open(file, mode, *args, **kwargs)
            raw = Cramped(file, mode.replace("b", "").replace("t", ""), room)
            buffered = io.BufferedRandom(raw) if "+" in mode else io.BufferedWriter(raw)
            return buffered if "b" in mode else io.TextIOWrapper(buffered, encoding=kwargs.get("encoding"))
        monkeypatch.setattr(builtins, "open", cramped_open)
        monkeypatch.setattr(io, "open", cramped_open)
    return fill


OLD = b"an older file of the same name"


@pytest.mark.parametrize("command, failing, kept", [
    (["generate", "--gan", "{gan}", "--seeds", "0-2"], "seed0001.png", ["seed0000.png"]),
    (["encode", "--vae", "{vae}", "{img}"], "image 0_recon.png", ["image 0.npz"]),
    (["edit", "--vae", "{vae}", "{img}", "--edit", "0=1", "--save-latents"], "image 0_edited.npz",
     ["image 0_edited.png"]),
])
def test_a_disk_that_fills_part_way_through_a_file_leaves_no_half_written_file(
        command, failing, kept, gan, vae, image_files, tmp_path, full_disk, capsys):
    """A full disk left a 0-byte seed0005.png or x_recon.png, or a cut-off .npz, in the place of the file (and of an
    older file of that name): the README says nothing half-written is left."""
    out = tmp_path / "out"
    out.mkdir()
    (out / failing).write_bytes(OLD)
    full_disk(out, (failing,))
    args = [a.format(gan=gan, vae=vae, img=image_files[0]) for a in command]
    assert run(*args, "-o", out) == 1
    std = capsys.readouterr()
    assert f"genimg: error: {out / failing} cannot be written: the disk is full" in std.err, std.err
    assert (out / failing).read_bytes() == OLD  # the older file, whole
    assert sorted(p.name for p in out.iterdir()) == sorted([failing, *kept])  # no temp file left either
    assert std.out.split("\n")[:-1] == [str(out / name) for name in kept]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc takes no new files on Linux")
@pytest.mark.parametrize("command, path", [
    (["generate", "--gan", "{gan}", "--seeds", "0-3", "--grid"], "/proc/g.png"),
    (["edit", "--vae", "{vae}", "{img}", "--edit", "0=1", "--save-recipe"], "/proc/r.json"),
])
def test_an_extra_output_that_cannot_be_written_is_refused_before_any_work(command, path, gan, vae, image_files,
                                                                         tmp_path, capsys):
    """--grid /proc/g.png was found unwritable once every seed was drawn and written; --save-recipe /proc/r.json once
    every image was edited, and said "cannot write it (No such file or directory)", though /proc is there."""
    args = [a.format(gan=gan, vae=vae, img=image_files[0]) for a in command]
    assert run(*args, path, "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {path} cannot be written: /proc takes no new files" in err, err
    assert "1/4" not in err and not (tmp_path / "out").exists()  # nothing drawn, nothing written


def test_a_recipe_the_disk_has_no_room_for_is_said_in_the_apps_words(vae, image_files, tmp_path, full_disk, capsys):
    """A disk full by the end of the edits: "cannot write it (No space left on device)", the raw OS text."""
    full_disk(tmp_path / "rec", (".tmp",), room=0)  # the recipe's temp file; the check before the edits had room
    assert run("edit", "--vae", vae, image_files[0], "--edit", "0=1", "-o", tmp_path / "out",
               "--save-recipe", tmp_path / "rec" / "r.json") == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {tmp_path / 'rec' / 'r.json'} cannot be written: the disk is full" in err, err
    assert (tmp_path / "out" / "image 0_edited.png").is_file()
    assert not (tmp_path / "rec").exists()  # nothing in it: the folder this run made for it is taken away


@pytest.mark.parametrize("command, option, name", [
    (["generate", "--gan", "{gan}", "--seeds", "0-3"], "--grid", "g.png"),
    (["edit", "--vae", "{vae}", "{img}", "--edit", "0=1"], "--save-recipe", "r.json"),
])
def test_an_extra_output_on_a_full_disk_is_refused_before_any_work(command, option, name, gan, vae, image_files,
                                                                  tmp_path, full_disk, capsys):
    """The check before the work made an empty file, which a full disk takes (tmpfs): every seed was drawn and
    written, or every image edited, before the grid or recipe could not be written."""
    full = tmp_path / "full"
    full.mkdir()
    full_disk(full, room=0)
    args = [a.format(gan=gan, vae=vae, img=image_files[0]) for a in command]
    assert run(*args, option, full / name, "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {full / name} cannot be written: the disk is full" in err, err
    assert "1/4" not in err and not (tmp_path / "out").exists() and not list(full.iterdir())  # nor the probe


@pytest.mark.parametrize("name, format", [("g.jpg", "JPEG"), ("g.JPEG", "JPEG"), ("g.webp", "WEBP"), ("g.png", "PNG")])
def test_a_grid_is_written_in_the_format_its_name_says(name, format, gan, tmp_path, capsys):
    """--grid g.jpg wrote a PNG named g.png."""
    assert run("generate", "--gan", gan, "--seeds", "0-1", "-o", tmp_path / "out", "--grid", tmp_path / name) == 0
    assert capsys.readouterr().out.split("\n")[-2] == str(tmp_path / name)
    with Image.open(tmp_path / name) as im:
        assert im.format == format and im.size == (64, 32)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "out"])


@pytest.mark.parametrize("name", ["g.gif", "gridnoext"])
def test_a_grid_named_for_no_picture_format_is_refused_with_the_command_line(name, gan, tmp_path, capsys):
    """--grid gridnoext wrote gridnoext.png, and --grid g.gif a PNG named g.png, without a word."""
    assert run("generate", "--gan", gan, "--seeds", "0-1", "-o", tmp_path / "out", "--grid", tmp_path / name) == 2
    err = capsys.readouterr().err
    assert f"argument --grid: {tmp_path / name}: name a picture file ending in .png, .jpg, .jpeg or .webp" in err
    assert not list(tmp_path.iterdir())


def picture(path: Path, seed: int) -> Path:
    """A small real picture of its own (another seed, other pixels), its folder made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.random.default_rng(seed).integers(0, 255, (32, 40, 3), dtype=np.uint8)).save(path)
    return path


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def holiday(tmp_path: Path) -> Path:
    """photos/ with two pictures, a text file and a subfolder holding a picture of its own."""
    photos = tmp_path / "photos"
    for seed, name in enumerate(["b.png", "a.jpg", "sub/c.png"]):
        picture(photos / name, seed)
    (photos / "notes.txt").write_text("not a picture")
    return photos


@pytest.mark.parametrize("command, written", [(["encode"], "{}_recon.png"),
                                              (["edit", "--edit", "0=1"], "{}_edited.png")])
def test_a_folder_given_gives_its_pictures_by_name_as_a_drop_on_the_window_opens_them(command, written, vae, tmp_path,
                                                                                     capsys):
    """`genimg encode photos/ -o out` failed: "photos is a folder, not an image"."""
    photos = holiday(tmp_path)
    assert run(*command, "--vae", vae, photos, "-o", tmp_path / "out") == 0
    std = capsys.readouterr()
    opened = images_in(photos)  # the window's own list for a folder dropped: a.jpg, b.png; not sub/c.png
    assert [p.name for p in opened] == ["a.jpg", "b.png"]
    assert [line for line in std.out.split("\n") if line.endswith(".png")] == [
        str(tmp_path / "out" / written.format(p.stem)) for p in opened]  # in name order
    assert f"genimg: note: {photos}: 1 file skipped, not images genimg reads (" in std.err and "notes.txt" in std.err
    assert "c.png" not in std.err and not (tmp_path / "out" / written.format("c")).exists()
    assert run(*command, "--vae", vae, photos / "a.jpg", "-o", tmp_path / "one") == 0  # the same as the file typed
    np.testing.assert_array_equal(pixels(tmp_path / "one" / written.format("a")),
                                  pixels(tmp_path / "out" / written.format("a")))


def test_links_in_a_folder_that_lead_nowhere_are_named_as_unreadable_with_why(vae, tmp_path, capsys):
    """A folder holding broken.png -> /nonexistent/pic.png and evil.png -> evil.png: encoded with exit 0, the note
    naming only notes.txt; the two links were skipped without a word."""
    photos = holiday(tmp_path)
    (photos / "broken.png").symlink_to(tmp_path / "nonexistent" / "pic.png")
    (photos / "evil.png").symlink_to("evil.png")
    assert run("encode", "--vae", vae, photos, "-o", tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert (f"genimg: note: {photos}: 3 files skipped, not images genimg reads (" in err
            and "): notes.txt; unreadable: broken.png (a link to a file that does not exist) and evil.png "
                "(a link that loops)\n" in err), err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.npz", "a_recon.png", "b.npz", "b_recon.png"]


def test_an_input_whose_output_name_is_too_long_fails_alone_and_writes_neither_file(vae, tmp_path, capsys):
    """MMM….png (251 M): M….npz was written, then "…_recon.png cannot be written: the name is too long", exit 1, the
    next input never encoded and half a pair left. It concerns that input alone, as an unreadable one does."""
    long_stem = "M" * (os.pathconf(tmp_path, "PC_NAME_MAX") - len(".npz"))  # its .npz fits, its _recon.png not
    given = [picture(tmp_path / f"{long_stem}.png", 1), picture(tmp_path / "b.png", 2)]
    out = tmp_path / "out"
    assert run("encode", "--vae", vae, *given, "-o", out) == 1
    err = capsys.readouterr().err
    assert (f"genimg: error: {given[0]}: {out / long_stem}_recon.png cannot be written: the name is too long; give "
            "the input a shorter name\n" in err and "genimg: 1 of 2 failed" in err), err
    assert sorted(p.name for p in out.iterdir()) == ["b.npz", "b_recon.png"]


@pytest.mark.parametrize("command", [["interpolate", "--seeds", "1", "2"], ["generate", "--seeds", "1"]])
def test_an_output_name_too_long_is_refused_as_typed_without_a_traceback(command, gan, tmp_path, capsys):
    """-o FOLDER/MMM….gif (or a folder of such a name) ended in "OSError: [Errno 36] File name too long" and a
    traceback: asking whether it was a folder raised."""
    suffix = ".gif" if command[0] == "interpolate" else ""  # generate's -o is a folder
    out = tmp_path / ("M" * (os.pathconf(tmp_path, "PC_NAME_MAX") + 1) + suffix)
    assert run(*command, "--gan", gan, "-o", out) == 2
    err = capsys.readouterr().err
    assert f"error: argument -o/--out: {out} cannot be written: the name is too long\n" in err, err


@pytest.mark.parametrize("as_folders", [True, False])
def test_pictures_of_one_name_from_two_folders_or_typed_are_written_apart(as_folders, vae, tmp_path, capsys):
    """a/x.png b/x.png were written as x and x-2 when typed; two folders' x.png are too. A third input named x-2.png
    had x-2 written over by the second x.png."""
    given = [picture(tmp_path / folder / "x.png", seed) for folder, seed in (("a", 1), ("b", 2))]
    other = picture(tmp_path / "c" / "x-2.png", 3)
    out = tmp_path / "out"
    assert run("encode", "--vae", vae, *(p.parent if as_folders else p for p in given), other, "-o", out) == 0
    std = capsys.readouterr()
    written = [Path(line) for line in std.out.split("\n") if line.endswith(".png")]
    assert [p.name for p in written] == ["x_recon.png", "x-3_recon.png", "x-2_recon.png"]
    b = tmp_path / "b" / "x.png"  # which input is which file, said (x-3, not x-2: c/x-2.png has its own name)
    assert std.err.count(" is written as ") == 1, std.err
    assert f"genimg: note: {b} is written as x-3.npz and x-3_recon.png: {tmp_path / 'a' / 'x.png'} has the same " \
           "name\n" in std.err
    for source, recon in zip([tmp_path / "a" / "x.png", tmp_path / "b" / "x.png", other], written):
        assert run("encode", "--vae", vae, source, "-o", tmp_path / "alone") == 0
        np.testing.assert_array_equal(pixels(recon), pixels(tmp_path / "alone" / f"{source.stem}_recon.png"))


def test_an_edit_of_two_pictures_of_one_name_says_which_became_which_file(vae, tmp_path, capsys):
    """genimg edit a/x.png b/x.png wrote x_edited.png and x-2_edited.png without a word of which input became which
    file; the second is said once, with the files it became, once they are written (said before the work, it named
    files an input that then failed never wrote)."""
    a, b = (picture(tmp_path / folder / "x.png", seed) for folder, seed in (("a", 1), ("b", 2)))
    out = tmp_path / "out"
    assert run("edit", "--vae", vae, a, b, "--edit", "0=1", "--save-latents", "-o", out) == 0
    std = capsys.readouterr()
    assert [Path(line).name for line in std.out.split("\n")[:-1]] == [
        "x_edited.png", "x_edited.npz", "x-2_edited.png", "x-2_edited.npz"]
    note = f"genimg: note: {b} is written as x-2_edited.png and x-2_edited.npz: {a} has the same name\n"
    assert std.err.count(" is written as ") == 1 and std.err.endswith(note), std.err  # after "2/2 …"
    assert run("edit", "--vae", vae, a, a, "--edit", "0=1", "-o", out) == 0  # the same file twice
    assert f"genimg: note: {a} is written as x-2_edited.png: it is given twice\n" in capsys.readouterr().err


@pytest.mark.parametrize("command, bad, written", [
    (["encode"], "a/x.npz", ["x.npz", "x_recon.png", "x-2.npz", "x-2_recon.png"]),  # a latent given as a picture
    (["encode"], "a/x.png", ["x.npz", "x_recon.png", "x-2.npz", "x-2_recon.png"]),  # a damaged picture
    (["encode"], "a/x-2.png", ["x.npz", "x_recon.png", "x-2.npz", "x-2_recon.png"]),  # not x-3: x-2 failed
    (["edit", "--edit", "0=1", "--save-latents"], "a/x.png",
     ["x_edited.png", "x_edited.npz", "x-2_edited.png", "x-2_edited.npz"]),
    (["decode"], "a/x.npz", ["x_decoded.png", "x-2_decoded.png"])])  # a damaged latent file
def test_an_input_that_fails_leaves_its_name_to_the_next_one_of_that_name(command, bad, written, vae, tmp_path,
                                                                           capsys):
    """`genimg encode --vae V enc/p001.npz p001.png -o x` refused the latent file, then wrote p001.png as
    x/p001-2.npz "…: enc/p001.npz has the same name", beside no p001.npz: the failed input had taken the name."""
    good = picture(tmp_path / "b" / "x.png", 2)
    if command == ["decode"]:
        assert run("encode", "--vae", vae, good, "-o", tmp_path / "enc") == 0
        good = tmp_path / "enc" / "x.npz"
    bad = tmp_path / bad
    bad.parent.mkdir(exist_ok=True)
    if bad.suffix == ".npz" and command == ["encode"]:
        assert run("encode", "--vae", vae, good, "-o", bad.parent) == 0  # a real latent file, of good's name
    else:
        bad.write_bytes(b"\x89PNG\r\n\x1a\n damaged" if bad.suffix == ".png" else b"\x00not a latent")
    capsys.readouterr()
    out = tmp_path / "out"
    assert run(*command, "--vae", vae, bad, good, good, "-o", out) == 1
    std = capsys.readouterr()
    assert [Path(line).name for line in std.out.split("\n")[:-1]] == written
    assert sorted(p.name for p in out.iterdir()) == sorted(written)
    assert f"genimg: error: {bad}" in std.err and std.err.count(" is written as ") == 1, std.err
    assert f"genimg: note: {good} is written as {written[-1 if command == ['decode'] else 2]}" in std.err
    assert std.err.endswith(": it is given twice\ngenimg: 1 of 3 failed\n"), std.err  # the failed one not named


def test_a_folder_with_no_pictures_fails_by_its_name_and_the_others_are_written(vae, tmp_path, capsys):
    photos, empty, above = holiday(tmp_path), tmp_path / "empty", tmp_path / "above"
    empty.mkdir()
    picture(above / "inside" / "d.png", 4)
    out = tmp_path / "out"
    assert run("encode", "--vae", vae, empty, photos, above, "-o", out) == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {empty} is a folder with no images in it\n" in err, err
    assert f"genimg: error: {above} is a folder with no images in it (pictures in its subfolders are not opened)" in err
    assert "genimg: 2 of 4 failed" in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == ["a.npz", "a_recon.png", "b.npz", "b_recon.png"]
    assert run("edit", "--vae", vae, empty, "--edit", "0=1", "-o", out) == 1
    assert f"genimg: error: {empty} is a folder with no images in it" in capsys.readouterr().err


def test_a_model_folder_given_as_pictures_is_refused_before_any_work(vae, tmp_path, capsys):
    """Its sample grids are no pictures: the window loads such a folder as a model."""
    assert run("encode", "--vae", vae, vae, "-o", tmp_path / "out") == 2
    assert f"{vae} is a model folder, not a folder of pictures: give a VAE with --vae" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_decode_takes_a_folder_of_latent_files_as_encode_takes_one_of_pictures(vae, gan, tmp_path, capsys):
    """`genimg generate -o gen --save-latents` then `genimg decode gen -o xd` said "gen does not exist" (exit 1)."""
    assert run("generate", "--gan", gan, "--seeds", "10,2", "--save-latents", "-o", tmp_path / "gen") == 0
    assert run("encode", "--vae", vae, holiday(tmp_path), "-o", tmp_path / "enc") == 0
    capsys.readouterr()
    assert run("decode", tmp_path / "gen", tmp_path / "enc", "-o", tmp_path / "out") == 0
    std = capsys.readouterr()
    assert [Path(line).name for line in std.out.split("\n")[:-1]] == [  # by name, seed2 before seed10
        "seed0002_decoded.png", "seed0010_decoded.png", "a_decoded.png", "b_decoded.png"]
    assert "note" not in std.err, std.err  # the pictures beside the latents are not said to be skipped
    assert run("decode", tmp_path / "gen" / "seed0002.npz", "-o", tmp_path / "one") == 0
    np.testing.assert_array_equal(pixels(tmp_path / "one" / "seed0002_decoded.png"),
                                  pixels(tmp_path / "out" / "seed0002_decoded.png"))
    assert run("decode", tmp_path / "photos", "-o", tmp_path / "none") == 1
    assert f"genimg: error: {tmp_path / 'photos'} is a folder with no latent files (.npz) in it" in \
        capsys.readouterr().err
    assert run("decode", vae, "-o", tmp_path / "none") == 2
    assert f"{vae} is a model folder, not a folder of latent files: give the model with --vae or --gan" in \
        capsys.readouterr().err


def test_interpolate_morphs_through_a_folders_pictures_in_name_order(vae, tmp_path, capsys):
    photos = holiday(tmp_path)
    morph = ["--vae", vae, "--frames", "4", "--mode", "linear"]
    assert run("interpolate", *morph, photos, "-o", tmp_path / "folder.gif") == 0
    assert run("interpolate", *morph, photos / "a.jpg", photos / "b.png", "-o", tmp_path / "typed.gif") == 0
    assert run("interpolate", *morph, photos / "b.png", photos / "a.jpg", "-o", tmp_path / "back.gif") == 0
    folder, typed = (tmp_path / "folder.gif").read_bytes(), (tmp_path / "typed.gif").read_bytes()
    assert folder == typed and folder != (tmp_path / "back.gif").read_bytes()
    (tmp_path / "empty").mkdir()
    assert run("interpolate", *morph, photos, tmp_path / "empty", "-o", tmp_path / "none.gif") == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {tmp_path / 'empty'} is a folder with no images in it" in err
    assert "a morph needs" not in err and not (tmp_path / "none.gif").exists()


@pytest.mark.parametrize("out_exists", [False, True])
def test_a_run_that_writes_nothing_takes_away_the_folder_it_made(out_exists, vae, image_files, tmp_path, full_disk,
                                                                 capsys):
    """`genimg encode imgs -o full/sub` on a full disk left sub/ behind, empty; a folder that was there stays."""
    out = tmp_path / "full" / "sub"
    if out_exists:
        out.mkdir(parents=True)
    full_disk(out, room=0)
    assert run("encode", "--vae", vae, *image_files, "-o", out) == 1
    assert "cannot be written: the disk is full" in capsys.readouterr().err
    assert out.is_dir() == out_exists and (tmp_path / "full").is_dir() == out_exists


def test_a_failed_run_keeps_a_folder_it_made_once_it_holds_a_file(vae, image_files, tmp_path, full_disk, capsys):
    out = tmp_path / "new"
    full_disk(out, ("_recon.png",), room=0)  # the latent file is written, its picture is not
    assert run("encode", "--vae", vae, image_files[0], "-o", out) == 1
    assert [p.name for p in out.iterdir()] == ["image 0.npz"]
