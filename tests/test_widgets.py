"""The editing widgets on their own (no engine): history tree, morph dialog, directions dialog,
slider extras (rename/delete, preview strips, typicality) and mask painting on the canvas."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QDialogButtonBox, QSlider, QStyleOptionViewItem,
                               QTabWidget, QToolButton, QTreeWidgetItemIterator, QWidget)

from genimg_gui.ui.canvas import Canvas, CompareMode
from genimg_gui.ui.directions_dialog import DirectionRequest, DirectionsDialog
from genimg_gui.seed_draws import Drawn
from genimg_gui.ui.filmstrip import CELL_WIDTH, Filmstrip
from genimg_gui.ui.gan_panel import GanPanel
from genimg_gui.ui.history_controller import describe_sample
from genimg_gui.ui.history_panel import HistoryPanel
from genimg_gui.ui.morph_dialog import MorphDialog
from genimg_gui.ui.morph_settings import MorphSettings
from genimg_gui.ui.qimage import from_qimage, to_qimage
from genimg_gui.ui.sliders import SliderPanel

from conftest import drag_drop, file_mime  # noqa: E402

LEFT, MIDDLE = Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton
CTRL = Qt.KeyboardModifier.ControlModifier


def solid(rgb, size: int = 16) -> np.ndarray:
    return np.full((size, size, 3), rgb, np.uint8)


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# --- history -------------------------------------------------------------
# 0 -> 1 -> 2, and 1 -> 3 -> 4 (undo to 1, then a different edit)
NODES = [(0, None, "Original", solid(0)), (1, 0, "PC1 +1.5σ", solid(60)), (2, 1, "PC2 −1σ", solid(120)),
         (3, 1, "PC3 +2σ", None), (4, 3, "Mask", solid(240))]
SHIFT = Qt.KeyboardModifier.ShiftModifier


def history_panel(qtbot, nodes: list, current_id: int) -> HistoryPanel:
    """The panel with a stand-in for the document: going to a step rebuilds the tree around it, as the
    history controller does."""
    panel = shown(qtbot, HistoryPanel())
    panel.resize(260, 420)
    panel.node_activated.connect(lambda node_id: panel.set_nodes(nodes, node_id))
    panel.set_nodes(nodes, current_id)
    return panel


@pytest.fixture()
def history(qtbot) -> HistoryPanel:
    return history_panel(qtbot, NODES, current_id=4)


def click_node(qtbot, panel: HistoryPanel, node_id: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    panel.tree.scrollToItem(panel.item_for(node_id))
    rect = panel.tree.visualItemRect(panel.item_for(node_id))
    qtbot.mouseClick(panel.tree.viewport(), LEFT, modifier, rect.center())


def rows(panel: HistoryPanel) -> list[tuple[int, int, str]]:
    """(top, indent, label) of every row, as the tree draws them."""
    return sorted((panel.tree.visualItemRect(item).top(), panel.tree.visualItemRect(item).left(), item.text(0))
                  for item in map(panel.item_for, panel.node_ids()))


def marked(panel: HistoryPanel) -> tuple[list[int], int]:
    """The selected steps and the one with the keyboard focus."""
    return ([item.data(0, Qt.ItemDataRole.UserRole) for item in panel.tree.selectedItems()],
            panel.tree.currentItem().data(0, Qt.ItemDataRole.UserRole))


def seen(panel: HistoryPanel) -> list[tuple[str, int]]:
    """Every row as a person reads the tree, top to bottom: its text and how many steps it is indented."""
    items, it = [], QTreeWidgetItemIterator(panel.tree)
    while it.value():
        items.append(it.value())
        it += 1
    rects = sorted((panel.tree.visualItemRect(item).top(), panel.tree.visualItemRect(item).left(), item.text(0))
                   for item in items)
    left = min(x for _top, x, _text in rects)
    return [(text, (x - left) // panel.tree.indentation()) for _top, x, text in rects]


def test_history_tree_is_flat_and_a_later_branch_follows_the_whole_line_under_a_caption(history):
    # read top to bottom, each step is followed by the one made after it: the branch from PC1 comes after PC2,
    # under a caption naming where it left from (it sat indented between PC1 and PC2, as if made before PC2)
    assert seen(history) == [("Original", 0), ("PC1 +1.5σ", 0), ("PC2 −1σ", 0),
                             ("↳ Branch 2 from “PC1 +1.5σ”", 0), ("PC3 +2σ", 1), ("Mask", 1)]
    assert history.node_ids() == [0, 1, 2, 3, 4]
    # no state numbers, which appear nowhere else
    assert history.item_for(1).toolTip(0) == "PC1 +1.5σ (1 branch from here, further down)"
    assert history.item_for(2).toolTip(0) == "PC2 −1σ"
    assert history.item_for(4).font(0).bold() and not history.item_for(2).font(0).bold()
    assert history.tree.iconSize().height() == 48
    before = history.item_for(3).icon(0).cacheKey()
    history.set_thumbnail(3, solid(200))
    assert history.item_for(3).icon(0).cacheKey() != before


def test_history_branches_of_branches_nest_in_the_order_they_were_made(qtbot):
    nodes = NODES + [(5, 3, "PC4 +1σ", None), (6, 1, "Smileys +1σ", None), (7, 6, "PC1 +2σ", None)]
    history = history_panel(qtbot, nodes, current_id=7)
    # two branches from one step are numbered, as lines 2 and 3 made from it: captions alike left the user guessing
    assert seen(history) == [("Original", 0), ("PC1 +1.5σ", 0), ("PC2 −1σ", 0),
                             ("↳ Branch 2 from “PC1 +1.5σ”", 0), ("PC3 +2σ", 1), ("Mask", 1),
                             ("↳ Branch 2 from “PC3 +2σ”", 1), ("PC4 +1σ", 2),
                             ("↳ Branch 3 from “PC1 +1.5σ”", 0), ("Smileys +1σ", 1), ("PC1 +2σ", 1)]
    captions = [(point, text) for node_id, point, text in history.rows() if node_id is None]
    assert captions == [(1, "↳ Branch 2 from “PC1 +1.5σ”"), (3, "↳ Branch 2 from “PC3 +2σ”"),
                        (1, "↳ Branch 3 from “PC1 +1.5σ”")]
    assert len({text for _point, text in captions}) == len(captions)
    assert "2 branches from here" in history.item_for(1).toolTip(0)


def test_history_long_rows_lose_their_middle_and_keep_the_value_at_the_end(qtbot):
    long = "category: other → Smileys & Emotion +2.00σ"
    nodes = NESTED + [(13, 11, long, None), (14, 13, "PC1 +1σ", None), (15, 13, "PC2 +1σ", None)]
    history = history_panel(qtbot, nodes, 15)
    history.resize(200, 420)
    caption = history.tree.itemBelow(history.item_for(14))
    history.tree.scrollToItem(caption)
    qtbot.wait(20)
    # the text as the style draws it: the row's option (font, elide mode) fitted into the row's width
    option = QStyleOptionViewItem()
    history.tree.initViewItemOption(option)
    index = history.tree.indexFromItem(caption)
    history.tree.itemDelegate().initStyleOption(option, index)
    drawn = QFontMetrics(option.font).elidedText(option.text, option.textElideMode,
                                                 history.tree.visualItemRect(caption).width() - 8)
    assert "…" in drawn and drawn.endswith("+2.00σ”")  # not "…other → Smileys…"


def test_history_branch_caption_is_no_step(qtbot, history):
    caption = history.tree.itemBelow(history.item_for(2))
    assert caption.data(0, Qt.ItemDataRole.UserRole) is None
    assert caption.toolTip(0) == ("The steps below were made after going back to “PC1 +1.5σ”: line 2 made from there "
                                  "(line 1 follows it at its level)")
    rect = history.tree.visualItemRect(caption)
    with qtbot.assertNotEmitted(history.node_activated):
        qtbot.mouseClick(history.tree.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, rect.center())
        qtbot.mouseClick(history.tree.viewport(), LEFT, CTRL, rect.center())
    assert marked(history) == ([4], 4) and history.partner_id is None
    click_node(qtbot, history, 2)
    history.tree.setFocus()
    qtbot.keyClick(history.tree, Qt.Key.Key_Down)  # the arrow keys pass the caption by
    assert marked(history) == ([2], 3)
    qtbot.keyClick(history.tree, Qt.Key.Key_Up)
    assert marked(history) == ([2], 2)


def test_history_rows_stay_where_they_are_when_a_click_or_undo_moves_the_current_step(qtbot, history):
    layout = rows(history)
    for node_id in (2, 1, 3, 0, 4):  # each click goes there; the same spot keeps showing the same step
        click_node(qtbot, history, node_id)
        assert history.current_id == node_id and rows(history) == layout
    history.set_nodes(NODES, 3)  # an undo
    assert rows(history) == layout


def test_history_rows_stay_put_in_a_scrolled_tree(qtbot):
    chain = [(0, None, "Opened", None)] + [(i, i - 1, f"PC1 +{i}σ", None) for i in range(1, 30)]
    history = history_panel(qtbot, chain, 29)
    history.tree.verticalScrollBar().setValue(history.tree.verticalScrollBar().maximum() // 2)
    layout = rows(history)
    click_node(qtbot, history, 14)
    qtbot.wait(50)  # the tree lays out its new rows later
    assert history.current_id == 14 and rows(history) == layout


# 0 .. 7 in a line; from 3 a branch 8 -> 9 -> 10, and from 9 a branch 11 -> 12: 15 rows, 12 the last
NESTED = ([(0, None, "Opened", None)] + [(i, i - 1, f"PC1 +{i}σ", None) for i in range(1, 8)]
          + [(8, 3, "PC2 +1σ", None), (9, 8, "PC2 +2σ", None), (10, 9, "PC2 +3σ", None),
             (11, 9, "PC3 +1σ", None), (12, 11, "PC3 +2σ", None)])


def in_sight(panel: HistoryPanel, node_id: int) -> bool:
    return panel.tree.viewport().rect().contains(panel.tree.visualItemRect(panel.item_for(node_id)))


def history_in_tabs(qtbot, height: int) -> tuple[QTabWidget, HistoryPanel]:
    """The panel as the window holds it: a tab beside the Sliders tab."""
    tabs = shown(qtbot, QTabWidget())
    tabs.resize(260, height)
    history = HistoryPanel()
    tabs.addTab(QWidget(), "Sliders")
    tabs.addTab(history, "History")
    return tabs, history


def test_history_shows_the_current_step_when_rebuilt_while_another_tab_shows(qtbot):
    tabs, history = history_in_tabs(qtbot, 300)  # room for a few rows of the 15
    history.set_nodes(NESTED, 12)  # a new edit on the Sliders tab
    tabs.setCurrentWidget(history)
    qtbot.waitUntil(lambda: in_sight(history, 12))
    history.tree.scrollToTop()
    tabs.setCurrentIndex(0)
    history.set_nodes(NESTED, 10, keep_partner=False)  # another image, and back to this one
    history.set_nodes(NESTED, 12, keep_partner=False)
    tabs.setCurrentWidget(history)
    qtbot.waitUntil(lambda: in_sight(history, 12))


def test_history_shows_the_current_step_when_the_tab_comes_back_smaller(qtbot):
    tabs, history = history_in_tabs(qtbot, 1000)  # every row in sight
    tabs.setCurrentWidget(history)
    history.set_nodes(NESTED, 10)
    assert history.tree.verticalScrollBar().maximum() == 0
    tabs.setCurrentIndex(0)
    tabs.resize(260, 300)  # the window or the dock made smaller while the Sliders tab shows
    tabs.setCurrentWidget(history)
    qtbot.waitUntil(lambda: in_sight(history, 10))


def test_history_leaves_rows_in_sight_where_they_are(qtbot):
    tabs, history = history_in_tabs(qtbot, 300)
    tabs.setCurrentWidget(history)
    history.set_nodes(NESTED, 10)
    history.tree.scrollToItem(history.item_for(10), QAbstractItemView.ScrollHint.PositionAtTop)
    qtbot.wait(50)
    assert in_sight(history, 10)  # though not where a scroll to it would put it
    layout = rows(history)
    tabs.setCurrentIndex(0)
    history.set_nodes(NESTED, 10)
    tabs.setCurrentWidget(history)
    qtbot.wait(50)
    assert rows(history) == layout


def test_history_one_highlight_follows_the_current_step(qtbot, history):
    history.tree.setFocus()
    assert marked(history) == ([4], 4)  # no stray focus frame on the first row
    click_node(qtbot, history, 1)
    assert marked(history) == ([1], 1)
    for redone in (3, 4):  # redo twice: the clicked row lets go
        history.set_nodes(NODES, redone)
        assert marked(history) == ([redone], redone)
    qtbot.keyClick(history.tree, Qt.Key.Key_Up)  # the arrow keys move the focus only; Enter goes there
    assert marked(history) == ([4], 3)
    with qtbot.waitSignal(history.node_activated, check_params_cb=lambda i: i == 3):
        qtbot.keyClick(history.tree, Qt.Key.Key_Return)
    assert marked(history) == ([3], 3)


def test_history_ctrl_click_picks_a_partner_to_compare_with_the_current_step(qtbot, history):
    assert not history.compare_button.isEnabled() and "Ctrl+click" in history.hint.text()
    assert "Ctrl+click" in history.compare_button.toolTip()
    with qtbot.assertNotEmitted(history.node_activated):
        click_node(qtbot, history, 0, CTRL)  # picks it instead of going there
    assert history.partner_id == 0 and history.compare_button.isEnabled() and "Original" in history.hint.text()
    assert marked(history) == ([4], 4)  # still one selected row: the partner has its own tint
    assert history.item_for(0).background(0).style() != Qt.BrushStyle.NoBrush  # the partner's tint
    assert history.item_for(0).background(0) != history.item_for(1).background(0)
    with qtbot.waitSignal(history.compare_requested) as compare:
        qtbot.mouseClick(history.compare_button, LEFT)
    assert compare.args == [0, 4] and history.stop_button.isEnabled()
    click_node(qtbot, history, 2)  # a jump keeps the partner, to compare with the new current step
    assert history.partner_id == 0 and history.compare_ids() == (0, 2)
    history.set_nodes(NODES + [(5, 2, "c", None)], 5)  # and so does the next edit
    assert history.compare_ids() == (0, 5) and history.item_for(5).font(0).bold()
    with qtbot.waitSignal(history.compare_cleared):
        qtbot.mouseClick(history.stop_button, LEFT)
    assert not history.stop_button.isEnabled()
    click_node(qtbot, history, 0, CTRL)  # Ctrl+click again unpicks
    assert history.partner_id is None and not history.compare_button.isEnabled()
    click_node(qtbot, history, 3, SHIFT)  # Shift+click picks too
    assert history.compare_ids() == (3, 5)
    click_node(qtbot, history, 3)  # going to the partner leaves nothing to compare it with
    assert history.partner_id is None and not history.compare_button.isEnabled()


def test_history_enter_activates(qtbot, history):
    history.tree.setCurrentItem(history.item_for(1))
    with qtbot.waitSignal(history.node_activated, check_params_cb=lambda i: i == 1):
        qtbot.keyClick(history.tree, Qt.Key.Key_Return)


# --- morph ---------------------------------------------------------------
@pytest.fixture()
def morph(qtbot) -> MorphDialog:
    items = [(10, "a.png", solid(10)), (11, "b.png", solid(100)), (12, "c.png", solid(200))]
    return shown(qtbot, MorphDialog(items))


def set_checked(dialog: MorphDialog, row: int, on: bool) -> None:
    dialog.keyframes.item(row).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def test_morph_keyframes_and_settings(qtbot, morph):
    assert morph.settings() == MorphSettings((10, 11), 24, 12, "spherical", False, 8)  # 16 px: ×8, the most
    assert morph.export_button.isEnabled() and not morph.isModal()
    with qtbot.waitSignal(morph.settings_changed) as sig:
        set_checked(morph, 1, False)
    assert sig.args[0].item_ids == (10,) and not morph.export_button.isEnabled()
    with qtbot.waitSignal(morph.settings_changed) as sig:
        set_checked(morph, 2, True)
    assert sig.args[0].item_ids == (10, 12) and morph.export_button.isEnabled()
    morph.keyframes.setCurrentRow(2)
    with qtbot.assertNotEmitted(morph.settings_changed, wait=50):
        qtbot.mouseClick(morph.up_button, LEFT)  # past an unticked item: same keyframes
    with qtbot.waitSignal(morph.settings_changed) as sig:
        qtbot.mouseClick(morph.up_button, LEFT)
    assert sig.args[0].item_ids == (12, 10)
    with qtbot.waitSignal(morph.settings_changed) as sig:  # a drag arrives as a row move
        morph.keyframes.model().moveRow(morph.keyframes.rootIndex(), 0, morph.keyframes.rootIndex(), 2)
    assert sig.args[0].item_ids == (10, 12)
    with qtbot.waitSignal(morph.settings_changed) as sig:
        morph.frames.setValue(5)
    assert sig.args[0].frames == 5 and morph.timeline.maximum() == 4
    with qtbot.waitSignal(morph.settings_changed) as sig:
        morph.mode.setCurrentIndex(morph.mode.findData("linear"))
    assert sig.args[0].mode == "linear"
    with qtbot.waitSignal(morph.settings_changed) as sig:
        qtbot.mouseClick(morph.loop, LEFT, pos=QPoint(5, morph.loop.height() // 2))
    assert sig.args[0].loop
    with qtbot.assertNotEmitted(morph.settings_changed, wait=50):
        morph.fps.setValue(30)  # the same frames, only played faster
        morph.scale.setValue(2)  # ...or written larger
    assert morph.settings() == MorphSettings((10, 12), 5, 30, "linear", True, 2)


def drawable(button) -> bool:
    """Every character of the button's text is in its font: none draws as an empty box."""
    metrics = QFontMetrics(button.font())
    return all(metrics.inFontUcs4(ord(c)) for c in button.text())


