"""The status bar on its own (no engine): errors arriving together, their colour and time, messages after them,
and long messages fitted before the device label."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from conftest import UI_TIMEOUT
from widget_helpers import shown


def test_errors_arriving_together_are_all_shown_and_a_message_does_not_hide_them(qtbot):
    from genimg_gui.ui.status import StatusBar

    bar = shown(qtbot, StatusBar())
    bar.show_error("corrupt.png is damaged (its picture cannot be read)")
    bar.show_error("notes.txt is not an image (it holds text)")
    # newest first: the bar elides the end, where the error of what the user just did was cut off
    assert bar.currentMessage() == ("⚠ 2 problems: notes.txt is not an image (it holds text); "
                                    "corrupt.png is damaged (its picture cannot be read)")
    assert bar.toolTip().count("\n") == 1 and bar.toolTip().startswith("notes.txt")
    bar.show_message("Encoded 1f604.png in 40 ms")  # the good file of the same drop: it used to hide them
    assert bar.currentMessage() == ("Encoded 1f604.png in 40 ms — ⚠ 2 problems: notes.txt is not an image "
                                    "(it holds text); corrupt.png is damaged (its picture cannot be read)")
    bar.show_error("huge.png is too large")
    assert bar.currentMessage().startswith("Encoded 1f604.png in 40 ms — ⚠ 3 problems: huge.png")
    bar.clearMessage()  # their time is up: the next message or error starts afresh
    bar.show_message("Opened 3 images")
    assert bar.currentMessage() == "Opened 3 images" and bar.styleSheet() == ""
    bar.show_error("huge.png is too large")
    assert bar.currentMessage() == "⚠ huge.png is too large"


def red_columns(bar) -> set[int]:
    """The x of every column of the bar's picture with a red pixel in it (the error colour, not the text's grey)."""
    QApplication.processEvents()  # the message shown (fitted to its room) before the picture is taken
    image = bar.grab().toImage()
    return {x for x in range(image.width()) for y in range(image.height())
            if (c := image.pixelColor(x, y)).red() > 150 and c.green() < 90 and c.blue() < 90}


def test_a_message_before_errors_is_drawn_in_the_normal_colour_and_only_the_errors_in_red(qtbot):
    """"Encoded … — ⚠ error" was all red: the message read as an error too."""
    from genimg_gui.ui.status import MESSAGE_LEFT

    _window, bar = status_bar_of_a_window(qtbot, 900)
    bar.show_error("notes.txt is not an image")
    assert red_columns(bar)  # an error alone: red
    note = "Encoded 1f604.png in 40 ms"
    bar.show_message(note)
    assert bar.currentMessage() == f"{note} — ⚠ notes.txt is not an image"
    errors_from = MESSAGE_LEFT + bar.fontMetrics().horizontalAdvance(f"{note} — ")
    red = {x for x in red_columns(bar) if x < bar.device.x()}  # the log button, further right, is red too
    assert red and min(red) >= errors_from - 1  # the message in the normal colour, the error after it in red
    image = bar.grab().toImage()
    assert any(image.pixelColor(x, y).lightness() < 100 for x in range(MESSAGE_LEFT, errors_from)
               for y in range(image.height()))  # and the message is drawn
    bar.clearMessage()
    bar.show_message("Opened 3 images")  # alone again: nothing red
    assert not {x for x in red_columns(bar) if x < bar.device.x()}


def test_errors_expire_even_while_messages_keep_coming(qtbot, monkeypatch):
    from genimg_gui.ui import status, status_times

    monkeypatch.setattr(status_times, "ERROR_MS", 300)
    bar = shown(qtbot, status.StatusBar())
    bar.show_error("broken.png is not an image")
    bar.show_message("Inverting photo: pixel error 0.05 so far")
    assert bar.currentMessage().startswith("Inverting photo") and "broken.png" in bar.currentMessage()
    for i in range(10):  # e.g. an inversion's preview messages, one every 100 ms for 1 s
        qtbot.wait(100)
        bar.show_message(f"Inverting photo: pixel error 0.0{i} so far")
    assert bar.currentMessage() == "Inverting photo: pixel error 0.09 so far"  # 1 s after an error of 0.3 s


def test_a_message_just_before_errors_expire_is_shown_for_its_time(qtbot, monkeypatch):
    from genimg_gui.ui import status, status_times

    # the message comes half a second before the errors' end: with 50 ms to spare (errors of 0.3 s, a 0.25 s wait),
    # a UI thread held up a moment longer on a busy machine saw them gone before the message was said
    monkeypatch.setattr(status_times, "ERROR_MS", 1000)
    bar = shown(qtbot, status.StatusBar())
    bar.show_error("broken.png is not an image")
    qtbot.wait(500)
    shown_texts = []
    bar.messageChanged.connect(shown_texts.append)
    bar.show_message("Wrote /tmp/morph.gif (24 frames, 256×256, 2.0 s)")
    assert "broken.png" in bar.currentMessage()
    qtbot.waitUntil(lambda: "broken.png" not in bar.currentMessage(), timeout=UI_TIMEOUT)
    assert bar.currentMessage() == "Wrote /tmp/morph.gif (24 frames, 256×256, 2.0 s)"  # alone, for its 8 s
    # straight from the errors to the message: Qt's timeout on the errors blanked the bar in between, and on a
    # busy machine (a test run beside other work) the blank bar was what the user, and this test, saw
    assert "" not in shown_texts


def test_the_message_after_errors_shows_even_when_its_timer_fires_early(qtbot, monkeypatch):
    """A coarse timer may fire a few ms before the clock reaches the errors' end: the message was then lost."""
    import time

    from genimg_gui.ui import status, status_times

    monkeypatch.setattr(status_times, "ERROR_MS", 300)
    bar = shown(qtbot, status.StatusBar())
    bar.show_error("broken.png is not an image")
    bar.show_message("Wrote /tmp/morph.gif")
    clock = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: clock() - 0.05)  # the timer fires 50 ms before the clock's end
    qtbot.waitUntil(lambda: bar.currentMessage() == "Wrote /tmp/morph.gif", timeout=UI_TIMEOUT)


