"""Inversions as the window names and logs them: short distinct names that stay told apart where they are shortened,
the log keeping each run's start and end but not its progress; the A/B captions elided; the focus after Send to VAE."""
from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QPointF, QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QStyleOptionViewItem, QToolTip

from conftest import UI_TIMEOUT, quit_questions_cancelled
from genimg_gui.ui.canvas import CompareMode
from genimg_gui.ui.inversion_names import fitted_name, inversion_name, parse, stopped_name
from genimg_gui.ui.session_questions import short_name
from test_open_latents import opened
from ui_helpers import invert_clicked


def open_image(qtbot, window, path):
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(path)])
    return window.document.current


def invert(qtbot, window, steps: int = 10):
    window.gan_panel.steps.setValue(steps)
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        window.gan_panel.invert_button.click()
    return window.document.current


def log_lines(window) -> list[str]:
    return [e.text for e in window.status.log.entries]


def test_the_log_keeps_an_inversions_start_and_result_and_the_status_bar_its_progress(qtbot, window, image_files):
    source = open_image(qtbot, window, image_files[1])
    notes = []
    window.document.note.connect(notes.append)
    before = len(window.status.log.entries)
    invert(qtbot, window, steps=30)
    assert len(notes) == 2 and all(n.startswith(f"Inverting {source.name}: pixel error ") for n in notes)
    lines = log_lines(window)[before:]
    assert lines[0] == f"Inverting {source.name} (30 steps)…"
    assert not [line for line in lines if "so far" in line]  # ~18 such lines per run pushed errors out of view
    assert [line for line in lines if line.startswith(f"Inverted {source.name}: pixel error ")]
    # a stopped run: its start and its stop
    window.document.select(source.id)
    before = len(window.status.log.entries)
    window.gan_panel.steps.setValue(2000)
    previews = []
    window.document.inverted.connect(previews.append)
    window.gan_panel.invert_button.click()
    qtbot.waitUntil(lambda: len(previews) >= 3, timeout=UI_TIMEOUT)
    assert window.status.currentMessage().endswith(" so far")  # the progress shows where it did
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    lines = [line for line in log_lines(window)[before:] if "nvert" in line]
    assert lines[0] == f"Inverting {source.name} (2,000 steps)…" and lines[-1].startswith("Cancelled the inversion")
    assert len(lines) == 2
    assert "Cancelled" not in log_lines(window)[before:]  # said once, with what was kept, not also on its own


def test_an_inversion_cancelled_before_it_started_says_so_once(qtbot, window, image_files):
    source = open_image(qtbot, window, image_files[1])
    other = open_image(qtbot, window, image_files[2])  # opened first: its encode would wait behind the inversion
    window.gan_panel.steps.setValue(2000)
    previews = []
    window.document.inverted.connect(previews.append)
    window.document.select(source.id)
    first = invert_clicked(window)
    qtbot.waitUntil(lambda: len(previews) >= 2, timeout=UI_TIMEOUT)  # running: the second waits behind it
    window.document.select(other.id)
    second = invert_clicked(window)
    before = len(window.status.log.entries)
    window.document.cancel(second)
    assert log_lines(window)[before:] == [f"Cancelled the inversion of {other.name}"]
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        window.document.cancel(first)
    lines = log_lines(window)[before + 1:]
    assert len(lines) == 1 and lines[0].startswith(f"Cancelled the inversion of {source.name} at step ")


