"""Latent files opened in the window, as pictures are (File → Open images…, a drop): the app's own exports and the
CLI's --save-latents come back as items it edits, the edit in History and on the sliders, drawn as `genimg decode`
draws them; their model loaded first where another is, found by its weights as `genimg decode` finds it, the switch
said; damaged or wrong-shape files said so, the app going on. The window said "x_edited.npz is not an image in a
format genimg reads" of each."""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace

import numpy as np
import torch
from PIL import Image
from PySide6.QtWidgets import QFileDialog

from conftest import TINY_VAE, UI_TIMEOUT, make_model_folder
from genimg_gui import catalog, cli, cli_decode, cli_models
from genimg_gui import session as sess
from genimg_gui.engine.engine import Engine
from genimg_gui.models.vae import ConvVAE
from genimg_gui.ui.main_window import MainWindow
from genimg_gui.ui.qimage import from_qimage
from genimg_gui.ui.session_questions import unexported_work
from genimg_gui.ui.settings import Settings

from session_helpers import offered
from test_masked_edits import masked_edit, open_images, settle
from test_crop_note import click_thumbnail
from test_open_dialog import type_and_accept
from ui_helpers import drop


def opened(qtbot, window, path, open_it=None):
    """The new item a latent file opens as (open_it: how, else File → Open images… as the window's open_paths)."""
    doc = window.document
    before = set(doc.items)
    (open_it or (lambda: window.open_paths([str(path)])))()
    qtbot.waitUntil(lambda: bool(set(doc.items) - before), timeout=UI_TIMEOUT)
    [new] = [doc.items[i] for i in set(doc.items) - before]
    settle(qtbot, new)
    return new


def decoded(tmp_path, path, model) -> np.ndarray:
    """The picture `genimg decode` draws of the file."""
    out = tmp_path / "decoded"
    assert cli.main(["decode", str(path), "--vae", str(model), "-o", str(out), "--device", "cpu"]) == 0
    return pixels(out / f"{path.stem}_decoded.png")


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def load(qtbot, window, folder) -> None:
    """folder loaded as the model of its kind, the pictures open carried into it."""
    doc = window.document
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(folder))
    qtbot.waitUntil(lambda: not doc.carry.pending_any() and not doc.jobs, timeout=UI_TIMEOUT)
    settle(qtbot, doc.current)


def other_vae(folder, seed: int, name: str):
    """A model folder of the tiny VAE's sizes and other weights."""
    torch.manual_seed(seed)
    net = ConvVAE(TINY_VAE)
    for p in net.parameters():
        p.data.add_(0.05 * seed)
    return make_model_folder(folder, net, name)


def edited_export(qtbot, window, path, value: int = 100) -> None:
    """The current picture's PC1 moved, its latent exported to path."""
    item = window.document.current
    window.sliders.sliders[0].setValue(value)
    qtbot.waitUntil(lambda: item.history.current.values[0] == value / 100, timeout=UI_TIMEOUT)
    settle(qtbot, item)
    window.exports.export_latent(str(path))


def test_an_exported_edit_opens_as_an_item_with_its_edit_in_history(qtbot, window, model_dir, image_files,
                                                                   tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    window.sliders.sliders[0].setValue(150)
    window.sliders.sliders[2].setValue(-80)
    qtbot.waitUntil(lambda: item.history.current.values[:3] == (1.5, 0.0, -0.8), timeout=UI_TIMEOUT)
    settle(qtbot, item)
    window.exports.export_latent(str(tmp_path / "x_edited.npz"))
    new = opened(qtbot, window, tmp_path / "x_edited.npz")
    assert new is window.document.current and new.kind == "vae" and new.name == "x_edited"
    assert np.array_equal(new.image, item.image)
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "x_edited.npz", model_dir / "tiny-vae"))
    assert np.array_equal(from_qimage(window.canvas.edited), new.image)
    # its unedited latent, then the edit as one step: undone, the picture as encoded
    assert len(new.history) == 2 and new.history.current.values == item.history.current.values
    assert np.array_equal(new.history.nodes()[0].state.base, item.history.nodes()[0].state.base)
    assert [s.value() for s in window.sliders.sliders[:3]] == [150, 0, -80]
    assert np.array_equal(new.original, window.document.items[item.id].thumbs[0])
    window.document.undo()
    qtbot.waitUntil(lambda: window.sliders.sliders[0].value() == 0, timeout=UI_TIMEOUT)
    settle(qtbot, new)
    assert np.array_equal(new.image, new.original)
    assert "its edit is its last step in History" in window.status.log.text()


