"""The Qt binding: a release known to crash the app is refused by pyproject.toml and named at start; the one
installed survives a long session's worth of Qt calls (PySide6 6.12.0 under CPython 3.11 aborted after ~5,000)."""
from __future__ import annotations

import os
import subprocess
import sys

from genimg_gui.qt_binding import binding_problem

CALLS = 20_000  # about what a few minutes of slider drags make: each tick sets labels' texts and values


def test_the_crashing_release_is_named_with_the_command_that_mends_it():
    problem = binding_problem("6.12.0", (3, 11))
    assert problem.startswith("genimg: PySide6 6.12.0 crashes Python 3.11")
    assert "pip install 'PySide6>=6.6,!=6.12.0'" in problem
    assert binding_problem("6.12.0", (3, 12)) is None  # None is never freed from 3.12 on
    assert binding_problem("6.11.3", (3, 11)) is None


def test_the_installed_binding_survives_a_long_sessions_qt_calls():
    script = ("from PySide6.QtWidgets import QApplication, QLabel\n"
              "app = QApplication([])\nlabel = QLabel()\n"
              f"for i in range({CALLS}):\n    label.setText('a')\n    label.setToolTip('b')\n"
              "print('alive')\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "alive", run.stderr[-400:]
