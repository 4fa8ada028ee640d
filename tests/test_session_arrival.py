"""A restored session's models arriving after its items are back. The GAN a restore loads drew its first sample beside
the restored pictures (a kept session of pictures alone, or one a crash left), though a restore replaces the sample a
GAN draws as it loads."""
from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import UI_TIMEOUT
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.ui.main_window import MainWindow
from test_session_choice import held_loads
from test_switch_first import other_gan


def settled(window: MainWindow) -> bool:
    """Nothing on its way: no load, no sample being drawn, no item being carried over, every picture drawn."""
    doc = window.document
    return (not doc.jobs and not doc.samples.pending and not doc.carry.pending_any()
            and all(i.shown_seq >= i.requested_seq for i in doc.items.values()))


@pytest.mark.parametrize("start_up", ["nothing", "tiny-vae and tiny-gan"])
@pytest.mark.parametrize("how", ["kept", "crash"])
def test_the_gan_a_restore_loads_draws_no_sample_beside_the_restored_pictures(
        how, start_up, qtbot, window, model_dir, tmp_path, image_files, monkeypatch):
    """A session of one picture, made while other-gan was loaded: the restore loads other-gan, which arrives after
    the picture is back (held until then) and drew a "seed …" beside it, as it found no sample open. After a crash
    with the start-up's own GAN loaded, its sample stays (a session without samples does not replace it)."""
    doc = window.document
    [auto] = doc.items.values()
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(image_files[0])])
    doc.close_item(auto.id)
    other = other_gan(tmp_path)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(other))
    qtbot.waitUntil(lambda: settled(window), timeout=UI_TIMEOUT)
    saved = replace(doc.to_session(), kept=how == "kept")
    assert [i.name for i in saved.items] == [image_files[0].name] and saved.models["gan"] == str(other.resolve())
    window.close()
    sess.save_session(saved)

    gate = held_loads(monkeypatch, str(other.resolve()))
    again = MainWindow(Engine("cpu"), [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(again)
    again.questions.ask_restore = lambda names: True
    doc = again.document
    if start_up != "nothing":  # as genimg starts: the last models (here tiny-…) load, then the session is offered
        for name in ("tiny-vae", "tiny-gan"):
            doc.load_model(str(model_dir / name))
        qtbot.waitUntil(lambda: len(doc.items) == 1, timeout=UI_TIMEOUT)  # tiny-gan's own sample
    start_sample = list(doc.items)
    assert again.questions.offer_restore() == 1
    qtbot.waitUntil(lambda: any(i.kind == "vae" for i in doc.items.values()), timeout=UI_TIMEOUT)
    # a kept session replaces the start-up's sample; one a crash left without samples does not
    restored = list(doc.items)
    assert len(restored) == 1 + (how == "crash" and start_up != "nothing")
    assert doc.loading_paths()[-1] == str(other.resolve())  # other-gan, held, comes after the picture is back
    gate.set()
    qtbot.waitUntil(lambda: doc.models.get("gan") is not None and doc.models["gan"].path == str(other.resolve())
                    and settled(again), timeout=UI_TIMEOUT)
    assert list(doc.items) == restored  # no sample of other-gan's own beside them
    assert set(start_sample) & set(restored) == (set(start_sample) if how == "crash" else set())
    again.close()
