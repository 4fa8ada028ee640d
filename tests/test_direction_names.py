"""A direction's name is its own: a rename or a new direction taking another direction's name (a built-in one, or
another of the user's) is refused with a word on why, as is a blank one; History names steps by the names as they are
now; the slider menu of a direction that comes with the model offers no Delete it would refuse."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtWidgets import QDialog

from conftest import UI_TIMEOUT, own_directions_file
from genimg_gui.ui.directions_dialog import DirectionRequest, DirectionsDialog
from genimg_gui.user_directions import load_user_directions
from test_directions_shared import saved_rows, with_a_picture
from test_directions_ui import BLUE, RED, define, menu_action, settle, slider_menu, write_group


@pytest.fixture()
def two_own(qtbot, window, model_dir, image_files):
    """The user's directions "a" and "b" saved for the tiny VAE, loaded with it, and a picture to edit."""
    dim = window.document.directions("vae").basis.shape[1]
    saved_rows(window, dim, ("a", "b"))
    with_a_picture(qtbot, window, model_dir, image_files[0])
    return window.directions_tool.builtin["vae"]  # the row of "a"; "b" is the next one


def rename_from_menu(window, monkeypatch, row: int, answer: str, action: str = "Rename…") -> None:
    monkeypatch.setattr(window.sliders, "_ask_name", lambda old: answer)
    window.last_error = ""
    slider_menu(window, row, action)


def test_a_rename_to_another_directions_name_or_a_blank_one_is_refused_and_said(qtbot, window, two_own,
                                                                                monkeypatch):
    k, labels = two_own, window.sliders.labels()
    builtin_label = labels[0]  # a principal component, "PC1 (…%)"
    for answer in ("b", " B ", builtin_label, builtin_label.upper()):
        rename_from_menu(window, monkeypatch, k, answer)
        assert window.sliders.labels() == labels, answer  # two sliders "b" were made, and saved
        assert "“a” keeps its name" in window.last_error and "already a direction of this model" in window.last_error
    rename_from_menu(window, monkeypatch, k, "   ")  # was ignored without a word
    assert window.sliders.labels() == labels and "a direction needs a name" in window.last_error
    rename_from_menu(window, monkeypatch, 0, "b", "Rename for this session…")  # a built-in one for the session too
    assert window.sliders.labels() == labels and f"“{builtin_label}” keeps its name" in window.last_error
    dim = window.document.directions("vae").basis.shape[1]
    saved = own_directions_file(window.document)
    assert load_user_directions(saved, dim).labels == ("a", "b")  # so after a relaunch

    rename_from_menu(window, monkeypatch, k, "A")  # its own name, written otherwise: its own to take
    assert window.sliders.labels()[k] == "A" and window.last_error == ""
    assert load_user_directions(saved, dim).labels == ("A", "b")


def test_a_new_direction_cannot_take_a_name_the_model_has(qtbot, window, two_own, image_files, monkeypatch):
    taken = window.document.directions("vae").labels
    dialog = DirectionsDialog(window, taken)
    qtbot.addWidget(dialog)
    dialog.add_files("from", [str(image_files[0])])
    dialog.add_files("to", [str(image_files[1])])
    ok = dialog.buttons.buttons()[0]
    for name, refused in (("b", True), (taken[1].lower(), True), ("c", False)):
        dialog.name.setText(name)
        assert ok.isEnabled() is not refused, name
        assert bool(dialog.name_note.text()) is refused and ("already a direction" in dialog.name_note.text()
                                                                    or not refused)

    asked = []  # Edit → New direction from examples… tells its dialog the model's names

    def exec_(self):
        asked.append(self.taken)
        return QDialog.DialogCode.Rejected
    monkeypatch.setattr(DirectionsDialog, "exec", exec_)
    menu_action(window, "New &direction from examples…").trigger()
    assert asked == [taken]

    # a name given otherwise than by the dialog is refused before any image is encoded
    request = DirectionRequest("b", (str(image_files[0]),), (str(image_files[1]),))
    assert window.directions_tool.make_direction(request) is None
    assert "No direction made: “b” is already a direction of tiny-vae" in window.last_error
    assert not window.directions_tool.jobs and window.document.directions("vae").labels == taken


def test_history_names_a_step_by_the_directions_new_name_and_its_undo_still_works(qtbot, window, two_own,
                                                                                 monkeypatch):
    k, doc = two_own, window.document
    item = doc.current
    settle(qtbot, item)
    before = (item.history.current, item.image.copy())
    window.sliders.sliders[k].setValue(150)
    step = item.history.current_id
    settle(qtbot, item)
    edited = item.image.copy()
    panel = window.history_panel
    assert panel.item_for(step).text(0) == "a +1.50σ"
    rename_from_menu(window, monkeypatch, k, "warm → cool")
    assert panel.item_for(step).text(0) == "warm → cool +1.50σ"  # at once: it kept "a" until the next edit

    doc.undo()  # the step made before the rename is undone as any other
    settle(qtbot, item)
    assert item.history.current is before[0] and np.array_equal(item.image, before[1])
    assert window.sliders.values()[k] == 0.0 and window.sliders.labels()[k] == "warm → cool"
    doc.redo()
    settle(qtbot, item)
    assert item.history.current.values[k] == 1.5 and np.array_equal(item.image, edited)
    assert window.sliders.values()[k] == 1.5