def test_an_error_repeating_while_it_shows_is_not_listed_again_and_the_list_stays_short(qtbot):
    from genimg_gui.ui.status import MAX_ERRORS, StatusBar

    bar = shown(qtbot, StatusBar())
    for _ in range(50):  # e.g. every preview of a slider drag running out of GPU memory, or every autosave failing
        bar.show_error("Decode: out of memory on cuda:0")
    assert bar.currentMessage() == "⚠ Decode: out of memory on cuda:0"
    for i in range(50):
        bar.show_error(f"file{i}.png is not an image")
    assert bar.currentMessage().startswith(f"⚠ 51 problems (the last {MAX_ERRORS}): ")
    assert bar.toolTip().count("\n") == MAX_ERRORS - 1 and "file49.png" in bar.currentMessage()


def clock_moved(monkeypatch) -> list[float]:
    """The status bar's clock, its seconds moved on by adding to the list's one value: errors some seconds apart
    without waiting (Qt's own timers, on the real clock, keep the errors on show meanwhile)."""
    import time
    from types import SimpleNamespace

    from genimg_gui.ui import status

    later, real = [0.0], time.monotonic
    monkeypatch.setattr(status, "time", SimpleNamespace(monotonic=lambda: real() + later[0]))
    return later


def test_an_unrelated_error_seconds_later_shows_alone_not_counted_with_the_one_on_show(qtbot, monkeypatch):
    """Every error within the 15 s of the last joined it: one failed open read "⚠ 2 problems: …", counting an
    earlier, unrelated error. Only one burst (one action's errors) is counted together; each is in the log."""
    later = clock_moved(monkeypatch)
    _window, bar = status_bar_of_a_window(qtbot, 900)
    bar.show_error("good2.jpg is a JPEG image")
    later[0] += 4
    bar.show_error("notes.txt is not an image (it holds text)")
    assert bar.currentMessage() == "⚠ notes.txt is not an image (it holds text)"
    assert [e.text for e in bar.log.entries] == ["good2.jpg is a JPEG image",
                                                 "notes.txt is not an image (it holds text)"]
    assert bar.log_button.text() == "⚠ 2 in log"
    later[0] += 0.2  # a second error of the same action (a drop's bad folder, then its bad file)
    bar.show_error("cut.jpg is damaged")
    assert bar.currentMessage() == "⚠ 2 problems: cut.jpg is damaged; notes.txt is not an image (it holds text)"


def status_bar_of_a_window(qtbot, width: int = 700):
    """A StatusBar in a shown window of that width: a message's room depends on the bar's real geometry."""
    from PySide6.QtWidgets import QMainWindow

    from genimg_gui.ui.status import StatusBar

    window = QMainWindow()
    bar = StatusBar()
    window.setStatusBar(bar)
    window.resize(width, 200)
    shown(qtbot, window)
    return window, bar


def test_a_long_message_is_elided_before_the_device_label_and_kept_whole_in_the_tooltip(qtbot):
    from PySide6.QtWidgets import QStatusBar

    from genimg_gui.ui.status import MORE

    _window, bar = status_bar_of_a_window(qtbot)
    bar.show_device("cpu")
    text = ("/home/me/models/vae1/checkpoint.pt is a training checkpoint, not a model: open its folder (or its "
            "card.json) for the model, or go on training it with genimg train --resume")
    bar.show_error(text)
    painted = QStatusBar.currentMessage(bar)  # what Qt paints
    on_screen = painted.removesuffix(MORE)  # less where to read it all
    assert on_screen.endswith("…") and on_screen[:-1] in "⚠ " + text
    assert bar.fontMetrics().horizontalAdvance(painted) < bar.device.x()  # clear of the device label
    assert bar.currentMessage() == "⚠ " + text and bar.toolTip() == text
    bar.clearMessage()  # as the error's time ending does
    bar.show_message("Encoded a.png in 30 ms")
    assert QStatusBar.currentMessage(bar) == bar.currentMessage() == "Encoded a.png in 30 ms"