def test_a_masked_edit_opens_masked_as_genimg_decode_draws_it(qtbot, window, model_dir, image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    masked_edit(qtbot, window, item)
    window.exports.export_latent(str(tmp_path / "masked.npz"))
    new = opened(qtbot, window, tmp_path / "masked.npz", lambda: drop(window, [tmp_path / "masked.npz"]))
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "masked.npz", model_dir / "tiny-vae"))
    assert np.array_equal(new.history.current.mask, item.history.current.mask)
    assert new.history.current.values == item.history.current.values


def test_a_cli_gan_sample_opens_in_the_gan_with_its_seed(qtbot, window, model_dir, tmp_path):
    assert cli.main(["generate", "--gan", str(model_dir / "tiny-gan"), "--seeds", "42", "--psi", "0.5",
                     "--save-latents", "-o", str(tmp_path), "--device", "cpu"]) == 0
    new = opened(qtbot, window, tmp_path / "seed0042.npz")
    assert new.kind == "gan" and (new.seed, new.psi, new.name) == (42, 0.5, "seed 42")
    assert window.gan_panel.seed.value() == 42 and window.gan_panel.psi.value() == 50
    assert np.array_equal(new.image, pixels(tmp_path / "seed0042.png"))


def captions(window) -> list[str]:
    """The filmstrip's thumbnails' names, whole (their tooltips), left to right."""
    strip = window.filmstrip
    return [strip.item(row).toolTip() for row in range(strip.count())]


def test_a_samples_latent_opened_beside_it_is_told_apart_in_the_filmstrip(qtbot, window, tmp_path):
    """seed0044.npz, exported from the sample "seed 44" and edited there, opened beside it as a second "seed 44":
    only History told the two thumbnails apart. A latent file's sample is numbered as a picture opened twice is."""
    sample = window.document.current
    window.gan_panel.seed.setValue(44)
    qtbot.waitUntil(lambda: sample.seed == 44 and not window.document.samples.pending, timeout=UI_TIMEOUT)
    settle(qtbot, sample)
    edited_export(qtbot, window, tmp_path / "seed0044.npz")  # the name Export latent… offers it
    new = opened(qtbot, window, tmp_path / "seed0044.npz", lambda: drop(window, [tmp_path / "seed0044.npz"]))
    assert (new.seed, sample.name, new.name) == (44, "seed 44", "seed 44 (2)")
    assert captions(window) == ["seed 44", "seed 44 (2)"]
    window.document.undo()  # back to its unedited sample: the name stays its own
    qtbot.waitUntil(lambda: window.sliders.sliders[0].value() == 0, timeout=UI_TIMEOUT)
    settle(qtbot, new)
    assert new.name == "seed 44 (2)" and captions(window) == ["seed 44", "seed 44 (2)"]


def drawn_seed(qtbot, window, seed: int):
    """seed entered in the Generate tab, its sample back: the current item, the same one or a new sample."""
    doc = window.document
    window.gan_panel.seed.setValue(seed)
    qtbot.waitUntil(lambda: doc.current.seed == seed and not doc.samples.pending, timeout=UI_TIMEOUT)
    settle(qtbot, doc.current)
    return doc.current