def test_morph_timeline_play_preview_export(qtbot, morph, tmp_path, monkeypatch):
    morph.frames.setValue(3)
    morph.fps.setValue(60)
    with qtbot.waitSignal(morph.frame_requested, check_params_cb=lambda i: i == 1):
        qtbot.keyClick(morph.timeline, Qt.Key.Key_Right)
    assert morph.frame_label.text() == "2 / 3"
    seen: list[int] = []
    morph.frame_requested.connect(seen.append)
    play_icon = morph.play_button.icon().cacheKey()
    qtbot.mouseClick(morph.play_button, LEFT)
    assert morph.play_button.text() == "Pause" and morph.play_button.icon().cacheKey() != play_icon
    assert drawable(morph.play_button)
    qtbot.waitUntil(lambda: seen[:3] == [2, 0, 1], timeout=3000)  # wraps around
    qtbot.mouseClick(morph.play_button, LEFT)
    assert not morph.timer.isActive() and morph.play_button.text() == "Play" and drawable(morph.play_button)
    assert not morph.play_button.icon().isNull()
    morph.show_frame(1, solid((250, 0, 0), 8))
    pix = morph.preview.pixmap()
    assert pix.width() == 256 and from_qimage(pix.toImage())[128, 128].tolist() == [250, 0, 0]
    morph.set_busy("Exporting frame 3/24")
    assert morph.busy.isVisible() and not morph.export_button.isEnabled()
    morph.set_busy(None)
    assert not morph.busy.isVisible() and morph.export_button.isEnabled()
    target = str(tmp_path / "m.gif")
    with qtbot.waitSignal(morph.export_requested, check_params_cb=lambda p: p == target):
        morph.export_to(target)
    monkeypatch.setattr(morph, "_ask_export_path", lambda: str(tmp_path / "m.mp4"))
    with qtbot.waitSignal(morph.export_requested, check_params_cb=lambda p: p.endswith("m.mp4")):
        qtbot.mouseClick(morph.export_button, LEFT)


