"""File → Open images… with a file that is not an image among the ones chosen: every file not opened is told, in one
message. Qt's own open dialog left notes.txt out of what it returned (its Images filter hides it from the list its
answer is read from), so the app never heard of it."""
from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtWidgets import QDialog, QFileDialog, QLineEdit, QListView

from conftest import UI_TIMEOUT


def type_and_accept(qtbot, dialog: QFileDialog, folder, names: list[str]) -> None:
    """What the user does in Qt's own dialog: in the folder, once it lists its pictures, the names typed into its
    file name box, then Open."""
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setDirectory(str(folder))
    dialog.show()
    listed = dialog.findChild(QListView, "listView")
    qtbot.waitUntil(lambda: listed.model().rowCount(listed.rootIndex()) == 2)  # the pictures; notes.txt is hidden
    dialog.findChild(QLineEdit, "fileNameEdit").setText(" ".join(f'"{name}"' for name in names))
    dialog.accept()


def typed_in_file_dialogs(qtbot, monkeypatch, folder, names: list[str]) -> None:
    """Every open-files dialog shown from here on, Qt's own (exec) or the static function's, has names typed in its
    name box, quoted, in folder, and is accepted: what a person typing them does."""
    def exec_(dialog):
        type_and_accept(qtbot, dialog, folder, names)
        return dialog.result()

    def get_open_file_names(parent, title, start, filters):  # the same dialog, as the static function shows it
        dialog = QFileDialog(parent, title, start, filters)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        type_and_accept(qtbot, dialog, folder, names)
        return dialog.selectedFiles(), dialog.selectedNameFilter()
    monkeypatch.setattr(QFileDialog, "exec", exec_)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(get_open_file_names))


def test_every_file_chosen_that_is_not_opened_is_told_in_one_message(qtbot, window, tmp_path, monkeypatch):
    Image.fromarray(np.full((32, 32, 3), 128, np.uint8)).save(tmp_path / "gray.png")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    (tmp_path / "notes.txt").write_text("shopping: milk, eggs")
    typed_in_file_dialogs(qtbot, monkeypatch, tmp_path, ["notes.txt", "broken.png", "gray.png"])
    errors: list[str] = []
    window.document.error.connect(errors.append)
    before = len(window.document.items)
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.opener.open_dialog()
    qtbot.waitUntil(lambda: "broken.png" in window.last_error, timeout=UI_TIMEOUT)
    qtbot.wait(200)  # nothing more is coming
    assert len(window.document.items) == before + 1 and window.document.current.name == "gray.png"
    assert len(errors) == 1, errors  # one message, not one a file
    assert errors[0].startswith("2 files were not opened: ") and errors[0] in window.status.currentMessage()
    assert "notes.txt is not an image (it holds text)" in errors[0] and "broken.png" in errors[0]


def test_a_dialog_cancelled_opens_nothing_and_says_nothing(qtbot, window, monkeypatch):
    monkeypatch.setattr(QFileDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *args: ([], "")))  # never shown
    before, window.last_error = len(window.document.items), ""
    window.opener.open_dialog()
    qtbot.wait(100)
    assert len(window.document.items) == before and window.last_error == ""


def test_qts_own_file_dialog_shows_its_columns_whole(qtbot, window, tmp_path, monkeypatch):
    """Where the desktop offers no dialog of its own, Qt's was about 630 px wide with columns of fixed widths: sizes
    and types were cut ("25....KiB", "PN...ge")."""
    from PySide6.QtWidgets import QTreeView

    for name in ("a picture from the summer holiday by the sea.png", "b.png"):
        Image.fromarray(np.full((32, 32, 3), 128, np.uint8)).save(tmp_path / name)
    seen = []

    def exec_(dialog):
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setDirectory(str(tmp_path))
        dialog.show()
        view = dialog.findChild(QTreeView, "treeView")
        qtbot.waitUntil(lambda: view.model().rowCount(view.rootIndex()) == 2)
        header = view.header()
        whole = lambda: all(header.sectionSize(c) >= view.sizeHintForColumn(c) for c in range(header.count()))
        qtbot.waitUntil(whole)  # sizes and types come in after the names
        seen.append(dialog.width())
        return QDialog.DialogCode.Rejected
    monkeypatch.setattr(QFileDialog, "exec", exec_)
    window.opener.open_dialog()
    assert seen and seen[0] >= min(700, window.screen().availableGeometry().width() * 0.8)  # was about 630