def test_repeated_inversions_get_short_distinct_names_wherever_they_show(qtbot, window, image_files, tmp_path,
                                                                        monkeypatch):
    photo = tmp_path / "big_photo_from_the_holiday.png"
    shutil.copy(image_files[1], photo)
    doc, panel = window.document, window.gan_panel
    source = open_image(qtbot, window, photo)
    first = invert(qtbot, window)
    doc.select(source.id)
    second = invert(qtbot, window)
    assert (first.name, second.name) == (f"{photo.name}, inverted", f"{photo.name}, inverted 2")
    # the filmstrip and the Generate tab shorten the photo's name, not the part that tells the two apart
    caption = window.filmstrip.currentItem().text()
    assert caption.endswith("…, inverted 2") and window.filmstrip.currentItem().toolTip() == second.name
    assert f"“{second.name}” is an inversion" in panel.no_seed_note.text()  # the note has room for it whole
    assert window.history_panel.item_for(0).text(0) == f"Inverted from {photo.name} (10 steps)"
    # a stopped one says so after its number
    doc.select(source.id)
    panel.steps.setValue(2000)
    previews = []
    doc.inverted.connect(previews.append)
    panel.invert_button.click()
    qtbot.waitUntil(lambda: len(previews) >= 2, timeout=UI_TIMEOUT)
    with qtbot.waitSignal(doc.history_changed, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    third, step = doc.current, previews[-1].step
    assert third.name == f"{photo.name}, inverted 3 (stopped at step {step})"
    # the step too, which tells two stopped runs apart: "big_…, inverted 3 (sto…" lost it
    assert window.filmstrip.currentItem().text().endswith(f"…, inv. 3 (step {step})")
    assert window.history_panel.item_for(0).text(0) == f"{photo.name}: inversion stopped at step {step}"
    asked = quit_questions_cancelled(monkeypatch)
    assert not window.close()
    # by their filmstrip names, the photo's name shortened (to the 40 characters a name has), not what tells them apart
    assert asked == [f"These 3 inversions have not been exported: “{photo.name}, inverted”, "
                     f"“{short_name(photo.name, 28)}, inverted 2” and "
                     f"“{short_name(photo.name, 12)}, inverted 3 (stopped at step {step})”."]
    # exported as "big_photo_from_the_holiday_inverted_2.png", not "….png, inverted 2.png" nor with its comma
    assert window.settings.export_path(second.name, ".png").endswith(f"/{photo.stem}_inverted_2.png")
    offered: list[str] = []  # Export PNG… on the one on show, through its real dialog call
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _w, _t, start, _f, *_: offered.append(start) or
                        ("", ""))
    window.exports.export_png_dialog(1)
    assert [Path(p).name for p in offered] == [f"{photo.stem}_inverted_3_stopped_at_step_{step}.png"]


def test_inversion_names_are_numbered_past_any_taken_and_read_back(qtbot):
    taken = {"cat.png, inverted", "cat.png, inverted 2 (stopped at step 40)", "cat.png, inverted 3 (to VAE)"}
    assert inversion_name("cat.png", taken) == "cat.png, inverted 4"
    assert inversion_name("dog.png", taken) == "dog.png, inverted"
    assert inversion_name("cat.png, inverted", taken) == "cat.png, inverted, inverted"
    parts = parse(stopped_name("cat.png, inverted 2", 40))
    assert (parts.source, parts.number, parts.rest) == ("cat.png", 2, " (stopped at step 40)")
    assert parse("cat, inverted copy.png") is None and parse("seed 5") is None
    metrics = QFontMetrics(QApplication.font())
    name = "a_very_long_photo_name_from_a_camera.jpg, inverted 12 (stopped at step 1,240)"
    assert fitted_name(metrics, "seed 5", 100) == "seed 5"
    for px in (120, 134, 200):  # the number stays in view at a filmstrip cell's width (134 px) and wider
        fitted = fitted_name(metrics, name, px)
        assert metrics.horizontalAdvance(fitted) <= px and ", inv" in fitted and " 12 (step 1" in fitted
    assert fitted.endswith("…, inverted 12 (step 1,240)")  # "stopped at" goes before the source's name is cut
    stopped = "1f60d.png, inverted 2 (stopped at step 240)"
    for px in (134, 150):  # the number and the step stay, and the source's first letters
        fitted = fitted_name(metrics, stopped, px)
        assert metrics.horizontalAdvance(fitted) <= px and fitted.startswith("1f") and fitted.endswith(" 2 (step 240)")
    # a short source whole, with the shorter words, where that fits: it read "p1.…, inverted (step 40)"
    short = "p1.jpg, inv. (step 40)"
    assert fitted_name(metrics, stopped_name("p1.jpg, inverted", 40), metrics.horizontalAdvance(short)) == short


def test_a_long_ab_caption_is_elided_in_its_middle_with_the_whole_in_a_tooltip(qtbot, window):
    canvas = window.canvas
    canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    long_b = "B: PC1 (7.4%) +2.38σ, style: Google → Twitter -1.93σ, mask: the left eye and the hair above it"
    canvas.set_labels("A: Opened", long_b)
    slots, panes = dict(canvas.slots()), dict(canvas.panes())
    box = canvas.label_box(panes["edited"], long_b, slots["edited"])
    shown = canvas.label_text(box, long_b)
    assert slots["edited"].contains(box) and "…" in shown and shown.startswith("B: PC1")
    assert shown.endswith("above it")  # the end, which tells states apart, stays
    assert canvas.label_text(canvas.label_box(panes["original"], "A: Opened", slots["original"]), "A: Opened") \
        == "A: Opened"
    assert canvas.label_at(box.center()) == long_b and canvas.label_at(QPointF(2, canvas.height() - 2)) is None
    at = box.center().toPoint()
    QApplication.sendEvent(canvas, QHelpEvent(QHelpEvent.Type.ToolTip, at, canvas.mapToGlobal(at)))
    assert QToolTip.text() == long_b
    QToolTip.hideText()