def test_morph_scale_states_the_size_every_format_is_written_at(qtbot):
    items = [(1, "a.png", solid(10, 64)), (2, "b.png", solid(90, 64)), (3, "odd.png", solid(50, 33)[:, :31])]
    dialog = shown(qtbot, MorphDialog(items))
    assert dialog.scale.value() == 4 and dialog.size_label.text() == "256 × 256 px"  # a 64-px model starts at ×4
    dialog.scale.setValue(1)
    assert dialog.size_label.text() == "64 × 64 px" and dialog.settings().scale == 1
    dialog.keyframes.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.keyframes.item(2).setCheckState(Qt.CheckState.Checked)
    dialog.keyframes.model().moveRow(dialog.keyframes.rootIndex(), 2, dialog.keyframes.rootIndex(), 0)
    assert dialog.settings().item_ids == (3, 2)  # the morph plays at its first keyframe's size
    qtbot.waitUntil(lambda: dialog.size_label.text() == "31 × 33 px (32 × 34 in MP4: H.264 needs even sides)")
    dialog.scale.setValue(2)
    assert dialog.size_label.text() == "62 × 66 px"


def test_morph_export_says_what_it_wrote_and_suggests_morph_2_next(qtbot, morph, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    offered: list[str] = []
    answers = iter([str(tmp_path / "morph.mp4"), None])  # None: take the suggestion

    def save_dialog(_parent, _title, start, _filters):
        offered.append(start)
        return next(answers) or start, ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    with qtbot.waitSignal(morph.export_requested, check_params_cb=lambda p: p == str(tmp_path / "morph.mp4")):
        qtbot.mouseClick(morph.export_button, LEFT)
    (tmp_path / "morph.mp4").write_bytes(b"as the controller would")
    morph.set_busy("Rendering 24 frames…")
    morph.set_busy(None)
    morph.show()
    height = morph.keyframes.height()
    morph.show_written(f"Wrote {tmp_path / 'morph.mp4'} (24 frames, 128×128, 2.0 s)")
    qtbot.wait(50)  # the layout settles
    assert morph.written.isVisible() and morph.written.text().startswith("Wrote ")
    assert morph.keyframes.height() == height  # the list does not shrink under the cursor
    with qtbot.waitSignal(morph.export_requested, check_params_cb=lambda p: p == str(tmp_path / "morph 2.mp4")):
        qtbot.mouseClick(morph.export_button, LEFT)
    assert offered[1] == str(tmp_path / "morph 2.mp4")  # was "morph (edited).mp4"; the last format is offered again
    morph.set_busy("Rendering 24 frames…")
    assert not morph.written.isVisible()  # it was about the export before



def test_morph_frames_never_fall_below_the_ticked_keyframes_and_the_dialog_says_when_raised(qtbot, morph):
    """Frames 2 with three keyframes ticked wrote 2 frames: the third keyframe was skipped without a word."""
    morph.frames.setValue(2)
    with qtbot.waitSignal(morph.settings_changed) as sig:
        set_checked(morph, 2, True)
    assert sig.args[0].item_ids == (10, 11, 12) and sig.args[0].frames == 3  # one frame per keyframe at least
    assert morph.frames.minimum() == 3 and morph.timeline.maximum() == 2 and morph.frame_label.text() == "1 / 3"
    assert morph.frames_hint.text() == "Raised to 3: one frame per keyframe at least"
    morph.frames.setValue(2)
    assert morph.frames.value() == 3  # the field goes no lower
    morph.frames.setValue(10)
    assert morph.frames_hint.text() == ""  # it was about the raise
    set_checked(morph, 0, False)
    assert morph.frames.minimum() == 2 and morph.frames.value() == 10



def test_the_morph_dialog_keeps_its_width_when_the_frames_hint_shows_and_drops_the_hint_once_it_is_past(qtbot,
                                                                                                        morph):
    """The hint "Raised to N…" on one line widened the dialog (902 → 937 px) and moved the preview right."""
    morph.frames.setValue(2)
    morph.adjustSize()
    QApplication.processEvents()

    def places():
        morph.layout().activate()
        return morph.width(), morph.preview.mapTo(morph, QPoint()), morph.fps.mapTo(morph, QPoint())
    before = places()
    set_checked(morph, 2, True)
    QApplication.processEvents()
    assert morph.frames_hint.text().startswith("Raised to 3") and morph.frames_hint.isVisible()
    assert places() == before
    set_checked(morph, 0, False)  # two ticked: Frames 3 is the user's own number again
    assert morph.frames.value() == 3 and morph.frames_hint.text() == "" and places() == before

def test_morph_export_offers_a_number_no_morph_of_any_format_has_yet(qtbot, morph, tmp_path, monkeypatch):
    """After "morph 2.mp4" the dialog, back at GIF, offered "morph 2.gif": morph 2 again, beside the MP4."""
    from PySide6.QtWidgets import QFileDialog
    from genimg_gui.ui.settings import Settings

    for name in ("morph.gif", "morph 2.mp4"):
        (tmp_path / name).write_bytes(b"an earlier morph")
    Settings().exported_to(str(tmp_path / "morph 2.mp4"))
    offered: list[str] = []

    def save_dialog(_parent, _title, start, _filters):
        offered.append(start)
        return "", ""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    qtbot.mouseClick(morph.export_button, LEFT)
    assert offered == [str(tmp_path / "morph 3.gif")]


# --- directions from examples --------------------------------------------
def image_files(folder, names) -> list:
    paths = []
    for i, name in enumerate(names):
        path = folder / name
        Image.fromarray(solid(i * 40, 12)).save(path)
        paths.append(path)
    return paths


def drop_on(widget, paths) -> bool:
    """A real drag-enter + drop of file URLs; returns whether the drop was accepted."""
    drop = drag_drop(widget, file_mime(paths), (10, 10))
    return drop is not None and drop.isAccepted()


def test_directions_dialog_drop_add_and_request(qtbot, tmp_path):
    dialog = shown(qtbot, DirectionsDialog())
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.name.text() == "A → B" and not ok.isEnabled()
    smiles = image_files(tmp_path, ["smile 1.png", "smile 2.jpg"])
    frowns = image_files(tmp_path, ["frown.png"])
    (tmp_path / "notes.txt").write_text("not an image")
    assert not drop_on(dialog.lists["from"].viewport(), [tmp_path / "notes.txt"])
    assert drop_on(dialog.lists["from"].viewport(), smiles)
    assert drop_on(dialog.lists["from"].viewport(), smiles[:1])  # already there: not added twice
    assert dialog.lists["from"].paths() == tuple(map(str, smiles))
    assert dialog.name.text() == "smile → B" and not ok.isEnabled()
    dialog.add_files("to", frowns)
    assert ok.isEnabled() and dialog.name.text() == "smile → frown"
    assert dialog.counts["from"].text() == "2 images"
    dialog.lists["from"].item(0).setSelected(True)
    qtbot.mouseClick(dialog.remove_buttons["from"], LEFT)
    assert dialog.lists["from"].paths() == (str(smiles[1]),) and dialog.name.text() == "smile → frown"
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "happier")
    dialog.add_files("to", image_files(tmp_path, ["x.png"]))  # a typed name stays
    dialog.method.setCurrentIndex(dialog.method.findData("linear"))
    qtbot.mouseClick(dialog.keep_fixed, LEFT, pos=QPoint(5, dialog.keep_fixed.height() // 2))
    assert dialog.request() == DirectionRequest("happier", (str(smiles[1]),),
                                                (str(frowns[0]), str(tmp_path / "x.png")), "linear", True)
    dialog.lists["to"].selectAll()
    qtbot.mouseClick(dialog.remove_buttons["to"], LEFT)
    assert not ok.isEnabled()


# --- sliders -------------------------------------------------------------
@pytest.fixture()
def sliders(qtbot) -> SliderPanel:
    panel = shown(qtbot, SliderPanel())
    panel.resize(360, 400)
    panel.set_directions(("PC1", "PC2", "PC3"), ("a", "b", "c"))
    return panel


def test_a_wider_panel_wraps_long_direction_names_less(qtbot):
    """Names were capped at 130 px: three or four lines each however wide the panel was."""
    name = "subcategory: other → face-neutral-skeptical"
    heights = []
    for width in (400, 700):
        panel = shown(qtbot, SliderPanel())
        panel.resize(width, 500)
        panel.set_directions(("PC1 (21.4%)", name))
        QApplication.processEvents()
        heights.append(panel._names[1].height())
        assert panel.sliders[1].width() >= panel._names[1].width()  # the slider keeps the larger share
    assert heights[1] < heights[0]


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


def wheel(widget, notches: int) -> bool:
    """notches of a mouse wheel turned over widget's middle (negative: towards the user, down the list); whether
    the widget took the event (one it leaves, a real wheel's, goes on to its parents: the scroll area)."""
    from PySide6.QtGui import QWheelEvent

    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(), QPoint(0, 120 * notches),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)
    return event.isAccepted()


def test_the_wheel_scrolls_the_slider_list_until_a_slider_is_clicked_then_a_run_of_notches_is_one_step(qtbot):
    panel = shown(qtbot, SliderPanel())
    panel.resize(360, 300)
    panel.set_directions(tuple(f"PC{i}" for i in range(1, 31)))
    qtbot.waitUntil(panel.sliders[5].isVisible)  # the layout shows new rows on the next event loop turn
    committed = []
    panel.edit_committed.connect(committed.append)
    assert not any(wheel(panel.sliders[2], -1) for _ in range(3))  # left for the list to scroll
    assert panel.values() == (0.0,) * 30 and committed == []
    panel.sliders[5].setFocus()  # as a click gives it (offscreen windows are never active, so qtbot's click does not)
    qtbot.waitUntil(panel.sliders[5].hasFocus)
    clicked = len(committed)
    for _ in range(3):
        wheel(panel.sliders[5], 1)
    assert panel.values()[5] > 0 and len(committed) == clicked  # nothing recorded while the wheel turns
    qtbot.waitUntil(lambda: len(committed) == clicked + 1)
    assert committed[-1] == panel.values()


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
    assert strip.isVisible() and not sliders.strips[0].isVisible() and strip.height() <= 32
    painted = from_qimage(strip.grab().toImage())
    side = min(strip.height(), strip.width() / 7)
    step = (strip.width() - side) / 6
    for i in (0, 3, 6):  # each thumbnail sits where its sigma is on the slider
        x = int(i * step + side / 2)
        assert np.abs(painted[strip.height() // 2, x].astype(int) - strip_images[i, 0, 0]).max() <= 2
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
    assert "#3c9d4e" in sliders.meter.label.styleSheet()
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
    assert "#c8423b" in sliders.meter.label.styleSheet()
    assert sliders.meter.heightForWidth(280) == green_height  # the slider rows below do not move
    assert sliders.meter.bar.value() == 45 and "σ" in sliders.meter.toolTip()
    sliders.set_typicality(None)
    assert sliders.meter.label.text() == "Typicality: –"


# --- canvas: mask painting -----------------------------------------------
@pytest.fixture()
def canvas(qtbot) -> Canvas:
    c = shown(qtbot, Canvas())
    c.resize(500, 300)
    c.set_images(to_qimage(solid(40, 32)), to_qimage(solid(200, 32)))
    qtbot.waitUntil(lambda: c.width() == 500)
    return c


CAPTIONS = ["Generated", "Edited", "Original", "GAN sample", "Edited (decoded)", "A: Opened",
            "Split: original | edited"]


@pytest.mark.parametrize("pixels", [10, 13, 14, 16, 20])
def test_a_caption_with_room_is_drawn_whole_whatever_the_font(pixels, qtbot, window, monkeypatch):
    """A GAN sample's right-hand caption read "E…d": its band, the text's width in whole pixels rounded down,
    was narrower than the width in fractions that eliding measures."""
    from PySide6.QtGui import QFont, QFontDatabase

    canvas = window.canvas
    canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    assert window.document.current.generated and canvas.pane_label("edited") == "Edited"  # the tester's sample
    drawn = []
    label_text = Canvas.label_text
    monkeypatch.setattr(Canvas, "label_text", lambda self, box, text: drawn.append(label_text(self, box, text))
                        or drawn[-1])
    for family in QFontDatabase.families():
        font = QFont(family)
        font.setPixelSize(pixels)
        canvas.setFont(font)
        drawn.clear()
        canvas.grab()  # paints both panes' captions
        assert drawn == ["Generated", "Edited"], family
        for text in CAPTIONS:  # and the other captions, where the canvas leaves them room
            box = canvas.label_box(dict(canvas.panes())["edited"], text, canvas.rect().toRectF())
            assert label_text(canvas, box, text) == text, (family, text)

def at(rect, fx: float, fy: float) -> QPoint:
    return QPoint(round(rect.left() + rect.width() * fx), round(rect.top() + rect.height() * fy))


def brush_drag(qtbot, canvas, radius: int, *path: tuple[float, float], pane: str = "edited") -> np.ndarray:
    """Press at path[0], move through the rest (each one jump), release: the stroke centres (2, N)."""
    canvas.set_brush_mode(True)
    canvas.set_brush_radius(radius)
    rect = dict(canvas.panes())[pane]
    points: list[tuple[float, float]] = []
    canvas.stroke.connect(lambda x, y: points.append((x, y)))
    with qtbot.waitSignal(canvas.stroke_finished):
        qtbot.mousePress(canvas, LEFT, pos=at(rect, *path[0]))
        for xy in path[1:]:
            qtbot.mouseMove(canvas, at(rect, *xy))
        qtbot.mouseRelease(canvas, LEFT, pos=at(rect, *path[-1]))
    return np.array(points).T


def test_brush_drag_strokes_the_edited_pane(qtbot, canvas):
    xs, ys = brush_drag(qtbot, canvas, 2, (0.2, 0.5), (0.8, 0.5), (0.8, 0.9))  # one fast jump, then down
    assert abs(xs[0] - 0.2) < 0.01 and abs(ys[0] - 0.5) < 0.01
    assert abs(xs[-1] - 0.8) < 0.01 and abs(ys[-1] - 0.9) < 0.01
    assert np.allclose(ys[xs < 0.79], 0.5, atol=0.01)
    gaps = np.hypot(np.diff(xs), np.diff(ys))
    assert gaps.max() <= 1 / 32 + 1e-6 and len(xs) > 20  # no gaps wider than half the radius
    assert canvas.offset == QPointF(0, 0)  # painting does not pan


def test_a_wide_photo_keeps_its_aspect_and_is_brushed_in_even_pixel_steps(qtbot, canvas):
    wide = np.full((60, 200, 3), 90, np.uint8)  # a photo under a spatial VAE: 200 x 60
    canvas.set_images(to_qimage(wide), to_qimage(wide))
    for name, rect in canvas.panes():
        assert rect.width() / rect.height() == pytest.approx(200 / 60, rel=0.02), name
    xs, ys = brush_drag(qtbot, canvas, 4, (0.1, 0.1), (0.9, 0.9))  # one diagonal jump
    gaps = np.hypot(np.diff(xs) * 200, np.diff(ys) * 60)  # in image pixels
    assert gaps.max() <= 2 + 1e-6 and abs(xs[-1] - 0.9) < 0.01 and abs(ys[-1] - 0.9) < 0.02


def test_the_brush_paints_the_same_image_points_on_either_pane(qtbot, canvas):
    """Strokes on the Original pane of Side by side were dropped without a word; the mask is the image's, one for
    both panes."""
    path = ((0.2, 0.3), (0.7, 0.3), (0.7, 0.8))
    on_original = brush_drag(qtbot, canvas, 3, *path, pane="original")
    assert len(on_original[0]) > 10 and np.allclose(on_original, brush_drag(qtbot, canvas, 3, *path), atol=0.01)
    assert canvas.offset == QPointF(0, 0)  # painting does not pan
    # a stroke from the original pane onto the edited one goes on along the original's points, off its edge
    original, edited = dict(canvas.panes())["original"], canvas.edited_rect()
    strokes: list = []
    canvas.stroke.connect(lambda x, y: strokes.append((x, y)))
    qtbot.mousePress(canvas, LEFT, pos=at(original, 0.9, 0.5))
    qtbot.mouseMove(canvas, at(edited, 0.5, 0.5))
    qtbot.mouseRelease(canvas, LEFT, pos=at(edited, 0.5, 0.5))
    assert strokes and max(x for x, _ in strokes) < 1 + 3 / 32 + 1e-6


def test_brush_elsewhere_pans_or_does_nothing(qtbot, canvas):
    canvas.set_brush_mode(True)
    strokes: list = []
    canvas.stroke.connect(lambda x, y: strokes.append((x, y)))
    original, rect = dict(canvas.panes())["original"], canvas.edited_rect()
    between = QPoint(round((original.right() + rect.left()) / 2), round(rect.center().y()))
    qtbot.mousePress(canvas, LEFT, pos=between)  # between the panes: nothing to paint, and no pan
    qtbot.mouseMove(canvas, between + QPoint(0, 20))
    qtbot.mouseRelease(canvas, LEFT, pos=between + QPoint(0, 20))
    assert strokes == [] and canvas.offset == QPointF(0, 0)
    qtbot.mousePress(canvas, MIDDLE, pos=at(rect, 0.5, 0.5))  # the middle button pans
    qtbot.mouseMove(canvas, at(rect, 0.5, 0.5) + QPoint(30, 0))
    qtbot.mouseRelease(canvas, MIDDLE, pos=at(rect, 0.5, 0.5) + QPoint(30, 0))
    assert strokes == [] and canvas.offset.x() == pytest.approx(30)
    canvas.setFocus()
    qtbot.keyPress(canvas, Qt.Key.Key_Space)  # Space + left drag pans too
    rect = canvas.edited_rect()
    qtbot.mousePress(canvas, LEFT, pos=at(rect, 0.5, 0.5))
    qtbot.mouseMove(canvas, at(rect, 0.5, 0.5) + QPoint(0, 20))
    qtbot.mouseRelease(canvas, LEFT, pos=at(rect, 0.5, 0.5) + QPoint(0, 20))
    qtbot.keyRelease(canvas, Qt.Key.Key_Space)
    assert strokes == [] and canvas.offset == QPointF(30, 20)
    canvas.set_brush_mode(False)  # off: a left drag on the edited pane pans as before
    rect = canvas.edited_rect()
    qtbot.mousePress(canvas, LEFT, pos=at(rect, 0.5, 0.5))
    qtbot.mouseMove(canvas, at(rect, 0.5, 0.5) + QPoint(-30, -20))
    qtbot.mouseRelease(canvas, LEFT, pos=at(rect, 0.5, 0.5) + QPoint(-30, -20))
    assert strokes == [] and canvas.offset == QPointF(0, 0)


def test_side_by_side_zoom_keeps_each_picture_in_its_half_and_both_on_the_same_detail(qtbot, canvas):
    """Zoomed side by side, the edited picture grew over the original (drawn last, it covered it): only one pane
    showed, and its caption was cut off. Each stays in its half now, and both zoom about the same image point."""
    from PySide6.QtGui import QWheelEvent

    cursor = canvas.edited_rect().center() + QPointF(10, 5)
    def image_point(pane: str, pos: QPointF) -> tuple[float, float]:
        rect = dict(canvas.panes())[pane]
        return (pos.x() - rect.left()) / rect.width(), (pos.y() - rect.top()) / rect.height()
    before = image_point("edited", cursor)
    for _ in range(8):  # 1.15 ** 8: about three times the fitted size, far wider than half the canvas
        QApplication.sendEvent(canvas, QWheelEvent(cursor, canvas.mapToGlobal(cursor), QPoint(), QPoint(0, 120),
                                                   Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                                                   Qt.ScrollPhase.NoScrollPhase, False))
    assert canvas.zoom > 3
    assert image_point("edited", cursor) == pytest.approx(before)  # the detail under the cursor stays put
    half = canvas.width() / 2
    assert image_point("original", cursor - QPointF(half, 0)) == pytest.approx(before, abs=0.05)  # the same detail
    shot = from_qimage(canvas.grab().toImage())
    left, right = QPoint(round(half) - 3, canvas.height() // 2), QPoint(round(half) + 3, canvas.height() // 2)
    assert shot[left.y(), left.x(), 0] == 40 and shot[right.y(), right.x(), 0] == 200  # each in its own half
    assert canvas.pane_at(QPointF(left)) == "original" and canvas.pane_at(QPointF(right)) == "edited"
    slots = dict(canvas.slots())
    for name, rect in canvas.panes():  # captions start inside their own half
        assert slots[name].contains(canvas.label_box(rect, canvas.pane_label(name), slots[name]).topLeft())


def test_mask_overlay_tints_both_panes_and_labels(canvas):
    rect = canvas.edited_rect()
    inside, outside = at(rect, 0.25, 0.5), at(rect, 0.75, 0.5)
    plain = from_qimage(canvas.grab().toImage())
    mask = np.zeros((32, 32), np.float32)
    mask[:, :16] = 1.0
    canvas.set_mask_overlay(mask)
    faint = from_qimage(canvas.grab().toImage())  # the brush is off: no tint, only a faint line along the edge
    for fx in (0.25, 0.75):
        point = at(rect, fx, 0.5)
        assert np.array_equal(faint[point.y(), point.x()], plain[point.y(), point.x()])
    assert not np.array_equal(faint, plain)
    canvas.show_mask(True)
    tinted = from_qimage(canvas.grab().toImage())
    r, g, _ = tinted[inside.y(), inside.x()].astype(int)
    assert r - g > 20 and g < plain[inside.y(), inside.x(), 1] - 10  # redder (on light grey, mostly less green)
    assert np.array_equal(tinted[outside.y(), outside.x()], plain[outside.y(), outside.x()])
    original = dict(canvas.panes())["original"]  # tinted too: the brush paints there as well
    inside, outside = at(original, 0.25, 0.5), at(original, 0.75, 0.5)
    assert tinted[inside.y(), inside.x(), 0] > plain[inside.y(), inside.x(), 0] + 10
    assert np.array_equal(tinted[outside.y(), outside.x()], plain[outside.y(), outside.x()])
    canvas.show_mask(False)
    assert np.array_equal(from_qimage(canvas.grab().toImage()), faint)
    canvas.set_mask_overlay(None)
    assert np.array_equal(from_qimage(canvas.grab().toImage()), plain)
    canvas.set_labels("State 2", "State 5")
    assert (canvas.pane_label("original"), canvas.pane_label("edited")) == ("State 2", "State 5")
    canvas.set_mode(CompareMode.SPLIT)
    assert canvas.pane_label("edited") == "Split: State 2 | State 5"
    canvas.set_labels(None, None)
    assert canvas.pane_label("edited") == "Split: original | edited"
    for mode in (CompareMode.SPLIT, CompareMode.EDITED):  # the picture fills the height: captions stay in view
        canvas.set_mode(mode)
        for name, rect in canvas.panes():
            assert canvas.rect().contains(canvas.label_box(rect, canvas.pane_label(name)).toRect())
    canvas.set_mode(CompareMode.SIDE_BY_SIDE)
    assert canvas.pane_label("edited") == "Edited (decoded)"
    canvas.set_brush_mode(True)
    canvas.set_erase(True)
    assert not canvas.grab().isNull()  # the outline paints (dashed while erasing)


def test_a_mask_everywhere_but_a_strip_tints_lightly_and_outlines_the_strip(canvas):
    """An erase stroke on a picture without a mask makes a mask everywhere but the strip: tinted at full strength,
    both panes turned pink for one small stroke, the strip only the place left plain. The tint is light now, and
    a line marks the strip's edge."""
    rect = canvas.edited_rect()
    plain = from_qimage(canvas.grab().toImage())
    mask = np.ones((32, 32), np.float32)
    mask[12:20, 4:28] = 0.0  # erased
    canvas.set_mask_overlay(mask)
    canvas.show_mask(True)
    shot = from_qimage(canvas.grab().toImage()).astype(int)
    far = at(rect, 0.5, 0.1)
    g_plain, g_tinted = int(plain[far.y(), far.x(), 1]), shot[far.y(), far.x(), 1]
    opacity = (g_plain - g_tinted) / (g_plain - 40)  # the tint's green is 40
    assert 0.1 < opacity < 0.3  # tinted, but lightly (110 / 255 turned a picture pink)
    middle = at(rect, 0.5, 0.5)
    assert np.array_equal(shot[middle.y(), middle.x()], plain[middle.y(), middle.x()])  # the strip keeps its colours
    edge_y = rect.top() + rect.height() * 12 / 32
    column = shot[round(edge_y) - 3:round(edge_y) + 4, middle.x()]
    assert (column[:, 0] - column[:, 1] > 120).any() and (column.min(axis=1) > 225).any()  # red on white
    away = shot[at(rect, 0.5, 0.25).y(), middle.x()]
    assert away[0] - away[1] < 60  # the line is at the edge only


def test_with_the_brush_off_a_mask_shows_as_a_faint_outline_on_both_panes(canvas):
    """Once the brush was off nothing showed that a mask was there, and a slider then changed a strip only. A faint
    dashed line now marks its edge: lighter than the brush's line, and no tint."""
    plain = from_qimage(canvas.grab().toImage()).astype(int)
    mask = np.zeros((32, 32), np.float32)
    mask[:, :16] = 1.0  # its edge down the middle of each pane
    canvas.set_mask_overlay(mask)
    faint = from_qimage(canvas.grab().toImage()).astype(int)
    canvas.show_mask(True)
    brushing = from_qimage(canvas.grab().toImage()).astype(int)
    for name, rect in canvas.panes():
        middle, left = at(rect, 0.5, 0.5), at(rect, 0.25, 0.5)
        band = (slice(middle.y() - 20, middle.y() + 20), slice(middle.x() - 4, middle.x() + 5))

        def change(shot):
            return np.abs(shot[band] - plain[band]).sum(axis=2)
        assert change(faint).max() > 60, name  # the line is there, to be seen
        assert change(faint).sum() < change(brushing).sum() / 2, name  # ...and fainter than the brush's
        assert np.array_equal(faint[left.y(), left.x()], plain[left.y(), left.x()])  # no tint inside


def test_each_pane_shows_its_own_steps_mask_during_a_comparison(canvas):
    """During Compare A/B the current step's mask went on both panes, over a step without one too."""
    mask = np.zeros((32, 32), np.float32)
    mask[:, :16] = 1.0
    canvas.show_mask(True)
    canvas.set_mask_overlay(mask)
    on_both = from_qimage(canvas.grab().toImage())
    canvas.set_compared_masks((None, mask))
    shot = from_qimage(canvas.grab().toImage())
    original, edited = dict(canvas.panes())["original"], canvas.edited_rect()
    a, b = at(original, 0.25, 0.5), at(edited, 0.25, 0.5)
    assert canvas.overlay_for("original") is None and shot[a.y(), a.x(), 0] == 40  # A has no mask: untinted
    assert np.array_equal(shot[b.y(), b.x()], on_both[b.y(), b.x()])  # B has the mask
    canvas.set_compared_masks(None)
    assert np.array_equal(from_qimage(canvas.grab().toImage()), on_both)


def test_a_selected_thumbnail_keeps_its_own_colours(qtbot):
    strip = shown(qtbot, Filmstrip())
    beige = (230, 200, 170)
    strip.add(1, "seed 0", solid(beige, 64))
    strip.select(1)
    strip.setFocus()
    qtbot.waitUntil(strip.hasFocus)
    item = strip.item(0)
    assert item.isSelected()
    rect = strip.visualItemRect(item)
    x, y = rect.center().x(), rect.top() + 36  # inside the 64 px icon, above the name
    shot = from_qimage(strip.viewport().grab().toImage())
    # Qt's style would tint it with the highlight colour: a beige face would show grey-blue
    assert tuple(shot[y, x]) == beige


def test_a_sample_step_is_labelled_by_what_changed_from_the_sample_before():
    image = np.zeros((2, 2, 3), np.uint8)
    w = np.zeros(4, np.float32)
    first = Drawn(3, 0.7, None, "own", None, "seed 3", w, image)
    assert describe_sample(None, first) == "seed 3"
    assert describe_sample(first, Drawn(4, 0.5, 1, "refine", None, "seed 4", w, None), ("cat", "dog")) == \
        "seed 4, ψ 0.50, class: dog, draw: Refine"
    assert describe_sample(first, Drawn(3, 0.7, None, "own", None, "seed 3", w, image)) == "Drawn again"
    inverted = Drawn(None, None, None, "own", None, "photo (inverted)", w, image)
    assert describe_sample(inverted, first) == "seed 3"
    # drawn again by a GAN without the class asked for: the step still says what it chose
    cat = Drawn(3, 0.7, None, "own", None, "seed 3", w, image, class_name="cat-face")
    assert describe_sample(first, cat, ("Smileys", "Animals")) == "class: cat-face (not in this GAN)"
    assert describe_sample(cat, replace(cat, psi=0.5), ("Smileys", "Animals")) == "ψ 0.50"


def test_values_for_fewer_directions_leave_the_other_sliders_at_zero(sliders):
    sliders.set_values((1.0, -2.0, 0.5))
    sliders.set_values((0.25,))  # a state from a model with one direction
    assert sliders.values() == (0.25, 0.0, 0.0)


def test_a_typed_seed_is_asked_for_once_when_entered_not_at_every_keystroke(qtbot):
    panel = GanPanel()
    qtbot.addWidget(panel)
    panel.setEnabled(True)  # as a loaded GAN leaves it
    asked = []
    panel.generate_requested.connect(lambda seed, *_: asked.append(seed))
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, "5678")
    assert asked == []
    qtbot.keyClick(panel.seed, Qt.Key.Key_Return)
    assert asked == [5678]
    qtbot.keyClick(panel.seed, Qt.Key.Key_Up)  # the arrows still step through seeds one ask each
    assert asked == [5678, 5679]


def test_filmstrip_names_never_draw_over_a_neighbour(qtbot):
    strip = shown(qtbot, Filmstrip())
    strip.resize(700, 110)
    for i, name in enumerate(["seed 0", "1f602.png", "a very long name of a holiday photo.png", "x.png"]):
        strip.add(i, name, solid((200, 200, 200), 16))
    strip.set_thumbnail(0, solid((0, 0, 200), 16), "seed 562716747")  # a random seed renames a sample

    def cells():
        return [strip.visualItemRect(strip.item(r)) for r in range(strip.count())]
    # each name elided into its cell, the renamed one too once the delayed relayout has run
    qtbot.waitUntil(lambda: 0 < max(r.width() for r in cells()) <= CELL_WIDTH, timeout=2000)
    rects = cells()
    assert all(not a.intersects(b) for a, b in zip(rects, rects[1:]))
    assert strip.item(0).toolTip() == "seed 562716747"  # the whole name, where the cell elides it


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
    from genimg_gui.ui import status

    monkeypatch.setattr(status, "ERROR_MS", 300)
    bar = shown(qtbot, status.StatusBar())
    bar.show_error("broken.png is not an image")
    bar.show_message("Inverting photo: pixel error 0.05 so far")
    assert bar.currentMessage().startswith("Inverting photo") and "broken.png" in bar.currentMessage()
    for i in range(10):  # e.g. an inversion's preview messages, one every 100 ms for 1 s
        qtbot.wait(100)
        bar.show_message(f"Inverting photo: pixel error 0.0{i} so far")
    assert bar.currentMessage() == "Inverting photo: pixel error 0.09 so far"  # 1 s after an error of 0.3 s


def test_a_message_just_before_errors_expire_is_shown_for_its_time(qtbot, monkeypatch):
    from genimg_gui.ui import status

    monkeypatch.setattr(status, "ERROR_MS", 300)
    bar = shown(qtbot, status.StatusBar())
    bar.show_error("broken.png is not an image")
    qtbot.wait(250)
    shown_texts = []
    bar.messageChanged.connect(shown_texts.append)
    bar.show_message("Wrote /tmp/morph.gif (24 frames, 256×256, 2.0 s)")
    assert "broken.png" in bar.currentMessage()
    qtbot.waitUntil(lambda: "broken.png" not in bar.currentMessage(), timeout=2000)
    assert bar.currentMessage() == "Wrote /tmp/morph.gif (24 frames, 256×256, 2.0 s)"  # alone, for its 8 s
    # straight from the errors to the message: Qt's timeout on the errors blanked the bar in between, and on a
    # busy machine (a test run beside other work) the blank bar was what the user, and this test, saw
    assert "" not in shown_texts


def test_the_message_after_errors_shows_even_when_its_timer_fires_early(qtbot, monkeypatch):
    """A coarse timer may fire a few ms before the clock reaches the errors' end: the message was then lost."""
    import time

    from genimg_gui.ui import status

    monkeypatch.setattr(status, "ERROR_MS", 300)
    bar = shown(qtbot, status.StatusBar())
    bar.show_error("broken.png is not an image")
    bar.show_message("Wrote /tmp/morph.gif")
    clock = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: clock() - 0.05)  # the timer fires 50 ms before the clock's end
    qtbot.waitUntil(lambda: bar.currentMessage() == "Wrote /tmp/morph.gif", timeout=2000)


def test_a_seed_past_the_range_is_refused_saying_so_and_random_seeds_come_from_the_same_range(qtbot, monkeypatch):
    import random

    from genimg_gui.seed_draws import MAX_SEED

    panel = GanPanel()
    qtbot.addWidget(panel)
    panel.setEnabled(True)
    refused, asked, bounds = [], [], []
    panel.seed.refused.connect(refused.append)
    panel.generate_requested.connect(lambda seed, *_: asked.append(seed))
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, "99999999999999")  # became 999999999 without a word
    assert panel.seed.text() == "999999999"
    assert set(refused) == {f"9999999999 is too large for a seed: seeds go from 0 to {MAX_SEED}"}
    assert str(MAX_SEED) in panel.seed.toolTip()
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, str(MAX_SEED))  # the top of the range can be typed
    qtbot.keyClick(panel.seed, Qt.Key.Key_Return)
    assert asked == [MAX_SEED]
    monkeypatch.setattr(random, "randint", lambda low, high: bounds.append((low, high)) or low)
    qtbot.mouseClick(panel.random_button, LEFT)
    qtbot.mouseClick(panel.new_button, LEFT)
    assert bounds == [(0, MAX_SEED)] * 2 and asked == [MAX_SEED, 0]  # random seeds: the range typed, top included


