"""A restored session's models arriving after its items are back. The GAN a restore loads drew its first sample beside
the restored pictures (a kept session of pictures alone, or one a crash left), though a restore replaces the sample a
GAN draws as it loads; and while a picture's own model was still on its way, its sliders were those of the model of
its kind loaded then, which moved its latent along another model's directions."""
from __future__ import annotations

from dataclasses import replace

import pytest

from conftest import UI_TIMEOUT
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.ui.main_window import MainWindow
from session_helpers import offered
from test_directions_ui import menu_action
from test_session_choice import held_loads
from test_session_own_models import kept_in_own_model
from test_start_fallback import started
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
    the picture is back (held until then) and drew a "seed …" beside it, as it found no sample open. The start-up's own
    GAN's sample, left as it came, goes after a crash too: it stayed beside the restored picture, a "seed 0" the
    user never asked for, where a kept session replaced it."""
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
    assert offered(qtbot, again) == 1
    qtbot.waitUntil(lambda: any(i.kind == "vae" for i in doc.items.values()), timeout=UI_TIMEOUT)
    # a restore, of a kept session or of a crash's, replaces the start-up's sample
    restored = list(doc.items)
    assert len(restored) == 1
    assert doc.loading_paths()[-1] == str(other.resolve())  # other-gan, held, comes after the picture is back
    gate.set()
    qtbot.waitUntil(lambda: doc.models.get("gan") is not None and doc.models["gan"].path == str(other.resolve())
                    and settled(again), timeout=UI_TIMEOUT)
    assert list(doc.items) == restored  # no sample of other-gan's own beside them
    assert not set(start_sample) & set(restored)
    again.close()


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_a_restored_images_sliders_wait_for_its_own_model(kind, qtbot, monkeypatch, engine, model_dir, tmp_path,
                                                           image_files):
    """A kept session made in h-vae (or other-gan), tiny-… loaded last: tiny-…'s sliders showed on the restored image
    while its own model loaded, its values on them (PC1 is PC1 in both), and a drag or Reset all edited it along
    tiny-…'s directions. Now its sliders wait for its own model, greyed out and saying so, Reset all and Randomise
    from the Edit menu too, and come with it, its values on them."""
    own, kept = kept_in_own_model(qtbot, engine, model_dir, tmp_path, image_files, kind, "h")
    gate = held_loads(monkeypatch, str(own.resolve()))
    window = started(qtbot, monkeypatch, [], lambda w: len(w.document.items) == 2 and kind in w.document.models)
    doc = window.document
    assert doc.models[kind].path == str((model_dir / f"tiny-{kind}").resolve())  # its own held on its way
    window.filmstrip.setCurrentRow([saved.kind for saved in kept.items].index(kind))
    item = doc.current
    assert item.kind == kind and any(item.history.current.values)  # edited in its own model
    steps, node, values = len(item.history), item.history.current_id, item.history.current.values

    assert not window.sliders.sliders and not window.sliders.isEnabled()  # not tiny-…'s
    name = "h-vae" if kind == "vae" else "other-gan"
    assert window.slider_title.text() == f"Waiting for {name} to load: this image's sliders come with it"
    menu_action(window, "Re&set all sliders").trigger()
    menu_action(window, "Ra&ndomise sliders").trigger()
    assert (len(item.history), item.history.current_id, item.history.current.values) == (steps, node, values)

    gate.set()
    qtbot.waitUntil(lambda: doc.models[kind].path == str(own.resolve()) and settled(window), timeout=UI_TIMEOUT)
    assert doc.current is item and window.sliders.isEnabled()
    assert window.sliders.labels() == doc.models[kind].directions.labels
    assert window.slider_title.text().startswith(f"{len(window.sliders.sliders)} directions of the {kind.upper()} "
                                                 f"“{name}”")
    assert window.sliders.values() == pytest.approx(values)  # its edit, on its own model's sliders
    assert (len(item.history), item.history.current_id) == (steps, node)
    window.sliders.sliders[1].setValue(round(values[1] * 100) + 50)  # now a slider edits it, in its own model
    qtbot.waitUntil(lambda: len(item.history) == steps + 1 and settled(window), timeout=UI_TIMEOUT)
    assert item.history.current.values[1] == pytest.approx(values[1] + 0.5)
