"""The directions of a retrained model not made again for its new weights yet (its file's list of them,
user_directions.REMAKING_KEY): made once, by one window, whatever happens meanwhile. Two windows loading the new weights
both made them (two sliders of one name where their encodes differed a hair), and one window put back on the list a
direction the other had made; a folder trained again before the list was done lost it without a word; a remake
that failed in the engine stayed on the list, failing again at each launch; one cancelled, or whose retry on the CPU
could no longer be sent, was taken as still being made, and loading those weights again made nothing."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui.models.vae import ConvVAE
from genimg_gui.user_directions import load_user_directions, to_remake, user_directions_file
from test_directions_identity import bare, load  # noqa: F401 (bare: a fixture)
from test_cpu_retry import blue_fails_on_the_gpu
from test_directions_retrained import (another_window, held_encodes, next_launch, red_and_dark, remade,  # noqa: F401
                                       train_again, vae2)
from test_directions_ui import BLUE, RED, define, write_group


def users(window) -> tuple[str, ...]:
    """The labels of the user's own rows of window's VAE."""
    return window.document.directions("vae").labels[window.directions_tool.builtin["vae"]:]


def saved(window) -> tuple[tuple[str, ...], list[str]]:
    """The labels of the rows in the loaded VAE's directions file, and those its list has still to make."""
    info = window.document.models["vae"]
    path = user_directions_file(info.name, info.identity)
    return load_user_directions(path, info.directions.basis.shape[1]).labels, [label for label, _ in to_remake(path)]


def test_directions_not_made_again_yet_go_with_the_folder_trained_once_more(qtbot, bare, vae2, tmp_path,
                                                                           monkeypatch):
    load(qtbot, bare, vae2)
    _, _, dark = red_and_dark(qtbot, bare, monkeypatch, tmp_path)
    held = held_encodes(monkeypatch, dark)
    train_again(vae2)
    remade(qtbot, bare, vae2, 1)  # "dark → blue" is still being made as genimg closes
    assert bare.close()
    held.clear()
    train_again(vae2, seed=7)  # before those weights were loaded again: "dark → blue" was lost
    labels, said = next_launch(qtbot, vae2, made=2)
    assert any("making “red → blue” and “dark → blue” again" in m for m in said), said
    assert labels.count("red → blue") == 1 and labels.count("dark → blue") == 1, labels


def test_two_windows_making_a_direction_again_keep_one(qtbot, bare, vae2, tmp_path, monkeypatch):
    """As a GPU may (kernels that do not add in one order): the second window's encodes differ in the last bits, and
    both windows' "dark → blue" were kept, as two rows of one name in each window and in the file."""
    from genimg_gui.ui.direction_jobs import DirectionJobs

    load(qtbot, bare, vae2)
    _, _, dark = red_and_dark(qtbot, bare, monkeypatch, tmp_path)
    held = held_encodes(monkeypatch, dark)
    train_again(vae2)
    remade(qtbot, bare, vae2, 1)  # "dark → blue" is being made
    said: list[str] = []
    bare.document.message.connect(said.append)
    on_latents = DirectionJobs._on_latents
    monkeypatch.setattr(DirectionJobs, "_on_latents",  # the windows made from now on: the second
                        lambda self, r: on_latents(self, replace(r, latents=r.latents * np.float32(1 + 1e-6))))
    with another_window(qtbot) as (window, said2):
        load(qtbot, window, vae2)
        qtbot.waitUntil(lambda: any("making “dark → blue” again" in m for m in said2), timeout=UI_TIMEOUT)
        held.clear()  # both make it at once
        qtbot.waitUntil(lambda: not bare.directions_tool.jobs and not window.directions_tool.jobs
                        and users(bare) == users(window) == saved(bare)[0], timeout=UI_TIMEOUT)
        assert users(window) == ("red → blue", "dark → blue") and saved(bare) == (users(window), [])
        assert sum(m.startswith("Made “dark → blue”") for m in said + said2) == 1, (said, said2)