def test_new_sample_asks_for_a_new_item_of_another_seed_and_leaves_the_current_ones_alone(qtbot):
    panel = GanPanel()
    qtbot.addWidget(panel)
    panel.setEnabled(True)
    panel.set_values(58, 0.5, None)
    changed, new = [], []
    panel.generate_requested.connect(lambda *v: changed.append(v))
    panel.new_sample_requested.connect(lambda *v: new.append(v))
    qtbot.mouseClick(panel.new_button, LEFT)
    [(seed, psi, _cls, _draw)] = new
    assert seed != 58 and psi == 0.5 and panel.seed.value() == seed and changed == []


def test_the_seed_box_shows_no_seed_for_an_item_without_one_and_a_seed_asked_then_is_a_real_one(qtbot):
    from genimg_gui.seed_draws import MAX_SEED

    panel = shown(qtbot, GanPanel())
    panel.setEnabled(True)
    panel.set_values(0, 0.5, None)
    assert panel.seed.text() == "0" and not panel.no_seed_note.isVisible()  # seed 0 is a seed, not "—"
    panel.set_values(58, 0.5, None)
    panel.show_no_seed("photo (inverted)")  # e.g. an inversion made current after seed 58
    assert panel.seed.text() == "—" and "58" not in panel.seed.text()
    assert panel.no_seed_note.isVisible() and "photo (inverted)" in panel.no_seed_note.text()
    asked = []
    panel.generate_requested.connect(lambda *v: asked.append(v))
    panel.psi.setValue(30)  # a ψ asked for with no seed shown: a random seed, and the box still says "—"
    [(seed, psi, _cls, _draw)] = asked
    assert 0 <= seed < MAX_SEED and psi == 0.3 and panel.seed.text() == "—"
    qtbot.keyClick(panel.seed, Qt.Key.Key_Down)  # nothing below "no seed"
    assert panel.seed.text() == "—" and len(asked) == 1
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, "1")
    qtbot.keyClick(panel.seed, Qt.Key.Key_Return)
    assert asked[-1][0] == 1 and panel.seed.text() == "1"
    qtbot.keyClick(panel.seed, Qt.Key.Key_Down)
    qtbot.keyClick(panel.seed, Qt.Key.Key_Down)  # a typed seed leaves "no seed": 0 is as low as it goes
    assert [a[0] for a in asked[-2:]] == [1, 0] and panel.seed.text() == "0"
    panel.set_values(0, 0.3, None)  # the sample made current
    assert panel.seed.text() == "0" and not panel.no_seed_note.isVisible()