def test_a_sample_drawn_beside_a_latent_of_its_seed_is_numbered_too(qtbot, window, image_files, tmp_path):
    """The other order: seed0044.npz open (its sample stepped on since), seed 44 drawn again was a second "seed 44"
    in the filmstrip, as a new sample or as a sample stepped to it; and an undo back to "seed 0" while another item
    had taken that name since made two of those. Every name in the filmstrip is its own."""
    sample = window.document.current
    drawn_seed(qtbot, window, 44)
    edited_export(qtbot, window, tmp_path / "seed0044.npz")
    drawn_seed(qtbot, window, 0)
    latent = opened(qtbot, window, tmp_path / "seed0044.npz")
    assert captions(window) == ["seed 0", "seed 44"]
    open_images(qtbot, window, image_files[:1])
    new = drawn_seed(qtbot, window, 44)  # over a picture with no seed: a new sample
    assert new not in (sample, latent) and new.name == "seed 44 (2)"
    click_thumbnail(qtbot, window, "seed 0")
    assert drawn_seed(qtbot, window, 44) is sample and sample.name == "seed 44 (3)"
    click_thumbnail(qtbot, window, "image 0.png")
    another = drawn_seed(qtbot, window, 0)  # "seed 0" is free now
    assert another.name == "seed 0"
    click_thumbnail(qtbot, window, "seed 44 (3)")
    window.undo_action.trigger()  # back to the sample's seed 0
    qtbot.waitUntil(lambda: sample.seed == 0, timeout=UI_TIMEOUT)
    assert sample.name == "seed 0 (2)"
    assert captions(window) == ["seed 0 (2)", "seed 44", "image 0.png", "seed 44 (2)", "seed 0"]


def test_a_file_of_another_vae_loads_that_vae_first(qtbot, window, model_dir, image_files, tmp_path):
    item, = open_images(qtbot, window, image_files[:1])
    window.sliders.sliders[0].setValue(120)
    qtbot.waitUntil(lambda: item.history.current.values[0] == 1.2, timeout=UI_TIMEOUT)
    settle(qtbot, item)
    window.exports.export_latent(str(tmp_path / "mine.npz"))
    torch.manual_seed(7)
    other = make_model_folder(tmp_path / "other-vae", ConvVAE(TINY_VAE), "other-vae")
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.document.load_model(str(other))
    new = opened(qtbot, window, tmp_path / "mine.npz")
    assert window.document.models["vae"].name == "tiny-vae"
    assert ("Switching the VAE from other-vae to tiny-vae, which made mine.npz; the pictures open follow it"
            in window.status.log.text())
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "mine.npz", model_dir / "tiny-vae"))
    assert new.history.current.values[0] == 1.2


