"""A start whose last model is damaged. A tester loaded a GAN they trained, quit, cut its model.safetensors in half
and started genimg-gui: a red message for a few seconds, then no GAN at all (Active GAN "–"), not the bundled one,
and a greyed-out Generate tab whose note read "e010.png was not drawn from a seed… choosing a seed or changing any
of them makes one", which nothing on screen allowed. Now the bundled model of that kind loads instead, one error
saying why, and while no GAN is loaded the Generate tab's note says so."""
from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QApplication

from conftest import UI_TIMEOUT
from genimg_gui import app
from genimg_gui import session as sess
from genimg_gui.catalog import BUNDLED_DIR, DEFAULT_MODELS, read_entry
from genimg_gui.engine.runtime import Runtime
from genimg_gui.paths import shown_path
from genimg_gui.ui import status_times
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.session_questions import SessionQuestions
from genimg_gui.ui.settings import Settings
from genimg_gui.weights_file import WEIGHTS_NAME
from genimg_gui.wording import SUPPORTED
from test_open_latents import other_vae
from test_session_choice import keep_one_sample

NO_GAN_NOTE = "No GAN is loaded: load one in the Models tab"


def damaged_copy(model: Path, folder: Path) -> Path:
    """A copy of a model folder whose weights file was cut in half, as the tester cut theirs."""
    shutil.copytree(model, folder)
    weights = folder / WEIGHTS_NAME
    data = weights.read_bytes()
    weights.write_bytes(data[:len(data) // 2])
    return folder


def started(qtbot, monkeypatch, argv: list[str], ready) -> MainWindow:
    """genimg-gui started by app.main (the bundled models, the settings in the test's folder), its event loop run
    until ready(window)."""
    windows = []

    def run_until_ready(_app) -> int:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible())
        qtbot.addWidget(window)  # closed after the test, which shuts its engine down
        windows.append(window)
        qtbot.waitUntil(lambda: ready(window), timeout=UI_TIMEOUT)
        return 0
    monkeypatch.setattr(QApplication, "exec", run_until_ready)
    assert app.main(argv) == 0
    return windows[0]


def errors(window: MainWindow) -> list[str]:
    return [entry.text for entry in window.status.log.entries if entry.error]


@pytest.mark.parametrize("kind", ["gan", "vae"])
def test_a_damaged_last_model_gives_way_to_the_bundled_one_saying_why(qtbot, monkeypatch, model_dir, tmp_path,
                                                                      kind):
    last = damaged_copy(model_dir / f"tiny-{kind}", tmp_path / "run_model")
    Settings().set_last_model(kind, str(last))
    window = started(qtbot, monkeypatch, [], lambda w: {"vae", "gan"} <= set(w.document.models))

    bundled = BUNDLED_DIR / DEFAULT_MODELS[kind]
    assert window.document.models[kind].path == str(bundled)
    assert window.model_panel.details[f"Active {kind.upper()}"].text() == DEFAULT_MODELS[kind]
    [said] = errors(window)  # one message, not the load's error and then another
    head = f"The last {kind.upper()}, tiny-{kind} ({shown_path(last)}), could not be loaded: "
    assert said.startswith(head) and said.endswith(f"; loading the bundled {DEFAULT_MODELS[kind]} instead")
    assert "is a damaged file" in said  # the load's own reason, in between
    assert said in window.status.currentMessage()
    assert window.gan_panel.isEnabled() and window.gan_panel.no_seed_note.text() != NO_GAN_NOTE
    assert Settings().last_model(kind) == str(bundled)  # the next start goes straight to it


def test_a_last_model_that_is_no_model_is_said_in_one_sentence_without_doubled_stops(qtbot, monkeypatch,
                                                                                    tmp_path):
    """"… StyleGAN2-ADA .pkl networks.; loading the bundled …": the load's reason ends a sentence of its own."""
    last = tmp_path / "notes.pt"
    last.write_text("not a model\n" * 20)
    Settings().set_last_model("vae", str(last))
    window = started(qtbot, monkeypatch, [], lambda w: {"vae", "gan"} <= set(w.document.models))
    [said] = errors(window)
    assert said.endswith(f"{SUPPORTED}; loading the bundled {DEFAULT_MODELS['vae']} instead") and ".;" not in said


def test_a_damaged_gan_asked_for_leaves_the_generate_tab_saying_that_no_gan_is_loaded(qtbot, monkeypatch, model_dir,
                                                                                     tmp_path):
    """--gan names the model to load: a damaged one is not swapped for another, and the tab says what to do."""
    asked = damaged_copy(model_dir / "tiny-gan", tmp_path / "run_gan")
    window = started(qtbot, monkeypatch, ["--gan", str(asked)],
                     lambda w: "vae" in w.document.models and bool(errors(w)))

    panel = window.gan_panel
    assert "gan" not in window.document.models and not panel.isEnabled()
    assert errors(window)[0].startswith(f"{asked / WEIGHTS_NAME} is a damaged file")
    assert panel.no_seed_note.text() == NO_GAN_NOTE and not panel.no_seed_note.isHidden()


def test_the_generate_tab_says_no_gan_is_loaded_over_an_open_picture_until_one_is(qtbot, engine, model_dir,
                                                                                 image_files):
    """The tester's note named their picture (“e010.png” was not drawn from a seed…) and offered what the greyed-out
    controls could not do."""
    window = MainWindow(engine, [])
    qtbot.addWidget(window)
    doc, panel = window.document, window.gan_panel
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-vae"))
    doc.open_files([str(image_files[0])])
    qtbot.waitUntil(lambda: doc.current is not None, timeout=UI_TIMEOUT)
    assert not panel.isEnabled() and panel.seed.text() == "—"
    assert panel.no_seed_note.text() == NO_GAN_NOTE and not panel.no_seed_note.isHidden()
    assert panel.no_seed_note.toolTip() == ""

    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-gan"))
    assert panel.isEnabled() and panel.no_seed_note.text() != NO_GAN_NOTE
    doc.select(next(i for i in doc.items.values() if i.kind == "vae").id)  # the picture, past the GAN's sample
    assert panel.no_seed_note.text().startswith("“image 0.png” is a picture in the VAE editor: it has no seed. The")


@pytest.mark.parametrize("kept_on_quit, linked", [(True, False), (False, False), (False, True)])
def test_a_session_of_a_damaged_gan_follows_the_bundled_one_said_once_and_on_the_bar(
        qtbot, monkeypatch, engine, model_dir, tmp_path, kept_on_quit, linked):
    """The tester kept a session of their GAN g, cut its weights in half and started again: the log said first "The
    session's g was not loaded: you opened emoji-faces-gan" (the user had opened nothing: the start-up fell back),
    then the fallback's error, and 30 s later the bar showed only "⚠ 1 in log". Now the session's sample follows the
    bundled GAN as after any switch, the fallback's error is the one thing said of it, and the bar keeps a warning
    until the user loads another GAN. kept_on_quit False: a crash's session, restored as soon as the question is
    answered (here at once), while g is still loading. linked: the session names g by a symlink to it (saved before
    paths were canonical), and its sample waited for a g that was not coming."""
    g = shutil.copytree(model_dir / "tiny-gan", tmp_path / "g")
    first = MainWindow(engine, [read_entry(model_dir / "tiny-vae"), read_entry(g)])
    qtbot.addWidget(first)
    for folder in (model_dir / "tiny-vae", g):  # as the tester's run ended: the last models are these
        with qtbot.waitSignal(first.document.model_loaded, timeout=UI_TIMEOUT):
            first.document.load_model(str(folder))
    qtbot.waitUntil(lambda: len(first.document.items) == 1, timeout=UI_TIMEOUT)
    kept = keep_one_sample(qtbot, first)
    if not kept_on_quit:
        if linked:
            (tmp_path / "link").symlink_to(g)
            kept = replace(kept, models={**kept.models, "gan": str(tmp_path / "link")})
        sess.save_session(replace(kept, kept=False))
        monkeypatch.setattr(SessionQuestions, "ask_restore", lambda self, names: True)
    damaged = g / WEIGHTS_NAME
    damaged.write_bytes(damaged.read_bytes()[:damaged.stat().st_size // 2])
    monkeypatch.setattr(status_times, "ERROR_MS", 300)  # the errors' time on the bar, past in the test

    def settled(w: MainWindow) -> bool:
        doc = w.document
        return (len(doc.items) == 1 and not doc.jobs and not doc.carry.pending_any() and not doc.samples.pending
                and all(i.shown_seq >= i.requested_seq for i in doc.items.values()))
    window = started(qtbot, monkeypatch, [], settled)

    doc, bundled = window.document, BUNDLED_DIR / DEFAULT_MODELS["gan"]
    assert doc.models["gan"].path == str(bundled)
    [item] = doc.items.values()
    assert item.name == kept.items[0].name and item.directions_of == doc.models["gan"].identity  # drawn by it
    said = [entry.text for entry in window.status.log.entries]
    assert not [s for s in said if "was not loaded" in s], said  # the user opened nothing
    [error] = errors(window)
    assert error.startswith("The last GAN, tiny-gan (")
    assert error.endswith(f"loading the bundled {DEFAULT_MODELS['gan']} instead")
    assert "Drawing your samples again with the new GAN (1)" in said
    status = window.status
    qtbot.waitUntil(lambda: error not in status.currentMessage(), timeout=UI_TIMEOUT)  # its time on the bar is up
    assert status.warning.isVisible() and status.warning.text() == "⚠ Last GAN not loaded"
    assert status.warning.toolTip() == error  # the whole of it, still there to read

    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):  # the user's own choice ends it
        doc.load_model(str(model_dir / "tiny-gan"))
    assert not status.warning.isVisible() and "gan" not in doc.stand_ins


def test_a_sessions_own_gan_loaded_in_the_last_ones_place_keeps_the_warning(qtbot, monkeypatch, window, model_dir,
                                                                             tmp_path):
    """The last GAN, g, is damaged and a kept session was made in another, h: the restore loads h, which the user did
    not choose either, so the bar's warning stays (it went as h came) until the user loads a GAN."""
    h = str(shutil.copytree(model_dir / "tiny-gan", tmp_path / "h").resolve())
    kept = keep_one_sample(qtbot, window)
    sess.save_session(replace(kept, models={**kept.models, "gan": h}))
    Settings().set_last_model("gan", str(damaged_copy(model_dir / "tiny-gan", tmp_path / "g")))

    def settled(w: MainWindow) -> bool:
        doc = w.document
        return (len(doc.items) == 1 and "gan" in doc.models and doc.models["gan"].path == h and not doc.jobs
                and not doc.carry.pending_any() and not doc.samples.pending)
    again = started(qtbot, monkeypatch, [], settled)

    doc, status = again.document, again.status
    assert status.warning.isVisible() and status.warning.text() == "⚠ Last GAN not loaded"
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):  # the user's own choice ends it
        doc.load_model(str(model_dir / "tiny-gan"))
    assert not status.warning.isVisible() and "gan" not in doc.stand_ins


def test_a_damaged_vae_folder_among_the_files_leaves_the_last_vae_and_its_picture_opens(qtbot, monkeypatch,
                                                                                        model_dir, tmp_path):
    """`genimg-gui my-vae/ photo.png`, my-vae's weights cut in half: no VAE was left (the last one was no longer
    loaded first, the folder among the files in its place), and the photo was refused ("no VAE is loaded"). The last
    VAE loads once the folder has failed, and the photo opens in it; the one error is the folder's."""
    last = model_dir / "tiny-vae"
    Settings().set_last_model("vae", str(last))
    Settings().set_last_model("gan", str(model_dir / "tiny-gan"))
    damaged = damaged_copy(last, tmp_path / "my-vae")
    photo = tmp_path / "photo.png"
    Image.new("RGB", (64, 64), (200, 40, 40)).save(photo)
    window = started(qtbot, monkeypatch, [str(damaged), str(photo)],
                     lambda w: any(i.name == "photo.png" for i in w.document.items.values())
                     or any("no VAE" in e for e in errors(w)))
    assert window.document.models["vae"].path == str(last.resolve())
    assert [i.name for i in window.document.items.values() if i.kind == "vae"] == ["photo.png"]
    [said] = errors(window)
    assert said.startswith(f"{damaged / WEIGHTS_NAME} is a damaged file")  # not "no VAE is loaded" after it


def kept_in(qtbot, engine, vae: Path, gan: Path, picture: Path) -> sess.Session:
    """A session kept on quitting by a window whose models were vae and gan: a picture and a sample of its own."""
    first = MainWindow(engine, [read_entry(vae), read_entry(gan)])
    qtbot.addWidget(first)
    for folder in (vae, gan):
        with qtbot.waitSignal(first.document.model_loaded, timeout=UI_TIMEOUT):
            first.document.load_model(str(folder))
    qtbot.waitUntil(lambda: len(first.document.items) == 1, timeout=UI_TIMEOUT)
    return keep_one_sample(qtbot, first, picture)


@pytest.mark.parametrize("session_in", ["its-own-vae", "the-damaged-folder"])
def test_a_damaged_vae_folder_among_the_files_is_no_choice_over_a_kept_sessions_vae(
        qtbot, monkeypatch, engine, model_dir, tmp_path, image_files, session_in):
    """`genimg-gui my-vae/ photo.png`, my-vae damaged, with a session kept in h-vae while the last VAE was another
    (a second window's): the kept session, waiting for the start-up's loads, took the last VAE loaded in my-vae's place
    for the user's choice: "The session's h-vae was not loaded: you opened tiny-vae", its picture encoded again in
    tiny-vae. Now h-vae loads and the session comes back in it, as at a start without my-vae. A session kept in my-vae
    itself (damaged since) follows the last VAE without a second try and a second error."""
    h = other_vae(tmp_path / "h", 7, "h-vae") if session_in == "its-own-vae" else tmp_path / "my-vae"
    if session_in == "the-damaged-folder":
        shutil.copytree(model_dir / "tiny-vae", h)
    kept = kept_in(qtbot, engine, h, model_dir / "tiny-gan", image_files[0])
    Settings().set_last_model("vae", str(model_dir / "tiny-vae"))  # another window's, which quit after
    if session_in == "the-damaged-folder":
        weights = h / WEIGHTS_NAME
        weights.write_bytes(weights.read_bytes()[:weights.stat().st_size // 2])
    else:
        damaged_copy(model_dir / "tiny-vae", tmp_path / "my-vae")
    photo = tmp_path / "photo.png"
    Image.new("RGB", (64, 64), (200, 40, 40)).save(photo)

    def settled(w: MainWindow) -> bool:
        doc = w.document
        return (any(i.name == "photo.png" for i in doc.items.values()) and not doc.jobs
                and not doc.carry.pending_any() and all(i.shown_seq >= i.requested_seq for i in doc.items.values()))
    window = started(qtbot, monkeypatch, [str(tmp_path / "my-vae"), str(photo)], settled)

    doc = window.document
    said = [entry.text for entry in window.status.log.entries]
    assert not [s for s in said if "was not loaded" in s], said  # the user opened nothing that loaded
    [error] = errors(window)
    assert error.startswith(f"{tmp_path / 'my-vae' / WEIGHTS_NAME} is a damaged file")
    assert [i.name for i in doc.items.values()] == ["image 0.png", "seed 7", "photo.png"]
    picture = doc.items[next(iter(doc.items))]
    if session_in == "its-own-vae":
        assert doc.models["vae"].path == str(h.resolve())
        # back in its own VAE, its latent as kept: not tiny-vae's encoding of it, nor h-vae's again
        assert np.array_equal(picture.history.current.base, kept.items[0].history.current.base)
    else:
        assert doc.models["vae"].path == str((model_dir / "tiny-vae").resolve())
        assert picture.directions_of == doc.models["vae"].identity  # carried over to it


def test_a_damaged_vae_folder_among_the_files_that_is_the_last_vae_is_tried_once(qtbot, monkeypatch, model_dir,
                                                                                 tmp_path):
    """`genimg-gui my-vae/ photo.png`, my-vae damaged and also the last VAE: it was loaded twice, and two errors said
    so (its own, then "The last VAE, my-vae (…), could not be loaded: …; loading the bundled emoji-vae instead").
    Now it is tried once, one error says why and what loads instead, and the photo opens in the bundled VAE."""
    damaged = damaged_copy(model_dir / "tiny-vae", tmp_path / "my-vae")
    Settings().set_last_model("vae", str(damaged))
    Settings().set_last_model("gan", str(model_dir / "tiny-gan"))
    tried, load = [], Runtime.load

    def counted(self, path, *args, **kwargs):  # the real load, each try noted
        tried.append(os.path.realpath(path))
        return load(self, path, *args, **kwargs)
    monkeypatch.setattr(Runtime, "load", counted)
    photo = tmp_path / "photo.png"
    Image.new("RGB", (64, 64), (200, 40, 40)).save(photo)
    window = started(qtbot, monkeypatch, [str(damaged), str(photo)],
                     lambda w: any(i.name == "photo.png" for i in w.document.items.values()) and not w.document.jobs)

    bundled = BUNDLED_DIR / DEFAULT_MODELS["vae"]
    assert window.document.models["vae"].path == str(bundled)
    assert tried.count(str(damaged.resolve())) == 1, tried
    [said] = errors(window)
    assert said.startswith(f"The last VAE, tiny-vae ({shown_path(damaged)}), could not be loaded: ")
    assert "is a damaged file" in said and said.endswith(f"; loading the bundled {DEFAULT_MODELS['vae']} instead")
    assert window.status.warning.isVisible() and window.status.warning.text() == "⚠ Last VAE not loaded"
    assert Settings().last_model("vae") == str(bundled)  # the next start goes straight to it


def test_a_model_named_at_start_that_cannot_load_is_said_on_the_terminal_too(qtbot, monkeypatch, model_dir, tmp_path,
                                                                             capsys):
    """`genimg-gui --vae DOES-NOT-EXIST` said why in the window only: the terminal it was started from had nothing.
    Both ways a named model fails are said there too: refused at once (a run's best.pt it never kept), and by the
    worker's load (a folder that does not exist)."""
    monkeypatch.chdir(tmp_path)
    window = started(qtbot, monkeypatch, ["--vae", "DOES-NOT-EXIST", "--gan", str(model_dir / "tiny-gan" / "best.pt")],
                     lambda w: len(errors(w)) == 2)
    said = errors(window)
    assert any("DOES-NOT-EXIST" in text for text in said) and any("best.pt" in text for text in said), said
    told = [line for line in capsys.readouterr().err.splitlines() if line.startswith("genimg-gui: ")]
    assert sorted(told) == sorted(f"genimg-gui: error: {text}" for text in said)
