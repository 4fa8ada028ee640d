"""Pictures a restored session left in a model that failed to load (stranded), beside pictures opened in the model
loaded. The session held one model a kind: it recorded the loaded one, and the next start gave the stranded
pictures its sliders, their latents drawn by it. Now each picture keeps its own model in the session (its folder,
identity and direction names), so they stay stranded across restarts, and come back to their model once its folder
does and it is loaded in the Models tab."""
from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from conftest import UI_TIMEOUT
from genimg_gui.catalog import BUNDLED_DIR, DEFAULT_MODELS
from genimg_gui import session as sess
from genimg_gui.paths import shown_path
from genimg_gui.ui.settings import Settings
from test_directions_ui import menu_action
from test_session_arrival import settled
from test_session_own_model_fails import drawing_asked
from test_session_own_models import kept_in_own_model, moved
from test_start_fallback import started


def restarted(qtbot, monkeypatch, window, count: int):
    """The window kept on quitting (its session saved as the autosave writes it), and genimg started again."""
    saved = window.document.to_session()
    window.close()
    sess.save_session(replace(saved, kept=True))
    return started(qtbot, monkeypatch, [], lambda w: len(w.document.items) == count and "vae" in w.document.models
                   and settled(w))


def shown(window, name: str):
    """The picture of that name made current by a click in the filmstrip."""
    names = [window.filmstrip.item(row).text() for row in range(window.filmstrip.count())]
    window.filmstrip.setCurrentRow(next(row for row, text in enumerate(names) if text.startswith(name)))
    return window.document.current


def opened_beside(qtbot, window, kind: str, picture) -> str:
    """A picture of the model loaded opened (a sample drawn) beside the stranded one, edited; its name."""
    doc = window.document
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        if kind == "vae":
            doc.open_files([str(picture)])
        else:
            doc.generate(9, 0.7, new_item=True)
    qtbot.waitUntil(lambda: settled(window), timeout=UI_TIMEOUT)
    moved(qtbot, window, {0: 70})
    return doc.current.name


# the start-up's model: the session's (tiny-…), or another, which the session's replaces as it restores: not the
# user's choice, that load did not take the stranded picture with it
@pytest.mark.parametrize("kind, start_model", [("vae", "session's"), ("vae", "bundled"), ("gan", "session's")])
def test_pictures_left_in_a_model_that_failed_to_load_stay_in_it_beside_new_ones_across_restarts(
        kind, start_model, qtbot, monkeypatch, engine, model_dir, tmp_path, image_files):
    own, kept = kept_in_own_model(qtbot, engine, model_dir, tmp_path, image_files, kind)
    made_in, name = kept.identities[kind], own.name
    [before] = [saved for saved in kept.items if saved.kind == kind]
    away = tmp_path / "away"
    shutil.move(own, away)  # its folder gone between sessions
    window = started(qtbot, monkeypatch, [], lambda w: len(w.document.items) == 2 and kind in w.document.models
                     and settled(w))
    doc = window.document
    tiny = doc.models[kind]
    mine = opened_beside(qtbot, window, kind, image_files[1])
    if start_model == "bundled":
        Settings().set_last_model(kind, str(BUNDLED_DIR / DEFAULT_MODELS[kind]))

    window = restarted(qtbot, monkeypatch, window, 3)
    doc = window.document
    assert doc.models[kind].identity == tiny.identity
    asked = drawing_asked(monkeypatch, doc)
    item = shown(window, before.name)
    assert item.directions_of == made_in and item.history.current.same_as(before.history.current)
    assert not window.sliders.sliders and not window.sliders.isEnabled()  # not tiny-…'s
    item_word = "image" if kind == "vae" else "sample"
    assert window.slider_title.text().startswith(f"{name} could not be loaded: its folder {shown_path(str(own))} is "
                                                 f"gone. This {item_word} was made in it, so tiny-{kind}'s sliders")
    qtbot.wait(100)
    assert not asked  # its latent drawn by no model
    other = shown(window, mine)
    assert other.directions_of == tiny.identity and other.history.current.values[0] == 0.7
    assert window.sliders.labels() == tiny.directions.labels
    saved = doc.to_session()  # as the autosave keeps it: each in its own model
    assert saved.models[kind] == tiny.path and saved.identities[kind] == tiny.identity
    assert [i.own_model for i in saved.items if i.kind == kind] == [(str(own.resolve()), made_in), None]
    assert saved.labels[made_in] == kept.labels[made_in]

    shutil.move(away, own)  # its folder back: loaded from the File menu, it takes the picture back as kept
    window = restarted(qtbot, monkeypatch, window, 3)
    doc = window.document
    item = shown(window, before.name)
    assert item.directions_of == made_in and not window.sliders.sliders
    assert window.slider_title.text().startswith(f"{name} could not be loaded: one {kind.upper()} is loaded at a "
                                                 f"time, and the other {item_word}s kept are in tiny-{kind}.")
    monkeypatch.setattr(window.model_opener, "ask_model_folder", lambda: str(own))
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        menu_action(window, "Open model &folder…").trigger()
    qtbot.waitUntil(lambda: settled(window), timeout=UI_TIMEOUT)
    assert doc.models[kind].identity == made_in and item.history.current.same_as(before.history.current)
    assert window.sliders.labels() == kept.labels[made_in]
    assert window.sliders.isEnabled() and shown(window, mine).directions_of == made_in  # the other follows it