def test_a_file_whose_model_is_nowhere_is_refused_naming_it(qtbot, window, tmp_path):
    path = tmp_path / "lost.npz"
    latent = np.zeros(512, np.float32)
    np.savez(path, latent=latent, base=latent, values=np.zeros(0, np.float32), labels=np.asarray([], str),
             model=np.asarray(json.dumps({"name": "gone-vae", "path": str(tmp_path / "gone-vae"), "kind": "vae"})))
    window.open_paths([str(path)])
    qtbot.waitUntil(lambda: "lost.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert "made with gone-vae" in window.last_error and "Open model folder" in window.last_error
    assert window.document.models["vae"].name == "tiny-vae" and len(window.document.items) == 1


def test_wrong_shape_and_damaged_files_are_said_and_the_app_goes_on(qtbot, window, image_files, tmp_path):
    doc = window.document
    record = json.dumps({"name": "tiny-vae", "kind": "vae", "weights_sha256": doc.models["vae"].identity})
    np.savez(tmp_path / "short.npz", latent=np.zeros(7, np.float32), model=np.asarray(record))
    window.open_paths([str(tmp_path / "short.npz")])
    qtbot.waitUntil(lambda: "short.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error == "short.npz was not opened: latent of size 7 does not fit the VAE (expects 512)"
    (tmp_path / "cut.npz").write_bytes(b"PK\x03\x04" + b"\0" * 20)
    drop(window, [tmp_path / "cut.npz"])
    qtbot.waitUntil(lambda: "cut.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert "damaged" in window.last_error
    assert len(doc.items) == 1
    open_images(qtbot, window, image_files[:1])  # still working


def test_open_images_offers_latent_files(qtbot, window, tmp_path, monkeypatch):
    filters = []
    monkeypatch.setattr(QFileDialog, "exec", lambda d: filters.append(d.nameFilters()) or 0)
    window.opener.open_dialog()
    assert "*.npz" in filters[0][0] and "*.png" in filters[0][0]


def test_a_file_is_opened_in_a_copy_of_its_weights_not_in_its_folder_trained_again_since(qtbot, window, model_dir,
                                                                                        image_files, tmp_path,
                                                                                        monkeypatch, capsys):
    """The window loaded the folder the file records, trained again in place since (the user's VAE replaced, their
    pictures encoded again), then refused the file; the listed copy of its weights was never tried. `genimg decode`
    decoded it with that folder too, the note naming it."""
    mine = other_vae(tmp_path / "my-vae", 3, "my-vae")
    load(qtbot, window, mine)
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "mine.npz")
    copy = shutil.copytree(mine, tmp_path / "copy" / "my-vae")
    shutil.rmtree(mine)
    other_vae(mine, 4, "my-vae")  # trained again in place: its name, other weights (it stays listed)
    window.model_list.list_model(str(copy))
    load(qtbot, window, model_dir / "tiny-vae")
    new = opened(qtbot, window, tmp_path / "mine.npz")
    assert window.document.models["vae"].path == os.path.realpath(copy) and "mine.npz" not in window.last_error
    assert ("Switching the VAE from tiny-vae to my-vae, which made mine.npz; the pictures open follow it"
            in window.status.log.text())
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "mine.npz", copy))
    assert new.history.current.values[0] == 1.0
    # `genimg decode` looks for it as the window does: its copy where one is at hand, else not its folder
    monkeypatch.setattr(cli_decode, "bundled_models", lambda: [catalog.read_entry(copy, bundled=True)])
    assert cli.main(["decode", str(tmp_path / "mine.npz"), "-o", str(tmp_path / "d"), "--device", "cpu"]) == 0
    assert np.array_equal(pixels(tmp_path / "d" / "mine_decoded.png"), new.image)
    bundled = [catalog.read_entry(model_dir / "tiny-vae", bundled=True)]
    for module in (cli_decode, cli_models):
        monkeypatch.setattr(module, "bundled_models", lambda: bundled)
    capsys.readouterr()
    assert cli.main(["decode", str(tmp_path / "mine.npz"), "-o", str(tmp_path / "e"), "--device", "cpu"]) == 0
    typed = tmp_path / "mine.npz"
    assert (f"genimg: note: {typed} was made with my-vae, and {mine} now holds other weights than those it was made "
            "with; decoded with tiny-vae instead, which gives another picture (pass --vae with a folder that holds "
            "its weights to decode it with its own)") in capsys.readouterr().err
    # its weights nowhere but in its folder, trained over: refused, saying what became of it; the VAE loaded stays
    shutil.rmtree(copy)
    load(qtbot, window, model_dir / "tiny-vae")
    window.document.close_item(new.id)  # (open, it is shown: already_open)
    window.open_paths([str(tmp_path / "mine.npz")])
    qtbot.waitUntil(lambda: "mine.npz was not opened" in window.last_error, timeout=UI_TIMEOUT)
    assert f"my-vae at {mine} now holds other weights than those it was made with" in window.last_error
    assert window.document.models["vae"].name == "tiny-vae"


def test_files_of_two_models_of_a_kind_opened_at_once_open_in_the_first_ones(qtbot, window, model_dir, image_files,
                                                                            tmp_path):
    """a.npz (tiny-vae) and b.npz (other-vae) dropped at once each loaded its VAE in turn: a's picture was encoded
    again in other-vae, matching neither VAE's decode of a.npz."""
    doc = window.document
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "a.npz")
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    window.exports.export_latent(str(tmp_path / "b.npz"))
    load(qtbot, window, other_vae(tmp_path / "third-vae", 9, "third-vae"))
    new = opened(qtbot, window, tmp_path / "a.npz", lambda: drop(window, [tmp_path / "a.npz", tmp_path / "b.npz"]))
    qtbot.waitUntil(lambda: "b.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error == ("b.npz was not opened: it was made with other-vae, and a.npz, opened with it, had "
                                 "tiny-vae loaded for it; one VAE draws all the pictures open, so open b.npz on its "
                                 "own to switch to other-vae")
    assert doc.models["vae"].name == "tiny-vae" and not any(i.name == "b" for i in doc.items.values())
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "a.npz", model_dir / "tiny-vae"))
    # one file drawn by the VAE loaded decides it too; on its own, b.npz switches
    shutil.copy(tmp_path / "b.npz", tmp_path / "c.npz")
    doc.close_item(new.id)  # (open, a.npz is shown, not drawn: already_open)
    opened(qtbot, window, tmp_path / "a.npz", lambda: drop(window, [tmp_path / n for n in ("a.npz", "b.npz", "c.npz")]))
    qtbot.waitUntil(lambda: "c.npz" in window.last_error, timeout=UI_TIMEOUT)
    assert window.last_error == ("b.npz and c.npz were not opened: they were made with other-vae, and a.npz, opened "
                                 "with them, is drawn by tiny-vae, the VAE loaded; one VAE draws all the pictures "
                                 "open, so open them on their own to switch to other-vae")
    b = opened(qtbot, window, tmp_path / "b.npz")
    assert doc.models["vae"].name == "other-vae"
    assert np.array_equal(b.image, decoded(tmp_path, tmp_path / "b.npz", tmp_path / "other-vae"))