def test_a_message_is_fitted_again_when_its_room_changes(qtbot):
    from PySide6.QtWidgets import QStatusBar

    window, bar = status_bar_of_a_window(qtbot)
    text = "a message of some length about a file " * 3
    bar.show_message(text.strip())
    before = QStatusBar.currentMessage(bar)
    bar.show_progress(7, 0.3, "decoding")  # a progress bar and Cancel take room
    QApplication.processEvents()
    during = QStatusBar.currentMessage(bar)
    assert len(during) < len(before) and bar.fontMetrics().horizontalAdvance(during) < bar.bar.x()
    bar.show_progress(7, 1.0, "decoding")
    window.resize(1400, 200)  # wider than it needs: whole again
    QApplication.processEvents()
    assert QStatusBar.currentMessage(bar) == bar.currentMessage() == text.strip()


@pytest.mark.parametrize("width", [520, 640, 777, 901])
def test_a_message_ends_a_gap_before_the_device_label_whatever_the_width(qtbot, width):
    """Qt paints the message from 6 px to 2 px before the first permanent widget on show: room reckoned from the
    bar's width ran the text up to the label, or clipped it mid-word without its "…" (the size grip's room)."""
    from PySide6.QtWidgets import QStatusBar

    from genimg_gui.ui.status import GAP, MORE

    window, bar = status_bar_of_a_window(qtbot, width)
    bar.show_device("cpu")
    bar.show_decode_time(0.0817)
    QApplication.processEvents()
    bar.show_message("Opened a model folder whose card says it is a VAE of Stable Diffusion 1.x/2.x. " * 2)
    QApplication.processEvents()
    on_screen = QStatusBar.currentMessage(bar)
    assert on_screen.removesuffix(MORE).endswith("…")  # (MORE where there is room for it)
    assert 6 + bar.fontMetrics().horizontalAdvance(on_screen) + GAP <= bar.device.x()



@pytest.mark.parametrize(("seconds", "said"), [(0.0817, "decode: 82 ms"), (1.46, "decode: 1.5 s"),
                                               (31.7605, "decode: 32 s")])
def test_the_last_decodes_time_reads_in_the_unit_that_fits_it(qtbot, seconds, said):
    """An SD VAE's decode of a large photo read "decode: 31760.5 ms"."""
    from genimg_gui.ui.status import StatusBar

    bar = shown(qtbot, StatusBar())
    bar.show_decode_time(seconds)
    assert bar.timing.text() == said

def test_a_waiting_load_keeps_what_was_said_while_it_waited_not_an_older_message(qtbot, monkeypatch):
    """A load that waited joins its messages after the one its wait ended with ("Cancelled …", said while the note
    showed). One said before it was asked for (the start-up's "Loaded …", an earlier switch's notes), on show for
    its reading time still, was joined too: "Loaded tiny-gan …. Edits along …" on a busy machine."""
    from genimg_gui.ui.status import HELD_THEN_NEXT

    later = clock_moved(monkeypatch)
    _window, bar = status_bar_of_a_window(qtbot, 900)
    bar.show_message("Loaded tiny-gan on cpu in 40 ms")
    later[0] += 0.5
    bar.show_waiting("other-gan will load when the current decode ends")
    bar.hold_message()  # the load starts
    bar.show_waiting("")
    bar.show_message("Loaded other-gan on cpu in 40 ms")
    assert bar.currentMessage() == "Loaded other-gan on cpu in 40 ms"

    later[0] += 0.5
    bar.show_waiting("tiny-gan will load when the inversion ends")
    later[0] += 0.5
    bar.show_message("Cancelled the inversion of cat.png at step 40")
    bar.hold_message()
    bar.show_waiting("")
    bar.show_message("Loaded tiny-gan on cpu in 40 ms")
    cancelled = "Cancelled the inversion of cat.png at step 40"
    assert bar.currentMessage() == f"{cancelled}{HELD_THEN_NEXT}Loaded tiny-gan on cpu in 40 ms"


