"""A new user's first minutes: a hint on the start-up sample saying how to open a picture, Help → Quick start (F1),
tooltips that say what PC sliders, ψ, the Draw choices and Fidelity ↔ Editability do, and three small wordings (the
CLI's "did you mean", the New direction name over exported samples, the inversion's progress)."""
from __future__ import annotations

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from conftest import UI_TIMEOUT
from genimg_gui.ui.directions_dialog import DirectionsDialog
from editing_helpers import drag_across

NATIVE = QKeySequence.SequenceFormat.NativeText


def menu_item(window, text: str):
    return next(a for menu in window.menuBar().actions() if menu.menu()
                for a in menu.menu().actions() if a.text() == text)


def keys_of(window, text: str) -> str:
    return menu_item(window, text).shortcut().toString(NATIVE)


def hints(window) -> list[str]:
    """The texts of the lines shown over the canvas (its placeholder is painted, not a label)."""
    return [label.text() for label in window.canvas.findChildren(QLabel) if label.isVisibleTo(window.canvas)]


def open_image(qtbot, window, path):
    with qtbot.waitSignal(window.document.item_added, timeout=UI_TIMEOUT):
        window.open_paths([str(path)])
    return window.document.current


def test_the_start_up_sample_says_how_to_open_a_photo_until_one_is_opened(qtbot, window, image_files):
    """The first launch showed "seed 0" and nothing said how to open a picture of one's own, nor what the VAE makes
    of a photo; the menu item is "Open images…", which the hint named "File → Open"."""
    [said] = hints(window)
    assert f"File → Open images… ({keys_of(window, '&Open images…')})" in said
    assert keys_of(window, "&Paste image") in said
    # the user's own VAE is no emoji model (the hint said "The bundled models are 64×64 emoji models" of any)
    assert said.endswith("tiny-vae is a 32×32 model, so a photo comes back as a small 32×32 picture.")
    assert "emoji" not in said
    label = next(lbl for lbl in window.canvas.findChildren(QLabel) if lbl.isVisibleTo(window.canvas))
    assert label.geometry().bottom() < window.canvas.height() and label.width() < window.canvas.width()
    picture = open_image(qtbot, window, image_files[0])
    assert hints(window) == []
    window.close_item(picture.id)  # the sample alone again: the hint has done its work
    qtbot.waitUntil(lambda: len(window.document.items) == 1, timeout=UI_TIMEOUT)
    assert hints(window) == []


def test_the_hint_says_a_photo_comes_back_as_an_emoji_while_a_bundled_vae_is_in_use(qtbot, engine, model_dir):
    """Said of the bundled emoji-vae (here the tiny VAE, listed as bundled), and of no other VAE."""
    from genimg_gui.catalog import read_entry
    from genimg_gui.ui.main_window import MainWindow

    entries = [read_entry(model_dir / "tiny-vae", bundled=True), read_entry(model_dir / "tiny-gan")]
    window = MainWindow(engine, entries)
    qtbot.addWidget(window)
    for name in ("tiny-vae", "tiny-gan"):
        with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
            window.document.load_model(str(model_dir / name))
    qtbot.waitUntil(lambda: len(window.document.items) == 1, timeout=UI_TIMEOUT)
    window.show()
    [said] = hints(window)
    assert said.endswith(" The bundled models are 64×64 emoji models, so a photo comes back as a small emoji-like "
                         "picture.")
    window.close()


def test_an_edit_of_the_start_up_sample_puts_the_hint_away(qtbot, window):
    assert len(hints(window)) == 1
    [sample] = window.document.items.values()
    window.sliders.sliders[0].setValue(150)
    qtbot.waitUntil(lambda: len(sample.history) == 2, timeout=UI_TIMEOUT)
    assert hints(window) == []


def test_f1_opens_a_short_quick_start_naming_the_menus_keys(qtbot, window):
    """Help had only About: nothing said where to begin, nor what the panes, σ and ψ are."""
    assert keys_of(window, "&Quick start") == QKeySequence(QKeySequence.StandardKey.HelpContents).toString(NATIVE)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.keyClick(window.canvas, Qt.Key.Key_F1)
    box = next(b for b in window.findChildren(QMessageBox) if b.windowTitle() == "Quick start")
    assert box.isVisible() and not box.isModal()
    text = box.text()
    assert len(text.split()) <= 150
    assert f"File → Open images… ({keys_of(window, '&Open images…')})" in text  # the menu's words, not "Open"
    for item in ("&Open images…", "&Paste image", "&Export PNG…", "&Morph / interpolate…"):
        assert f"({keys_of(window, item)})" in text or f"{keys_of(window, item)} " in text, item
    assert f"{window.mask_tool.brush.shortcut().toString(NATIVE)} paints a mask" in text
    assert f"{window.undo_action.shortcut().toString(NATIVE)} undoes" in text
    for words in ("left pane is yours", "σ", "Typicality", "amber or red", "Preview strips", "History", "Generate",
                  "ψ", "truncation", "morphs through two or more pictures or seeds"):
        assert words in text, words
    assert "blends two pictures" not in text  # a morph takes two or more keyframes
    box.close()
    menu_item(window, "&Quick start").trigger()  # again: the same box, shown
    assert box.isVisible() and len([b for b in window.findChildren(QMessageBox)
                                    if b.windowTitle() == "Quick start"]) == 1


