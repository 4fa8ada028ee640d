"""Two copies of one model: the window says which folder loaded, lists a model the Train… dialog wrote as trained
here (and when), and keeps a session's rename of a built-in direction, and the sliders, for a copy of the model in
another folder: a model is its weights (ModelInfo.identity), not its folder."""
from __future__ import annotations

import json
import re
import shutil
from datetime import datetime

from PySide6.QtCore import QTimer

from conftest import TOOK, UI_TIMEOUT
from genimg_gui.catalog import read_entry
from genimg_gui.ui.model_panel import PATH_ROLE
from test_directions_ui import BLUE, RED, make_in_dialog, menu_action, write_group
from ui_helpers import drop_and_wait, vae_items


def row_of(panel, path) -> int:
    return next(i for i in range(panel.list.count()) if panel.list.item(i).data(PATH_ROLE) == str(path))


def load(qtbot, window, folder) -> None:
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.document.load_model(str(folder))


def test_the_load_message_and_the_models_tooltip_name_the_folder_with_a_tilde_for_home(
        qtbot, window, model_dir, tmp_path, monkeypatch):
    """Two copies of "tiny-vae" loaded one after the other said "Loaded tiny-vae on cpu …" both times."""
    monkeypatch.setenv("HOME", str(tmp_path))  # Path.home(): the copy lies in the user's home folder
    copy = shutil.copytree(model_dir / "tiny-vae", tmp_path / "copies" / "tiny-vae")
    said: list[str] = []
    window.document.message.connect(said.append)
    load(qtbot, window, copy)
    loaded = next(s for s in said if s.startswith("Loaded "))
    assert re.fullmatch(rf"Loaded tiny-vae from ~/copies/tiny-vae on cpu in {TOOK}", loaded), loaded
    assert any(entry.text == loaded for entry in window.status.log.entries)  # the message log keeps it
    panel = window.model_panel
    assert panel.list.item(row_of(panel, copy.resolve())).toolTip() == "~/copies/tiny-vae"
    assert panel.list.item(row_of(panel, model_dir / "tiny-vae")).toolTip() == str(model_dir / "tiny-vae")  # not home


def test_a_model_the_train_dialog_wrote_is_listed_as_trained_here_and_when(qtbot, window, model_dir, tmp_path):
    """It said "opened", like a folder the user had opened by hand."""
    from genimg_gui.engine.engine import Engine
    from genimg_gui.ui.main_window import MainWindow
    from genimg_gui.ui.model_panel import trained_when

    panel = window.model_panel
    trained = shutil.copytree(model_dir / "tiny-vae", tmp_path / "my-vae")  # what a finished run wrote...
    card = json.loads((trained / "card.json").read_text())
    (trained / "card.json").write_text(json.dumps({**card, "name": "my-vae"}))  # ...named after its folder
    opened = shutil.copytree(model_dir / "tiny-gan", tmp_path / "their-gan")
    dialog = window.train_dialog()
    dialog.model_trained.emit(str(trained))  # the dialog's own signal at the run's end
    dialog.close()
    load(qtbot, window, opened)
    when = trained_when(datetime.now())
    row = panel.list.item(row_of(panel, trained))
    assert re.fullmatch(r"today \d\d:\d\d", when)
    assert row.text().startswith("my-vae — VAE, trained today ") and "opened" not in row.text()
    assert row.toolTip().startswith(f"{trained}\nTrained here with Train… on {datetime.now().day} ")
    assert "— GAN, opened" in panel.list.item(row_of(panel, opened)).text()
    assert "bundled" not in row.text()
    load(qtbot, window, trained)  # loaded ("Load it"), it is still the one trained here
    assert "trained today" in panel.list.item(row_of(panel, trained)).text()
    # the next start says so too (a second window on the same settings)
    engine = Engine("cpu")
    try:
        other = MainWindow(engine, [read_entry(model_dir / "tiny-vae"), read_entry(model_dir / "tiny-gan")])
        qtbot.addWidget(other)
        texts = [other.model_panel.list.item(i).text() for i in range(other.model_panel.list.count())]
        assert any(t.startswith("my-vae — VAE, trained today ") for t in texts), texts
        assert any(t.startswith("tiny-gan in …/") and t.endswith("/their-gan — GAN, opened") for t in texts), texts
        other.close()
    finally:
        engine.shutdown()


def test_trained_when_is_short_in_the_row():
    from genimg_gui.ui.model_panel import trained_when

    now = datetime(2026, 12, 5, 14, 7)
    assert trained_when(datetime(2026, 12, 5, 9, 30), now) == "today 09:30"
    assert trained_when(datetime(2026, 12, 3, 9, 30), now) == "3 Dec 09:30"
    assert trained_when(datetime(2025, 12, 3, 9, 30), now) == "3 Dec 2025"


