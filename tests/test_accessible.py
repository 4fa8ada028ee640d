"""What the main window says of its controls to a screen reader and a keyboard user, on the real window: a name for
every control (not its current value), tooltips where one explains, menus' access keys and the shortcuts listed."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QLabel,
                               QToolTip, QWidget)

from conftest import UI_TIMEOUT
from widget_helpers import lines_read
from genimg_gui.ui import status_times
from genimg_gui.ui.about import on_a_keyboard


def shown_controls(window) -> list[QWidget]:
    """The controls of the window and of each tab of its side panel, each tab shown in turn: the ones the keyboard
    reaches, and buttons (a ↺ is for the mouse only). A spin box's text field hands its focus to the spin box."""
    found: dict[int, QWidget] = {}
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        for widget in window.findChildren(QWidget):
            if widget.isVisibleTo(window) and widget.focusProxy() is None and (
                    widget.focusPolicy() != Qt.FocusPolicy.NoFocus or isinstance(widget, QAbstractButton)):
                found[id(widget)] = widget
    return list(found.values())


def spoken_name(widget: QWidget) -> str:
    """What a screen reader names a widget by: its accessible name, else its buddy label's text, else a button's."""
    buddies = [label.text() for label in widget.window().findChildren(QLabel) if label.buddy() is widget]
    text = widget.text() if isinstance(widget, QAbstractButton) else ""
    return (widget.accessibleName() or (buddies[0] if buddies else "") or text).replace("&", "").strip(" :")


def current_value(widget: QWidget) -> str:
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QAbstractSpinBox):
        return widget.text()
    if isinstance(widget, QAbstractSlider):
        return str(widget.value())
    return widget.text() if isinstance(widget, QLabel) else ""


def test_every_control_has_a_name(window):
    """43 of the window's controls had no name (the sliders, ψ, Seed, Radius, the canvas, the filmstrip, the History
    tree), the ↺ buttons were named "↺", the combo boxes by their value and the Fidelity slider by its group's title."""
    controls = shown_controls(window)
    assert len(controls) > 60  # every tab's controls were walked
    for widget in controls:
        said = spoken_name(widget)
        what = f"{type(widget).__name__} {widget.objectName()!r} named {said!r}"
        assert any(c.isalpha() for c in said), what  # a name, not "" or "↺"
        assert said != current_value(widget), what
    for box in (window.compare, window.fit_mode, window.model_panel.device, window.gan_panel.gan_class):
        assert box.accessibleName() and box.accessibleName() != box.currentText()
    assert window.compare.accessibleName() == "Compare" and window.fit_mode.accessibleName() == "Fit new images"
    assert window.model_panel.device.accessibleName() == "Device"
    assert window.gan_panel.editability.accessibleName() != "Invert an image into the GAN"
    assert window.canvas.accessibleName() == "Canvas: original and edited picture"
    assert window.filmstrip.accessibleName() == "Open images"
    assert window.history_panel.tree.accessibleName() == "Edit history"
    assert window.mask_tool.radius.accessibleName() == "Brush radius"
    assert window.gan_panel.seed.accessibleName() == "Seed" and window.gan_panel.psi.accessibleName() == "Truncation ψ"


def test_direction_sliders_named_by_their_direction(window, monkeypatch, qtbot):
    """Each slider and its ↺ are named by the direction, and follow a rename."""
    sliders = window.sliders
    window.tabs.setCurrentIndex(0)
    resets = [w for w in sliders.findChildren(QAbstractButton) if w.text() == "↺"]
    assert len(resets) == len(sliders.sliders) > 0
    for label, slider in zip(sliders.labels(), sliders.sliders):
        assert slider.accessibleName() == label
    assert sorted(r.accessibleName() for r in resets) == sorted(f"Reset {label}" for label in sliders.labels())
    monkeypatch.setattr(sliders, "_ask_name", lambda old: "brightness")
    sliders._rename(0)
    qtbot.waitUntil(lambda: sliders.labels()[0] == "brightness")
    assert sliders.sliders[0].accessibleName() == "brightness"
    assert "Reset brightness" in [w.accessibleName() for w in sliders.findChildren(QAbstractButton)]


def shown_tip_width(widget: QWidget) -> int:
    """The width of widget's tooltip as Qt shows it."""
    QToolTip.showText(widget.mapToGlobal(QPoint(2, 2)), widget.toolTip(), widget)
    tip = next(w for w in QApplication.topLevelWidgets() if w.inherits("QTipLabel") and w.isVisible())
    width = tip.width()
    QToolTip.hideText()
    return width


