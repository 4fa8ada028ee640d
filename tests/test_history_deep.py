"""The History tab on a long exploratory history: each "undo, then try something else" is one branch deeper, and
every row must still show its step's name, its value whole, in a panel of a usual width."""
from __future__ import annotations

import re

import numpy as np
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QProxyStyle, QStyle, QTreeWidgetItemIterator

from genimg_gui.edit import Directions
from genimg_gui.engine import requests as rq
from genimg_gui.ui.canvas import Canvas
from genimg_gui.ui.document import Document
from genimg_gui.ui.history_controller import HistoryController
from genimg_gui.ui.history_panel import ICON, MAX_LEVELS, HistoryPanel
from genimg_gui.ui.step_tree import BRANCH_ROLE, ID_ROLE

from conftest import step_ids
from test_document_held import HeldEngine  # noqa: E402

LABELS = tuple(f"PC{k} ({9.0 - 0.7 * k:.1f}%)" for k in range(1, 13))
ROUNDS = 36  # tries of "drag A, drag B, undo": as many branches deep as the tester's history that went blank


class DrawnText(QProxyStyle):
    """The tree's style, noting the text of each row it draws and the room the style gives it: the text a person
    sees is that, elided by the style to that room (QCommonStyle's viewItemDrawText)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: dict[tuple, str] = {}  # (step id, branch point, whole text) of a row -> the text drawn

    def drawControl(self, element, option, painter, widget=None) -> None:
        if element == QStyle.ControlElement.CE_ItemViewItem:
            box = self.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, widget)
            margin = self.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
            drawn = QFontMetrics(option.font).elidedText(option.text, option.textElideMode, box.width() - 2 * margin)
            index = option.index
            self.seen[index.data(ID_ROLE), index.data(BRANCH_ROLE), index.data()] = drawn
        super().drawControl(element, option, painter, widget)


def explored(qtbot, width: int) -> tuple[Document, HistoryPanel]:
    """A photo's history after ROUNDS times: move PC(k) and PC(k+1), then undo the second."""
    doc = Document(HeldEngine())
    d = Directions(np.zeros(16, np.float32), np.eye(len(LABELS), 16, dtype=np.float32),
                   np.ones(len(LABELS), np.float32), np.linspace(0.08, 0.01, len(LABELS)).astype(np.float32),
                   LABELS)
    doc.models["vae"] = rq.ModelInfo("vae", "vae", "vae", {}, "cpu", 16, 0, d, 0.0, identity="vae weights")
    image = np.zeros((8, 8, 3), np.uint8)
    panel, canvas = HistoryPanel(), Canvas()
    qtbot.addWidget(panel)
    qtbot.addWidget(canvas)
    HistoryController(doc, panel, canvas)
    doc.add_item("vae", "photo.png", image, image, np.zeros(16, np.float32))
    values = [0.0] * len(LABELS)
    for n in range(ROUNDS):
        a, b = n % len(LABELS), (n + 1) % len(LABELS)
        values[a] = round(values[a] + (0.13 if n % 2 else -0.17), 2)
        doc.commit(tuple(values))
        doc.commit(tuple(values[:b] + [0.38] + values[b + 1:]))
        doc.undo()
    panel.resize(width, 600)
    panel.show()
    qtbot.waitExposed(panel)
    return doc, panel


def drawn_rows(panel: HistoryPanel) -> dict[tuple, str]:
    """Every row's text as the tree draws it, keyed as HistoryPanel.rows() gives the row: each scrolled into sight
    and painted."""
    style = DrawnText()
    panel.tree.setStyle(style)
    drawn = {}
    it = QTreeWidgetItemIterator(panel.tree)
    while it.value():
        item = it.value()
        panel.tree.scrollToItem(item)
        style.seen.clear()
        panel.tree.viewport().grab()  # paints the rows in sight now
        drawn[row_key(item)] = style.seen[row_key(item)]
        it += 1
    return drawn


def row_key(item) -> tuple:
    return item.data(0, ID_ROLE), item.data(0, BRANCH_ROLE), item.text(0)


def test_a_deep_exploratory_history_keeps_every_name_readable(qtbot):
    doc, panel = explored(qtbot, 420)
    item = doc.current
    assert len(item.history.nodes()) == 1 + 2 * ROUNDS
    drawn = drawn_rows(panel)
    assert len(drawn) == len(panel.rows())
    metrics = QFontMetrics(panel.tree.font())
    for (node_id, _point, text), shown in drawn.items():
        name = text.removeprefix("↳ Branch ").split("from ")[-1]
        start = name[:3]  # "PC1", "Ope", "“PC": enough to tell which slider
        assert shown.startswith(text[:len(text) - len(name)] + start), (text, shown)
    current = panel.item_for(item.history.current_id)
    rect = panel.tree.visualItemRect(current)
    room = panel.tree.viewport().width() - rect.left() - ICON
    assert room >= metrics.horizontalAdvance(current.text(0)), (rect, panel.tree.viewport().width())
    # the tree indents no further than MAX_LEVELS: a deep branch's caption says where it left from, and how deep
    lefts = {panel.tree.visualItemRect(panel.item_for(n)).left() for n in step_ids(panel)}
    assert max(lefts) - min(lefts) <= MAX_LEVELS * panel.tree.indentation()
    deepest = [panel.tree.itemAbove(current)]
    while deepest[-1].data(0, ID_ROLE) is not None:
        deepest.append(panel.tree.itemAbove(deepest[-1]))
    assert f"a branch {ROUNDS - 1} deep" in deepest[-1].toolTip(0)


def test_a_shortened_name_keeps_its_whole_value_and_its_start(qtbot):
    _doc, panel = explored(qtbot, 280)  # narrow, a list of 262 px in the tab's margins: the deeper names do not fit
    drawn = drawn_rows(panel)
    shortened = {text: shown for (_id, _point, text), shown in drawn.items() if shown != text}
    assert len(shortened) > ROUNDS  # most rows, captions and steps alike
    for text, shown in shortened.items():
        value = re.search(r"[+-]\d\.\d\dσ”?$", text).group()  # "+0.13σ", or "-0.17σ”" ending a caption
        assert shown.endswith(value) and "…" in shown, (text, shown)  # not "PC2 (…0.13σ" nor "PC7 ….38σ"
        assert shown.startswith(text[:3]), (text, shown)