def test_a_file_that_records_no_weights_is_drawn_by_its_folders_as_genimg_decode_draws_it(qtbot, window, model_dir,
                                                                                         image_files, tmp_path):
    """A file written before files recorded their weights, made by a tiny-vae in another folder, was drawn by the
    tiny-vae loaded (its name alike), where `genimg decode` drew it by its folder's weights: two pictures."""
    load(qtbot, window, other_vae(tmp_path / "elsewhere" / "tiny-vae", 4, "tiny-vae"))
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "old.npz")
    with np.load(tmp_path / "old.npz") as f:
        kept = {key: f[key] for key in f.files}
    record = json.loads(str(kept["model"]))
    del record["weights_sha256"]
    np.savez(tmp_path / "old.npz", **{**kept, "model": np.asarray(json.dumps(record))})
    load(qtbot, window, model_dir / "tiny-vae")
    new = opened(qtbot, window, tmp_path / "old.npz")
    assert cli.main(["decode", str(tmp_path / "old.npz"), "-o", str(tmp_path / "d"), "--device", "cpu"]) == 0
    assert np.array_equal(new.image, pixels(tmp_path / "d" / "old_decoded.png"))
    elsewhere = tmp_path / "elsewhere" / "tiny-vae"
    assert (f"Switching the VAE from tiny-vae ({model_dir / 'tiny-vae'}) to tiny-vae ({elsewhere}), which made "
            "old.npz; the pictures open follow it") in window.status.log.text()


def test_a_file_of_the_weights_its_loaded_folder_now_holds_loads_that_folder_again(qtbot, window, image_files,
                                                                                   tmp_path):
    """The VAE loaded, trained again in place since, and a file made with its new weights (`genimg encode`): its
    folder is loaded again for it, as its weights are the file's now."""
    mine = other_vae(tmp_path / "my-vae", 3, "my-vae")
    load(qtbot, window, mine)
    shutil.rmtree(mine)
    other_vae(mine, 4, "my-vae")
    assert cli.main(["encode", "--vae", str(mine), str(image_files[0]), "-o", str(tmp_path / "enc"),
                     "--device", "cpu"]) == 0
    latent = tmp_path / "enc" / f"{image_files[0].stem}.npz"
    new = opened(qtbot, window, latent)
    assert window.document.models["vae"].identity == json.loads(str(np.load(latent)["model"]))["weights_sha256"]
    assert f"Loading my-vae again from {mine}, the weights it holds now, which made {latent.name}" in \
        window.status.log.text()
    assert np.array_equal(new.image, decoded(tmp_path, latent, mine))


