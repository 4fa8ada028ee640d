"""An SD VAE file's latent scale changed in the window: the scale was asked at the first open only, and opening the
file again loaded the scale chosen then, so only the CLI's --latent-scale could convert it at the other. The Models
tab's Latent scale… (shown on a converted SD VAE's card) asks again, the present scale the default, and loads the
file at the scale chosen, which the next open of the file then keeps; latent files made at the old scale still open
at it."""
from __future__ import annotations

import shutil

import numpy as np
from PIL import Image
from PySide6.QtCore import Qt

import foreign_builders as fb
from conftest import UI_TIMEOUT
from genimg_gui.cli import main
from test_latent_scale_decode import pixels
from test_open_latents import opened
from ui_helpers import drop

SD, SDXL = 0.18215, 0.13025


def answering(monkeypatch, window, *labels: str) -> list:
    """The scale question answered with labels in turn (None: cancelled); the questions asked, kept."""
    asked, answers = [], list(labels)

    def answer(request):
        asked.append(request)
        label = answers.pop(0)
        return None if label is None else dict(request.choices)[label]
    monkeypatch.setattr(window.model_opener, "ask_scale", answer)
    return asked


def click_latent_scale(qtbot, window) -> None:
    """The Latent scale… button on the Models tab, on show for the card shown."""
    panel = window.model_panel
    window.tabs.setCurrentWidget(panel)
    assert panel.scale_button.isVisible()
    qtbot.mouseClick(panel.scale_button, Qt.MouseButton.LeftButton)


def vae_scale(window) -> float:
    return window.document.models["vae"].card["source"]["scaling_factor"]


def opened_at_sd(qtbot, window, tmp_path, monkeypatch):
    """my-vae.safetensors opened (Open model… by a drop on the Models tab), the question answered SD 1.x / 2.x."""
    vae = fb.sd_vae_file(tmp_path / "my-vae.safetensors")
    asked = answering(monkeypatch, window, "SD 1.x / 2.x")
    window.tabs.setCurrentWidget(window.model_panel)
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        drop(window.model_panel, [vae])
    assert len(asked) == 1 and vae_scale(window) == SD
    return vae


def test_latent_scale_converts_the_file_at_the_other_scale_which_its_next_open_keeps(qtbot, window, tmp_path,
                                                                                     monkeypatch):
    doc, panel = window.document, window.model_panel
    vae = opened_at_sd(qtbot, window, tmp_path, monkeypatch)
    sd_folder = doc.models["vae"].path
    asked = answering(monkeypatch, window, "SDXL", "SD 1.x / 2.x", None)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        click_latent_scale(qtbot, window)
    assert [(r.path, r.default, r.now) for r in asked] == [(str(vae), "SD 1.x / 2.x", SD)]
    assert "Stable Diffusion VAE" in asked[0].description
    assert vae_scale(window) == SDXL and doc.models["vae"].path != sd_folder
    assert "0.13025 (SDXL)" in panel.details["Source"].text() and window.last_error == ""
    assert window.settings.last_model("vae") == doc.models["vae"].path  # the next start loads it at SDXL
    rows = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert rows[-2:] == ["my-vae at latent scale 0.18215 (SD 1.x / 2.x) — VAE, opened",  # not by its cache folder
                         "my-vae at latent scale 0.13025 (SDXL) — VAE, opened · active"], rows
    # named as the rows name it: the Active VAE and Model lines said "my-vae" of either
    sdxl = "my-vae at latent scale 0.13025 (SDXL)"
    assert panel.details["Active VAE"].text() == panel.details["Model"].text() == sdxl
    panel.list.setCurrentRow(panel.list.count() - 2)  # the other conversion's card
    assert panel.details["Model"].text() == "my-vae at latent scale 0.18215 (SD 1.x / 2.x)"
    assert panel.details["Active VAE"].text() == sdxl
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(vae)])  # opened again: the scale chosen last, not asked
    assert vae_scale(window) == SDXL and len(asked) == 1

    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        click_latent_scale(qtbot, window)  # back to SD: its conversion, made before, loads
    assert asked[1].default == "SDXL" and vae_scale(window) == SD and doc.models["vae"].path == sd_folder
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        window.open_paths([str(vae)])
    assert vae_scale(window) == SD and len(asked) == 2  # the scale chosen last, though its conversion is older

    loads = []
    doc.model_loaded.connect(loads.append)
    click_latent_scale(qtbot, window)  # cancelled: nothing changes
    assert len(asked) == 3 and loads == [] and vae_scale(window) == SD and window.last_error == ""


def test_latent_scale_is_offered_only_on_a_converted_sd_vaes_card(qtbot, window, tmp_path, monkeypatch):
    panel = window.model_panel
    window.tabs.setCurrentWidget(panel)
    assert not panel.scale_button.isVisible()  # the tiny VAE's card: genimg's own, no scale
    enc, _dec = fb.taesd_pair(tmp_path)
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        drop(panel, [enc])
    assert not panel.scale_button.isVisible()  # TAESD: no scale to choose
    opened_at_sd(qtbot, window, tmp_path, monkeypatch)
    assert panel.scale_button.isVisible()
    panel.list.setCurrentRow(0)  # another row's card
    assert not panel.scale_button.isVisible()


