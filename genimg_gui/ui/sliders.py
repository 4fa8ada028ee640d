"""One labelled slider per latent direction, in sigma units (-3..+3 by default).

values_changed fires live while dragging; edit_committed fires once per
finished gesture (a mouse press to its release, reset, randomise, a run of wheel notches or of arrow keys), which is
what undo records.
Each row (slider_row.py) is the direction's name, value and ↺ over its slider; the slider can show a strip of
thumbnails at preview_values() under it (rendered elsewhere, at low priority), and a meter on top says how typical
the latent is.
"""
from __future__ import annotations

import random

import numpy as np
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QDialog, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMenu, QPushButton,
                               QScrollArea, QSlider, QToolButton, QVBoxLayout, QWidget)

from ..typicality import SLIDER_SPAN
from ..wording import in_sigmas
from .direction_menu import ask_for_menu, is_menu_key, offer_menu
from .slider_parts import RESET_ONE, DirectionName, TypicalityMeter, explain_row, name_parts
from .slider_row import DirectionRow, PreviewStrip, bring_into_view
from .scroll_anchor import ScrollAnchor
from .slider_runs import RunSlider

STEPS_PER_SIGMA = 100
NAME_CHARS = 50     # the rename box's width, in average characters: "subcategory: other → face-concerned" and more
SLIDER_WIDTH = 110  # px; the slider never shrinks below a usable length
ROW_MARGIN = 4  # px around the rows, inside the list's frame
ROW_SPACING = 3  # px between one direction's row and the next: more than between a name and its slider, which it names
# what a step made by the buttons is named in the History tab and the Edit menu (Document.commit's gesture)
RESET_ALL, RANDOMISE = "Reset all", "Randomise"
RESET_KEYS = frozenset({Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_0})  # a focused slider back to 0
# the keyboard bringing the focus to a slider; not a click, nor the window or a menu giving it back
KEYBOARD_FOCUS = frozenset({Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason,
                            Qt.FocusReason.ShortcutFocusReason, Qt.FocusReason.OtherFocusReason})
# what a slider's menu offers (right-click on its row; Menu or Shift+F10), for the user's own direction, the model's
MENU_HINT = ("right-click, or Menu on its slider, to rename or delete",
             "comes with the model: right-click, or Menu on its slider, to rename it for this session")


def value_text(raw: int) -> str:
    """What a slider's value label shows for its raw position, e.g. "-1.25σ"."""
    return in_sigmas(raw / STEPS_PER_SIGMA, 2, signed=True)


def sharing(label: str, labels: tuple[str, ...]) -> tuple[str, bool]:
    """(the longest of the labels whose "from" part is label's ("subcategory: other → "), whether label comes after
    the first of them): the rows after the first are shortened alike, as the longest needs, and the first names the
    part their "…" stands for (DirectionName); ("", False) when no other label has its "from" part."""
    head = name_parts(label)[0]
    group = [other for other in labels if head and name_parts(other)[0] == head]
    if len(group) < 2:
        return "", False
    return max(group, key=len), label != group[0]


