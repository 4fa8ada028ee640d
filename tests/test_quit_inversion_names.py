"""The quit question names inversions as the filmstrip does. Two inversions of face.jpg, the second exported: it
said "The inversion of “face.jpg” has not been exported." while the filmstrip held "face.jpg, inverted" and
"face.jpg, inverted 2", so which one Discard would drop was a guess."""
from __future__ import annotations

import shutil

from conftest import quit_questions_cancelled
from genimg_gui.ui.session_questions import DISCARD, SessionQuestions

from editing_helpers import open_image
from test_inversion_names import invert
from ui_helpers import exports_written


def test_two_inversions_of_one_photo_are_told_apart_by_their_filmstrip_names(qtbot, window, image_files, tmp_path,
                                                                              monkeypatch):
    photo = tmp_path / "face.jpg"
    shutil.copy(image_files[1], photo)
    doc = window.document
    source = open_image(qtbot, window, photo)
    first = invert(qtbot, window)
    doc.select(source.id)
    second = invert(qtbot, window)
    window.exports.export_png(str(tmp_path / "second.png"))
    exports_written(qtbot, window)
    filmstrip = [window.filmstrip.item(row).toolTip() for row in range(window.filmstrip.count())]
    assert [first.name, second.name] == ["face.jpg, inverted", "face.jpg, inverted 2"] and first.name in filmstrip

    asked = quit_questions_cancelled(monkeypatch)
    assert not window.close()
    monkeypatch.setattr(SessionQuestions, "ask_quit", lambda self, items, can_keep: DISCARD)  # the teardown's close
    assert asked == ["The inversion “face.jpg, inverted” has not been exported."]
