"""Settings persist across windows: recent files, last models, the chosen device, geometry."""
from __future__ import annotations

from pathlib import Path

from PIL import Image
from PySide6.QtCore import QRect

from conftest import quit_questions_cancelled
from ui_helpers import exports_written
from genimg_gui.catalog import read_entry
from genimg_gui.engine.engine import Engine
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.session_questions import STAY
from genimg_gui.ui.settings import Settings

TIMEOUT = 30_000


def test_recent_files_and_last_model_survive_a_new_window(qtbot, engine, model_dir, image_files):
    entries = [read_entry(model_dir / "tiny-vae")]
    first = MainWindow(engine, entries)
    qtbot.addWidget(first)
    with qtbot.waitSignal(first.document.model_loaded, timeout=TIMEOUT):
        first.document.load_model(str(model_dir / "tiny-vae"))
    first.open_paths([str(image_files[0])])
    first.model_panel.device_requested.emit("cpu")
    first.setGeometry(QRect(40, 50, 720, 520))  # the offscreen screen is 800x600
    assert not first.sliders.previews_enabled()
    qtbot.waitUntil(first.sliders.isEnabled, timeout=TIMEOUT)  # the picture is open
    first.sliders.previews_box.click()  # preview strips on: they were off again after a restart
    first.close()

    again = Settings()
    assert again.recent_files()[0] == str(image_files[0])
    assert again.last_model("vae") == str(model_dir / "tiny-vae")
    assert again.last_model("gan") is None
    assert again.device() == "cpu"

    second = MainWindow(engine, entries)
    qtbot.addWidget(second)
    second.recent_menu.aboutToShow.emit()
    paths = [a.data() for a in second.recent_menu.actions()]
    assert str(image_files[0]) in paths
    assert (second.size().width(), second.size().height()) == (720, 520)
    assert second.sliders.previews_enabled()


def test_recent_menu_opens_the_file(qtbot, engine, model_dir, image_files):
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(model_dir / "tiny-vae"))
    w.settings.add_recent([str(image_files[1])])
    w.recent_menu.aboutToShow.emit()
    action = next(a for a in w.recent_menu.actions() if a.data() == str(image_files[1]))
    with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT) as blocker:
        action.trigger()
    assert blocker.args[0].name == image_files[1].name
    w.close()


def test_closing_with_unexported_edits_asks_and_cancel_keeps_the_window(qtbot, engine, model_dir, image_files,
                                                                       monkeypatch, tmp_path):
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(model_dir / "tiny-vae"))
    with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
        w.open_paths([str(image_files[0])])
    asked = quit_questions_cancelled(monkeypatch)
    # nothing edited yet: quitting asks nothing (asked, not closed: a close ends the engine, and the edit's picture,
    # which its export waits for, would never be drawn)
    assert w.questions.quit_answer() != STAY and asked == []
    w.sliders.sliders[0].setValue(150)  # a key-step edit: recorded in history
    assert len(w.document.unexported()) == 1

    assert not w.close()
    assert w.isVisible() and asked[0] == f"The edited image “{image_files[0].name}” has not been exported."
    w.exports.export_png(str(tmp_path / "out.png"))
    exports_written(qtbot, w)  # the edit's picture, once drawn
    assert w.document.unexported() == []
    assert w.close()


def test_export_dialogs_open_where_the_user_works_and_drop_the_images_own_extension(qtbot, engine, model_dir,
                                                                                     image_files, tmp_path,
                                                                                     monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(model_dir / "tiny-vae"))
    with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
        w.open_paths([str(image_files[0])])  # "a.png", say
    w.sliders.sliders[0].setValue(150)  # an edit: a recipe saves one (an unedited picture is told so, no dialog)
    offered = []
    chosen = tmp_path / "exports" / "mine.png"
    chosen.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _w, _t, start, _f, *_: offered.append(start) or
                        (str(chosen), ""))
    w.exports.export_png_dialog(1)
    stem = image_files[0].stem
    # beside the file it opened, not a.png.png, and not over it
    assert offered[0] == str(image_files[0].parent / f"{stem}_edited.png")
    exports_written(qtbot, w)  # the edit's picture, once drawn
    assert chosen.is_file()
    w.exports.export_latent_dialog()
    assert offered[1] == str(chosen.parent / f"{stem}_edited.npz")  # then where it last exported
    w.recipes.save_dialog()
    assert offered[2] == str(chosen.parent / f"{stem}.recipe.json")
    assert Settings().export_path("seed 5", ".png") == str(chosen.parent / "seed_5.png")