def test_a_window_does_not_put_back_a_direction_another_made_again(qtbot, bare, vae2, tmp_path, monkeypatch):
    load(qtbot, bare, vae2)
    _, _, dark = red_and_dark(qtbot, bare, monkeypatch, tmp_path)
    holding = {bare.document.engine}
    held = held_encodes(monkeypatch, dark, holding)
    train_again(vae2)
    remade(qtbot, bare, vae2, 1)
    with another_window(qtbot) as (window, said):
        holding.add(window.document.engine)
        load(qtbot, window, vae2)
        qtbot.waitUntil(lambda: any("making “dark → blue” again" in m for m in said), timeout=UI_TIMEOUT)
        holding.discard(bare.document.engine)  # the first window makes it; the second's encoding is held
        qtbot.waitUntil(lambda: "dark → blue" in users(window), timeout=UI_TIMEOUT)  # the first's save, taken
        assert saved(window)[1] == []
        window.directions_tool.rename(window.document.directions("vae").index_of("red → blue"), "red → navy")
        assert saved(window) == (("red → navy", "dark → blue"), [])  # was: "dark → blue" on the list again
        held.clear()
        qtbot.waitUntil(lambda: not window.directions_tool.jobs, timeout=UI_TIMEOUT)
        QApplication.processEvents()
        assert users(window) == ("red → navy", "dark → blue") and saved(window)[0] == users(window)
        assert not any(m.startswith("Made “dark → blue”") for m in said), said
    labels, said = next_launch(qtbot, vae2)
    assert labels.count("dark → blue") == 1 and not any("again" in m for m in said), said


def test_a_direction_whose_encoding_fails_is_said_once_not_at_each_launch(qtbot, bare, vae2, tmp_path, monkeypatch):
    from genimg_gui.engine.worker import Worker

    load(qtbot, bare, vae2)
    _, _, dark = red_and_dark(qtbot, bare, monkeypatch, tmp_path)
    encode = Worker._encode_latents

    def damaged(self, r):
        if set(dark) & set(r.paths):
            raise RuntimeError("The file is damaged")
        return encode(self, r)
    monkeypatch.setattr(Worker, "_encode_latents", damaged)
    train_again(vae2)
    said = remade(qtbot, bare, vae2, 1)
    qtbot.waitUntil(lambda: not bare.directions_tool.jobs, timeout=UI_TIMEOUT)
    QApplication.processEvents()
    # was: a bare "The file is damaged", and it stayed on the list
    assert [m for m in said if "damaged" in m] == ["“dark → blue” was not made again for vae2's new weights: the "
                                                   "file is damaged"], said
    assert saved(bare) == (("red → blue",), [])
    assert bare.close()
    labels, said = next_launch(qtbot, vae2)  # was: it failed again, and said so twice, at each launch
    assert "red → blue" in labels and not any("again" in m or "damaged" in m for m in said), said


def test_a_direction_whose_vae_changed_as_it_was_made_again_is_made_at_the_next_load(qtbot, bare, vae2, tmp_path):
    load(qtbot, bare, vae2)
    red, blue = write_group(tmp_path / "red", "red", RED, 4, 1), write_group(tmp_path / "blue", "blue", BLUE, 4, 2)
    define(qtbot, bare, "red → blue", red, blue)
    train_again(vae2)
    torch.manual_seed(9)
    other = make_model_folder(tmp_path / "models" / "vae3", ConvVAE(TINY_VAE), "vae3")
    said: list[str] = []
    bare.document.error.connect(said.append)

    def then_another(info) -> None:  # asked before the remake begins (queued): vae3 encodes its examples
        bare.document.model_loaded.disconnect(then_another)
        bare.document.load_model(str(other))
    bare.document.model_loaded.connect(then_another)
    bare.document.load_model(str(vae2))
    qtbot.waitUntil(lambda: bool(said), timeout=UI_TIMEOUT)
    assert said == ["“red → blue” was not made again for vae2's new weights: the VAE changed while encoding the "
                    "examples for red → blue; it will be made when those weights are loaded again"], said  # was:
    # "make it again", and the user did, to find it made twice
    remade(qtbot, bare, vae2, 1)
    assert users(bare) == ("red → blue",)


def test_a_direction_made_again_whose_retry_on_the_cpu_runs_out_of_memory_too_is_said_once(qtbot, window,
                                                                                          monkeypatch, tmp_path):
    """Retry on CPU sends the side that ran out of GPU memory under a new seq: its failure for good is said too."""
    from genimg_gui.engine.runtime import Runtime
    from genimg_gui.ui.directions_dialog import DirectionRequest
    from test_cpu_retry import blue_fails_on_the_gpu

    red, blue = write_group(tmp_path / "red", "r", RED, 3, 1), write_group(tmp_path / "blue", "b", BLUE, 3, 2)
    blue_fails_on_the_gpu(window, monkeypatch)
    on_gpu = Runtime.encode_latent

    def on_the_cpu_too(self, image, fit):
        if self.device.type == "cpu" and image[..., 2].mean() > image[..., 0].mean():
            raise MemoryError()
        return on_gpu(self, image, fit)
    monkeypatch.setattr(Runtime, "encode_latent", on_the_cpu_too)
    said: list[str] = []
    window.document.error.connect(said.append)
    with qtbot.waitSignal(window.document.retry_offered, timeout=UI_TIMEOUT):
        window.directions_tool.make_direction(DirectionRequest("red → blue", tuple(red), tuple(blue)), again=True)
    qtbot.waitUntil(window.status.retry.isVisible, timeout=UI_TIMEOUT)
    qtbot.mouseClick(window.status.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.directions_tool.jobs, timeout=UI_TIMEOUT)
    assert said[1:] == ["“red → blue” was not made again for tiny-vae's new weights: b0.png, b1.png and b2.png could "
                        "not be encoded (out of memory on cpu; close other programs, or load a smaller model)"], said


