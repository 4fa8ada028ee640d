"""The main window on the real engine and tiny models, GAN samples: seeds, Send to VAE, draws, undo of a new seed,
ψ drags, and a sample on its way to a closed item."""
from __future__ import annotations

import numpy as np

from genimg_gui.seed_draws import OWN, SKIP_MIXTURES
from genimg_gui.session import load_session, save_session
from genimg_gui.ui.qimage import from_qimage

from ui_helpers import TIMEOUT, drop_and_wait, shown, the_sample, vae_items


def test_gan_seed_and_send_to_vae(qtbot, window, reference):
    doc, panel = window.document, window.gan_panel
    [gan_item] = doc.items.values()
    assert panel.isEnabled() and gan_item.kind == "gan"
    window.filmstrip.setCurrentRow(0)
    assert doc.current is gan_item
    seed, psi, gan_class, draw = panel.values()
    assert gan_class is None and draw == OWN  # no classes, and no discriminator to refine with: the seed's own z
    assert np.array_equal(gan_item.image, reference.decode("gan", reference.map_seed(seed, psi)))
    panel.seed.setValue(seed + 1)
    expected = reference.decode("gan", reference.map_seed(seed + 1, psi))
    assert not np.array_equal(expected, gan_item.image)
    qtbot.waitUntil(lambda: np.array_equal(gan_item.image, expected), timeout=TIMEOUT)
    assert gan_item.seed == seed + 1 and len(doc.items) == 1 and gan_item.history.can_undo()
    assert np.array_equal(shown(window), expected)
    panel.send_button.click()
    qtbot.waitUntil(lambda: len(vae_items(window)) == 1, timeout=TIMEOUT)
    sent = vae_items(window)[0]
    assert sent.name == f"seed {seed + 1} (to VAE)" and np.array_equal(sent.original, expected)
    assert doc.current is sent and window.filmstrip.count() == 2


def test_send_to_vae_is_greyed_out_for_a_vae_picture_saying_why_and_back_for_a_gan_sample(qtbot, window,
                                                                                           image_files):
    doc, button = window.document, window.gan_panel.send_button
    sample = the_sample(window)
    assert button.isEnabled()
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [picture] = vae_items(window)
    assert doc.current is picture
    # a VAE picture sent again came back as its own blurred copy, "image 0.png (2) (to VAE)"
    assert not button.isEnabled()
    assert button.toolTip() == button.statusTip() == "For GAN samples and inversions: this picture is already the VAE's"
    doc.send_to_vae()  # nor by any other way in
    qtbot.wait(300)
    assert len(doc.items) == 2
    window.filmstrip.setCurrentRow(list(doc.items).index(sample.id))
    assert button.isEnabled() and "Encode this GAN picture" in button.toolTip()
    doc.close_item(sample.id)
    doc.close_item(picture.id)
    assert not button.isEnabled() and button.toolTip().endswith("none is open")


def test_a_seed_typed_past_the_range_is_named_in_the_status_bar(qtbot, window):
    panel = window.gan_panel
    window.tabs.setCurrentWidget(panel)
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, "99999999999")
    assert panel.seed.text() == "999999999"
    assert window.status.currentMessage() == "9999999999 is too large for a seed: seeds go from 0 to 2147483647"


def test_a_vae_picture_shows_no_seed_and_random_seed_then_makes_a_new_sample_leaving_it(qtbot, window,
                                                                                         image_files):
    doc, panel = window.document, window.gan_panel
    window.tabs.setCurrentWidget(panel)
    sample = the_sample(window)
    assert panel.seed.text() == str(sample.seed) == "0"  # the first sample's seed 0 shows as 0
    drop_and_wait(qtbot, window, image_files[:1], 1)
    [picture] = vae_items(window)
    assert doc.current is picture and panel.seed.text() == "—" and picture.name in panel.no_seed_note.text()
    image, latent = picture.image, picture.history.current.base
    with qtbot.waitSignal(doc.item_added, timeout=TIMEOUT):
        panel.random_button.click()
    new = doc.current
    assert new.kind == "gan" and new is not sample and panel.seed.text() == str(new.seed)
    assert picture.image is image and picture.history.current.base is latent and len(picture.history) == 1
    while doc.current is not None:
        window.close_action.trigger()
    assert panel.seed.text() == "—" and "Nothing is open" in panel.no_seed_note.text()


def test_choosing_skip_mixtures_draws_the_seeds_steady_sample_and_undo_brings_its_own_back(
        qtbot, window, reference):
    panel = window.gan_panel
    gan_item = the_sample(window)
    seed, psi, _, draw = panel.values()
    steady = reference.decode("gan", reference.map_seed(seed, psi, None, SKIP_MIXTURES))
    own = reference.decode("gan", reference.map_seed(seed, psi))
    assert draw == gan_item.draw == OWN and np.array_equal(gan_item.image, own)  # no discriminator to refine with
    assert not np.array_equal(own, steady)  # the tiny GAN's seed 0 is not its own steadiest draw
    panel.draw_button(SKIP_MIXTURES).click()
    assert panel.values()[3] == SKIP_MIXTURES
    qtbot.waitUntil(lambda: np.array_equal(gan_item.image, steady), timeout=TIMEOUT)
    assert gan_item.draw == SKIP_MIXTURES
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), own), timeout=TIMEOUT)