def test_the_generate_tab_keeps_its_controls_in_place_between_a_sample_and_a_photo(qtbot):
    panel = shown(qtbot, GanPanel())
    panel.setEnabled(True)
    panel.resize(380, 560)
    panel.set_values(42, 0.7, None)

    def places():
        QApplication.processEvents()
        return [w.mapTo(panel, QPoint(0, 0)) for w in (panel.new_button, panel.send_button, panel.invert_button)]
    where = [places()]
    draw_row = max(b.mapTo(panel, QPoint(0, b.height())).y() for b in panel.draw_buttons.buttons())
    # no empty band kept between Draw and New sample for a note not shown
    assert where[0][0].y() - draw_row < panel.fontMetrics().lineSpacing()
    for name in ("photo.png", "IMG_20261204_123456_HDR_portrait_from_a_long_holiday_in_the_mountains.jpg", None):
        panel.show_no_seed(name)
        where.append(places())
        assert panel.no_seed_note.height() >= panel.no_seed_note.heightForWidth(panel.no_seed_note.width())
    assert all(w == where[0] for w in where)  # the note came and went below them all: nothing moved


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


def recording_panel(qtbot, monkeypatch, rest_setting: str) -> tuple[SliderPanel, list]:
    """A shown two-slider panel whose runs (of wheel notches or keys, rest_setting) never end by the timer, as a
    user is quicker than it, and the list of the steps it commits."""
    import genimg_gui.ui.slider_runs as runs_module

    monkeypatch.setattr(runs_module, rest_setting, 60_000)
    panel = shown(qtbot, SliderPanel())
    panel.set_directions(("PC1", "PC2"))
    qtbot.waitUntil(panel.sliders[1].isVisible)
    committed: list = []
    panel.edit_committed.connect(committed.append)
    return panel, committed


