"""Edit → New direction from examples… says which model the direction is made for (the VAE, which encodes the
examples; over a GAN sample, plainly not that GAN), refuses a kept-apart direction its examples barely differ along,
suggests a name no direction has (a neutral word for a side whose names share nothing), and keeps its form in place
while a name is refused."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication

from genimg_gui.ui.directions_dialog import DirectionRequest, DirectionsDialog, suggest_name
from test_directions_ui import BLUE, RED, define, menu_action, write_group


def opened_dialog(window, look: Callable[[DirectionsDialog], object]) -> None:
    """The dialog Edit → New direction from examples… opens, looked at while open, and closed (Cancel): it is
    deleted then, so it cannot be looked at after."""
    looked = []

    def look_then_cancel() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            look(dialog)
            looked.append(dialog)
        finally:  # left open, it would hold the test forever
            dialog.reject()
    QTimer.singleShot(0, look_then_cancel)
    menu_action(window, "New &direction from examples…").trigger()
    assert looked, "no dialog opened, or looking at it failed"


def test_over_a_gan_sample_the_dialog_says_the_direction_goes_to_the_vae_and_names_it(qtbot, window, monkeypatch,
                                                                                      tmp_path):
    doc = window.document
    assert doc.current.kind == "gan"  # the window opens on the GAN's first sample
    gan_sliders = window.sliders.labels()

    def over_the_gan_sample(dialog):
        note = dialog.target_note.text()
        assert "For tiny-vae (the VAE): example images are encoded by it" in note
        assert "tiny-gan" in note and "VAE's sliders, not this GAN's" in note
        dialog.add_files("from", write_group(tmp_path / "red", "red", RED, 1, 1))
        dialog.add_files("to", write_group(tmp_path / "blue", "blue", BLUE, 1, 2))
        dialog.name.setText(doc.directions("vae").labels[0])  # a VAE direction's name, which the GAN need not have
        assert "already a direction of tiny-vae" in dialog.name_note.text()
    opened_dialog(window, over_the_gan_sample)

    request = DirectionRequest(doc.directions("vae").labels[0], (), ())
    assert window.directions_tool.make_direction(request) is None  # given otherwise than by the dialog
    assert "already a direction of tiny-vae" in window.last_error

    define(qtbot, window, "red → blue", write_group(tmp_path / "r", "r", RED, 3, 1),
           write_group(tmp_path / "b", "b", BLUE, 3, 2))
    message = window.status.currentMessage()
    assert "New direction “red → blue” for tiny-vae" in message and "the VAE's sliders, not the GAN's" in message
    assert window.sliders.labels() == gan_sliders and doc.directions("vae").labels[-1] == "red → blue"

    monkeypatch.setattr(window.directions_tool, "shown_kind", lambda: "vae")  # over a VAE picture: no word on a GAN

    def over_a_vae_picture(dialog):
        assert "tiny-vae" in dialog.target_note.text() and "GAN" not in dialog.target_note.text()
    opened_dialog(window, over_a_vae_picture)


def test_a_kept_apart_direction_within_named_ones_names_them(qtbot, window, tmp_path):
    """frowning → smiling made again from its examples, "Keep the named directions fixed" ticked: refused as
    "“frowning → smiling 2” lies within the directions it should be kept apart from", which named none of them."""
    frowning = write_group(tmp_path / "frowning", "f", RED, 6, 1)
    smiling = write_group(tmp_path / "smiling", "s", BLUE, 6, 2)
    purple = write_group(tmp_path / "purple", "p", (170, 40, 190), 6, 5)
    doc = window.document
    define(qtbot, window, "frowning → smiling", frowning, smiling)
    define(qtbot, window, "frowning → purple", frowning, purple)
    before = doc.directions("vae").labels

    def refused(name: str, from_paths: list[str], to_paths: list[str]) -> str:
        define(qtbot, window, name, from_paths, to_paths, keep_fixed=True, until=doc.error)
        assert doc.directions("vae").labels == before
        return window.last_error

    assert refused("frowning → smiling 2", frowning, smiling).startswith(
        "Could not make frowning → smiling 2: “frowning → smiling 2” lies within “frowning → smiling”, which it "
        "should be kept apart from")
    # smiling → purple is purple's difference of means less smiling's: the two named directions together, the one
    # that holds more of it first
    said = refused("smiling → purple", smiling, purple)
    assert any(f"“smiling → purple” is a mix of “{first}” and “{second}”, which it should be kept apart from" in said
               for first, second in [("frowning → smiling", "frowning → purple"),
                                     ("frowning → purple", "frowning → smiling")]), said


def test_kept_apart_a_direction_its_examples_barely_differ_along_is_refused(qtbot, window, tmp_path):
    red = write_group(tmp_path / "frowning", "f", RED, 6, 1)
    blue = write_group(tmp_path / "smiling", "s", BLUE, 6, 2)
    doc = window.document
    define(qtbot, window, "frowning → smiling", red, blue)
    before = doc.directions("vae").labels

    # the same examples by a linear classifier, kept apart from their own difference of means: nothing is left
    define(qtbot, window, "again", red, blue, keep_fixed=True, method="linear", until=doc.error)
    error = window.last_error
    assert "No direction made" in error and "barely differ" in error and "1 named direction" in error
    assert "untick" in error.lower()
    assert doc.directions("vae").labels == before
    assert "opens with these examples again" in error

    def refused_again(dialog):  # the box says what it keeps the new direction apart from
        assert "your own" in dialog.keep_fixed.text() and "“frowning → smiling”" in dialog.keep_fixed.toolTip()
        # the refused examples, name and options come back with the reason: the dialog had closed before the refusal
        assert dialog.request() == DirectionRequest("again", tuple(red), tuple(blue), "linear", keep_fixed=True)
        assert not dialog.refusal_note.isHidden() and "barely differ" in dialog.refusal_note.text()
    opened_dialog(window, refused_again)

    define(qtbot, window, "kept apart", write_group(tmp_path / "purple", "p", (170, 40, 190), 6, 5),
           blue, keep_fixed=True)
    message = window.status.currentMessage()
    assert "kept apart from 1 named direction" in message and "direction(s)" not in message

    def fresh(dialog):  # a direction made: the next opening starts empty
        assert dialog.request().from_paths == () and dialog.refusal_note.isHidden()
    opened_dialog(window, fresh)


def test_a_refusal_never_says_a_negative_zero_gap(qtbot, window, tmp_path):
    """5 + 5 examples whose kept-apart gap comes out a hair below zero (-2e-9σ) read "(-0.0σ)": a sign on nothing."""
    frowning = write_group(tmp_path / "frowning", "f", RED, 5, 4)
    smiling = write_group(tmp_path / "smiling", "s", BLUE, 5, 14)
    define(qtbot, window, "frowning → smiling", frowning, smiling)
    define(qtbot, window, "again", frowning, smiling, keep_fixed=True, method="linear", until=window.document.error)
    assert "barely differ" in window.last_error and "(0.0σ)" in window.last_error, window.last_error


def _files(folder, names) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        Image.new("RGB", (8, 8), "red").save(folder / name)
    return [str(folder / n) for n in names]


@pytest.mark.parametrize("from_names, to_names, name", [
    (["face_a.png", "face_b.png"], ["face_c.jpg", "big_photo.jpg"], "face → other"),  # was "face → face_c"
    (["big_photo.jpg", "grin.png"], ["smile_1.png", "smile_2.png"], "other → smile"),
    (["IMG_0001.jpg"], ["IMG_0002.jpg"], "new direction"),  # was "IMG_0001 → IMG_0002"
    (["face_a.png", "face_b.png"], ["face_c.jpg"], "new direction"),  # "face" on both sides tells them not apart
    (["frown_1.png", "frown_2.png"], ["smile.png"], "frown → smile"),
    (["frown_1.png"], [], "frown → B"),
])
def test_a_side_whose_file_names_share_nothing_is_named_by_a_neutral_word(from_names, to_names, name):
    """Each side is named by what its files share; a side whose names share nothing, or nothing the other side's
    do not, took its first file's name ("face → face_c" for face_c.jpg and big_photo.jpg), which said nothing."""
    assert suggest_name([f"/pics/{n}" for n in from_names], [f"/pics/{n}" for n in to_names]) == name