def test_export_names_drop_the_image_extension_of_derived_names_too(tmp_path):
    s = Settings(str(tmp_path / "s.ini"))
    folder = Path(s.export_path("x", "")).parent
    # a derived name's words joined by "_", as "seed0042.png" is one word: "1f600 (inverted).png" needed quotes
    for name, expected in (("1f600.png", "1f600_edited.png"), ("1f600.png (inverted)", "1f600_inverted.png"),
                           ("a.JPG (to VAE) (inverted)", "a_to_VAE_inverted.png"), ("seed 5", "seed_5.png"),
                           ("photo.v2", "photo.v2.png"), ("pngs.png.txt", "pngs.png.txt.png"),
                           ("my cat.png", "my cat_edited.png"), ("face.png, inverted 2", "face_inverted_2.png")):
        assert s.export_path(name, ".png", edit=True) == str(folder / expected)


def test_a_file_that_could_not_be_opened_leaves_open_recent(qtbot, engine, model_dir, image_files, tmp_path):
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(model_dir / "tiny-vae"))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG not really")
    with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
        w.open_paths([str(broken), str(image_files[0])])
    qtbot.waitUntil(lambda: "broken.png" in w.last_error, timeout=TIMEOUT)
    assert Settings().recent_files() == [str(image_files[0])]
    w.close()


def test_an_export_is_never_offered_over_an_existing_file(tmp_path):
    s = Settings()
    s.exported_to(str(tmp_path / "earlier.png"))
    (tmp_path / "1f60d.png").write_bytes(b"an input picture")
    (tmp_path / "1f60d_edited.png").write_bytes(b"an earlier export")
    assert s.export_path("1f60d.png", ".png", edit=True) == str(tmp_path / "1f60d-2_edited.png")
    assert s.export_path("1f60d.png", ".npz", edit=True) == str(tmp_path / "1f60d_edited.npz")
    assert s.export_path("1f60d.png", ".png") == str(tmp_path / "1f60d-2.png")  # not an edit: still not over it


def test_an_image_export_never_offers_the_pictures_own_name_wherever_the_dialog_starts(qtbot, window, tmp_path,
                                                                                       monkeypatch):
    """gray.png exported where the last export went was offered as gray.png: the picture itself once the user went
    back to its folder, or where this process cannot see the file there (a sandboxed app's portal)."""
    from PySide6.QtWidgets import QFileDialog

    source, exports = tmp_path / "photos" / "gray.png", tmp_path / "exports"
    source.parent.mkdir()
    exports.mkdir()
    Image.new("RGB", (32, 32), (128, 128, 128)).save(source)
    window.settings.exported_to(str(exports / "earlier.png"))
    with qtbot.waitSignal(window.document.item_added, timeout=TIMEOUT):
        window.open_paths([str(source)])
    window.sliders.sliders[0].setValue(150)  # an edit: a recipe saves one (an unedited picture is told so, no dialog)
    offered = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _w, _t, start, _f, *_: offered.append(start) or ("", ""))
    window.exports.export_png_dialog(1)
    window.exports.export_png_dialog(4)
    window.exports.export_latent_dialog()
    window.recipes.save_dialog()
    assert offered == [str(exports / name) for name in ("gray_edited.png", "gray_edited@4x.png", "gray_edited.npz",
                                                        "gray.recipe.json")]
    sample = next(i for i in window.document.items.values() if i.kind == "gan")
    window.document.select(sample.id)
    window.exports.export_png_dialog(1)  # a GAN sample has no picture of its own to write over
    assert offered[-1] == str(exports / f"seed{sample.seed:04d}.png")  # as `genimg generate` names it