def focused(qtbot, slider: QSlider) -> QSlider:
    """slider with the keyboard focus, as a click on it gives (keys and the wheel act on it then)."""
    slider.setFocus()
    qtbot.waitUntil(slider.hasFocus)
    return slider


def test_a_wheel_run_is_committed_before_focus_or_a_key_goes_elsewhere(qtbot, monkeypatch):
    """Wheeling a slider and at once clicking another image, or pressing Ctrl+Z, must record the run first:
    committed later, it was the next image's values (a no-op) and the wheeled image kept a picture its history
    did not hold; Ctrl+Z undid the step before it."""
    panel, committed = recording_panel(qtbot, monkeypatch, "WHEEL_REST_MS")
    for expected, leave in ((1, lambda: panel.sliders[1].setFocus()),  # a click elsewhere takes the focus
                            (2, lambda: qtbot.keyClick(panel.sliders[1], Qt.Key.Key_Z,
                                                       Qt.KeyboardModifier.ControlModifier))):
        slider = focused(qtbot, panel.sliders[0] if expected == 1 else panel.sliders[1])
        wheel(slider, 2)
        leave()
        qtbot.waitUntil(lambda: len(committed) == expected, timeout=2000)
        assert committed[-1] == panel.values()


def test_delete_on_a_slider_resets_it_in_one_step_as_its_reset_button_does(qtbot, monkeypatch):
    """The ↺ buttons take no Tab stop, so a keyboard user had no way to reset one slider (Ctrl+R resets all)."""
    panel, committed = recording_panel(qtbot, monkeypatch, "KEY_REST_MS")
    slider = focused(qtbot, panel.sliders[1])
    for _ in range(3):
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    qtbot.keyClick(slider, Qt.Key.Key_Delete)
    assert panel.values() == (0.0, 0.0) and committed == [(0.0, 0.3), (0.0, 0.0)]  # the run, then the reset
    for key in (Qt.Key.Key_Backspace, Qt.Key.Key_0):
        qtbot.keyClick(slider, Qt.Key.Key_Left)
        qtbot.keyClick(slider, key)
        assert panel.values() == (0.0, 0.0) and committed[-1] == (0.0, 0.0)
    assert len(committed) == 6 and "Delete" in panel.findChildren(QToolButton)[1].toolTip()