def test_after_send_to_vae_the_focus_goes_to_the_canvas_not_the_steps_box(qtbot, window):
    window.tabs.setCurrentWidget(window.gan_panel)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=UI_TIMEOUT)
    window.filmstrip.setCurrentRow(0)  # the GAN's sample
    button = window.gan_panel.send_button
    button.setFocus(Qt.FocusReason.TabFocusReason)
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        qtbot.keyClick(button, Qt.Key.Key_Space)
    assert window.document.current.kind == "vae" and not button.isEnabled()
    assert QApplication.focusWidget() is window.canvas
    qtbot.keyClicks(QApplication.focusWidget(), "5")
    assert window.gan_panel.steps.value() == 200


def test_an_inversion_exported_and_opened_again_is_captioned_as_a_sample(qtbot, window, image_files, tmp_path):
    """inv.npz opened again read "Original" and "Edited (decoded)" over two drawings of the GAN's, no photo among
    them; a GAN sample's read "Generated" and "Edited"."""
    canvas = window.canvas
    canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    source = open_image(qtbot, window, image_files[1])
    inversion = invert(qtbot, window)
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("Original", "Edited (decoded)")  # the photo
    window.exports.export_latent(str(tmp_path / "inv.npz"))
    window.close_action.trigger()  # File → Close image
    assert inversion.id not in window.document.items
    reopened = opened(qtbot, window, tmp_path / "inv.npz")
    assert reopened.kind == "gan" and window.document.current is reopened
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("Generated", "Edited")
    window.document.select(source.id)  # a picture opened: its photo beside its decoding still
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("Original", "Edited (decoded)")


def test_a_stopped_inversion_sent_to_the_vae_keeps_what_tells_it_apart_wherever_it_is_shortened(qtbot, window,
                                                                                                 image_files,
                                                                                                 tmp_path):
    """Its filmstrip name read "p…, inv. (step 40) (t…", the "(to VAE)" that tells it from its GAN twin cut; its
    first History step "Sent from “p1.jpg, inverted (stopped at step 40)” to…VAE", "the" cut rather than the quoted
    name; and its left pane said "GAN sample" of an inversion."""
    photo = tmp_path / "p1.png"
    shutil.copy(image_files[1], photo)
    doc, canvas = window.document, window.canvas
    canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    open_image(qtbot, window, photo)
    window.gan_panel.steps.setValue(2000)
    previews = []
    doc.inverted.connect(previews.append)
    window.gan_panel.invert_button.click()
    qtbot.waitUntil(lambda: len(previews) >= 2, timeout=UI_TIMEOUT)
    with qtbot.waitSignal(doc.history_changed, timeout=UI_TIMEOUT):
        qtbot.mouseClick(window.status.cancel, Qt.MouseButton.LeftButton)
    twin = doc.current
    assert twin.name.startswith(f"{photo.name}, inverted (stopped at step ")
    with qtbot.waitSignal(doc.item_added, timeout=UI_TIMEOUT):
        window.gan_panel.send_button.click()
    sent = doc.current
    qtbot.waitUntil(lambda: sent.sent_from == twin.name, timeout=UI_TIMEOUT)
    assert sent.kind == "vae" and sent.name == f"{twin.name} (to VAE)"
    # the filmstrip: "(to VAE)" whole, and the photo's name, in the cell
    strip = window.filmstrip
    caption = strip.currentItem().text()
    assert caption.startswith("p1") and caption.endswith(", inv. (to VAE)"), caption
    assert strip.fontMetrics().horizontalAdvance(caption) <= strip.visualItemRect(strip.currentItem()).width()
    # History: the quoted name shortened, "to the VAE" whole, in a row as wide as the tester's
    row = window.history_panel.item_for(0)
    assert row.text(0) == f"Sent from “{twin.name}” to the VAE"
    tree = window.history_panel.tree
    option = QStyleOptionViewItem()
    tree.initViewItemOption(option)
    option.rect = QRect(tree.visualItemRect(row).topLeft(), QSize(300, tree.visualItemRect(row).height()))
    tree.itemDelegate().initStyleOption(option, tree.indexFromItem(row))
    assert option.text.startswith("Sent from “p") and option.text.endswith("” to the VAE"), option.text
    assert "…" in option.text and ", inv" in option.text  # the inversion's own shortening
    # its left pane: the inversion as the GAN drew it, no sample
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("GAN inversion", "Edited (decoded)")
