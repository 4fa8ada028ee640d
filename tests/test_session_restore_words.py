""""Restore your work?" says what is true of the autosaved copy: it said "all 2 images you had open" of a session
with one of 3 pictures missing, and "Discard deletes the autosaved copy for good" where Discard deletes nothing (a
copy set aside, one in a data folder that cannot be written, offered again at the next start)."""
from __future__ import annotations


from PySide6.QtWidgets import QMessageBox

from genimg_gui import session as sess
from genimg_gui.catalog import read_entry
from genimg_gui.ui.main_window import MainWindow

from session_helpers import TIMEOUT, _window_with_the_vae, offered, read_only_data_folder
from test_session_damaged import left_by_a_crash, picture_of


def discarded(monkeypatch) -> list[tuple[str, str]]:
    """Restore questions from here on answered Discard; returns each one's (text, informative text)."""
    said: list[tuple[str, str]] = []

    def discard(box) -> int:
        said.append((box.text(), box.informativeText()))
        next(b for b in box.buttons() if b.text() == "Discard").click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", discard)
    return said


def test_a_session_set_aside_is_counted_and_named_as_kept(qtbot, engine, model_dir, image_files, monkeypatch):
    names = left_by_a_crash(model_dir, image_files)
    path = sess.session_file()
    picture_of(path, 0).unlink()
    w = _window_with_the_vae(qtbot, engine, model_dir)
    said = discarded(monkeypatch)
    assert offered(qtbot, w) == 0
    [aside] = path.parent.glob("autosave.unreadable-*.safetensors")
    [(text, note)] = said
    assert "2 of the 3 images you had open" in text and "all 2" not in text and names[0] not in text
    assert str(aside) in note and "deletes" not in note
    assert aside.is_file()  # Discard left it, as it says
    w.close()


def test_discard_in_a_read_only_data_folder_says_the_copy_stays(qtbot, engine, model_dir, image_files, monkeypatch):
    left_by_a_crash(model_dir, image_files)
    read_only_data_folder(monkeypatch)
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(model_dir / "tiny-vae"))
    said = discarded(monkeypatch)
    assert offered(qtbot, w) == 0
    [(text, note)] = said
    assert "all 3 images" in text
    assert "stays there" in note and "next start offers it again" in note and "deletes" not in note
    assert sess.session_file().is_file()  # as it says
    w.close()