def test_a_run_of_arrow_keys_on_a_slider_is_one_undo_step_as_a_wheel_run_is(qtbot, monkeypatch):
    """Right ×5 made five History rows (+0.10σ … +0.50σ) where five wheel notches made one."""
    panel, committed = recording_panel(qtbot, monkeypatch, "KEY_REST_MS")
    slider = focused(qtbot, panel.sliders[0])
    for _ in range(5):
        qtbot.keyClick(slider, Qt.Key.Key_Right)
    assert panel.values() == (0.5, 0.0) and committed == []
    qtbot.keyClick(slider, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # another key ends the run first
    assert committed == [(0.5, 0.0)]
    qtbot.keyClick(slider, Qt.Key.Key_Left)
    wheel(slider, 1)  # the wheel after keys: the keys' run is a step of its own
    assert committed == [(0.5, 0.0), (0.4, 0.0)]
    panel.sliders[1].setFocus()  # as the wheel's run, it ends when the focus goes
    qtbot.waitUntil(lambda: len(committed) == 3, timeout=2000)
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 50)  # ... and after a pause
    qtbot.keyClick(panel.sliders[1], Qt.Key.Key_PageUp)
    qtbot.keyClick(panel.sliders[1], Qt.Key.Key_PageUp)
    qtbot.waitUntil(lambda: len(committed) == 4, timeout=2000)
    assert committed[-1] == panel.values() and panel.values()[1] == 1.0

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


