"""Qt's own file dialog reads no file as it lists a folder. Its icon provider read the start of each file whose name
says nothing of its type, on the GUI thread: as root, /proc typed in a save dialog's name box read /proc/kmsg,
which waits for the kernel's next message, and the whole window froze for good."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import QMimeDatabase
from PySide6.QtWidgets import QDialog, QFileDialog, QTreeView

REPO = Path(__file__).resolve().parents[1]
FROZEN_AFTER_S = 60  # a typed /proc lists in about a second; a dialog that reads /proc/kmsg never comes back

# The app's save dialogs (save_dialog.ask_export_path) are the static QFileDialog.getSaveFileName, which the
# window's FileDialogSizer, on the application, sees as they show. Typed into: "/proc/", as the tester did.
TYPE_PROC = textwrap.dedent("""
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QFileDialog, QFileSystemModel, QLineEdit, QMainWindow
    from genimg_gui.ui.file_dialogs import FileDialogSizer

    app = QApplication([])
    window = QMainWindow()
    app.installEventFilter(FileDialogSizer(window))  # as MainWindow does

    def type_proc() -> None:
        dialog = app.activeModalWidget()
        QTest.keyClicks(dialog.findChild(QLineEdit, "fileNameEdit"), "/proc/")
        listed = dialog.findChild(QFileSystemModel)

        def close_once_listed() -> None:
            if listed.index("/proc/kmsg").isValid() and listed.type(listed.index("/proc/kmsg")):
                dialog.reject()
            else:
                QTimer.singleShot(20, close_once_listed)
        close_once_listed()
    QTimer.singleShot(0, type_proc)
    QFileDialog.getSaveFileName(window, "Export PNG", "/tmp/edited.png", "PNG images (*.png)")
    print("the dialog came back", flush=True)
""")


def test_proc_typed_in_a_save_dialog_does_not_freeze_the_window():
    """Run apart, so a frozen dialog is killed rather than hanging the suite. Only root can open /proc/kmsg: run by
    another user, the old dialog came back too."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    try:
        done = subprocess.run([sys.executable, "-c", TYPE_PROC], env=env, capture_output=True, text=True,
                              timeout=FROZEN_AFTER_S)
    except subprocess.TimeoutExpired:
        raise AssertionError("the save dialog froze once /proc was typed in its name box") from None
    assert done.returncode == 0 and "the dialog came back" in done.stdout, done.stderr


def test_the_open_dialog_types_files_by_their_names_not_their_contents(qtbot, window, tmp_path, monkeypatch):
    """A PNG saved without a suffix is typed by its name (unknown), as only reading it would call it a PNG image:
    what read /proc/kmsg, for any user."""
    (tmp_path / "holiday").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    by_name = QMimeDatabase().mimeTypeForFile(str(tmp_path / "holiday"), QMimeDatabase.MatchMode.MatchExtension)
    typed: list[str] = []

    def exec_(dialog: QFileDialog) -> QDialog.DialogCode:
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setNameFilter("All files (*)")
        dialog.setDirectory(str(tmp_path))
        dialog.show()
        listed = dialog.findChild(QTreeView, "treeView").model()
        holiday = lambda: listed.index(str(tmp_path / "holiday"))  # noqa: E731
        qtbot.waitUntil(lambda: holiday().isValid() and listed.type(holiday()) != "")
        typed.append(listed.type(holiday()))
        return QDialog.DialogCode.Rejected
    monkeypatch.setattr(QFileDialog, "exec", exec_)
    window.opener.open_dialog()  # File → Open images…
    assert typed == [by_name.comment()] and "PNG" not in typed[0]
