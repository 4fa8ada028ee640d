"""What the main window says of its controls to a screen reader and a keyboard user, on the real window: a name for
every control (not its current value), tooltips where one explains, menus' access keys and the shortcuts listed."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QApplication, QComboBox, QLabel,
                               QWidget)


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
        assert slider.accessibleDescription().startswith(label)
    assert sorted(r.accessibleName() for r in resets) == sorted(f"Reset {label}" for label in sliders.labels())
    monkeypatch.setattr(sliders, "_ask_name", lambda old: "brightness")
    sliders._rename(0)
    qtbot.waitUntil(lambda: sliders.labels()[0] == "brightness")
    assert sliders.sliders[0].accessibleName() == "brightness"
    assert "Reset brightness" in [w.accessibleName() for w in sliders.findChildren(QAbstractButton)]