def test_a_copy_of_the_vae_keeps_a_session_rename_and_its_sliders(qtbot, window, model_dir, image_files, tmp_path):
    """Renames for the session and the Sliders tab went by the folder: a copy of the model lost "smile" and had its
    sliders made again."""
    drop_and_wait(qtbot, window, image_files[:1], 1)  # the VAE's sliders on show
    [item] = vae_items(window)
    window.directions_tool.rename(0, "smile")
    assert window.sliders.labels()[0] == "smile"
    sliders = list(window.sliders.sliders)
    copy = shutil.copytree(model_dir / "tiny-vae", tmp_path / "copy" / "tiny-vae")
    load(qtbot, window, copy)
    assert window.document.models["vae"].path == str(copy.resolve())
    assert window.sliders.labels()[0] == "smile" and window.document.directions("vae").labels[0] == "smile"
    assert window.sliders.sliders == sliders  # the same sliders, not made again
    load(qtbot, window, model_dir / "tiny-vae")  # back in the first folder: the name too
    assert window.sliders.labels()[0] == "smile"
    assert not window.document.carry.pending(item.id)


def test_a_direction_made_while_a_copy_of_the_vae_loads_is_made(qtbot, window, model_dir, tmp_path):
    """"The VAE changed while encoding the examples": a copy of it encodes them the same."""
    reds, blues = write_group(tmp_path, "red", RED, 3, 0), write_group(tmp_path, "blue", BLUE, 3, 1)
    copy = shutil.copytree(model_dir / "tiny-vae", tmp_path / "copy" / "tiny-vae")
    errors: list[str] = []
    window.document.error.connect(errors.append)

    def load_then_make() -> None:  # in the dialog, as it opens: nothing comes back between the two
        window.document.load_model(str(copy))  # queued before the examples' encoding, answered before it
        make_in_dialog(qtbot, "bluer", reds, blues, keep_fixed=False, method="means")
    QTimer.singleShot(0, load_then_make)
    menu_action(window, "New &direction from examples…").trigger()
    in_copy = str(copy.resolve())
    qtbot.waitUntil(lambda: not window.directions_tool.jobs and window.document.models["vae"].path == in_copy,
                    timeout=UI_TIMEOUT)
    assert "bluer" in window.document.directions("vae").labels, errors
    assert not any("changed while encoding" in e for e in errors)



def test_a_session_restored_over_a_copy_of_its_model_does_not_load_the_model_again(qtbot, window, model_dir,
                                                                                    image_files, tmp_path):
    """Restoring compared the folder: a session of the tiny VAE, restored while a copy of it was loaded, loaded the
    first folder again (time, and a "Loaded …" in the status bar) for the same weights."""
    from genimg_gui.session import load_session, save_session

    doc = window.document
    drop_and_wait(qtbot, window, image_files[:1], 1)
    saved = load_session(save_session(doc.to_session(), tmp_path / "session.safetensors"))
    copy = shutil.copytree(model_dir / "tiny-vae", tmp_path / "copy" / "tiny-vae")
    load(qtbot, window, copy)
    with qtbot.assertNotEmitted(doc.model_loaded, wait=2000):
        doc.restore(saved)
    assert doc.models["vae"].path == str(copy.resolve()) and len(vae_items(window)) == 2


def test_a_loaded_model_trained_again_in_its_folder_is_not_marked_as_the_weights_in_use(qtbot, window, model_dir,
                                                                                      tmp_path):
    """"Start over" into the folder of the loaded VAE left its row "active", with the old weights in use."""
    panel = window.model_panel
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "my-vae")
    load(qtbot, window, folder)
    row = row_of(panel, folder.resolve())
    assert "· active" in panel.list.item(row).text()
    window.train_dialog().model_trained.emit(str(folder))  # a run wrote new weights there
    window.train_dialog().close()
    text = panel.list.item(row_of(panel, folder.resolve())).text()
    assert "active" not in text and text.endswith(" · loaded before it was trained again"), text
    assert "load it again to use them" in panel.list.item(row_of(panel, folder.resolve())).toolTip()
    assert panel.details["Model"].text() == "tiny-vae (loaded before it was trained again)"
    said = "tiny-vae was trained again: load it to use the new weights (the old ones are in use until then)"
    assert any(entry.text == said for entry in window.status.log.entries)
    assert "· active" in panel.list.item(row_of(panel, model_dir / "tiny-gan")).text()  # the GAN is untouched
    load(qtbot, window, folder)  # loaded again: its new weights are in use
    assert panel.list.item(row_of(panel, folder.resolve())).text().endswith(" · active")
    assert panel.details["Model"].text() == "tiny-vae"