def test_undo_of_a_new_seed_brings_back_its_seed_psi_draw_name_and_original_and_redo_the_new_ones(
        qtbot, window, reference, tmp_path):
    doc, panel = window.document, window.gan_panel
    item = the_sample(window)
    seed, psi, _, _ = panel.values()
    first = reference.decode("gan", reference.map_seed(seed, psi))
    panel.seed.setValue(seed + 5)
    qtbot.waitUntil(lambda: item.seed == seed + 5, timeout=TIMEOUT)
    panel.psi.setValue(50)
    qtbot.waitUntil(lambda: item.psi == 0.5, timeout=TIMEOUT)
    later = reference.decode("gan", reference.map_seed(seed + 5, 0.5, None, SKIP_MIXTURES))
    panel.draw_button(SKIP_MIXTURES).click()
    qtbot.waitUntil(lambda: np.array_equal(item.image, later), timeout=TIMEOUT)
    window.sliders.sliders[0].setValue(window.sliders.sliders[0].maximum())  # an edit on the later sample
    qtbot.waitUntil(lambda: item.history.current.values[0] != 0, timeout=TIMEOUT)
    history = window.history_panel  # each step says what it changed
    assert [history.item_for(n).text(0) for n in range(len(item.history))] == [
        f"Generated by tiny-gan, seed {seed}", f"seed {seed + 5}", "ψ 0.50", "draw: Skip mixtures",
        f"{window.sliders.labels()[0]} +3.00σ"]
    window.undo_action.trigger()  # the edit: the later sample, as it was drawn, stays
    qtbot.waitUntil(lambda: np.array_equal(shown(window), later), timeout=TIMEOUT)
    assert panel.values() == (seed + 5, 0.5, None, SKIP_MIXTURES)
    while item.history.can_undo():  # back through the draw, ψ and seed changes to the first sample
        window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), first), timeout=TIMEOUT)
    assert panel.values() == (seed, psi, None, OWN) and (item.seed, item.draw) == (seed, OWN)
    assert window.filmstrip.item(0).text() == f"seed {seed}"
    assert np.array_equal(from_qimage(window.canvas.original), first)  # compare shows the first sample's own
    while item.history.can_redo():
        window.redo_action.trigger()
    qtbot.waitUntil(lambda: not np.array_equal(shown(window), later) and item.shown_seq >= item.requested_seq,
                    timeout=TIMEOUT)
    assert panel.values() == (seed + 5, 0.5, None, SKIP_MIXTURES) and item.history.current.values[0] != 0
    assert window.filmstrip.item(0).text() == f"seed {seed + 5}"
    assert np.array_equal(from_qimage(window.canvas.original), later)
    # a saved and restored session keeps each node's sample: undo on the restored copy brings back the first
    doc.restore(load_session(save_session(doc.to_session(), tmp_path / "session.safetensors")))
    restored = doc.current
    assert restored is not item and panel.values() == (seed + 5, 0.5, None, SKIP_MIXTURES)
    while restored.history.can_undo():
        window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), first), timeout=TIMEOUT)
    assert panel.values() == (seed, psi, None, OWN) and restored.name == f"seed {seed}"
    assert np.array_equal(from_qimage(window.canvas.original), first)


def test_a_sample_on_its_way_to_a_closed_item_is_dropped_not_made_a_new_item(qtbot, window):
    doc = window.document
    [gan] = doc.items.values()
    seed = gan.seed
    mapped = []
    window.document.engine.result.connect(lambda r: mapped.append(r.seq) if type(r).__name__ == "Mapped" else None)
    asked = doc.generate(seed + 1, gan.psi)  # for the current sample, which is closed at once
    doc.close_item()
    fresh = doc.generate(99, 0.5, new_item=True)
    qtbot.waitUntil(lambda: fresh in mapped, timeout=TIMEOUT)
    assert asked in mapped and [i.seed for i in doc.items.values()] == [99]
    doc.reopen_closed()
    assert gan.seed == seed and len(gan.history) == 1  # nothing was recorded on it while closed


def test_a_psi_drag_shows_live_samples_and_records_one_undo_step(qtbot, window, reference):
    panel = window.gan_panel
    item = the_sample(window)
    before = len(list(item.history.nodes()))
    start = reference.decode("gan", reference.map_seed(item.seed, item.psi))
    panel.psi.setSliderDown(True)
    for raw in (60, 45, 30):
        panel.psi.setValue(raw)
        live = reference.decode("gan", reference.map_seed(item.seed, raw / 100))
        qtbot.waitUntil(lambda: np.array_equal(shown(window), live), timeout=TIMEOUT)  # each tick shown as it comes
    assert len(list(item.history.nodes())) == before  # nothing recorded mid-drag; Undo would take the drag back
    assert window.undo_action.isEnabled() and window.undo_action.text() == "&Undo"
    panel.psi.setSliderDown(False)  # the release: one step, at the ψ let go
    qtbot.waitUntil(lambda: len(list(item.history.nodes())) == before + 1, timeout=TIMEOUT)
    assert item.psi == 0.3 and np.array_equal(item.image, live)
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(shown(window), start), timeout=TIMEOUT)
    assert not window.undo_action.isEnabled()


def test_a_psi_drag_over_an_image_adds_one_gan_item_when_let_go(qtbot, window, image_files):
    doc, panel = window.document, window.gan_panel
    doc.open_files([str(image_files[0])])
    qtbot.waitUntil(lambda: len(vae_items(window)) == 1 and doc.current.kind == "vae", timeout=TIMEOUT)
    panel.psi.setSliderDown(True)
    for raw in (60, 45, 30):
        panel.psi.setValue(raw)
    qtbot.wait(300)  # time enough for a mid-drag sample to arrive, were any asked for
    assert len(doc.items) == 2 and doc.current.kind == "vae"  # nothing drawn over the image mid-drag
    panel.psi.setSliderDown(False)
    qtbot.waitUntil(lambda: len(doc.items) == 3, timeout=TIMEOUT)
    assert doc.current.kind == "gan" and doc.current.psi == 0.3
