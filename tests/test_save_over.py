"""The save dialogs ask about the file that will be written. Qt's dialog asks "already exists. Replace it?" about the
name typed only, and the app then added or swapped the suffix: `orig` typed while orig.png existed replaced orig.png
unasked, orig.jpg (asked about) wrote over orig.png, `mm` replaced mm.gif, `frown` frown.json, and "v1.2" became
v1.png. Now the name typed keeps every character, gains its format's suffix, and that file is asked about."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from conftest import UI_TIMEOUT
from genimg_gui.export import export_png
from genimg_gui.masking import soft_brush
from genimg_gui.ui.morph_dialog import MorphDialog
from ui_helpers import exports_written
from widget_helpers import LEFT, shown, solid

OLD = b"the user's own file, not to be written over"


def action(window, text):
    found = [a for menu in window.findChildren(QMenu) for a in menu.actions() if a.text() == text]
    assert len(found) == 1, text
    return found[0]


def typed_in_dialog(monkeypatch, *typed) -> list[str]:
    """The save dialog answers with each name typed in turn (a (name, filter) pair for a filter chosen), then is
    cancelled; returns the list of the names it opened at."""
    opened_at: list[str] = []
    answers = iter(typed)

    def save_dialog(_parent, _title, start, _filters, *_):
        opened_at.append(start)
        answer = next(answers, "")
        return answer if isinstance(answer, tuple) else (answer, "")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    return opened_at


def replace_answered(monkeypatch, *answers: str) -> list[str]:
    """Each "Replace it?" question answered in turn ("Yes" or "No", by clicking that button); returns their texts."""
    asked: list[str] = []
    answered = iter(answers)

    def answer(box) -> int:
        asked.append(box.text())
        box.button(getattr(QMessageBox.StandardButton, next(answered))).click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", answer)
    return asked


def existing(path: Path) -> Path:
    path.write_bytes(OLD)
    return path


def test_a_name_keeps_what_was_typed_and_gains_its_suffix(tmp_path):
    from genimg_gui.export import with_suffix_kept

    assert with_suffix_kept("v1.2", (".png",), ".png") == "v1.2.png"  # with_suffix made it v1.png
    assert with_suffix_kept("orig.jpg", (".png",), ".png") == "orig.jpg.png"
    assert with_suffix_kept("a.PNG", (".png",), ".png") == "a.PNG"
    assert export_png(solid(10), tmp_path / "v1.2") == tmp_path / "v1.2.png"
    assert [p.name for p in tmp_path.iterdir()] == ["v1.2.png"]


def test_export_png_asks_before_replacing_the_file_named_with_png(qtbot, window, tmp_path, monkeypatch):
    orig = existing(tmp_path / "orig.png")
    opened_at = typed_in_dialog(monkeypatch, str(tmp_path / "orig"))  # then cancelled
    asked = replace_answered(monkeypatch, "No")
    action(window, "&Export PNG…").trigger()
    assert asked == ["orig.png already exists. Replace it?"]
    assert opened_at[1] == str(orig)  # No goes back to the dialog, at the name asked about
    assert orig.read_bytes() == OLD and [p.name for p in tmp_path.iterdir()] == ["orig.png"]

    typed_in_dialog(monkeypatch, str(tmp_path / "orig"))
    asked = replace_answered(monkeypatch, "Yes")
    action(window, "&Export PNG…").trigger()
    exports_written(qtbot, window)  # written off the GUI thread
    assert asked == ["orig.png already exists. Replace it?"]
    assert window.status.log.entries[-1].text.startswith(f"Exported {orig} (")
    with Image.open(orig) as im:
        assert im.format == "PNG"


def test_a_name_of_another_format_is_not_swapped_for_an_existing_png(qtbot, window, tmp_path, monkeypatch):
    jpg, png = existing(tmp_path / "orig.jpg"), existing(tmp_path / "orig.png")
    typed_in_dialog(monkeypatch, str(jpg))  # the dialog asked about orig.jpg itself, and was answered Yes
    asked = replace_answered(monkeypatch)  # none expected
    action(window, "&Export PNG…").trigger()
    exports_written(qtbot, window)
    assert asked == [] and jpg.read_bytes() == OLD and png.read_bytes() == OLD
    written = tmp_path / "orig.jpg.png"
    assert window.status.log.entries[-1].text.startswith(f"Exported {written} (")
    with Image.open(written) as im:
        assert im.format == "PNG"
    existing(tmp_path / "v1.2.png")
    typed_in_dialog(monkeypatch, str(tmp_path / "v1.2"))
    asked = replace_answered(monkeypatch, "No")
    action(window, "&Export PNG…").trigger()
    exports_written(qtbot, window)
    assert asked == ["v1.2.png already exists. Replace it?"]
    assert (tmp_path / "v1.2.png").read_bytes() == OLD and not (tmp_path / "v1.png").exists()


def test_export_latent_asks_before_replacing_the_npz(qtbot, window, tmp_path, monkeypatch):
    npz = existing(tmp_path / "lat.npz")
    typed_in_dialog(monkeypatch, str(tmp_path / "lat"))
    asked = replace_answered(monkeypatch, "No")
    action(window, "Export &latent (.npz)…").trigger()
    assert asked == ["lat.npz already exists. Replace it?"] and npz.read_bytes() == OLD
    typed_in_dialog(monkeypatch, str(tmp_path / "lat"))
    replace_answered(monkeypatch, "Yes")
    action(window, "Export &latent (.npz)…").trigger()
    assert np.load(npz)["latent"].size > 0


@pytest.fixture()
def morph(qtbot) -> MorphDialog:
    return shown(qtbot, MorphDialog([(10, "a.png", solid(10)), (11, "b.png", solid(100))]))


def test_morph_export_asks_before_replacing_the_file_of_the_format_chosen(qtbot, morph, tmp_path, monkeypatch):
    gif = existing(tmp_path / "mm.gif")
    requested: list[str] = []
    morph.export_requested.connect(requested.append)
    opened_at = typed_in_dialog(monkeypatch, (str(tmp_path / "mm"), "GIF (*.gif)"))
    asked = replace_answered(monkeypatch, "No")
    qtbot.mouseClick(morph.export_button, LEFT)
    assert asked == ["mm.gif already exists. Replace it?"] and opened_at[1] == str(gif)
    assert requested == [] and gif.read_bytes() == OLD
    typed_in_dialog(monkeypatch, (str(tmp_path / "mm"), "GIF (*.gif)"))
    replace_answered(monkeypatch, "Yes")
    qtbot.mouseClick(morph.export_button, LEFT)
    assert requested == [str(gif)]


def masked_edit(qtbot, window, image_files):
    doc = window.document
    window.open_paths([str(image_files[0])])
    qtbot.waitUntil(lambda: any(i.kind == "vae" for i in doc.items.values()), timeout=UI_TIMEOUT)
    item = next(i for i in doc.items.values() if i.kind == "vae")
    doc.select(item.id)
    window.sliders.sliders[0].setValue(150)
    mask = soft_brush(np.zeros(item.image.shape[:2], np.float32), 10.0, 12.0, 9.0, 0.5, 1.0)
    doc.commit_state(item.history.current.with_mask(mask))
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)


def test_save_recipe_asks_about_the_json_and_the_mask_it_writes(qtbot, window, image_files, tmp_path, monkeypatch):
    masked_edit(qtbot, window, image_files)
    recipe = existing(tmp_path / "frown.json")
    typed_in_dialog(monkeypatch, str(tmp_path / "frown"))
    asked = replace_answered(monkeypatch, "No")
    action(window, "Sa&ve edit recipe…").trigger()
    assert asked == ["frown.json already exists. Replace it?"] and recipe.read_bytes() == OLD
    assert not (tmp_path / "frown.mask.png").exists()

    mask = existing(tmp_path / "smile.mask.png")  # a file of that name, no recipe smile.json beside it
    typed_in_dialog(monkeypatch, str(tmp_path / "smile.json"))
    asked = replace_answered(monkeypatch, "No")
    action(window, "Sa&ve edit recipe…").trigger()
    assert asked == ["smile.mask.png already exists. Replace it?"] and mask.read_bytes() == OLD
    assert not (tmp_path / "smile.json").exists()

    typed_in_dialog(monkeypatch, str(tmp_path / "frown"))
    asked = replace_answered(monkeypatch, "Yes")
    action(window, "Sa&ve edit recipe…").trigger()
    assert asked == ["frown.json already exists. Replace it?"]
    assert recipe.read_bytes().startswith(b"{") and (tmp_path / "frown.mask.png").is_file()
    typed_in_dialog(monkeypatch, str(tmp_path / "v1.2"))  # kept no .json: the recipe was written as "v1.2"
    action(window, "Sa&ve edit recipe…").trigger()
    assert (tmp_path / "v1.2.json").is_file() and not (tmp_path / "v1.2").exists()
    assert window.status.log.entries[-1].text.endswith(f"to {tmp_path / 'v1.2.json'}")


def test_the_question_keeps_the_file_by_default(qtbot, tmp_path, monkeypatch):
    from genimg_gui.ui.save_dialog import replace_asked

    def stray_return(box) -> int:
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        box.defaultButton().click()
        return 0
    monkeypatch.setattr(QMessageBox, "exec", stray_return)
    assert not replace_asked(None, "Export PNG", str(existing(tmp_path / "a.png")), "")