def test_a_latent_made_before_the_scale_changed_still_opens_at_its_own(qtbot, window, tmp_path, monkeypatch):
    """A photo encoded (by `genimg encode`, at the scale the window chose) before Latent scale… switched to SDXL:
    the latent file switches back to its own conversion and draws what `genimg decode` draws."""
    vae = opened_at_sd(qtbot, window, tmp_path, monkeypatch)
    photo = tmp_path / "photo.png"
    y, x = np.mgrid[0:48, 0:64]
    Image.fromarray(np.stack([x * 4, y * 5, (x + y) * 2], -1).astype(np.uint8)).save(photo)
    args = ["encode", photo, "--vae", vae, "-o", tmp_path / "sd1", "--device", "cpu"]
    assert main([str(a) for a in args]) == 0  # the file's last conversion: SD's
    latent = tmp_path / "sd1" / "photo.npz"
    assert main(["decode", str(latent), "-o", str(tmp_path / "own"), "--device", "cpu"]) == 0
    answering(monkeypatch, window, "SDXL")
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        click_latent_scale(qtbot, window)
    assert vae_scale(window) == SDXL
    item = opened(qtbot, window, latent, lambda: drop(window, [latent]))
    assert ("Switching the VAE from my-vae at latent scale 0.13025 (SDXL) to my-vae at latent scale 0.18215 "
            "(SD 1.x / 2.x), which made photo.npz") in window.status.log.text()
    assert vae_scale(window) == SD and np.array_equal(item.image, pixels(tmp_path / "own" / "photo_decoded.png"))


def test_latent_scale_of_a_file_gone_says_where_it_was_and_what_to_do(qtbot, window, tmp_path, monkeypatch):
    vae = opened_at_sd(qtbot, window, tmp_path, monkeypatch)
    shutil.move(vae, tmp_path / "elsewhere.safetensors")
    asked = answering(monkeypatch, window)
    click_latent_scale(qtbot, window)
    assert asked == [] and vae_scale(window) == SD
    assert window.last_error == (
        f"my-vae was converted from {vae}, which no longer exists (moved or deleted?): open that file where it is now "
        "(File → Open model…), then choose its scale with Latent scale… again")


def test_latent_scale_on_a_row_not_in_use_says_so_and_keeps_the_scale_in_use_without_reloading(qtbot, window,
                                                                                                tmp_path, monkeypatch):
    """SD in use, the SDXL row selected: the question defaulted to SDXL while saying "the default is the scale it has
    now", and answering SD loaded the SD conversion again instead of saying it keeps its scale."""
    from genimg_gui.ui import model_controller
    doc, panel = window.document, window.model_panel
    opened_at_sd(qtbot, window, tmp_path, monkeypatch)
    answering(monkeypatch, window, "SDXL", "SD 1.x / 2.x")
    for _ in range(2):  # to SDXL, then back: both rows listed, SD's in use
        with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
            click_latent_scale(qtbot, window)
    assert vae_scale(window) == SD
    monkeypatch.undo()  # the real question, its words and default read as the dialog shows them
    shown = []

    def get_item(_parent, _title, text, labels, default, _editable):
        shown.append((text, labels[default]))
        return next(label for label in labels if label.startswith("SD 1.x")), True
    monkeypatch.setattr(model_controller.QInputDialog, "getItem", get_item)
    sdxl_row = next(i for i in range(panel.list.count()) if "(SDXL)" in panel.list.item(i).text())
    panel.list.setCurrentRow(sdxl_row)
    asked_to_load = []
    doc.loading_changed.connect(lambda: asked_to_load.append(doc.loading_paths()))  # emitted as a load is sent
    click_latent_scale(qtbot, window)
    (text, default), = shown
    assert default == "SDXL (0.13025)"  # the row selected's scale, as its card says it
    assert "(the default is the scale of the row selected on the Models tab; the VAE in use is this file at " \
           "SD 1.x / 2.x (0.18215)):" in text, text
    assert "the scale it has now" not in text
    assert asked_to_load == [] and vae_scale(window) == SD and window.last_error == ""
    assert "my-vae keeps latent scale 0.18215 (SD 1.x / 2.x)" in window.status.log.text()


def test_a_scale_its_config_records_stays_on_offer_after_a_switch_to_sd_or_sdxl(qtbot, window, tmp_path, monkeypatch):
    """A diffusers SD VAE whose config.json records its own scale (0.5) was offered it only while its conversion at
    it was in use: once switched to SD 1.x / 2.x, Latent scale… offered SD and SDXL only."""
    import json
    folder = tmp_path / "odd-vae"
    folder.mkdir()
    fb.sd_vae_file(folder / "diffusion_pytorch_model.safetensors", "diffusers")
    (folder / "config.json").write_text(json.dumps({"_class_name": "AutoencoderKL", "scaling_factor": 0.5}))
    doc = window.document
    asked = answering(monkeypatch, window, "SD 1.x / 2.x", None, "custom, from config.json")
    window.tabs.setCurrentWidget(window.model_panel)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        drop(window.model_panel, [folder])
    assert not asked and vae_scale(window) == 0.5  # the config's scale: not asked
    from_config = ("custom, from config.json", 0.5)
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        click_latent_scale(qtbot, window)
    assert vae_scale(window) == SD
    click_latent_scale(qtbot, window)  # cancelled: the choices kept
    assert asked[0].choices == asked[1].choices == (("SD 1.x / 2.x", SD), ("SDXL", SDXL), from_config)
    assert (asked[0].default, asked[1].default) == ("custom, from config.json", "SD 1.x / 2.x")
    with qtbot.waitSignal(doc.model_loaded, timeout=UI_TIMEOUT):
        click_latent_scale(qtbot, window)
    assert vae_scale(window) == 0.5 and window.last_error == ""