def test_a_numbered_export_goes_on_as_name_2_and_an_image_export_as_edited(tmp_path):
    s = Settings()
    s.exported_to(str(tmp_path / "morph.gif"))
    (tmp_path / "morph.mp4").write_bytes(b"the first morph")
    assert s.export_path("morph", ".mp4", numbered=True) == str(tmp_path / "morph 2.mp4")  # was "morph (edited).mp4"
    (tmp_path / "morph 2.mp4").write_bytes(b"the second")
    assert s.export_path("morph", ".mp4", numbered=True) == str(tmp_path / "morph 3.mp4")
    assert s.export_path("morph", ".gif", numbered=True) == str(tmp_path / "morph.gif")
    # ...but a morph's number is taken by a morph in any of its formats: "morph 2.gif" beside "morph 2.mp4" was one
    assert s.export_path("morph", ".gif", numbered=True, siblings=(".gif", ".mp4")) == str(tmp_path / "morph 3.gif")
    (tmp_path / "1f60d.png").write_bytes(b"an input picture")  # beside it, an edit's PNG is still "_edited"
    assert s.export_path("1f60d.png", ".png", edit=True) == str(tmp_path / "1f60d_edited.png")


def test_a_model_trained_or_opened_is_listed_again_at_the_next_start(qtbot, engine, model_dir, tmp_path):
    import shutil

    folder = tmp_path / "my-vae"
    shutil.copytree(model_dir / "tiny-vae", folder)
    first = MainWindow(engine, [read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(first)
    first.train_dialog().model_trained.emit(str(folder))  # as a finished Train… run reports it
    assert str(folder) in [e.path for e in first.model_list.entries]
    first.settings.sync()

    def listed_at_a_new_start() -> list[str]:
        window = MainWindow(engine, [read_entry(model_dir / "tiny-gan")])
        qtbot.addWidget(window)
        return [e.path for e in window.model_list.entries]
    assert listed_at_a_new_start() == [str(model_dir / "tiny-gan"), str(folder)]
    shutil.rmtree(folder)
    assert listed_at_a_new_start() == [str(model_dir / "tiny-gan")]  # gone from disk: not listed



def test_a_model_loaded_through_a_symlink_is_listed_once(qtbot, engine, model_dir, tmp_path):
    link = tmp_path / "link-to-vae"
    link.symlink_to(model_dir / "tiny-vae", target_is_directory=True)
    window = MainWindow(engine, [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.document.model_loaded, timeout=TIMEOUT):
        window.document.load_model(str(link))
    paths = [e.path for e in window.model_list.entries]
    assert paths == [str(model_dir / "tiny-vae"), str(model_dir / "tiny-gan")]  # not a third row for the link
    assert window.model_panel.list.count() == 2


def test_a_model_remembered_through_a_symlink_is_listed_once(qtbot, engine, model_dir, tmp_path):
    import shutil

    folder = tmp_path / "my-vae"
    shutil.copytree(model_dir / "tiny-vae", folder)
    (tmp_path / "link").symlink_to(folder, target_is_directory=True)
    first = MainWindow(engine, [read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(first)
    for path in (folder, tmp_path / "link"):  # as an older version remembered the two spellings
        first.settings.add_known_model(str(path))
    first.settings.sync()
    again = MainWindow(engine, [read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(again)
    assert [e.path for e in again.model_list.entries] == [str(model_dir / "tiny-gan"), str(folder)]


def test_a_file_opened_by_a_relative_path_is_remembered_by_its_full_path(qtbot, engine, model_dir, image_files,
                                                                         monkeypatch):
    monkeypatch.chdir(image_files[0].parent)  # as `genimg-gui photo.png` typed in its folder
    w = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(w)
    with qtbot.waitSignal(w.document.model_loaded, timeout=TIMEOUT):
        w.document.load_model(str(model_dir / "tiny-vae"))
    with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
        w.open_paths([image_files[0].name])
    assert w.settings.recent_files()[0] == str(image_files[0])
    monkeypatch.chdir(model_dir)  # the next start, elsewhere: the recent entry still opens
    w.document.close_item()  # (not open then: an open one is shown, not opened again)
    w.recent_menu.aboutToShow.emit()
    action = next(a for a in w.recent_menu.actions() if a.data() == str(image_files[0]))
    with qtbot.waitSignal(w.document.item_added, timeout=TIMEOUT):
        action.trigger()
    w.close()


def test_a_very_long_file_name_is_offered_cut_to_fit_the_file_system(qtbot, window, tmp_path, monkeypatch):
    """An image named with 250 "y"s: Export PNG and Save edit recipe did nothing but print "OSError: [Errno 36] File
    name too long" on stderr, for "yyy… (edited).png" passed the file system's 255 bytes."""
    from PySide6.QtWidgets import QFileDialog

    source = tmp_path / f"{'y' * 250}.png"
    Image.new("RGB", (32, 32), (128, 128, 128)).save(source)
    with qtbot.waitSignal(window.document.item_added, timeout=TIMEOUT):
        window.open_paths([str(source)])
    window.sliders.sliders[0].setValue(150)  # an edit: a recipe saves one (an unedited picture is told so, no dialog)
    offered = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _w, _t, start, _f, *_: offered.append(start) or ("", ""))
    window.exports.export_png_dialog(1)
    window.recipes.save_dialog()
    window.exports.export_latent_dialog()
    names = [Path(p).name for p in offered]
    assert [n[n.index("…"):] for n in names[:3]] == ["…_edited.png", "….recipe.json", "…_edited.npz"]
    assert all(len(n.encode()) <= 255 and n.startswith("y" * 200) for n in names)
    (tmp_path / names[0]).write_bytes(b"an earlier export")  # the cut name is a real name: numbering goes on
    window.exports.export_png_dialog(1)
    assert Path(offered[-1]).name.endswith("…-2_edited.png") and len(Path(offered[-1]).name.encode()) <= 255


def test_the_names_offered_for_a_very_long_name_can_be_written(qtbot, window, tmp_path, monkeypatch):
    """A 255-byte name offered could still not be written: the temp file beside it, and a recipe's mask
    (NAME.mask.png beside NAME.recipe.json), had longer names."""
    import numpy as np
    from PySide6.QtWidgets import QFileDialog

    source = tmp_path / f"{'y' * 250}.png"
    Image.new("RGB", (32, 32), (128, 128, 128)).save(source)
    with qtbot.waitSignal(window.document.item_added, timeout=TIMEOUT):
        window.open_paths([str(source)])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _w, _t, start, _f, *_: (start, ""))  # as offered
    doc = window.document
    qtbot.waitUntil(window.sliders.isEnabled, timeout=TIMEOUT)
    window.sliders.sliders[0].setValue(150)
    doc.commit_state(doc.current.history.current.with_mask(np.ones(doc.current.image.shape[:2], np.float32)))
    window.exports.export_png_dialog(1)
    window.recipes.save_dialog()
    window.exports.export_latent_dialog()
    exports_written(qtbot, window)  # the PNG: the edit's picture, once drawn
    assert window.last_error == ""
    written = [p.name for p in tmp_path.iterdir() if p != source]
    tails = {n[n.rindex("y") + 1:] for n in written}
    assert tails == {"…_edited.png", "….recipe.json", "….recipe.mask.png", "…_edited.npz"}
    assert all(len(n.encode()) <= 255 for n in written)


def test_a_numbered_or_non_ascii_name_is_cut_in_whole_characters(tmp_path):
    s = Settings()
    s.exported_to(str(tmp_path / "earlier.gif"))
    long = "é" * 200  # 400 bytes in UTF-8
    name = Path(s.export_path(long, ".mp4", numbered=True)).name
    assert name.endswith("….mp4") and len(name.encode()) <= 255
    (tmp_path / name).write_bytes(b"the first")
    name = Path(s.export_path(long, ".mp4", numbered=True)).name
    assert name.endswith("… 2.mp4") and len(name.encode()) <= 255


def test_a_path_too_long_to_write_says_so_in_the_window(qtbot, window, tmp_path):
    window.exports.export_png(str(tmp_path / f"{'y' * 300}.png"))
    exports_written(qtbot, window)  # written (or not) off the GUI thread
    assert "Could not write" in window.last_error and "too long" in window.last_error


def test_open_recent_elides_long_paths_and_shows_them_whole_in_a_tooltip(qtbot, window, tmp_path):
    """Full paths ran off a 1440-px screen."""
    from genimg_gui.ui.open_actions import RECENT_PX

    long = str(tmp_path / ("d" * 120) / f"{'y' * 200}.png")
    short = "/tmp/cats & dogs.png"  # short wherever pytest's folders are (a parallel run's are longer)
    window.settings.add_recent([long, short])
    menu = window.recent_menu
    menu.aboutToShow.emit()
    entries = {a.data(): a for a in menu.actions() if a.data()}
    assert entries[long].text().endswith("yyy.png") and "…" in entries[long].text()
    assert menu.fontMetrics().horizontalAdvance(entries[long].text()) <= RECENT_PX
    assert (entries[long].toolTip(), entries[long].statusTip()) == (long, long) and menu.toolTipsVisible()
    assert entries[short].text() == short.replace("&", "&&")  # shown as "cats & dogs.png", not "cats  dogs.png"
    assert menu.sizeHint().width() < 800


def test_the_inversions_steps_and_balance_are_kept_for_the_next_start(qtbot, engine, model_dir):
    """Steps was back to 200 after a restart, where the app's other forms keep their values."""
    entries = [read_entry(model_dir / "tiny-gan")]
    first = MainWindow(engine, entries)
    qtbot.addWidget(first)
    first.gan_panel.steps.setValue(600)
    first.gan_panel.editability.setValue(20)
    first.close()
    assert Settings().inversion_form() == {"steps": 600, "editability": 20}

    second = MainWindow(engine, entries)
    qtbot.addWidget(second)
    assert (second.gan_panel.steps.value(), second.gan_panel.editability.value()) == (600, 20)


def test_an_unreadable_inversion_setting_leaves_the_default(qtbot, engine, model_dir):
    Settings().q.setValue("inversion/steps", "many")
    window = MainWindow(engine, [read_entry(model_dir / "tiny-gan")])
    qtbot.addWidget(window)
    assert window.gan_panel.steps.value() == 200 and Settings().inversion_form() == {}


def fit_menu_actions(window) -> list:
    file = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    return next(a.menu() for a in file.actions() if a.text() == "Fit new &images").actions()


def test_the_fit_for_new_images_is_kept_for_the_next_start(qtbot, engine, model_dir, image_files):
    """Letterbox chosen, then a restart: it was back to crop, and the next photo was cropped."""
    entries = [read_entry(model_dir / "tiny-vae")]
    first = MainWindow(engine, entries)
    qtbot.addWidget(first)
    assert first.fit_mode.currentText() == "crop"  # the first choice, at a first start
    fit_menu_actions(first)[1].trigger()  # File → Fit new images → letterbox
    first.close()

    second = MainWindow(Engine("cpu"), entries)  # a new start: closing the first window shut its engine down
    qtbot.addWidget(second)
    assert second.fit_mode.currentText() == "letterbox"
    assert [a.isChecked() for a in fit_menu_actions(second)] == [False, True]  # the menu says so too
    with qtbot.waitSignal(second.document.model_loaded, timeout=TIMEOUT):
        second.document.load_model(str(model_dir / "tiny-vae"))
    second.open_paths([str(image_files[0])])
    qtbot.waitUntil(lambda: second.document.current is not None, timeout=TIMEOUT)
    assert second.document.current.fit == "letterbox"  # and the next photo is opened so
    second.fit_mode.setCurrentText("crop")  # the toolbar's box is remembered alike
    assert Settings().fit() == "crop"
    second.close()


def test_an_unreadable_fit_setting_leaves_crop(qtbot, engine, model_dir):
    Settings().q.setValue("fit_new_images", "stretch")
    window = MainWindow(engine, [read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(window)
    assert window.fit_mode.currentText() == "crop" and Settings().fit() == "crop"
