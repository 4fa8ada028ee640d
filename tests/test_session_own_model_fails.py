"""A restored session whose own model fails to load (its folder deleted, or its weights cut short, between sessions).
Its pictures got the sliders of the model of their kind loaded meanwhile, which moved their latents along that
model's directions and drew them with it, and the autosave kept them as that model's. Now their sliders stay held
back and the Sliders tab says which model failed, why and what to do; the autosave keeps them in their own model;
and loading a model of their kind (the one loaded too) carries them over, as any new model does."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from conftest import UI_TIMEOUT
from genimg_gui import session as sess
from genimg_gui.engine import requests as rq
from genimg_gui.models.weights import WEIGHTS_NAME
from test_directions_ui import menu_action
from test_session_arrival import settled
from test_session_own_models import kept_in_own_model
from test_start_fallback import errors, started
from test_switch_values import double_click_row


def drawing_asked(monkeypatch, doc) -> list:
    """The requests to draw a latent (a step, preview strips, History thumbnails) the document sends from now on."""
    asked, submit = [], doc.engine.submit

    def noted(request):
        if isinstance(request, (rq.Decode, rq.PreviewStrip)):
            asked.append(request)
        return submit(request)
    monkeypatch.setattr(doc.engine, "submit", noted)
    return asked


def broken(folder, how: str) -> None:
    if how == "deleted":
        shutil.rmtree(folder)
    else:  # cut short, as a copy interrupted
        weights = folder / WEIGHTS_NAME
        weights.write_bytes(weights.read_bytes()[:100])


@pytest.mark.parametrize("kind, how", [("vae", "deleted"), ("vae", "cut"), ("gan", "deleted")])
def test_a_restored_image_whose_own_model_fails_to_load_keeps_its_sliders_held_back(
        kind, how, qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    own, kept = kept_in_own_model(qtbot, engine, model_dir, tmp_path, image_files, kind)
    own_folder = str(own.resolve())
    broken(own, how)
    window = started(qtbot, monkeypatch, [], lambda w: len(w.document.items) == 2 and kind in w.document.models
                     and settled(w))
    doc = window.document
    tiny = doc.models[kind]
    assert tiny.path == str((model_dir / f"tiny-{kind}").resolve())
    [why] = errors(window)  # the load's own error (the reason the tab gives)
    asked = drawing_asked(monkeypatch, doc)
    window.filmstrip.setCurrentRow([saved.kind for saved in kept.items].index(kind))
    item = doc.current
    assert item.kind == kind and any(item.history.current.values)  # edited in its own model
    steps, node, state = len(item.history), item.history.current_id, item.history.current
    made_in = item.directions_of
    assert made_in is not None and made_in != tiny.identity

    name = own.name
    assert not window.sliders.sliders and not window.sliders.isEnabled()  # not tiny-…'s
    title = window.slider_title.text()
    item_word = "image" if kind == "vae" else "sample"
    assert title.startswith(f"{name} could not be loaded: {why.rstrip('.')}. This {item_word} was made in it, so "
                            f"tiny-{kind}'s sliders")
    assert f"Load {name} in the Models tab" in title and f"load a {kind.upper()} there, tiny-{kind} too," in title
    menu_action(window, "Re&set all sliders").trigger()
    menu_action(window, "Ra&ndomise sliders").trigger()
    QTest.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z
    assert (len(item.history), item.history.current_id) == (steps, node)
    assert item.history.current is state and item.directions_of == made_in
    assert errors(window)[-1] == (f"{item.name} stays at its step: {name}, which made it, could not be loaded, and no "
                                  f"other {kind.upper()} can draw its steps; load a {kind.upper()} in the Models tab")
    qtbot.wait(100)  # nothing on its way, from the selection on: no step, strip or History thumbnail drawn
    assert not asked

    # the autosave keeps them in their own model: a restart tries it again, and holds their sliders back again
    saved = doc.to_session()
    assert saved.models[kind] == own_folder and saved.identities[kind] == made_in
    assert saved.labels[made_in] == kept.labels[made_in]
    [mine] = [i for i in saved.items if i.kind == kind]
    assert mine.history.current.same_as(state)

    window.close()
    sess.save_session(replace(saved, kept=True))
    window = started(qtbot, monkeypatch, [], lambda w: len(w.document.items) == 2 and kind in w.document.models
                     and settled(w))
    doc = window.document
    window.filmstrip.setCurrentRow([saved.kind for saved in kept.items].index(kind))
    item = doc.current
    assert item.directions_of == made_in and item.history.current.same_as(state) and len(item.history) == steps
    assert not window.sliders.sliders and window.slider_title.text() == title

    # Models tab: the loaded model, loaded again, takes it (encodes it again, draws its seeds again), every step kept
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        double_click_row(qtbot, window, f"tiny-{kind}")
    qtbot.waitUntil(lambda: settled(window), timeout=UI_TIMEOUT)
    assert doc.current is item and item.directions_of == tiny.identity and len(item.history) == steps
    assert window.sliders.isEnabled() and window.sliders.labels() == tiny.directions.labels
    assert window.slider_title.text().startswith(f"{len(tiny.directions.labels)} directions of the {kind.upper()} "
                                                 f"“tiny-{kind}”")
    assert doc.to_session().identities[kind] == tiny.identity
