"""The Sliders tab's typicality meter on a sample of the bundled emoji-gan, in the real window: three principal
component sliders dragged to their end draw a smear of blotches, and the meter reads it red. It read amber ("3.9σ
on PC2 (unusual)"): the distance to the nearest mapped w was measured in the face GAN's unit (typicality.py)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from conftest import UI_TIMEOUT
from genimg_gui import seed_draws
from genimg_gui.catalog import bundled_models
from genimg_gui.typicality import OFF_DISTRIBUTION


def window_with_bundled(qtbot, engine, name: str):
    """The real window, shown, with the bundled model of that name loaded."""
    from genimg_gui.ui.main_window import MainWindow

    entries = bundled_models()
    window = MainWindow(engine, entries)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.document.model_loaded, timeout=UI_TIMEOUT):
        window.document.load_model(next(e.path for e in entries if Path(e.path).name == name))
    return window


def window_with_bundled_gan(qtbot, engine, name: str):
    """The real window with the bundled GAN of that name loaded and its first sample shown."""
    window = window_with_bundled(qtbot, engine, name)
    doc = window.document
    qtbot.waitUntil(lambda: doc.current is not None and doc.current.kind == "gan", timeout=UI_TIMEOUT)
    return window


def test_three_pc_sliders_at_their_end_on_an_emoji_gan_sample_read_off_distribution(qtbot, engine):
    window = window_with_bundled_gan(qtbot, engine, "emoji-gan")
    meter = window.sliders.meter
    assert meter.level == 0, meter.label.text()  # the sample as drawn: typical

    for slider in window.sliders.sliders[:3]:  # PC1, PC2, PC3: End takes each to +3σ, as a user would
        slider.setFocus()
        qtbot.keyClick(slider, Qt.Key.Key_End)
    assert window.sliders.values()[:3] == (3.0, 3.0, 3.0)
    assert meter.level == 2, meter.label.text()
    assert meter.label.text().endswith(f"({OFF_DISTRIBUTION})")
    window.close()


def settled(window, item) -> bool:
    return not window.document.samples.pending and item.shown_seq >= item.requested_seq


def test_cat_face_at_its_end_on_a_face_gan_sample_reads_unusual(qtbot, engine):
    """A tester's find: on emoji-faces-gan, a sample at ψ 0.7 (here seed 0, drawn refined, the window's default) with
    the named slider "subcategory: other → cat-face" at +3σ (End) turns the face into blotches, and the meter read
    "2.6σ (typical)" in green: it read a named push only on the PCs, which take half of it. The half they leave out,
    read on the spread of the GAN's own w along it, is well past its samples: amber, naming that slider."""
    window = window_with_bundled_gan(qtbot, engine, "emoji-faces-gan")
    doc = window.document
    item = doc.current
    window.gan_panel.seed.setValue(0)
    qtbot.waitUntil(lambda: item.seed == 0 and settled(window, item), timeout=UI_TIMEOUT)
    assert item.psi == 0.7 and item.draw == seed_draws.REFINE
    meter = window.sliders.meter
    assert meter.level == 0, meter.label.text()  # the sample as drawn: typical

    row = doc.directions("gan").labels.index("subcategory: other → cat-face")
    slider = window.sliders.sliders[row]
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    assert window.sliders.values()[row] == 3.0
    assert meter.level >= 1, meter.label.text()
    assert "on subcategory: other → cat-face" in meter.label.text()
    window.close()