def test_the_dialog_suggests_a_neutral_word_for_to_files_that_share_nothing(qtbot, tmp_path):
    dialog = DirectionsDialog()
    qtbot.addWidget(dialog)
    dialog.add_files("from", _files(tmp_path, ["face_a.png", "face_b.png"]))
    dialog.add_files("to", _files(tmp_path, ["face_c.jpg", "big_photo.jpg"]))
    assert dialog.name.text() == dialog.request().name == "face → other"


def test_the_suggested_name_is_one_no_direction_has(qtbot, tmp_path):
    taken = ("PC1 (12.0%)", "frowning → smiling", "frowning → smiling 2")
    dialog = DirectionsDialog(None, taken)
    qtbot.addWidget(dialog)
    dialog.add_files("from", _files(tmp_path / "frowning", ["a.png"]))
    dialog.add_files("to", _files(tmp_path / "smiling", ["b.png"]))
    assert dialog.name.text() == dialog.request().name == "frowning → smiling 3"
    assert dialog.buttons.buttons()[0].isEnabled() and not dialog.name_note.text()


def test_a_refused_name_does_not_move_the_form(qtbot, tmp_path):
    dialog = DirectionsDialog(None, ("frowning → smiling",))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.add_files("from", _files(tmp_path / "frowning", ["a.png"]))
    dialog.add_files("to", _files(tmp_path / "smiling", ["b.png"]))

    def places():
        dialog.layout().activate()
        return [w.mapTo(dialog, QPoint()) for w in (dialog.name, dialog.method, dialog.keep_fixed, dialog.buttons)]
    dialog.name.setText("grumpy → happy")
    assert not dialog.name_note.text()
    fine = places()
    # no empty band between Name and Method for a note not shown
    assert fine[1].y() - (fine[0].y() + dialog.name.height()) < dialog.fontMetrics().lineSpacing()
    dialog.name.setText("frowning → smiling")
    assert dialog.name_note.text() and dialog.name_note.isVisible()
    assert places() == fine
