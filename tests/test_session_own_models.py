"""A kept session whose models are not the last ones loaded. A tester kept a session made in h-vae while another
window had loaded tiny-vae last, and started genimg-gui: tiny-vae loaded, then the session's h-vae, and the log said
"Encoding your pictures again with the new VAE (1)": the session's own pictures, whose latents are h-vae's, were
encoded again in h-vae (a long encode with a big SD VAE, the latents moved by float rounding); a GAN's samples were
drawn again the same way ("Drawing your samples again with the new GAN (1)"). Now items restored into their own model
keep the latents, edits and history they were kept with, and nothing is said of them."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from conftest import UI_TIMEOUT
from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.edit import edited_latent
from genimg_gui.engine.runtime import Runtime
from genimg_gui.engine.encode_inputs import thumbnail
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.settings import Settings
from test_open_latents import other_vae
from test_start_fallback import errors, started
from test_session_choice import held_loads
from test_switch_first import other_gan


def moved(qtbot, window: MainWindow, values: dict[int, int]) -> None:
    """The current item's sliders (row -> value in hundredths of σ) moved one after another, each an undo step."""
    item = window.document.current
    for row, value in values.items():
        window.sliders.sliders[row].setValue(value)
        qtbot.waitUntil(lambda: item.history.current.values[row] == value / 100, timeout=UI_TIMEOUT)


def kept_edited(qtbot, engine, vae: Path, gan: Path, picture: Path) -> sess.Session:
    """The session a window in vae and gan keeps on quitting: picture and seed 7, each edited, one with an undone
    step (a branch)."""
    window = MainWindow(engine, [read_entry(vae), read_entry(gan)])
    qtbot.addWidget(window)
    doc = window.document
    for folder in (vae, gan):
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            doc.load_model(str(folder))
    qtbot.waitUntil(lambda: len(doc.items) == 1, timeout=UI_TIMEOUT)
    [auto] = doc.items.values()
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        doc.open_files([str(picture)])
    moved(qtbot, window, {0: 150, 1: -80})
    doc.undo()
    moved(qtbot, window, {2: 60})
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        doc.generate(7, 0.7, new_item=True)
    moved(qtbot, window, {0: 120})
    doc.close_item(auto.id)
    qtbot.waitUntil(lambda: all(i.shown_seq >= i.requested_seq for i in doc.items.values()), timeout=UI_TIMEOUT)
    kept = replace(doc.to_session(), kept=True)
    window.close()
    sess.save_session(kept)
    return kept


def kept_in_own_model(qtbot, engine, model_dir, tmp_path, image_files, kind: str, folder: str = "h-vae"):
    """A session kept in tiny-… but, of kind, another model (a VAE h-vae in tmp_path/folder, or other-gan), the last
    model of that kind then tiny-… (another window's, which quit after): that model's folder and the session."""
    own = other_vae(tmp_path / folder, 7, "h-vae") if kind == "vae" else other_gan(tmp_path)
    models = {"vae": model_dir / "tiny-vae", "gan": model_dir / "tiny-gan", kind: own}
    kept = kept_edited(qtbot, engine, models["vae"], models["gan"], image_files[0])
    Settings().set_last_model(kind, str(model_dir / f"tiny-{kind}"))
    return own, kept


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_a_kept_sessions_own_model_loaded_after_the_last_one_leaves_its_items_as_kept(
        qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, kind):
    """`genimg-gui` with no files: the last model of the kind (tiny-…) loads, then the session's own, which brings
    its items back as they were kept: no message, no encode, every step's latent and values as they were."""
    own, kept = kept_in_own_model(qtbot, engine, model_dir, tmp_path, image_files, kind, "h")

    def settled(w: MainWindow) -> bool:
        doc = w.document
        return (len(doc.items) == 2 and kind in doc.models and doc.models[kind].path == str(own.resolve())
                and not doc.jobs and not doc.carry.pending_any() and not doc.samples.pending
                and all(i.shown_seq >= i.requested_seq for i in doc.items.values()))
    window = started(qtbot, monkeypatch, [], settled)

    said = [entry.text for entry in window.status.log.entries]
    assert not [s for s in said if "again with the new" in s], said  # nothing of theirs encoded or drawn again
    assert not errors(window)
    for item, saved in zip(window.document.items.values(), kept.items):
        assert item.name == saved.name
        back, then = item.history.nodes(), saved.history.nodes()
        assert [(n.id, n.parent) for n in back] == [(n.id, n.parent) for n in then]  # every step, the branch too
        for now, before in zip(back, then):
            assert np.array_equal(now.state.base, before.state.base)  # the latents as kept, not encoded again
            assert now.state.values == before.state.values
        assert item.history.current_id == saved.history.current_id
        # drawn by its own model: within rounding of the picture kept (the last model's would be another picture)
        assert np.abs(item.image.astype(int) - saved.image.astype(int)).max() <= 2
    current = window.document.current
    assert current.name == "seed 7" and window.sliders.values() == current.history.current.values  # its edit