def loaded_again(qtbot, window, folder, tmp_path) -> list[str]:
    """Another VAE loaded, then folder's weights again: what is said till a direction is made again."""
    torch.manual_seed(9)
    load(qtbot, window, make_model_folder(tmp_path / "models" / "vae3", ConvVAE(TINY_VAE), "vae3"))
    return remade(qtbot, window, folder, 1)


def test_a_direction_whose_remake_is_cancelled_is_made_when_its_weights_load_again(qtbot, bare, vae2, tmp_path,
                                                                                  monkeypatch):
    from genimg_gui.engine.worker import Worker

    load(qtbot, bare, vae2)
    _, _, dark = red_and_dark(qtbot, bare, monkeypatch, tmp_path)
    held = held_encodes(monkeypatch, dark)
    encode = Worker._encode_latents

    def shown(self, r):  # its progress shown, as a real encode's is before its first image: the bar offers Cancel
        if held & set(r.paths):
            self._report(r.seq, 0.0, f"Encoding image 1 of {len(r.paths)}")
        return encode(self, r)
    monkeypatch.setattr(Worker, "_encode_latents", shown)
    train_again(vae2)
    said = remade(qtbot, bare, vae2, 1)  # "dark → blue" is being encoded
    qtbot.waitUntil(lambda: not bare.status.cancel.isHidden(), timeout=UI_TIMEOUT)
    bare.status.cancel.click()
    qtbot.waitUntil(lambda: not bare.directions_tool.jobs, timeout=UI_TIMEOUT)
    held.clear()
    QApplication.processEvents()
    assert [m for m in said if "Cancelled" in m] == ["Cancelled making “dark → blue” again for vae2's new weights: it "
                                                     "will be made when those weights are loaded again"], said
    assert saved(bare) == (("red → blue",), ["dark → blue"])
    said = loaded_again(qtbot, bare, vae2, tmp_path)  # was: taken as still being made; nothing made, nothing said
    assert any("making “dark → blue” again" in m for m in said), said
    assert users(bare) == ("red → blue", "dark → blue") and saved(bare) == (users(bare), [])


def test_a_direction_whose_remake_can_no_longer_be_retried_on_the_cpu_is_made_at_the_next_load(qtbot, bare, vae2,
                                                                                              tmp_path, monkeypatch):
    """Both directions' examples overfill the GPU: the bar offers the retry of the last to run out (it sends the
    other side of its direction too), and the first direction's is withdrawn. Its out-of-memory error named none."""
    load(qtbot, bare, vae2)
    red_and_dark(qtbot, bare, monkeypatch, tmp_path)
    train_again(vae2)
    said: list[str] = []
    bare.document.error.connect(said.append)
    with pytest.MonkeyPatch.context() as gpu:  # not monkeypatch: its undo would undo the test's user folders too
        def on_a_gpu(info) -> None:  # the new weights loaded, before they are made again (queued): the worker idle
            bare.document.model_loaded.disconnect(on_a_gpu)
            blue_fails_on_the_gpu(bare, gpu)
        bare.document.model_loaded.connect(on_a_gpu)
        load(qtbot, bare, vae2)
        qtbot.waitUntil(lambda: len([m for m in said if "(out of memory on cuda:0" in m]) == 3, timeout=UI_TIMEOUT)
        assert [m for m in said if "red → blue" in m] == [
            "“red → blue” was not made again for vae2's new weights: the GPU ran out of memory while encoding its "
            "examples, and their retry on the CPU can no longer be sent; it will be made when those weights are "
            "loaded again"], said
        with qtbot.waitSignal(bare.document.message, timeout=UI_TIMEOUT,
                              check_params_cb=lambda m: m.startswith("Made “dark → blue” again")):
            bare.status.retry.click()
    assert saved(bare) == (("dark → blue",), ["red → blue"])
    said = loaded_again(qtbot, bare, vae2, tmp_path)  # was: taken as still being made; nothing made, nothing said
    assert any("making “red → blue” again" in m for m in said), said
    assert users(bare) == ("dark → blue", "red → blue") and saved(bare) == (users(bare), [])