def test_open_images_starts_beside_the_last_latent_file_opened_and_open_recent_lists_it(qtbot, window, image_files,
                                                                                       tmp_path, monkeypatch):
    """`genimg-gui a/x.npz`, then Ctrl+O started in the folder of the last picture opened (at first home), and a
    latent file chosen in the dialog was not remembered either: the next started beside the picture before it."""
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, a / "x.npz")
    for name in ("seed0003.npz", "seed0004.npz"):  # two files for the dialog to list
        shutil.copy(a / "x.npz", b / name)
    Settings().opened_from("images", str(tmp_path))  # the folder of the picture opened last
    started: list[str] = []
    monkeypatch.setattr(QFileDialog, "exec", lambda dialog: started.append(dialog.directory().absolutePath()) or 0)
    x = opened(qtbot, window, a / "x.npz", lambda: window.open_paths([str(a / "x.npz")], after_loads=True))
    window.opener.open_dialog()  # (cancelled)
    assert started == [str(a)]
    window.document.close_item(x.id)  # (open, its copies are shown: already_open)

    def choose(dialog):
        started.append(dialog.directory().absolutePath())
        type_and_accept(qtbot, dialog, b, ["seed0003.npz"])
        return dialog.result()
    monkeypatch.setattr(QFileDialog, "exec", choose)
    opened(qtbot, window, b / "seed0003.npz", window.opener.open_dialog)
    window.opener.open_dialog()
    assert started[2] == str(b) and Settings().open_folder("images") == str(b)  # the next start's too
    window.opener.fill_recent_menu()
    assert {str(a / "x.npz"), str(b / "seed0003.npz")} <= {action.data() for action in window.recent_menu.actions()}


def test_a_latent_file_opened_stays_exported_after_a_switch_to_another_vae_and_back(qtbot, window, model_dir,
                                                                                  image_files, tmp_path):
    """Switched back, its picture was its VAE's encoding of the file's picture, another latent: it drew another
    picture than the file's, and the quit question named it among the edited images not exported."""
    doc = window.document
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "emo_edited.npz")
    new = opened(qtbot, window, tmp_path / "emo_edited.npz")
    assert new not in doc.unexported()
    load(qtbot, window, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    load(qtbot, window, model_dir / "tiny-vae")
    assert doc.models["vae"].name == "tiny-vae" and new.history.current.values[0] == 1.0
    assert new not in doc.unexported(), unexported_work(doc.unexported())
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "emo_edited.npz", model_dir / "tiny-vae"))
    assert doc.current is new
    window.sliders.sliders[0].setValue(50)  # edited since its file was written: asked about
    qtbot.waitUntil(lambda: new.history.current.values[0] == 0.5, timeout=UI_TIMEOUT)
    assert new in doc.unexported()


def test_a_latent_file_opened_stays_exported_after_a_restart_and_a_switch_to_another_vae_and_back(
        qtbot, window, model_dir, image_files, tmp_path):
    """The file's latent was left out of sessions: after a restart, switched back, the item drew its VAE's encoding
    of the file's picture, another picture than the file's, and the quit question named it as not exported."""
    open_images(qtbot, window, image_files[:1])
    edited_export(qtbot, window, tmp_path / "emo_edited.npz")
    opened(qtbot, window, tmp_path / "emo_edited.npz")
    kept = replace(window.document.to_session(), kept=True)  # Keep for next time
    window.close()
    sess.save_session(kept)
    again = MainWindow(Engine("cpu"), [catalog.read_entry(model_dir / "tiny-vae")])
    qtbot.addWidget(again)
    doc = again.document
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        doc.load_model(str(model_dir / "tiny-vae"))
    assert offered(qtbot, again) == 2
    # the two kept items, by name: after other tests the settings may name a last GAN, whose start sample joins them
    kept_names = {"image 0.png", "emo_edited"}
    qtbot.waitUntil(lambda: kept_names <= {i.name for i in doc.items.values()} and not doc.jobs, timeout=UI_TIMEOUT)
    [new] = [i for i in doc.items.values() if i.name == "emo_edited"]
    assert new not in doc.unexported()
    doc.select(new.id)
    load(qtbot, again, other_vae(tmp_path / "other-vae", 7, "other-vae"))
    load(qtbot, again, model_dir / "tiny-vae")
    assert doc.models["vae"].name == "tiny-vae" and new.history.current.values[0] == 1.0
    assert new not in doc.unexported(), unexported_work(doc.unexported())
    settle(qtbot, new)
    assert np.array_equal(new.image, decoded(tmp_path, tmp_path / "emo_edited.npz", model_dir / "tiny-vae"))
    again.close()
