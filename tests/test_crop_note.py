"""A crop that cuts away a noticeable part of a picture is said once per picture, in the window (the encode's status
message and the message log) and on the command line's stderr, in the words of imaging.crop_note."""
from __future__ import annotations

import re

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt

from conftest import TOOK, UI_TIMEOUT
from genimg_gui.cli import main
from session_helpers import offered

TIMEOUT = 30_000
IN_WINDOW = ("its centre square was kept (8 % of the picture); to keep it all, set Fit new images to letterbox and "
             "open it again")


def picture(path, width: int, height: int):
    """A real JPEG of width × height: smooth colours, as a photo."""
    x, y = np.meshgrid(np.linspace(0, 255, width), np.linspace(0, 255, height))
    Image.fromarray(np.stack([x, y, 255 - x], -1).astype(np.uint8)).save(path)
    return path


def test_the_note_says_how_much_a_crop_kept_and_only_when_it_is_noticeable():
    from genimg_gui.imaging import crop_note  # here: the window's and the CLI's tests run on code without it too

    assert crop_note(6000, 500, "crop", "use --fit letterbox") == (
        "its centre square was kept (8 % of the picture); to keep it all, use --fit letterbox")
    assert "(75 % of the picture)" in crop_note(4000, 3000, "crop", "x")
    assert "(67 % of the picture)" in crop_note(200, 300, "crop", "x")  # portrait alike
    assert crop_note(6000, 500, "letterbox", "x") == ""  # all of it is kept
    assert crop_note(1024, 1000, "crop", "x") == crop_note(64, 64, "crop", "x") == ""  # a sliver, or nothing


def test_the_window_says_what_a_crop_cut_away_with_the_encode_message(qtbot, window, tmp_path):
    doc = window.document
    log = window.status.log
    doc.open_files([str(picture(tmp_path / "panorama.jpg", 600, 50))], window.fit_mode.currentText())
    qtbot.waitUntil(lambda: any("panorama.jpg" in e.text for e in log.entries), timeout=TIMEOUT)
    said = [e.text for e in log.entries if "panorama.jpg" in e.text]
    assert len(said) == 1  # one message: the note does not hide the encode's "Encoded … in … ms"
    assert re.fullmatch(rf"Encoded panorama\.jpg in {TOOK}: {re.escape(IN_WINDOW)}", said[0]), said[0]
    assert window.statusBar().currentMessage() == said[0]

    window.fit_mode.setCurrentText("letterbox")  # as the note says: then nothing is cut away
    doc.open_files([str(tmp_path / "panorama.jpg"), str(picture(tmp_path / "square.jpg", 40, 40))],
                   window.fit_mode.currentText())
    qtbot.waitUntil(lambda: any("square.jpg" in e.text for e in log.entries), timeout=TIMEOUT)
    later = [e.text for e in log.entries][-2:]
    # (fitted the other way, another picture: named as its thumbnail is)
    assert [re.fullmatch(rf"Encoded (.+) in {TOOK}", t)[1] for t in later] == ["panorama.jpg (2)", "square.jpg"]


