"""The Sliders panel on its own (no engine): its layout as names and numbers change, rename and delete from the
menu, preview strips and the typicality meter."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from genimg_gui.ui.qimage import from_qimage
from genimg_gui.ui.slider_parts import DirectionName, name_parts
from genimg_gui.ui.sliders import DirectionSlider, SliderPanel

from widget_helpers import LEFT, shown, solid


@pytest.fixture()
def sliders(qtbot) -> SliderPanel:
    panel = shown(qtbot, SliderPanel())
    panel.resize(360, 400)
    panel.set_directions(("PC1", "PC2", "PC3"), ("a", "b", "c"))
    return panel


FACE_NAMES = ("PC1 (21.4%)", "style: Google → Twitter", "subcategory: other → cat-face",
              "subcategory: other → face-neutral-skeptical", "subcategory: other → face-concerned")


def one_line(label) -> bool:
    return label.height() < 2 * label.fontMetrics().lineSpacing()


def test_a_wide_panel_shows_each_direction_name_whole_on_one_line(qtbot):
    """The names took 2 parts of the row, the slider 3: "subcategory: other → face-neutral-skeptical" wrapped to
    three lines ("face-neutral-" over "skeptical") beside a long slider, however wide the panel."""
    panel = shown(qtbot, SliderPanel())
    panel.resize(700, 500)
    panel.set_directions(FACE_NAMES)
    QApplication.processEvents()
    for name in panel._names:
        assert one_line(name)
        assert "".join(name.shown_parts()) == name.text()  # whole
    assert panel.sliders[0].width() >= 110


def test_a_narrow_panel_shortens_a_name_on_one_line_keeping_what_tells_it_apart(qtbot):
    """Where there is no room (a panel dragged narrower than the window gives it: a name has the row's width, less
    its value and ↺), the "from" part goes, alike on each row after the first that shares it ("… →
    face-neutral-skeptical", "… → face-concerned", under "subcategory: other → cat-face" which names it), the whole
    name in its tooltip; a "from" part several rows share is drawn fainter, a lone one ("style: Google →") is not."""
    panel = shown(qtbot, SliderPanel())
    panel.resize(NARROW, 500)
    panel.set_directions(FACE_NAMES, FACE_NAMES)
    QApplication.processEvents()
    assert panel.sliders[0].width() >= 100  # the slider keeps a usable length
    names = panel._names
    assert all(one_line(name) for name in names)
    assert names[3].shown_parts() == ("… → ", "face-neutral-skeptical")
    assert names[4].shown_parts() == ("… → ", "face-concerned")
    assert names[2].shown_parts() == ("subcategory: other → ", "cat-face")
    assert names[1].shown_parts() == ("style: Google → ", "Twitter")
    assert FACE_NAMES[3] in names[3].toolTip()
    assert panel.labels() == FACE_NAMES  # the names themselves stay as the README and the CLI write them
    assert [name.dim for name in names] == [False, False, True, True, True]


def test_a_name_with_no_room_even_for_its_to_part_loses_its_middle(qtbot):
    from genimg_gui.ui.slider_parts import fit_name

    panel = shown(qtbot, SliderPanel())
    metrics = panel.fontMetrics()
    head, rest = fit_name(FACE_NAMES[3], metrics, 80)
    assert head == "" and "…" in rest and metrics.horizontalAdvance(rest) <= 80
    assert fit_name("frowning → smiling", metrics, metrics.horizontalAdvance("frowning → smiling") - 5) == \
        ("… → ", "smiling")
    assert fit_name("skin tone: lighter → darker", metrics, metrics.horizontalAdvance("skin tone: … → darker")) == \
        ("skin tone: … → ", "darker")


VAE_NAMES = ("PC1 (7.4%)", "skin tone: lighter → darker", "style: Google → Twitter",
             "category: other → Smileys & Emotion", "category: other → Animals & Nature",
             "category: other → Food & Drink", "category: other → Flags")
PANEL_AT_1000 = 378  # px: the Sliders tab's room in a 1000-px (or 800-px) window, whose Edit panel is 400 px
NARROW = 280  # px: the Sliders tab's room where the user dragged the Edit panel narrower


def shown_names(names: tuple[str, ...], width: int, qtbot) -> list[tuple[str, str]]:
    panel = shown(qtbot, SliderPanel())
    panel.resize(width, 700)
    panel.set_directions(names, names)
    QApplication.processEvents()
    assert panel.scroll.horizontalScrollBar().maximum() == 0  # the rows fit across
    assert all(one_line(name) and name.toolTip().startswith(name.text()) for name in panel._names)  # whole there
    return [name.shown_parts() for name in panel._names]


def cut_at_end(shown: str, whole: str) -> bool:
    return shown.endswith("…") and whole.startswith(shown[:-1].rstrip()) and len(shown) - 1 >= 4


def test_names_too_long_for_a_narrow_panel_are_shortened_by_one_rule_that_keeps_each_topic(qtbot):
    """At 800 and 1000 px the names mixed three ways of shortening: "subcateg…keptical" (its middle cut) among
    "… → face-hand", "category… Emotion", "style: … → Twitter" (to save 6 characters where the name nearly fitted),
    and "… → darker" had lost its topic, skin tone, which no other row shares. Now a name has its row's width: at
    the default widths every name shows whole; narrower, a group's later rows read "… → to" under a first row that
    names the group's topic, and what is still too long loses its end, never its start or its middle."""
    for name, (head, to) in zip(VAE_NAMES + FACE_NAMES, shown_names(VAE_NAMES + FACE_NAMES, PANEL_AT_1000, qtbot)):
        assert head + to == name  # whole, as at 1440 px (a 556-px panel) and anything wider
    vae = dict(zip(VAE_NAMES, shown_names(VAE_NAMES, NARROW, qtbot)))
    assert vae["skin tone: lighter → darker"] == ("skin tone: lighter → ", "darker")  # whole
    assert vae["style: Google → Twitter"] == ("style: Google → ", "Twitter")
    head, to = vae["category: other → Smileys & Emotion"]
    assert head == "category: … → " and (to == "Smileys & Emotion" or cut_at_end(to, "Smileys & Emotion"))
    assert vae["category: other → Animals & Nature"] == ("… → ", "Animals & Nature")
    assert vae["category: other → Flags"] == ("… → ", "Flags")

    faces = dict(zip(FACE_NAMES, shown_names(FACE_NAMES + ("subcategory: other → face-hand",), NARROW, qtbot)))
    assert faces["style: Google → Twitter"] == ("style: Google → ", "Twitter")
    assert faces["subcategory: other → cat-face"] in (("subcategory: other → ", "cat-face"),
                                                       ("subcategory: … → ", "cat-face"))
    for later in FACE_NAMES[3:]:
        assert faces[later] == ("… → ", name_parts(later)[1])


def test_a_name_too_long_loses_its_end_and_only_at_the_last_its_middle(qtbot):
    from genimg_gui.ui.slider_parts import fit_name

    metrics = shown(qtbot, SliderPanel()).fontMetrics()
    long = "subcategory: other → face-neutral-skeptical"
    room = metrics.horizontalAdvance("subcategory: … → face-neutral")
    head, to = fit_name(long, metrics, room)
    assert head == "subcategory: … → " and cut_at_end(to, "face-neutral-skeptical")
    head, to = fit_name(long, metrics, room - 40, longest=long, later=True)
    assert head == "… → " and cut_at_end(to, "face-neutral-skeptical")
    # a part of a few characters is not worth a "…": "style: Go →" stays, the end goes
    head, to = fit_name("style: Go → Twitter emoji", metrics, metrics.horizontalAdvance("style: Go → Twitter…"))
    assert head == "style: Go → " and cut_at_end(to, "Twitter emoji")
    head, rest = fit_name(long, metrics, 80)  # no room for the topic and a few characters: the middle goes
    assert head == "" and "…" in rest and rest[0] == "s" and rest[-1] == "l" and metrics.horizontalAdvance(rest) <= 80


def test_sliders_rebuilt_behind_another_tab_keep_their_width_and_scroll_to_the_end(qtbot):
    """Rebuilt while the History tab was on show, the list was laid out at its narrowest: sliders of 110 px, names
    on four lines, and a scroll range that could not reach the last rows (the user's own directions)."""
    from PySide6.QtWidgets import QLabel, QTabWidget

    tabs = shown(qtbot, QTabWidget())
    panel = SliderPanel()
    tabs.addTab(panel, "Sliders")
    tabs.addTab(QLabel("history"), "History")
    tabs.resize(480, 600)
    names = tuple(f"PC{i}" for i in range(1, 17)) + ("subcategory: other → face-neutral-skeptical",) * 8
    panel.set_directions(names)
    QApplication.processEvents()
    width = panel.sliders[0].width()
    tabs.setCurrentIndex(1)
    panel.set_directions(names[:-2])
    tabs.setCurrentIndex(0)
    QApplication.processEvents()
    assert panel.sliders[0].width() == width
    bar, inner = panel.scroll.verticalScrollBar(), panel.scroll.widget()
    assert bar.maximum() == inner.height() - panel.scroll.viewport().height()
    bar.setValue(bar.maximum())
    last = panel.sliders[-1]
    assert last.mapTo(panel.scroll.viewport(), last.rect().bottomLeft()).y() <= panel.scroll.viewport().height()


def test_the_sliders_stay_put_as_their_numbers_change(qtbot):
    """The value column took the width of the number it showed: "-1.00σ" is narrower than "+0.00σ" in most fonts,
    so the sliders grew and shrank as they moved, and between rebuilds."""
    panel = shown(qtbot, SliderPanel())
    font = panel.font()
    font.setPointSize(24)  # numbers wider than any fixed guess
    panel.setFont(font)
    panel.resize(500, 300)
    panel.set_directions(("PC1",))
    slider, value = panel.sliders[0], panel._value_labels[0]

    def place(values: tuple[float, ...]) -> tuple[int, int]:
        panel.set_values(values)
        panel.layout().activate()
        panel.scroll.widget().layout().activate()
        return slider.x(), slider.width()
    where = place((0.0,))
    for v in (-1.0, -3.0, 3.0, 1.11, -0.5):
        assert place((v,)) == where and value.sizeHint().width() <= value.width(), value.text()
    panel.set_directions(("PC1", "PC2"))
    panel.set_values((-1.0, -1.0))
    panel.scroll.widget().layout().activate()
    assert (panel.sliders[0].x(), panel.sliders[0].width()) == where


def action(menu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def test_slider_rename_and_delete_from_the_menu(qtbot, sliders, monkeypatch):
    monkeypatch.setattr(sliders, "_ask_name", lambda old: f"{old} smile")
    with qtbot.waitSignal(sliders.rename_requested) as sig:
        action(sliders.context_menu(1), "Rename…").trigger()
    assert sig.args == [1, "PC2 smile"]
    monkeypatch.setattr(sliders, "_ask_name", lambda old: None)  # cancelled
    with qtbot.assertNotEmitted(sliders.rename_requested):
        action(sliders.context_menu(1), "Rename…").trigger()
    with qtbot.waitSignal(sliders.delete_requested, check_params_cb=lambda i: i == 2):
        action(sliders.context_menu(2), "Delete").trigger()
    assert sliders._names[0].contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu


def test_the_rename_box_is_wide_enough_for_a_directions_name(qtbot, sliders, monkeypatch):
    from PySide6.QtWidgets import QDialog, QInputDialog, QLineEdit

    long_name = "subcategory: other → face-concerned"
    seen = []

    def exec_(dialog):  # what the user sees, then a new name typed and OK
        dialog.show()
        qtbot.waitExposed(dialog)
        box = dialog.findChild(QLineEdit)
        seen.append((box.width(), box.fontMetrics().horizontalAdvance(long_name), box.text()))
        box.setText("worried")
        dialog.accept()
        return QDialog.DialogCode.Accepted

    def get_text(parent, title, label, *_args, text="", **_kw):  # the same dialog, as the static function shows it
        dialog = QInputDialog(parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        accepted = exec_(dialog) == QDialog.DialogCode.Accepted
        return dialog.textValue(), accepted
    monkeypatch.setattr(QInputDialog, "exec", exec_)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    with qtbot.waitSignal(sliders.rename_requested) as sig:
        action(sliders.context_menu(1), "Rename…").trigger()
    [(width, name_width, shown_text)] = seen
    assert width >= name_width + 40 and shown_text == "PC2"  # Qt's own box was about 176 px: a few words
    assert sig.args == [1, "worried"]


def test_slider_preview_strips(qtbot, sliders):
    assert sliders.preview_values() == (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0)
    strip_images = np.stack([solid((30 * i, 255 - 30 * i, 0), 8) for i in range(7)])
    sliders.set_preview(0, strip_images)  # off: ignored
    assert not sliders.strips[0].isVisible()
    with qtbot.waitSignal(sliders.previews_toggled, check_params_cb=lambda on: on):
        qtbot.mouseClick(sliders.previews_box, LEFT, pos=QPoint(5, sliders.previews_box.height() // 2))
    assert sliders.previews_enabled()
    sliders.set_preview(1, strip_images)
    sliders.set_preview(7, strip_images)  # stale index from an older direction set: ignored
    strip = sliders.strips[1]
    assert strip.isVisible() and not sliders.strips[0].isVisible()
    painted = from_qimage(strip.grab().toImage())
    for i, place in enumerate(strip.places()):  # each thumbnail where it is drawn (test_slider_rows: where that is)
        x, y = round(place.center().x()), round(place.center().y())
        assert np.abs(painted[y, x].astype(int) - strip_images[i, 0, 0]).max() <= 2
    with qtbot.waitSignal(sliders.previews_toggled, check_params_cb=lambda on: not on):
        sliders.previews_box.setChecked(False)
    assert not strip.isVisible()
    sliders.previews_box.setChecked(True)
    sliders.set_preview(0, strip_images)
    sliders.set_directions(("PC1", "PC2"))  # rebuilt rows start without thumbnails, their room kept while on
    assert len(sliders.strips) == 2 and not any(s.images for s in sliders.strips)
    assert all(s.isVisible() for s in sliders.strips)
    sliders.set_preview(1, strip_images)
    assert sliders.strips[1].isVisible()
    sliders.clear_previews()
    assert not sliders.strips[1].isVisible()


def test_typicality_meter(sliders):
    sliders.set_typicality(1.23, "PC2")
    assert sliders.meter.label.text() == "Typicality: 1.2σ (typical)"  # in green, which direction is noise
    green_height = sliders.meter.heightForWidth(280)  # the width of the panel beside the canvas
    assert sliders.meter.level == 0  # green
    sliders.set_typicality(3.0, "PC2")  # one slider at +3 on an image at 0 along it
    assert sliders.meter.label.text() == "Typicality: 3.0σ on PC2 (unusual)"
    sliders.set_typicality(2.9999997, "PC7")  # the same, as float32 arithmetic often gives it
    assert sliders.meter.label.text() == "Typicality: 3.0σ on PC7 (unusual)"  # the word fits the figure shown
    sliders.set_typicality(3.96, "PC7")
    assert sliders.meter.label.text().endswith("4.0σ on PC7 (off-distribution: images may break)")
    sliders.set_typicality(3.2)  # set by the overall distance: no direction to name
    assert sliders.meter.label.text() == "Typicality: 3.2σ (unusual)"
    sliders.set_typicality(4.5, "PC1")
    assert sliders.meter.label.text() == "Typicality: 4.5σ on PC1 (off-distribution: images may break)"
    assert sliders.meter.level == 2  # red
    assert sliders.meter.heightForWidth(280) == green_height  # the slider rows below do not move
    assert sliders.meter.bar.value() == 45 and "σ" in sliders.meter.toolTip()
    sliders.set_typicality(None)
    assert sliders.meter.label.text() == "Typicality: –"


def test_values_for_fewer_directions_leave_the_other_sliders_at_zero(sliders):
    sliders.set_values((1.0, -2.0, 0.5))
    sliders.set_values((0.25,))  # a state from a model with one direction
    assert sliders.values() == (0.25, 0.0, 0.0)


def test_the_rows_a_new_direction_set_replaces_are_gone_at_once(sliders):
    """The old rows were only deleted later, when the event loop came round: a question asked meanwhile (an SD VAE's
    scale, as the GAN's sample became current) runs an event loop of its own, which deletes nothing, and both sets
    were drawn over each other ("PC1 (21.4%)" over "PC1 (66.0%)") until it was answered."""
    sliders.set_directions(("PC1 (66.0%)", "PC2 (12.5%)"))
    shown_names = [name.text() for name in sliders.findChildren(DirectionName) if name.isVisible()]
    assert shown_names == ["PC1 (66.0%)", "PC2 (12.5%)"]
    assert len([s for s in sliders.findChildren(DirectionSlider) if s.isVisible()]) == 2