def test_slider_psi_draw_and_fidelity_tooltips_say_what_they_do(window):
    """A PC slider's tooltip read only "PC1 (21.4%): σ = 8.857"."""
    from genimg_gui.ui.slider_parts import direction_tip  # new with the fix: the other tests still run on old code
    window.document.select(next(iter(window.document.items)))
    sliders, info = window.sliders.sliders, window.document.models["gan"]
    first, second = sliders[0].toolTip(), sliders[1].toolTip()
    assert first.startswith(f"PC1: the direction along which this model's latents vary most "
                            f"({100 * info.directions.explained[0]:.1f} % of their variance);")
    assert f"the slider moves in σ, their spread along it (σ = {info.directions.sigma[0]:.3f})" in first
    assert second.startswith("PC2: the direction along which this model's latents vary most after PC1 (")
    assert "PC3" in direction_tip(2, "PC3 (4.0%)", 1.0, 0.04) and "after PC1–PC2" in direction_tip(
        2, "PC3 (4.0%)", 1.0, 0.04)
    assert "parts two groups of example pictures" in direction_tip(5, "skin tone: lighter → darker", 2.0, 0.0)
    panel = window.gan_panel
    assert "average picture" in panel.psi.toolTip() and "more typical" in panel.psi.toolTip()
    tips = {button.text(): button.toolTip() for button in panel.draw_buttons.buttons()}
    assert "random starting point" in tips["Own z"] and "tell its pictures from real ones" in tips["Refine"]
    assert "blend of two things" in tips["Skip mixtures"]
    ends = [label for label in panel.findChildren(QLabel) if label.text() in ("Fidelity", "Editability")]
    assert len(ends) == 2 and all(label.toolTip() == panel.editability.toolTip() for label in ends)
    assert "likeness" in panel.editability.toolTip() and "sliders behave" in panel.editability.toolTip()


def test_the_new_direction_name_is_not_genimgs_own_seed_word(qtbot, tmp_path):
    """Exported samples ("seed 0.png", "seed 7.png") as one group made the name "seed → B": no group's name."""
    folder = tmp_path / "samples"
    folder.mkdir()
    for name in ("seed 0.png", "seed 7.png"):
        Image.new("RGB", (8, 8), "red").save(folder / name)
    dialog = DirectionsDialog()
    qtbot.addWidget(dialog)
    dialog.add_files("from", [str(folder / "seed 0.png"), str(folder / "seed 7.png")])
    assert dialog.name.text() == "samples → B"


def test_the_inversion_progress_reads_step_of_steps(qtbot, window, image_files):
    """The bar read crammed "inverting 5/10 50%"."""
    open_image(qtbot, window, image_files[0])
    shown = []
    window.document.progress.connect(lambda p: shown.append(window.status.bar.format()))  # after the status bar's
    window.gan_panel.steps.setValue(10)
    with qtbot.waitSignal(window.document.history_changed, timeout=UI_TIMEOUT):
        window.gan_panel.invert_button.click()
    assert "Inverting: step 5 of 10" in shown and not any("%" in text for text in shown if "Inverting" in text)


def test_the_mask_note_names_the_brushs_key_as_its_action_has_it(qtbot, window, image_files):
    """The Sliders tab's mask note wrote "B to paint" by hand, while Quick start and the start-up hint read the keys
    off the menus' actions: a brush given another key was still called B there."""
    window.mask_tool.brush.setShortcut(QKeySequence("Ctrl+Shift+M"))
    item = open_image(qtbot, window, image_files[0])
    qtbot.waitUntil(lambda: item.shown_seq >= item.requested_seq, timeout=UI_TIMEOUT)
    window.tabs.setCurrentWidget(window.slider_tab)
    window.mask_tool.brush.trigger()
    drag_across(window.canvas, "edited", 0.5, 0.3, 0.7)
    window.mask_tool.brush.trigger()  # the brush put down: the mask in force, named under the sliders
    note = window.slider_tab.mask_note
    assert note.isVisible()
    assert f"— {QKeySequence('Ctrl+Shift+M').toString(NATIVE)} to paint," in note.text(), note.text()