@pytest.mark.parametrize("reopened", ["before-it-came", "after-it-came"])
def test_a_picture_closed_while_its_sessions_vae_loads_reopens_as_kept(qtbot, monkeypatch, engine, model_dir,
                                                                       tmp_path, image_files, reopened):
    """The restored picture closed before h-vae, its own, had come (tiny-vae, the last VAE, loaded then) and
    reopened after: it was taken for tiny-vae's, and encoded again in h-vae. Reopened before, it stays as it is."""
    own = other_vae(tmp_path / "h", 7, "h-vae")
    kept = kept_edited(qtbot, engine, own, model_dir / "tiny-gan", image_files[0])
    Settings().set_last_model("vae", str(model_dir / "tiny-vae"))
    gate = held_loads(monkeypatch, str(own.resolve()))
    window = started(qtbot, monkeypatch, [], lambda w: len(w.document.items) == 2 and "vae" in w.document.models)
    doc = window.document
    assert doc.models["vae"].path == str((model_dir / "tiny-vae").resolve())  # h-vae held on its way
    window.filmstrip.setCurrentRow(0)
    assert doc.current.name == kept.items[0].name
    window.close_action.trigger()
    if reopened == "before-it-came":
        window.reopen_action.trigger()
    gate.set()
    qtbot.waitUntil(lambda: doc.models["vae"].path == str(own.resolve()) and not doc.jobs, timeout=UI_TIMEOUT)
    if reopened == "after-it-came":
        window.reopen_action.trigger()
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and doc.current.shown_seq >= doc.current.requested_seq,
                    timeout=UI_TIMEOUT)

    picture = doc.current
    assert picture.name == kept.items[0].name
    for now, before in zip(picture.history.nodes(), kept.items[0].history.nodes()):
        assert np.array_equal(now.state.base, before.state.base) and now.state.values == before.state.values
    assert np.abs(picture.image.astype(int) - kept.items[0].image.astype(int)).max() <= 2  # drawn by h-vae


def test_history_thumbnails_asked_while_a_sessions_vae_loads_are_drawn_in_it(qtbot, monkeypatch, engine, model_dir,
                                                                             tmp_path, image_files):
    """The History tab on while h-vae, the session's own VAE, was on its way: its steps' thumbnails were asked with
    the directions of tiny-vae, the VAE loaded then; they are drawn again in h-vae as it comes."""
    own = other_vae(tmp_path / "h", 7, "h-vae")
    kept_edited(qtbot, engine, own, model_dir / "tiny-gan", image_files[0])
    Settings().set_last_model("vae", str(model_dir / "tiny-vae"))
    gate = held_loads(monkeypatch, str(own.resolve()))
    window = started(qtbot, monkeypatch, [], lambda w: len(w.document.items) == 2 and "vae" in w.document.models)
    doc = window.document
    window.filmstrip.setCurrentRow(0)
    window.tabs.setCurrentWidget(window.history_panel)  # its thumbnails asked
    picture = doc.current
    gate.set()
    qtbot.waitUntil(lambda: doc.models["vae"].path == str(own.resolve()) and not doc.jobs, timeout=UI_TIMEOUT)

    reference = Runtime("cpu")
    reference.load(str(own), lambda *_: None)
    directions = reference.model("vae").directions
    drawn = {node.id: thumbnail(reference.render_thumbnail("vae", edited_latent(node.state, directions), None, None,
                                                            0, 48), 48).astype(int)
             for node in picture.history.nodes()}

    def at_48(image: np.ndarray) -> np.ndarray:  # the step on screen keeps its picture, as drawn, as its thumbnail
        return (image if image.shape[0] == 48 else thumbnail(image, 48)).astype(int)
    # a thumbnail is kept once drawn: the first drawn of each step is the one it keeps
    qtbot.waitUntil(lambda: picture.thumbs.keys() == drawn.keys() and all(
        np.abs(at_48(picture.thumbs[n]) - drawn[n]).max() <= 2 for n in drawn), timeout=UI_TIMEOUT)
