"""`genimg-gui --style Fusion`: Qt's own -style option never reached Qt (app.main gives it only the program's name),
so the style asked for was ignored without a word. genimg-gui's --style picks it, and a name Qt has no style for is
said, the desktop's style kept."""
from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QStyleFactory

from genimg_gui.app import parse_args
from genimg_gui.ui.app_style import PlainDialogButtons, set_up_style


@pytest.fixture()
def app_style(qapp):
    """The suite's style, given back after the test (every later window would take the test's)."""
    before = QStyleFactory.create(qapp.style().name())
    yield qapp
    qapp.setStyle(PlainDialogButtons(before))


def test_style_names_the_style_the_window_takes(app_style):
    assert parse_args(["--style", "Fusion"]).style == "Fusion"
    assert set_up_style(app_style, "Fusion") == ""
    style = QApplication.style()
    assert isinstance(style, PlainDialogButtons) and style.baseStyle().name().lower() == "fusion"


def test_a_style_qt_does_not_have_is_said_and_the_style_stays(app_style):
    set_up_style(app_style, "Fusion")
    problem = set_up_style(app_style, "NoSuchStyle")
    assert "NoSuchStyle" in problem and "Fusion" in problem  # with the styles there are
    assert QApplication.style().baseStyle().name().lower() == "fusion"
    assert parse_args([]).style is None and set_up_style(app_style, None) == ""