def test_holding_the_mouse_on_a_sliders_groove_is_one_undo_step_whatever_happens_till_release(qtbot, monkeypatch):
    """Each page step of a held press on the groove was a step of its own (five History rows for a 2.5 s hold), and
    a press on the groove, then a drag, made two: a finished gesture is one, as README says."""
    panel, committed = recording_panel(qtbot, monkeypatch, "KEY_REST_MS")
    slider = panel.sliders[0]
    slider.setValue(-300)  # the handle at the left end, the groove's right end far from it
    committed.clear()
    groove = QPoint(slider.width() - 4, slider.height() // 2)
    left = Qt.MouseButton.LeftButton
    QTest.mousePress(slider, left, Qt.KeyboardModifier.NoModifier, groove)
    qtbot.waitUntil(lambda: slider.value() >= -300 + 3 * slider.pageStep(), timeout=5000)  # Qt's auto-repeat
    assert committed == []  # nothing recorded while the button is held
    QTest.mouseRelease(slider, left, Qt.KeyboardModifier.NoModifier, groove)
    assert committed == [panel.values()] and panel.values()[0] >= -1.5

    # the middle button (the left one in some styles) puts the handle where pressed, then drags it: one step too
    middle, where = Qt.MouseButton.MiddleButton, QPoint(slider.width() // 4, slider.height() // 2)
    before = panel.values()
    QTest.mousePress(slider, middle, Qt.KeyboardModifier.NoModifier, where)
    assert panel.values() != before and len(committed) == 1
    QTest.mouseMove(slider, QPoint(slider.width() // 2, where.y()))
    QTest.mouseRelease(slider, middle, Qt.KeyboardModifier.NoModifier, QPoint(slider.width() // 2, where.y()))
    assert committed[1:] == [panel.values()] and panel.values()[0] > -1.0
    QTest.mouseClick(slider, left, Qt.KeyboardModifier.NoModifier, groove)  # a click on the groove: a step as ever
    assert len(committed) == 3 and committed[-1] == panel.values()