def test_tooltips_where_one_explains(window, qtbot):
    """The sliders (only their names had one), their values, ψ (the README's words), the inversion's Steps and the
    morph's timeline have tooltips; the typicality help wraps within the window (it was 1,340 px wide)."""
    sliders, gan = window.sliders, window.gan_panel
    for label, slider, value in zip(sliders.labels(), sliders.sliders, sliders._value_labels):
        assert slider.toolTip().startswith(label.split(" (")[0] + ": ") and "arrow" in slider.toolTip()
        assert value.toolTip().startswith(label) and "σ" in value.toolTip()
    assert "lower is more typical" in gan.psi.toolTip() and gan.psi_label.toolTip() == gan.psi.toolTip()
    assert gan.steps.toolTip()
    window.tabs.setCurrentIndex(0)
    assert shown_tip_width(sliders.meter) < window.width() / 2
    gan.new_button.click()  # a second image to morph with
    qtbot.waitUntil(lambda: len(window.document.items) == 2, timeout=UI_TIMEOUT)
    dialog = window.morph.open_dialog()
    qtbot.addWidget(dialog)
    assert dialog.timeline.toolTip() and dialog.timeline.accessibleName() == "Timeline"
    dialog.close()


def test_status_tooltip_follows_the_message(window, qtbot, monkeypatch):
    """An error's tooltip went on showing over the empty bar (and the device label, which had none of its own)
    after the error had left it."""
    monkeypatch.setattr(status_times, "ERROR_MS", 300)
    bar = window.status
    window.show_error("The clipboard holds no image")
    assert "The clipboard holds no image" in bar.toolTip()
    qtbot.waitUntil(lambda: not bar.currentMessage())
    assert bar.toolTip() == ""
    assert bar.device.toolTip() and "clipboard" not in bar.device.toolTip()


def access_key(text: str) -> str:
    """The letter after a single "&" in a menu text ("" for none); "&&" is a shown "&"."""
    marked = text.replace("&&", "").split("&")
    return marked[1][:1].lower() if len(marked) > 1 else ""


def test_every_menu_item_has_its_own_access_key(window):
    """File had two items on R (Alt+F, R never reached Save edit recipe) and items with none (Reopen, Export PNG
    upscaled, Apply recipe, Reset all sliders, Randomise, the compare modes, About...). Open recent is left out: its
    items are the recent files."""
    menus = [action.menu() for action in window.menuBar().actions()]
    menus += [action.menu() for menu in menus for action in menu.actions()
              if action.menu() is not None and action.menu() is not window.recent_menu]
    assert len(menus) == 6  # File, Edit, View, Help; Fit new images and Mask
    for menu in menus:
        keys = {action.text(): access_key(action.text()) for action in menu.actions() if not action.isSeparator()}
        assert all(keys.values()), (menu.title(), keys)
        assert len(set(keys.values())) == len(keys), (menu.title(), keys)


def test_shortcuts_said_where_they_work(window, monkeypatch, qtbot):
    """About listed ten shortcuts by hand (not Ctrl+0-3, B, E, [, ], Ctrl+Q); Undo's toolbar tooltip had no keys
    where Redo's had; the Radius tooltip left out [ and ], the ↺ tooltip Backspace and 0 (which reset, as Delete)."""
    about = window.help.about()
    lines = lines_read(about)
    for action in window.findChildren(QAction):
        # a desktop's extra Redo keys are left out, and its media keys (Close, Help)
        for keys in [keys for keys in action.shortcuts() if on_a_keyboard(keys)][:2]:
            said = keys.toString(QKeySequence.SequenceFormat.NativeText)
            assert any(line.startswith(f"{action.iconText()}: ") and said in line for line in lines), said
    about.close()
    assert "Undo (" in window.undo_action.toolTip() and window.undo_action.shortcut().toString() in \
        window.undo_action.toolTip()
    assert "[" in window.mask_tool.radius.toolTip() and "]" in window.mask_tool.radius.toolTip()
    reset = next(w for w in window.sliders.findChildren(QAbstractButton) if w.text() == "↺")
    assert "Backspace" in reset.toolTip() and " 0 " in reset.toolTip()
    slider = window.sliders.sliders[0]
    for key in (Qt.Key.Key_Backspace, Qt.Key.Key_0, Qt.Key.Key_Delete):  # what the tooltip says is so
        slider.setValue(100)
        qtbot.keyClick(slider, key)
        assert slider.value() == 0