def test_the_menu_of_a_direction_that_comes_with_the_model_offers_no_delete(qtbot, window, two_own):
    k, sliders = two_own, window.sliders

    def actions(row):
        return {a.text(): a for a in sliders.context_menu(row).actions()}
    builtin = actions(0)
    assert list(builtin) == ["Rename for this session…", "Delete (comes with the model)"]
    assert builtin["Rename for this session…"].isEnabled() and not builtin["Delete (comes with the model)"].isEnabled()
    assert "comes with the model" in builtin["Delete (comes with the model)"].toolTip()
    assert "comes with the model" in sliders._names[0].toolTip()
    own = actions(k)
    assert list(own) == ["Rename…", "Delete"] and all(a.isEnabled() for a in own.values())
    assert "rename or delete" in sliders._names[k].toolTip()
    window.last_error = ""
    with qtbot.waitSignal(window.document.directions_changed, timeout=UI_TIMEOUT):
        own["Delete"].trigger()  # still deletes
    assert "a" not in sliders.labels() and window.last_error == ""


def test_a_name_the_edit_option_would_find_another_direction_by_is_refused(qtbot, window, two_own, monkeypatch):
    k, labels = two_own, window.sliders.labels()
    pc2 = labels[1]  # "PC2 (…%)": `--edit PC2=…` and index_of find it by "pc2"
    for answer in ("pc2", "PC2", "pc2 (mine)"):
        rename_from_menu(window, monkeypatch, k, answer)
        assert window.sliders.labels() == labels, answer
        assert f"“{pc2}” is already a direction of this model" in window.last_error, answer
    rename_from_menu(window, monkeypatch, k, "pc2 warmth")  # only a name the lookup would take is refused
    assert window.sliders.labels()[k] == "pc2 warmth" and window.last_error == ""


def test_the_clash_check_names_the_row_index_of_would_find():
    from genimg_gui.edit import clashing_label
    labels = ("PC1 (12.3%)", "PC2 (6.2%)", "skin tone: lighter → darker", "mine")
    assert clashing_label(labels, "pc2") == "PC2 (6.2%)"
    assert clashing_label(labels, "Skin Tone") == "skin tone: lighter → darker"  # a topic index_of finds
    assert clashing_label(labels, "PC1 (mine)") == "PC1 (12.3%)"
    assert clashing_label(labels, "mine", skip=3) is None and clashing_label(labels, "pc3") is None


def test_a_new_direction_equal_to_one_the_user_has_is_refused_naming_it(qtbot, window, tmp_path):
    red, blue = write_group(tmp_path / "red", "red", RED, 3, 1), write_group(tmp_path / "blue", "blue", BLUE, 3, 2)
    define(qtbot, window, "red → blue", red, blue)
    doc, before = window.document, window.sliders.labels()
    # saved once, it would be renamed or deleted as the other
    define(qtbot, window, "again", red, blue, until=doc.error)
    assert "No direction made: “again” would be the same direction as “red → blue”" in window.last_error
    assert window.sliders.labels() == before
    dim = doc.directions("vae").basis.shape[1]
    assert load_user_directions(own_directions_file(window.document), dim).labels == ("red → blue",)


def test_a_rename_done_after_a_refused_one_takes_the_refusal_off_the_status_bar(qtbot, window, two_own, monkeypatch):
    # the bar read 'Renamed “a” to “c” — ⚠ “a” keeps its name: …', the success glued to the warning it answered
    k, bar = two_own, window.status
    rename_from_menu(window, monkeypatch, k, "b")
    assert bar.currentMessage().startswith("⚠ “a” keeps its name")
    rename_from_menu(window, monkeypatch, k, "c")
    assert bar.currentMessage() == "Renamed “a” to “c”" and "keeps its name" not in bar.toolTip()
    assert any("“a” keeps its name" in e.text for e in bar.log.entries)  # the log keeps what was said

    rename_from_menu(window, monkeypatch, k, "b")  # two refusals: the other's stays while this one is answered
    rename_from_menu(window, monkeypatch, k + 1, "c")
    assert bar.currentMessage().startswith("⚠ 2 problems: “b” keeps its name")
    rename_from_menu(window, monkeypatch, k, "e")
    assert bar.currentMessage().startswith("Renamed “c” to “e” — ⚠ “b” keeps its name")
    rename_from_menu(window, monkeypatch, k + 1, "d")
    assert bar.currentMessage() == "Renamed “b” to “d”"


def test_a_name_typed_with_an_ascii_arrow_gets_the_labels_arrow(qtbot, window, two_own, monkeypatch, image_files):
    # "warm -> cool" was kept as typed, where the CLI reads "->" as "→": the slider read "warm -> cool"
    k = two_own
    rename_from_menu(window, monkeypatch, k, "  warm->cool ")
    assert window.sliders.labels()[k] == "warm → cool" and window.last_error == ""
    assert window.status.currentMessage() == "Renamed “a” to “warm → cool”"
    assert window.document.directions("vae").index_of("warm -> cool") == k  # as `genimg edit --edit` finds it
    rename_from_menu(window, monkeypatch, k + 1, "warm -> cool")  # the same name, however its arrow was typed
    assert "“b” keeps its name: “warm → cool” is already a direction" in window.last_error

    dialog = DirectionsDialog(window, window.document.directions("vae").labels)  # New direction's name box alike
    qtbot.addWidget(dialog)
    dialog.add_files("from", [str(image_files[0])])
    dialog.add_files("to", [str(image_files[1])])
    dialog.name.setText("sad -> happy")
    assert dialog.request().name == "sad → happy"
    dialog.name.setText("warm -> cool")
    assert "“warm → cool” is already a direction" in dialog.name_note.text()