class DirectionSlider(RunSlider):
    """A direction's slider: one step a gesture (RunSlider). The wheel moves it only once it was clicked, till it
    loses the focus: turned over it on the way down the list, the wheel scrolls the list (it used to edit every
    slider it passed, an undo step a notch), also over the one Tab reached, which it moved as the list scrolled it
    under the pointer. Delete, Backspace or 0 reset it (reset_asked); the Menu key opens its row's menu."""
    reset_asked = Signal()  # as its ↺ button: SliderPanel._reset_one
    keyboard_focused = Signal()  # Tab (or a shortcut) gave it the focus: SliderPanel brings its row into view

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # not WheelFocus: the wheel alone never takes focus
        self.clicked = False  # pressed since it took the focus: the wheel moves it

    def wheelEvent(self, event) -> None:  # noqa: N802
        if not (self.clicked and self.hasFocus()):
            event.ignore()  # on to the scroll area
            return
        super().wheelEvent(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.clicked = True
        super().mousePressEvent(event)

    def focusInEvent(self, event) -> None:  # noqa: N802
        super().focusInEvent(event)
        if event.reason() in KEYBOARD_FOCUS:
            self.keyboard_focused.emit()

    def focusOutEvent(self, event) -> None:  # noqa: N802
        self.clicked = False
        super().focusOutEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if is_menu_key(event):  # accepted: Qt then makes no menu request of its own
            ask_for_menu(self)
            return
        if event.key() in RESET_KEYS and not event.modifiers():  # as its ↺ button, which Tab does not reach
            self.reset_asked.emit()  # one step (a run of keys before it was committed as the key arrived: event())
            return
        super().keyPressEvent(event)


class SliderPanel(QWidget):
    values_changed = Signal(tuple)
    edit_committed = Signal(tuple)
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)
    previews_toggled = Signal(bool)

    def __init__(self, span_sigma: float = SLIDER_SPAN, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.span = span_sigma
        self.sliders: list[DirectionSlider] = []
        self._value_labels: list[QLabel] = []
        self._names: list[DirectionName] = []
        self.strips: list[PreviewStrip] = []
        self._quiet = False
        self.gesture: str | None = None  # while edit_committed is emitted: the button that made the edit, if one did
        self._own_from = 0  # rows before it come with the model (set_directions)
        self.meter = TypicalityMeter()
        self.previews_box = QCheckBox("Preview strips")
        self.previews_box.setToolTip(f"Show each slider's effect as thumbnails at {-span_sigma:g}σ … "
                                     f"+{span_sigma:g}σ (rendered in the background)")
        self.previews_box.toggled.connect(self._on_previews)
        self._rows = QVBoxLayout()  # a DirectionRow each
        self._rows.setSpacing(ROW_SPACING)
        inner = QWidget()
        rows = QVBoxLayout(inner)
        # the names' room: the style's margins, nested in the tab's, took ~35 px of a 400-px panel's rows
        rows.setContentsMargins(ROW_MARGIN, ROW_MARGIN, ROW_MARGIN, ROW_MARGIN)
        rows.addLayout(self._rows)
        rows.addStretch(1)  # rows stay compact at the top instead of spreading out
        self.scroll = QScrollArea()
        self.scroll.setAccessibleName("Direction sliders")
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(inner)
        # the sliders are the stops: the list's own was an extra Tab stop that showed nothing. Tabbing still brings
        # the next slider into view (QScrollArea.focusNextPrevChild)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # the slider in use stays where it is on screen as strips come or go (they grew every row above it)
        self.anchor = ScrollAnchor(self.scroll)
        self.reset_all_button = QPushButton("Reset all")
        self.randomise_button = QPushButton("Randomise")
        self.name_menu_places({})
        self.reset_all_button.clicked.connect(self.reset_all)
        self.randomise_button.clicked.connect(self.randomise)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_all_button)
        buttons.addWidget(self.randomise_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # inside the tab's own margins
        layout.addWidget(self.meter)
        layout.addWidget(self.previews_box)
        layout.addWidget(self.scroll)
        layout.addLayout(buttons)
        self.setEnabled(False)

    def set_directions(self, labels: tuple[str, ...], tooltips: tuple[str, ...] = (), show: int | None = None,
                       own_from: int = 0) -> None:
        """Rebuild the sliders for a new direction set (all at zero). The list stays where it was scrolled (a
        rebuild sent it back to the top rows, away from the user's own directions at the bottom); show: a row to
        bring into view, e.g. a direction just made. Rows before own_from come with the model: they cannot be
        deleted, and a new name lasts for the session."""
        self._own_from = own_from
        place = self.scroll.verticalScrollBar().value()
        self.anchor.forget()
        while self._rows.count():
            old = self._rows.takeAt(0).widget()
            # hidden now: deleted only as the event loop comes round, and a question asked meanwhile (an SD VAE's
            # scale) runs its own loop, which deletes nothing: both sets of rows were drawn over each other
            old.hide()
            old.deleteLater()
        self.sliders, self._value_labels, self._names, self.strips = [], [], [], []
        self._value_width = self._widest_value_width()
        for row, label in enumerate(labels):
            self._add_row(row, label, tooltips[row] if row < len(tooltips) else label,
                         *sharing(label, labels))
        self.setEnabled(bool(labels))
        if self.isVisible():  # the new rows laid out now, so the scroll range follows them at once; hidden (another
            # tab on show), adjustSize laid them out at their narrowest, and the list stayed so until the next rebuild
            self.scroll.widget().adjustSize()
        self.scroll.verticalScrollBar().setValue(place)
        if show is not None and 0 <= show < len(self.sliders):
            self.show_row(show)
        # the new rows' anchor: the place restored is mostly the same value, so no valueChanged picked one, and
        # strips ticked next carried the list away from the rows on screen
        self.anchor.pick()

    def _add_row(self, row: int, label: str, tooltip: str, longest: str = "", later: bool = False) -> None:
        """longest: the longest name that shares its "from" part, "" when none does; later: it comes after the
        first of them (DirectionName)."""
        name = DirectionName(label, longest, later)
        slider = DirectionSlider()
        slider.setRange(int(-self.span * STEPS_PER_SIGMA), int(self.span * STEPS_PER_SIGMA))
        slider.setSingleStep(10)
        slider.setPageStep(50)
        slider.setObjectName(f"direction_{row}")
        slider.setMinimumWidth(SLIDER_WIDTH)
        value = QLabel(value_text(0))
        # sized to its text, it moved the sliders as the number changed (now the name's end): fixed, right-aligned
        value.setFixedWidth(self._value_width)
        value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        reset = QToolButton()
        reset.setText("↺")
        # flat until hovered, and no taller than a line of text: framed, it made each row's first line taller than
        # its name, the rows ~2x as tall as they were on one line
        reset.setAutoRaise(True)
        reset.setFixedHeight(reset.fontMetrics().height() + 2)
        explain_row(label, tooltip, MENU_HINT[row < self._own_from], name, slider, value, reset)
        reset.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stops at the slider only (Ctrl+R resets them all)
        slider.valueChanged.connect(lambda v, i=row: self._on_value(i, v))
        slider.sliderReleased.connect(self._commit)
        slider.run_ended.connect(self._commit)
        reset.clicked.connect(lambda _=False, s=slider: self._reset_one(s))
        slider.reset_asked.connect(lambda s=slider: self._reset_one(s))
        slider.keyboard_focused.connect(lambda i=row: self.show_row(i))
        strip = PreviewStrip(slider)
        strip.setToolTip(f"{label} at " + ", ".join(f"{v:+g}σ" for v in self.preview_values()))
        line = DirectionRow(name, slider, value, reset, strip)
        # anywhere on the row, between its parts and on its strip too (it passes the request on to the row)
        offer_menu((line, name, slider, value, reset), lambda at, i=row: self.show_menu(i, at))
        self._rows.addWidget(line)
        self.anchor.watch(line, slider)
        line.show()  # now, not once the event loop runs (Qt's way): set_directions lays the rows out at once
        # with strips on, its room is kept before its thumbnails come: the list rebuilt without it was shorter, and
        # the place it was scrolled to (set_directions) was cut to that length
        strip.setVisible(self.previews_enabled())
        self.sliders.append(slider)
        self._value_labels.append(value)
        self._names.append(name)
        self.strips.append(strip)

    def show_row(self, index: int) -> None:
        """Bring row index into view, its name line first (bring_into_view)."""
        bring_into_view(self.scroll, self.sliders[index].parentWidget(), ROW_MARGIN)

    def _widest_value_width(self) -> int:
        """The width of the widest value a slider can show, in the panel's font (which its labels inherit): digits
        differ in width in most fonts, so every step is measured (a few hundred strings, once per rebuild)."""
        metrics = self.fontMetrics()
        top = int(self.span * STEPS_PER_SIGMA)  # the sliders' range
        # + 2: QLabel's size hint rounds a fraction of a pixel up
        return max(metrics.horizontalAdvance(value_text(raw)) for raw in range(-top, top + 1)) + 2

    # --- rename / delete ----------------------------------------------------
    def labels(self) -> tuple[str, ...]:
        return tuple(name.text() for name in self._names)

    def context_menu(self, index: int) -> QMenu:
        """The menu of a slider's row (direction_menu.py; a method so tests can trigger its actions)."""
        menu = QMenu(self)
        if index >= self._own_from:
            menu.addAction("Rename…", lambda: self._rename(index))
            menu.addAction("Delete", lambda: self.delete_requested.emit(index))
            return menu
        # one that comes with the model: offered Delete, it was refused only once chosen
        menu.addAction("Rename for this session…", lambda: self._rename(index))
        delete = menu.addAction("Delete (comes with the model)")
        delete.setEnabled(False)
        delete.setToolTip("Only your own directions can be deleted; this one comes with the model")
        menu.setToolTipsVisible(True)
        return menu

    def show_menu(self, index: int, at: QPoint) -> None:
        """Row index's menu at at (global), till a choice; tests replace it."""
        menu = self.context_menu(index)
        menu.exec(at)
        menu.deleteLater()  # a child of the panel: each menu would stay behind

    def _ask_name(self, old: str) -> str | None:
        """The name prompt, its box NAME_CHARS wide (Qt's is about 176 px: a few words); tests replace it."""
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Rename direction")
        dialog.setLabelText("New name:")
        dialog.setTextValue(old)
        box = dialog.findChild(QLineEdit)
        box.setMinimumWidth(box.fontMetrics().averageCharWidth() * NAME_CHARS)
        try:
            return dialog.textValue() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()  # a child of the panel: each rename would leave one behind

    def _rename(self, index: int) -> None:
        """Ask for a new name; one that cannot be (blank, another direction's) is refused where the names are
        known (DirectionsController.rename), and said why: a blank one was ignored without a word."""
        old = self._names[index].text()
        new = self._ask_name(old)
        if new is not None and new.strip() != old:
            self.rename_requested.emit(index, new.strip())

    # --- previews and typicality -------------------------------------------
    def previews_enabled(self) -> bool:
        return self.previews_box.isChecked()

    def _on_previews(self, on: bool) -> None:
        if not on:
            self.clear_previews()
        self.previews_toggled.emit(on)

    def preview_values(self, n: int = 7) -> tuple[float, ...]:
        """The sigma values a strip shows, left to right (-span..+span)."""
        return tuple(float(v) for v in np.linspace(-self.span, self.span, n))

    def set_preview(self, index: int, images: np.ndarray) -> None:
        """Show (N, h, w, 3) uint8 thumbnails under slider index (ignored when off or stale)."""
        if self.previews_enabled() and 0 <= index < len(self.strips):
            self.strips[index].set_images(images)

    def clear_previews(self) -> None:
        for strip in self.strips:
            strip.set_images(None)

    def dim_previews(self) -> None:
        """Another image is on show: its strips are on their way; the last ones stay, faint, until they come."""
        for strip in self.strips:
            strip.set_stale()

    def drop_stale_previews(self, first: int = 0) -> None:
        """No strips are coming for the image on show (from slider first on): the faint ones of the one before go."""
        for strip in self.strips[first:]:
            if strip.stale:
                strip.set_images(None)

    def set_typicality(self, distance: float | None, direction: str | None = None,
                       unread: tuple[str, str] | None = None) -> None:
        self.meter.set_distance(distance, direction, unread)

    def values(self) -> tuple[float, ...]:
        return tuple(s.value() / STEPS_PER_SIGMA for s in self.sliders)

    def set_values(self, values: tuple[float, ...]) -> None:
        """Show values without emitting anything (undo, switching images). Sliders past the end of values
        (a state from a model with fewer directions) show 0, never the last image's value."""
        self._quiet = True
        try:
            for i, slider in enumerate(self.sliders):
                slider.setValue(round(values[i] * STEPS_PER_SIGMA) if i < len(values) else 0)
        finally:
            self._quiet = False

    def _on_value(self, index: int, raw: int) -> None:
        self._value_labels[index].setText(value_text(raw))
        if self._quiet:
            return
        self.values_changed.emit(self.values())
        slider = self.sliders[index]
        if not slider.in_gesture():  # a reset (↺, Delete)
            self._commit()

    def _commit(self) -> None:
        self.edit_committed.emit(self.values())

    def finish_gesture(self) -> None:
        """Commit a drag or a wheel or key run still going on now: the sliders are about to be rebuilt under it (another
        window changed the direction set), and its values count the rows as they are now."""
        for slider in self.sliders:
            slider.finish_gesture()

    def step_coming(self) -> bool:
        """A slider's drag or run of keys or notches goes on (resting too), its step still to come."""
        return any(slider.step_coming() for slider in self.sliders)

    def _reset_one(self, slider: QSlider) -> None:
        """↺ or a reset key: one step, named a reset by what made it (RESET_ONE), not by its value, which named a drag
        ending at 0 a reset too. A gesture still going on (a wheel run on another slider: the ↺ takes no focus) is
        a step of its own first, not a part of the reset's."""
        self.finish_gesture()
        self.gesture = RESET_ONE
        try:
            slider.setValue(0)
        finally:
            self.gesture = None

    def _apply(self, values: list[float], gesture: str) -> None:
        if not self.isEnabled():  # greyed out (nothing to edit, or the image waits for its own model): the Edit
            # menu's Reset all sliders (Ctrl+R) and Randomise do nothing either, as the panel's buttons
            return
        self.set_values(tuple(values))
        self.values_changed.emit(self.values())
        self.gesture = gesture
        try:
            self._commit()
        finally:
            self.gesture = None

    def name_menu_places(self, places: dict[str, str]) -> None:
        """The buttons' tooltips, naming the Edit menu's items, where their keys are; places: where each menu item
        is (about.menu_places), read off the menus once they are made (after this panel), not written by hand."""
        for button, what, item in ((self.reset_all_button, "Every slider back to 0, the picture to its unedited "
                                    "latent", "Reset all sliders"),
                                   (self.randomise_button, "Draw every slider from N(0, 1)", "Randomise sliders")):
            button.setToolTip(f"{what} ({places[item]})" if item in places else what)

    def reset_all(self) -> None:
        self._apply([0.0] * len(self.sliders), RESET_ALL)

    def randomise(self, rng: random.Random | None = None) -> None:
        rng = rng or random.Random()
        self._apply([max(-self.span, min(self.span, rng.gauss(0, 1))) for _ in self.sliders], RANDOMISE)