def test_a_message_waiting_for_errors_to_end_stays_under_a_status_tip_and_keeps_its_time(qtbot, monkeypatch):
    """A message said as errors were nearly done shows alone once they end: that timer, firing while the user read a
    status tip (a recent file's path, hovered), put the message over the tip. It now waits under the tip on its own
    clock, shows as the tip goes, and leaves when its time is up."""
    from PySide6.QtGui import QStatusTipEvent
    from PySide6.QtWidgets import QStatusBar

    from genimg_gui.ui import status_times

    monkeypatch.setattr(status_times, "ERROR_MS", 300)
    monkeypatch.setattr(status_times, "MESSAGE_MS", 1500)
    window, bar = status_bar_of_a_window(qtbot)
    window.installEventFilter(bar)  # as MainWindow does: the window's status tips go to show_tip
    bar.show_error("broken.png is not an image")
    bar.show_message("Wrote /tmp/morph.gif")  # shown before the error until its end, then alone for the rest
    QApplication.sendEvent(window, QStatusTipEvent("/photos/cat.png"))
    # the errors' time is up, under the tip: the message alone is what the bar holds (currentMessage)
    qtbot.waitUntil(lambda: bar.currentMessage() == "Wrote /tmp/morph.gif", timeout=UI_TIMEOUT)
    assert QStatusBar.currentMessage(bar) == "/photos/cat.png" and bar.styleSheet() == ""
    QApplication.sendEvent(window, QStatusTipEvent(""))
    assert QStatusBar.currentMessage(bar) == "Wrote /tmp/morph.gif" and bar.styleSheet() == ""
    qtbot.waitUntil(lambda: QStatusBar.currentMessage(bar) == "", timeout=UI_TIMEOUT)  # its time up, Qt's timer again


@pytest.mark.parametrize("text, keeps", [
    ("Inverting: step 145 of 200", "Inverting: step 145 of 200"),  # read "Inverting: step 38 of 2…"
    ("Inverting: step 12,345 of 20,000", "12,345 of 20,000"),
    ("Rendering frame 345 of 600", "Rendering frame 345 of 600"),  # read "rendering frame… 32%"
    ("Writing morph 3.gif…", "Writing morph 3.gif…"),  # read "Writing morph 3… 41%": its format gone
    ("Writing a long morph name 3.gif…", "3.gif…"),
])
def test_a_jobs_label_too_long_for_its_bar_keeps_its_numbers_and_format(qtbot, text, keeps):
    from genimg_gui.ui.status import StatusBar

    bar = shown(qtbot, StatusBar())
    bar.show_progress(4, 0.41, text)
    label = bar.bar.format()
    assert label.replace(" %p%", "").endswith(keeps)
    assert label[:4] == text[:4]  # capitalised, and its first word not cut
    assert ("%" in label) == text.startswith("Writing")  # a count says how far on, the percent only where none does
    room = bar.bar.maximumWidth() - 12
    assert bar.bar.fontMetrics().horizontalAdvance(label.replace("%p%", "100%")) <= room
    assert bar.bar.toolTip().startswith(text)  # whole


def test_a_jobs_label_begins_with_a_capital_as_every_message(qtbot):
    from genimg_gui.ui.status import StatusBar

    bar = shown(qtbot, StatusBar())
    bar.show_progress(4, 0.3, "computing latent directions")
    assert bar.bar.format().startswith("Computing")


def test_a_closing_sentence_errors_share_is_said_once_after_them(qtbot):
    """A drop of four files genimg does not open repeated "… genimg opens its own model folders …" after each."""
    from genimg_gui.ui.status import StatusBar
    from genimg_gui.wording import SUPPORTED

    bar = shown(qtbot, StatusBar())
    bar.show_error(f"a.pkl is a pickle. {SUPPORTED}.")
    bar.show_error("notes.txt is not an image (it holds text)")
    bar.show_error(f"b.pt is a text file. {SUPPORTED}.")
    assert bar.currentMessage() == ("⚠ 3 problems: b.pt is a text file; notes.txt is not an image (it holds text); "
                                    f"a.pkl is a pickle. {SUPPORTED}.")
    assert bar.toolTip().splitlines()[-1] == f"{SUPPORTED}."
    assert [e.text for e in bar.log.entries][-1] == f"b.pt is a text file. {SUPPORTED}."


def test_names_holding_a_full_stop_are_not_cut_as_shared_advice(qtbot):
    """Two errors about "Mr. Smith.txt" and "Mrs. Smith.txt" both end "Smith.txt is not an image (it holds text)"
    after their last ". ": cut as a shared ending, the bar read "Mrs; Mr. Smith.txt is not an image …", naming one
    file. Only advice sentences are said once."""
    from genimg_gui.ui.status import StatusBar

    bar = shown(qtbot, StatusBar())
    bar.show_error("Mr. Smith.txt is not an image (it holds text)")
    bar.show_error("Mrs. Smith.txt is not an image (it holds text)")
    assert bar.currentMessage() == ("⚠ 2 problems: Mrs. Smith.txt is not an image (it holds text); "
                                    "Mr. Smith.txt is not an image (it holds text)")
