"""The Sliders tab's typicality meter on the bundled emoji-vae, in the real window: a named slider taken to its end
smears a picture, and the meter says so. A VAE has no latents of its own at run time, so the meter read such a push
on the PCs alone: a drawn smiley with "category: other → Food & Drink" at −3σ (Home), its face ringed in smeared red,
read 1.0σ, typical. Its directions file now holds the spread of the training latents along each named row's part
outside the PCs, where that push lies far out."""
from __future__ import annotations

from PIL import Image
from PySide6.QtCore import Qt

from editing_helpers import open_image, settle
from test_bundled import emoji_like_face
from test_typicality_meter_gan import window_with_bundled

FOOD = "category: other → Food & Drink"


def test_food_at_its_start_on_a_drawn_smiley_reads_unusual_in_the_window(qtbot, engine, tmp_path):
    window = window_with_bundled(qtbot, engine, "emoji-vae")
    doc = window.document
    path = tmp_path / "smiley.png"
    Image.fromarray(emoji_like_face()).save(path)
    item = open_image(qtbot, window, path)
    settle(qtbot, window, item)
    assert item.kind == "vae"
    meter = window.sliders.meter
    assert meter.level == 0, meter.label.text()  # the picture as encoded: typical

    row = doc.directions("vae").labels.index(FOOD)
    slider = window.sliders.sliders[row]
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Home)  # to −3σ, as a user would
    assert window.sliders.values()[row] == -3.0
    assert meter.level >= 1, meter.label.text()
    assert f"on {FOOD}" in meter.label.text()
    window.close()
