"""A settings.ini edited by hand (or by another program): every value read from it is checked, and one genimg cannot
use is passed over or said in words. A window state of text stopped every start with a TypeError from restoreState
and no window; a number past 32 bits did the same in a spin box; a gone last GAN gave way to the bundled one unsaid;
an unknown device was said in torch's words, a list of a dozen device types genimg never runs on."""
from __future__ import annotations

from pathlib import Path

import pytest

from genimg_gui.catalog import BUNDLED_DIR, DEFAULT_MODELS
from genimg_gui.ui.model_list import stand_in_warning
from genimg_gui.ui.train_dialog import TrainDialog
from genimg_gui.ui.settings import Settings

from test_start_fallback import errors, started


def settings_file(text: str) -> None:
    """The app's settings.ini, written as a person would edit it."""
    path = Path(Settings().q.fileName())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def both_loaded(window) -> bool:
    """Both models loaded and the start-up sample drawn, nothing left running."""
    doc = window.document
    return {"vae", "gan"} <= set(doc.models) and doc.current is not None and not doc.jobs


@pytest.mark.parametrize("garbage", [
    "[window]\nstate=hello\ngeometry=garbage\n",
    "[window]\nstate=1, 2\ngeometry=@Rect(1 2 3 4)\npanel_width_chosen=maybe\n",
    "[inversion]\nsteps=99999999999\neditability=-99999999999\n",
    "[General]\npreview_strips=@Invalid()\nknown_models=@ByteArray(x)\nrecent_files=@Size(1 2)\nfit_new_images=a, b\n"
    "trained_models=garbage\n[export]\nfolder=1, 2\n[open]\nimages=@Rect(1 2 3 4)\n",
])
def test_a_value_genimg_cannot_use_is_passed_over_and_the_window_opens(qtbot, monkeypatch, garbage):
    settings_file(garbage)
    window = started(qtbot, monkeypatch, [], both_loaded)
    assert window.isVisible() and errors(window) == []
    inversion = window.gan_panel
    assert inversion.steps.minimum() <= inversion.steps.value() <= inversion.steps.maximum()


def test_numbers_past_any_box_in_the_morph_and_train_forms_are_brought_into_range(qtbot, monkeypatch):
    settings_file('[morph]\nform="{\\"frames\\": 99999999999, \\"fps\\": -99999999999, \\"scale\\": 99999999999}"\n'
                  '[train]\nform="{\\"minutes\\": 1e999, \\"sample_every\\": 99999999999}"\n')
    assert Settings().morph_form()["frames"] == 99999999999  # read as written
    window = started(qtbot, monkeypatch, [], both_loaded)
    morph = window.morph.open_dialog()  # Edit → Morph / interpolate… on the start-up sample
    assert (morph.frames.value(), morph.fps.value()) == (morph.frames.maximum(), morph.fps.minimum())
    assert morph.scale.value() == morph.scale.maximum()
    train = TrainDialog(window, window.model_list.entries, "", window.settings)
    qtbot.addWidget(train)
    assert train.minutes.value() == train.minutes.maximum()
    assert train.sample_every.value() == train.sample_every.maximum()


def test_a_last_gan_whose_folder_is_gone_gives_way_to_the_bundled_one_saying_why(qtbot, monkeypatch, tmp_path):
    gone = tmp_path / "gone-gan"
    Settings().set_last_model("gan", str(gone))
    window = started(qtbot, monkeypatch, [], both_loaded)
    bundled = BUNDLED_DIR / DEFAULT_MODELS["gan"]
    assert window.document.models["gan"].path == str(bundled)
    [said] = errors(window)
    assert said.startswith("The last GAN, gone-gan (")
    assert said.endswith(f"could not be loaded: its folder no longer exists (moved or deleted?); loading the bundled "
                         f"{DEFAULT_MODELS['gan']} instead")
    assert window.status.warning.text() == f"⚠ {stand_in_warning('gan')}" and window.status.warning.isVisible()


def test_a_saved_device_genimg_does_not_know_is_said_in_words(qtbot, monkeypatch):
    settings_file("[General]\ndevice=quantum\n")
    window = started(qtbot, monkeypatch, [], both_loaded)
    assert errors(window) == ["The saved device 'quantum' is not one genimg knows (cpu, cuda, mps); using the CPU"]
    assert window.document.models["gan"].device == "cpu"


@pytest.mark.parametrize("written, on", [("true", True), ("Yes", True), ("on", True), ("1", True), ("false", False),
                                         ("no", False), ("OFF", False), ("0", False), ("banana", False)])
def test_a_yes_no_setting_written_by_hand_is_on_only_when_it_says_so(written, on):
    settings_file(f"[General]\npreview_strips={written}\n[window]\npanel_width_chosen={written}\n")
    settings = Settings()
    assert settings.preview_strips() is on and settings.panel_width_chosen() is on


def test_a_yes_no_setting_the_app_wrote_reads_back():
    for on in (True, False):
        Settings().set_preview_strips(on)
        Settings().set_panel_width_chosen(on)
        assert Settings().preview_strips() is on and Settings().panel_width_chosen() is on