def test_the_card_of_a_model_loaded_before_it_was_trained_again_is_the_one_it_was_loaded_with(qtbot, window,
                                                                                               model_dir, tmp_path):
    """Its row, clicked again, read the folder's new card: the new weights' PSNR 10.21 shown as that of the weights in
    use (14.71). Now those figures are the card it was loaded with, the new ones below them, as not loaded."""
    panel = window.model_panel
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "my-vae")
    card = json.loads((folder / "card.json").read_text())
    trained = lambda psnr, data: {**card, "metrics": {"held_out_psnr_db": psnr},  # noqa: E731
                                  "training": {**card.get("training", {}), "data": data}}
    (folder / "card.json").write_text(json.dumps(trained(14.71, "old faces")))
    load(qtbot, window, folder)
    (folder / "card.json").write_text(json.dumps(trained(10.21, "new faces")))  # a run wrote a new model there
    window.train_dialog().model_trained.emit(str(folder))
    window.train_dialog().close()
    in_use = ("Held-out PSNR: 14.71 dB\n(hover for what they mean)\n\nNew weights in its folder, not loaded yet:\n"
              "Held-out PSNR: 10.21 dB")
    row = row_of(panel, folder.resolve())
    for _ in range(2):  # as the mark came, then with the row clicked again, which re-reads its folder's card
        assert panel.details["Metrics"].text() == in_use
        assert panel.details["Training data"].text() == "old faces"
        panel.list.setCurrentRow(row_of(panel, model_dir / "tiny-gan"))
        assert panel.details["Metrics"].text() != in_use
        panel.list.setCurrentRow(row)
    load(qtbot, window, folder)  # loaded again: the new card is the one in use, alone
    assert panel.details["Metrics"].text() == "Held-out PSNR: 10.21 dB\n(hover for what they mean)"
    assert panel.details["Training data"].text() == "new faces"


def test_a_model_trained_that_is_not_loaded_says_nothing_of_weights_in_use(qtbot, window, model_dir, tmp_path):
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "my-vae")
    window.train_dialog().model_trained.emit(str(folder))
    window.train_dialog().close()
    assert not any("trained again" in entry.text for entry in window.status.log.entries)
    assert "trained again" not in window.model_panel.list.item(row_of(window.model_panel, folder)).text()


def test_a_loaded_model_trained_again_from_a_terminal_is_noticed_once(qtbot, window, model_dir, tmp_path):
    """Only a Train… run's model told the list; `genimg train … -o` into a loaded folder from a terminal left it
    "active" with the old weights in use. Now the folder is watched: new weights mark it, a sample grid does not."""
    from safetensors.torch import load_file, save_file

    panel = window.model_panel
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "my-vae")
    load(qtbot, window, folder)
    said = "tiny-vae was trained again: load it to use the new weights (the old ones are in use until then)"

    def times_said() -> int:
        return sum(entry.text == said for entry in window.status.log.entries)

    (folder / "samples.png").write_bytes(b"a run's sample grid")  # no new weights: nothing to say
    same = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").unlink()
    (folder / "model.safetensors").write_bytes(same)  # the same weights written again (a copy over the folder)
    qtbot.wait(1200)
    assert times_said() == 0 and "· active" in panel.list.item(row_of(panel, folder.resolve())).text()
    weights = load_file(folder / "model.safetensors")
    save_file({k: v + 0.01 for k, v in weights.items()}, str(folder / "model.safetensors"))  # the run's end
    qtbot.waitUntil(lambda: times_said() == 1, timeout=UI_TIMEOUT)
    assert panel.list.item(row_of(panel, folder.resolve())).text().endswith(" · loaded before it was trained again")
    window.train_dialog().model_trained.emit(str(folder))  # had a Train… run written it, it is said once
    window.train_dialog().close()
    qtbot.wait(700)
    assert times_said() == 1
    load(qtbot, window, folder)  # loaded again: in use, and watched from its new weights
    assert panel.list.item(row_of(panel, folder.resolve())).text().endswith(" · active")


def test_the_weights_digest_of_a_watched_folder_is_read_off_the_ui_thread(qtbot, window, model_dir, tmp_path,
                                                                          monkeypatch):
    """Where only the weights file's time changed, the watch reads its digest: that read held the window (an SD
    VAE's 300 MB, a second or more). Now it runs on a thread of its own, and what it finds is still said."""
    import threading

    from safetensors.torch import load_file, save_file

    from genimg_gui import weights_file

    read_on: list[bool] = []
    original = weights_file.weights_digest

    def digest(folder):
        read_on.append(threading.current_thread() is threading.main_thread())
        return original(folder)

    monkeypatch.setattr(weights_file, "weights_digest", digest)  # read by held_digest: the load's and the watch's
    folder = shutil.copytree(model_dir / "tiny-vae", tmp_path / "my-vae")
    load(qtbot, window, folder)
    weights = load_file(folder / "model.safetensors")
    save_file({k: v + 0.01 for k, v in weights.items()}, str(folder / "model.safetensors"))  # same size, new weights
    said = "tiny-vae was trained again: load it to use the new weights (the old ones are in use until then)"
    qtbot.waitUntil(lambda: any(entry.text == said for entry in window.status.log.entries), timeout=UI_TIMEOUT)
    assert read_on == [False, False]  # the load's on the worker, the watch's on a thread of its own
