"""`genimg`'s outputs when the disk or a stream fails them: a full disk part-way through a file (no Qt)."""
from __future__ import annotations

import builtins
import errno
import io
import os
import sys
from pathlib import Path

import pytest
from PIL import Image

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
    full_disk(tmp_path / "rec", ("r.json",), room=0)
    assert run("edit", "--vae", vae, image_files[0], "--edit", "0=1", "-o", tmp_path / "out",
               "--save-recipe", tmp_path / "rec" / "r.json") == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {tmp_path / 'rec' / 'r.json'} cannot be written: the disk is full" in err, err
    assert (tmp_path / "out" / "image 0_edited.png").is_file() and not list((tmp_path / "rec").iterdir())


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
