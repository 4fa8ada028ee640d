"""The dialog for a new direction from examples, on its own (no engine): files dropped and added, and the request."""
from __future__ import annotations

from PIL import Image
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QDialogButtonBox

from genimg_gui.ui.directions_dialog import DirectionRequest, DirectionsDialog

from conftest import drag_drop, file_mime  # noqa: E402

from widget_helpers import LEFT, shown, solid


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


def test_a_name_typed_in_add_images_that_is_not_there_is_said_not_dropped(qtbot, tmp_path, monkeypatch):
    """Add images…: Qt's own dialog returns the files its list selects, so of "frown.png" "frown 2.png" typed in its
    name box, where only frown.png is, it gave frown.png alone and the other was never heard of. File → Open
    images… says so of such a name (open_actions); the dialog uses the same chooser and says it too."""
    from PySide6.QtCore import Qt
    from test_open_dialog import typed_in_file_dialogs

    frowns = image_files(tmp_path, ["frown.png", "smile.png"])
    typed_in_file_dialogs(qtbot, monkeypatch, tmp_path, ["frown.png", "frown 2.png"])
    dialog = shown(qtbot, DirectionsDialog())
    qtbot.mouseClick(dialog.add_buttons["from"], Qt.MouseButton.LeftButton)
    assert dialog.lists["from"].paths() == (str(frowns[0]),)  # the one there is added
    missing = str(tmp_path / "frown 2.png")
    assert dialog.files_note.isVisible() and missing in dialog.files_note.text()
    assert dialog.files_note.text() == f"Not added: {missing} does not exist"