def test_the_note_of_a_photo_named_at_start_up_stays_until_the_next_message(qtbot, engine, model_dir, tmp_path,
                                                                            monkeypatch):
    """`genimg-gui panorama.jpg`: the note came as the start-up ended, went in 9 s, and a user who looked at the
    window once it had settled never saw it (only the message log had it). A routine message still goes."""
    from genimg_gui.catalog import read_entry
    from genimg_gui.ui import status_times
    from genimg_gui.ui.main_window import MainWindow
    from ui_helpers import drop

    for name, ms in (("MESSAGE_MS", 300), ("READING_MS", 1), ("LONGEST_MS", 300)):  # each message goes in 0.3 s
        monkeypatch.setattr(status_times, name, ms)
    window = MainWindow(engine, [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(window)
    for name in ("tiny-vae", "tiny-gan"):  # as app.main starts: the models, the files named, the window, a restore
        window.document.load_model(str(model_dir / name))
    window.open_paths([str(picture(tmp_path / "panorama.jpg", 600, 50))], after_loads=True)
    window.show()
    offered(qtbot, window)
    bar, log = window.status, window.status.log
    qtbot.waitUntil(lambda: any("panorama.jpg" in e.text for e in log.entries), timeout=TIMEOUT)
    note = log.entries[-1].text
    assert note.endswith(IN_WINDOW) and [e.text for e in log.entries][0].startswith("Loaded tiny-vae")
    qtbot.wait(1000)  # three times as long as a message stays here
    assert bar.currentMessage() == note and not window.document.jobs
    drop(window, [picture(tmp_path / "square.jpg", 40, 40)])  # the next picture: its message, which goes
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("Encoded square.jpg"), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not bar.currentMessage(), timeout=TIMEOUT)


def started_with(qtbot, engine, model_dir, monkeypatch, paths):
    """The window as app.main starts it with paths named, each message going in 0.3 s here."""
    from genimg_gui.catalog import read_entry
    from genimg_gui.ui import status_times
    from genimg_gui.ui.main_window import MainWindow

    for name, ms in (("MESSAGE_MS", 300), ("READING_MS", 1), ("LONGEST_MS", 300)):
        monkeypatch.setattr(status_times, name, ms)
    window = MainWindow(engine, [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(window)
    for name in ("tiny-vae", "tiny-gan"):
        window.document.load_model(str(model_dir / name))
    window.open_paths([str(p) for p in paths], after_loads=True)
    window.show()
    offered(qtbot, window)
    return window


def test_the_note_comes_back_after_a_message_said_over_it_and_goes_with_its_picture(qtbot, engine, model_dir,
                                                                                   tmp_path, monkeypatch):
    """`genimg-gui panorama.jpg smiley.png copy/smiley.png`, the last a copy: "smiley.png is open already (the same
    picture as …): shown" came after the crop notes, in the same second, and took the bar from smiley.png's for its
    8 s, leaving it empty. Now the note comes back; a switch to another picture takes it away (it spoke of this
    one), and the picture shown again brings it back."""
    import shutil

    from genimg_gui.ui import status_times
    from ui_helpers import drop

    (tmp_path / "copy").mkdir()
    smiley = picture(tmp_path / "smiley.png", 60, 40)
    shutil.copyfile(smiley, tmp_path / "copy" / "smiley.png")
    window = started_with(qtbot, engine, model_dir, monkeypatch,
                          [picture(tmp_path / "panorama.jpg", 600, 50), smiley, tmp_path / "copy" / "smiley.png"])
    bar, log, doc = window.status, window.status.log, window.document
    qtbot.waitUntil(lambda: any("open already" in e.text for e in log.entries), timeout=TIMEOUT)
    note = next(e.text for e in log.entries if e.text.startswith("Encoded smiley.png"))
    assert note.endswith("(67 % of the picture); to keep it all, set Fit new images to letterbox and open it again")
    assert doc.current.name == "smiley.png"
    qtbot.waitUntil(lambda: bar.currentMessage() == note, timeout=UI_TIMEOUT)  # "…open already…" has gone
    qtbot.wait(1000)  # three times as long as a message stays here
    assert bar.currentMessage() == note

    monkeypatch.setattr(status_times, "ERROR_MS", 300)
    bar.show_error("broken.png is not an image")  # an error gives the bar back too, after its time
    qtbot.waitUntil(lambda: bar.currentMessage() == note, timeout=UI_TIMEOUT)

    panorama = next(i for i in doc.items.values() if i.name == "panorama.jpg")
    window.filmstrip.setCurrentRow(list(doc.items).index(panorama.id))  # smiley.png's note goes: panorama.jpg's shows
    assert doc.current.name == "panorama.jpg" and bar.currentMessage().startswith("Encoded panorama.jpg")
    drop(window, [smiley])  # shown again, and said: its note comes back after that message
    qtbot.waitUntil(lambda: "open already: shown" in bar.currentMessage(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: bar.currentMessage() == note, timeout=UI_TIMEOUT)
    assert doc.current.name == "smiley.png"


def click_thumbnail(qtbot, window, name: str) -> None:
    """A click on the filmstrip's thumbnail of the picture named name, as the user switches to it."""
    strip, doc = window.filmstrip, window.document
    row = [i.name for i in doc.items.values()].index(name)
    qtbot.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, pos=strip.visualItemRect(strip.item(row)).center())
    assert doc.current.name == name


def test_the_note_comes_back_each_time_its_picture_is_shown_again_until_a_vae_loads(qtbot, engine, model_dir,
                                                                                   tmp_path, monkeypatch):
    """A switch to another picture ended the note for good: back on the cropped picture, the bar said nothing of
    its crop. It comes back now each time that picture is shown, until a VAE loads (it spoke of that one's fit)."""
    window = started_with(qtbot, engine, model_dir, monkeypatch, [picture(tmp_path / "panorama.jpg", 600, 50),
                                                                   picture(tmp_path / "square.jpg", 40, 40)])
    bar, log, doc = window.status, window.status.log, window.document
    qtbot.waitUntil(lambda: any(e.text.startswith("Encoded square.jpg") for e in log.entries), timeout=TIMEOUT)
    note = next(e.text for e in log.entries if e.text.startswith("Encoded panorama.jpg"))
    qtbot.waitUntil(lambda: not bar.currentMessage(), timeout=UI_TIMEOUT)  # square.jpg shown, nothing to say of it
    for _ in range(2):
        click_thumbnail(qtbot, window, "panorama.jpg")
        assert bar.currentMessage() == note
        qtbot.wait(1000)  # three times as long as a message stays here
        assert bar.currentMessage() == note
        click_thumbnail(qtbot, window, "square.jpg")
        assert bar.currentMessage() == ""
    assert [e.text for e in log.entries].count(note) == 1  # said once in the log
    click_thumbnail(qtbot, window, "panorama.jpg")
    with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):
        doc.load_model(str(model_dir / "tiny-vae"))
    qtbot.waitUntil(lambda: not bar.currentMessage() and not doc.jobs, timeout=TIMEOUT)
    click_thumbnail(qtbot, window, "square.jpg")
    click_thumbnail(qtbot, window, "panorama.jpg")
    qtbot.wait(500)
    assert bar.currentMessage() == ""


def test_the_note_of_a_picture_a_kept_session_brings_back_comes_back_with_it(qtbot, engine, model_dir, tmp_path,
                                                                             monkeypatch):
    """Kept on quitting, a wide photo's picture came back without its note: after the restart the bar said nothing
    of its crop, shown or returned to. The session keeps the picture's size, and the note comes back from it and the
    fit, shown as it was while that picture is, also as the restore shows it first."""
    from dataclasses import replace

    from genimg_gui import session as sess
    from genimg_gui.engine.engine import Engine

    first = started_with(qtbot, engine, model_dir, monkeypatch, [picture(tmp_path / "wide.png", 300, 60),
                                                                  picture(tmp_path / "square.jpg", 40, 40)])
    log = first.status.log
    qtbot.waitUntil(lambda: any(e.text.startswith("Encoded square.jpg") for e in log.entries), timeout=TIMEOUT)
    assert "(20 % of the picture)" in next(e.text for e in log.entries if e.text.startswith("Encoded wide.png"))
    click_thumbnail(qtbot, first, "wide.png")  # the picture on screen as genimg quits
    kept = replace(first.document.to_session(), kept=True)
    first.close()  # (conftest answers Discard: the autosave goes) ...
    sess.save_session(kept)  # ... and the kept one is written, as Keep for next time writes it

    window = started_with(qtbot, Engine("cpu"), model_dir, monkeypatch, [])  # (closing shut the first's engine down)
    bar, doc = window.status, window.document
    note = ("wide.png: its centre square was kept (20 % of the picture); to keep it all, set Fit new images to "
            "letterbox and open it again")
    qtbot.waitUntil(lambda: len(doc.items) == 2 and not doc.jobs, timeout=TIMEOUT)
    assert doc.current.name == "wide.png"
    qtbot.waitUntil(lambda: bar.currentMessage() == note, timeout=UI_TIMEOUT)  # after "Reopened 2 images…"
    for _ in range(2):
        click_thumbnail(qtbot, window, "square.jpg")
        assert bar.currentMessage() == ""
        click_thumbnail(qtbot, window, "wide.png")
        assert bar.currentMessage() == note
    assert note not in [e.text for e in bar.log.entries]  # the log has the first run's, with its encode's time


def test_the_note_stays_through_a_gan_load_and_goes_with_a_vae_load(qtbot, engine, model_dir, tmp_path, monkeypatch):
    """A GAN loaded (a switch in the Models tab) took the note away for good, though the picture's crop is the
    VAE's; a VAE loaded fits the picture again, and the note spoke of the last fit."""
    window = started_with(qtbot, engine, model_dir, monkeypatch, [picture(tmp_path / "panorama.jpg", 600, 50)])
    bar, log, doc = window.status, window.status.log, window.document
    qtbot.waitUntil(lambda: any(e.text.startswith("Encoded panorama.jpg") for e in log.entries), timeout=TIMEOUT)
    note = next(e.text for e in log.entries if e.text.startswith("Encoded panorama.jpg"))
    for kind, stays in (("gan", True), ("vae", False)):
        with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):
            doc.load_model(str(model_dir / f"tiny-{kind}"))
        qtbot.waitUntil(lambda: bar.currentMessage() in (note, ""), timeout=TIMEOUT)  # the load's messages gone
        qtbot.wait(500)
        assert (bar.currentMessage() == note) is stays, kind


def test_encode_edit_and_interpolate_note_a_crop_on_stderr(model_dir, tmp_path, capsys):
    vae = model_dir / "tiny-vae"
    wide, square = picture(tmp_path / "panorama.jpg", 600, 50), picture(tmp_path / "square.jpg", 40, 40)
    note = (f"genimg: note: {wide}: its centre square was kept (8 % of the picture); to keep it all, "
            "use --fit letterbox")
    for command in (["encode"], ["edit", "--edit", "PC1=1"], ["interpolate", "--frames", "2"]):
        out = tmp_path / "morph.gif" if command[0] == "interpolate" else tmp_path / command[0]
        assert main([*command, "--vae", str(vae), str(wide), str(square), "-o", str(out)]) == 0
        err = capsys.readouterr().err
        assert err.count(note) == err.count("was kept") == 1, (command, err)  # once, for the one cropped
        assert main([*command, "--vae", str(vae), str(wide), str(square), "-o", str(out), "--fit", "letterbox"]) == 0
        assert "kept" not in capsys.readouterr().err


def test_a_note_said_while_errors_show_stays_once_they_have_gone(qtbot, monkeypatch):
    from genimg_gui.ui import status, status_times

    for name, ms in (("ERROR_MS", 300), ("MESSAGE_MS", 100), ("READING_MS", 1), ("LONGEST_MS", 100)):
        monkeypatch.setattr(status_times, name, ms)
    bar = status.StatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.show_error("broken.png is not an image")
    note = f"Encoded panorama.jpg in 40 ms: {IN_WINDOW}"
    bar.show_message(note, stays=True)
    assert bar.currentMessage().startswith(note) and "broken.png" in bar.currentMessage()  # before the error
    qtbot.waitUntil(lambda: "broken.png" not in bar.currentMessage(), timeout=UI_TIMEOUT)
    qtbot.wait(500)  # five times as long as a message stays here
    assert bar.currentMessage() == note


def test_a_message_said_over_a_note_that_stays_gives_the_bar_back_to_it(qtbot, monkeypatch):
    from genimg_gui.ui import status, status_times

    for name, ms in (("MESSAGE_MS", 100), ("READING_MS", 1), ("LONGEST_MS", 100)):
        monkeypatch.setattr(status_times, name, ms)
    bar = status.StatusBar()
    qtbot.addWidget(bar)
    bar.show()
    note = f"Encoded panorama.jpg in 40 ms: {IN_WINDOW}"
    bar.show_message(note, stays=True)
    bar.show_message("panorama.jpg is open already: shown")
    assert bar.currentMessage() == "panorama.jpg is open already: shown"
    qtbot.waitUntil(lambda: bar.currentMessage() == note, timeout=UI_TIMEOUT)
    bar.showMessage("a widget's status tip")  # as Qt shows one, and takes it away
    bar.clearMessage()
    assert bar.currentMessage() == note
    bar.let_go()  # its picture is no longer shown
    assert bar.currentMessage() == ""
    bar.show_message("Reopened “cat.png”")
    qtbot.waitUntil(lambda: not bar.currentMessage(), timeout=UI_TIMEOUT)
    qtbot.wait(300)
    assert bar.currentMessage() == ""


def test_a_note_said_while_a_restores_reopened_message_shows_comes_after_it(qtbot, monkeypatch):
    """A kept session's picture shown as it came back, its crop note said at once, hid "Reopened 1 image kept when
    genimg quit" (held for what the restore says after it) before it could be read."""
    from genimg_gui.ui import status, status_times

    for name, ms in (("MESSAGE_MS", 100), ("READING_MS", 1), ("LONGEST_MS", 100)):
        monkeypatch.setattr(status_times, name, ms)
    bar = status.StatusBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.show_message("Reopened 1 image kept when genimg quit")
    bar.hold_message()
    note = f"panorama.jpg: {IN_WINDOW}"
    bar.show_message(note, logged=False, stays=True)
    assert bar.currentMessage() == "Reopened 1 image kept when genimg quit"
    qtbot.waitUntil(lambda: bar.currentMessage() == note, timeout=UI_TIMEOUT)
    qtbot.wait(300)
    assert bar.currentMessage() == note


def test_the_note_of_the_picture_a_crash_restore_shows_comes_after_the_restored_message(qtbot, engine, model_dir,
                                                                                         tmp_path, monkeypatch):
    """After a kill, started with the photo named again and the autosave restored: the bar said "Restored 2 images
    from the autosaved session. wide.png is open already: shown", then nothing; the photo's crop note came only once
    the user clicked another picture and back (the session's VAE, loading after the restore, ended it as a VAE loaded
    later does). It comes once that message's time is up."""
    from genimg_gui import session as sess
    from genimg_gui.engine.engine import Engine
    from genimg_gui.ui.session_questions import SessionQuestions

    wide = picture(tmp_path / "wide.png", 300, 60)
    first = started_with(qtbot, engine, model_dir, monkeypatch, [wide, picture(tmp_path / "square.jpg", 40, 40)])
    log = first.status.log
    qtbot.waitUntil(lambda: any(e.text.startswith("Encoded square.jpg") for e in log.entries), timeout=TIMEOUT)
    click_thumbnail(qtbot, first, "wide.png")  # the picture on screen as genimg is killed
    crashed = first.document.to_session()
    first.close()  # (conftest answers Discard: the autosave goes) ...
    sess.save_session(crashed)  # ... and the one a kill leaves is written, as the autosave writes it

    # Restore, answered before the start-up's models have loaded: the session's VAE, loading, ended the note
    monkeypatch.setattr(SessionQuestions, "ask_restore", lambda self, names: True)
    window = started_with(qtbot, Engine("cpu"), model_dir, monkeypatch, [wide])
    bar, doc = window.status, window.document
    note = ("wide.png: its centre square was kept (20 % of the picture); to keep it all, set Fit new images to "
            "letterbox and open it again")
    qtbot.waitUntil(lambda: any("is open already" in e.text for e in bar.log.entries), timeout=TIMEOUT)
    assert [i.name for i in doc.items.values()] == ["wide.png", "square.jpg"] and doc.current.name == "wide.png"
    # said (the start-up's model may have loaded before the session was read, on a busy machine, or after)
    assert "Restored 2 images from the autosaved session" in [e.text for e in bar.log.entries]
    qtbot.waitUntil(lambda: bar.currentMessage() == note, timeout=UI_TIMEOUT)
    with qtbot.waitSignal(doc.model_loaded, timeout=TIMEOUT):  # another VAE (here: the same one) fits it anew
        doc.load_model(str(model_dir / "tiny-vae"))
    qtbot.waitUntil(lambda: bar.currentMessage() in (note, ""), timeout=TIMEOUT)  # the load's messages gone
    qtbot.wait(500)
    assert bar.currentMessage() == ""
