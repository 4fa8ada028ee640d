"""A whole latent file that meets a MemoryError as numpy reads its arrays is not damaged: the window said "x.npz is not
a readable latent file (it is too large to read in the memory available)" and took it out of File → Open recent, as a
damaged file, though nothing was wrong with it (a picture that runs out of GPU memory as it is encoded stays there).
Now it says the memory was short and what to do, and the file stays in Open recent; one cut short, whose header
claims data it does not hold, is said to be cut short, and leaves it."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from conftest import UI_TIMEOUT
from genimg_gui import export
from genimg_gui.ui import latent_files

from test_latent_bombs import bomb
from test_latent_read_once import big_latent_file, opened_latent


def no_memory_for_arrays(monkeypatch) -> list[object]:
    """From now on numpy's read of an .npy array's data (as np.load's archive reads each array, on whichever thread)
    finds no memory, as numpy says it; the files it was asked to read from, one a read."""
    asked = []

    def read_array(fp, *args, **kwargs):
        asked.append(fp)
        raise MemoryError("Unable to allocate 7.63 MiB for an array with shape (2000000,) and data type float32")
    monkeypatch.setattr(np.lib.format, "read_array", read_array)
    return asked


def open_from_recent(window, path) -> None:
    """File → Open recent → path, as the user picks it."""
    window.opener.fill_recent_menu()
    [action] = [a for a in window.recent_menu.actions() if a.data() == str(path)]
    action.trigger()


def small_latent_file(path, info) -> np.ndarray:
    """A latent file of tiny-vae's as Export latent writes it, read on the GUI thread (under READ_HERE): its latent."""
    latent = np.random.default_rng(3).standard_normal(512).astype(np.float32)
    export.export_latent(path, latent, latent, (), (), export.model_record(info))
    assert export.bytes_to_read(path) <= latent_files.READ_HERE
    return latent


@pytest.mark.parametrize("where", ["worker", "window"])
def test_a_whole_latent_file_read_out_of_memory_says_so_and_stays_in_open_recent(qtbot, window, tmp_path,
                                                                                    monkeypatch, where):
    """Large (read by the worker, ReadLatentFile) or small (read on the GUI thread): the same words, and kept."""
    path, info = tmp_path / "edit.npz", window.document.models["vae"]
    latent = big_latent_file(path, info, 0) if where == "worker" else small_latent_file(path, info)
    window.settings.add_recent([str(path)])
    items = dict(window.document.items)
    asked = no_memory_for_arrays(monkeypatch)
    open_from_recent(window, path)
    qtbot.waitUntil(lambda: "edit.npz" in window.last_error, timeout=UI_TIMEOUT)
    qtbot.waitUntil(lambda: not window.opener.latents.on_their_way(), timeout=UI_TIMEOUT)
    assert asked and window.document.items == items
    assert str(path) in window.settings.recent_files()
    size = f"{np.ceil(export.bytes_to_read(path) / 2**20):,.0f} MB"
    assert window.last_error == (f"edit.npz could not be read: its {size} of arrays need more memory than is free; "
                                 "close other programs and try again")
    monkeypatch.undo()  # memory freed: the same entry opens it
    open_from_recent(window, path)
    assert np.array_equal(opened_latent(qtbot, window), latent)


def test_a_latent_file_cut_short_that_runs_out_of_memory_leaves_open_recent(qtbot, window, tmp_path, monkeypatch):
    """Its header claims data its member does not hold: damaged, whatever the memory."""
    path = bomb(tmp_path / "edit.npz", "base", (latent_files.READ_HERE,))
    window.settings.add_recent([str(path)])
    no_memory_for_arrays(monkeypatch)
    open_from_recent(window, path)
    qtbot.waitUntil(lambda: "edit.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error == "edit.npz is not a readable latent file (it is cut short: its end is missing)"
    qtbot.waitUntil(lambda: not window.opener.latents.on_their_way(), timeout=UI_TIMEOUT)
    assert str(path) not in window.settings.recent_files()


CAPPED_READ = ("import resource, sys\n"
               "from genimg_gui.export import read_latent\n"
               "held = int(open('/proc/self/statm').read().split()[0]) * resource.getpagesize()\n"
               "resource.setrlimit(resource.RLIMIT_AS, (held + 64 * 2**20, resource.RLIM_INFINITY))\n"
               "try:\n"
               "    read_latent(sys.argv[1])\n"
               "except ValueError as e:\n"
               "    print(type(e).__name__, e)\n")


def test_a_whole_file_too_large_for_the_memory_left_is_not_said_damaged(tmp_path):
    """A real MemoryError: a process whose address space is capped 64 MB above what it holds reads a whole latent
    file of 150 MB (compressed to little), and one that claims as much and holds none of it."""
    whole, cut = tmp_path / "whole.npz", bomb(tmp_path / "cut.npz", "latent", (export.MOST_LATENT_VALUES,))
    np.savez_compressed(whole, latent=np.zeros(export.MOST_LATENT_VALUES, np.float32))
    said = [subprocess.run([sys.executable, "-c", CAPPED_READ, str(path)], capture_output=True, text=True,
                           timeout=60) for path in (whole, cut)]
    size = f"{np.ceil(export.MOST_LATENT_VALUES * 4 / 2**20):,.0f} MB"
    assert [(s.stdout, s.stderr) for s in said] == [
        (f"NoMemoryToRead whole.npz could not be read: its {size} of arrays need more memory than is free; close "
         "other programs and try again\n", ""),
        ("ValueError cut.npz is not a readable latent file (it is cut short: its end is missing)\n", "")]
