"""The History panel on its own (no engine): the branching tree, its captions and rows, keeping the current step
in sight, the partner picked to compare with, and how a sample step is labelled."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QStyleOptionViewItem, QTabWidget, QTreeWidgetItemIterator, QWidget

from genimg_gui.seed_draws import Drawn
from genimg_gui.ui.history_words import describe_sample
from genimg_gui.ui.history_panel import HistoryPanel

from conftest import step_ids
from widget_helpers import LEFT, shown, solid


CTRL = Qt.KeyboardModifier.ControlModifier


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
                  for item in map(panel.item_for, step_ids(panel)))


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
    assert step_ids(history) == [0, 1, 2, 3, 4]
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
