"""The Generate tab's panel on its own (no engine): typed and random seeds, New sample, the seed box of an item
without a seed, and controls that stay in place."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from genimg_gui.ui.gan_panel import GanPanel

from widget_helpers import LEFT, shown


def test_a_typed_seed_is_asked_for_once_when_entered_not_at_every_keystroke(qtbot):
    panel = GanPanel()
    qtbot.addWidget(panel)
    panel.gan_arrived()  # as a loaded GAN leaves it
    asked = []
    panel.generate_requested.connect(lambda seed, *_: asked.append(seed))
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, "5678")
    assert asked == []
    qtbot.keyClick(panel.seed, Qt.Key.Key_Return)
    assert asked == [5678]
    live = []
    panel.drag_requested.connect(lambda seed, *_: live.append(seed))
    qtbot.keyClick(panel.seed, Qt.Key.Key_Up)  # an arrow shows its seed at once, and asks for the step at its rest
    assert live == [5679] and asked == [5678]
    qtbot.waitUntil(lambda: asked == [5678, 5679])


def test_a_seed_past_the_range_is_refused_saying_so_and_random_seeds_come_from_the_same_range(qtbot, monkeypatch):
    import random

    from genimg_gui.seed_draws import MAX_SEED

    panel = GanPanel()
    qtbot.addWidget(panel)
    panel.gan_arrived()
    refused, asked, bounds = [], [], []
    panel.seed.refused.connect(refused.append)
    panel.generate_requested.connect(lambda seed, *_: asked.append(seed))
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, "99999999999999")  # became 999999999 without a word
    assert panel.seed.text() == "999999999"
    assert set(refused) == {f"9999999999 is too large for a seed: seeds go from 0 to {MAX_SEED}"}
    assert str(MAX_SEED) in panel.seed.toolTip()
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, str(MAX_SEED))  # the top of the range can be typed
    qtbot.keyClick(panel.seed, Qt.Key.Key_Return)
    assert asked == [MAX_SEED]
    monkeypatch.setattr(random, "randint", lambda low, high: bounds.append((low, high)) or low)
    qtbot.mouseClick(panel.random_button, LEFT)
    qtbot.mouseClick(panel.new_button, LEFT)
    assert bounds == [(0, MAX_SEED)] * 2 and asked == [MAX_SEED, 0]  # random seeds: the range typed, top included


def test_new_sample_asks_for_a_new_item_of_another_seed_and_leaves_the_current_ones_alone(qtbot):
    panel = GanPanel()
    qtbot.addWidget(panel)
    panel.gan_arrived()
    panel.set_values(58, 0.5, None)
    changed, new = [], []
    panel.generate_requested.connect(lambda *v: changed.append(v))
    panel.new_sample_requested.connect(lambda *v: new.append(v))
    qtbot.mouseClick(panel.new_button, LEFT)
    [(seed, psi, _cls, _draw)] = new
    assert seed != 58 and psi == 0.5 and panel.seed.value() == seed and changed == []


def test_the_seed_box_shows_no_seed_for_an_item_without_one_and_a_seed_asked_then_is_a_real_one(qtbot):
    from genimg_gui.seed_draws import MAX_SEED

    panel = shown(qtbot, GanPanel())
    panel.gan_arrived()
    panel.set_values(0, 0.5, None)
    assert panel.seed.text() == "0" and not panel.no_seed_note.isVisible()  # seed 0 is a seed, not "—"
    panel.set_values(58, 0.5, None)
    panel.show_no_seed("photo (inverted)")  # e.g. an inversion made current after seed 58
    assert panel.seed.text() == "—" and "58" not in panel.seed.text()
    assert panel.no_seed_note.isVisible() and "photo (inverted)" in panel.no_seed_note.text()
    asked = []
    panel.generate_requested.connect(lambda *v: asked.append(v))
    panel.psi.setValue(30)  # a ψ asked for with no seed shown: a random seed, and the box still says "—"
    [(seed, psi, _cls, _draw)] = asked
    assert 0 <= seed < MAX_SEED and psi == 0.3 and panel.seed.text() == "—"
    qtbot.keyClick(panel.seed, Qt.Key.Key_Down)  # nothing below "no seed"
    assert panel.seed.text() == "—" and len(asked) == 1
    panel.seed.selectAll()
    qtbot.keyClicks(panel.seed, "1")
    qtbot.keyClick(panel.seed, Qt.Key.Key_Return)
    assert asked[-1][0] == 1 and panel.seed.text() == "1"
    qtbot.keyClick(panel.seed, Qt.Key.Key_Down)
    qtbot.keyClick(panel.seed, Qt.Key.Key_Down)  # a typed seed leaves "no seed": 0 is as low as it goes
    assert panel.seed.text() == "0"
    qtbot.waitUntil(lambda: len(asked) == 3)  # the run of keys is one step, asked once the keys rest
    assert asked[-1][0] == 0
    panel.set_values(0, 0.3, None)  # the sample made current
    assert panel.seed.text() == "0" and not panel.no_seed_note.isVisible()


def test_the_generate_tab_keeps_its_controls_in_place_between_a_sample_and_a_photo(qtbot):
    panel = shown(qtbot, GanPanel())
    panel.gan_arrived()
    panel.resize(380, 560)
    panel.set_values(42, 0.7, None)

    def places():
        QApplication.processEvents()
        return [w.mapTo(panel, QPoint(0, 0)) for w in (panel.new_button, panel.send_button, panel.invert_button)]
    where = [places()]
    draw_row = max(b.mapTo(panel, QPoint(0, b.height())).y() for b in panel.draw_buttons.buttons())
    # no empty band kept between Draw and New sample for a note not shown
    assert where[0][0].y() - draw_row < panel.fontMetrics().lineSpacing()
    for name in ("photo.png", "IMG_20261204_123456_HDR_portrait_from_a_long_holiday_in_the_mountains.jpg", None):
        panel.show_no_seed(name)
        where.append(places())
        assert panel.no_seed_note.height() >= panel.no_seed_note.heightForWidth(panel.no_seed_note.width())
    assert all(w == where[0] for w in where)  # the note came and went below them all: nothing moved


def test_the_no_seed_note_says_what_the_picture_is_and_shortens_its_name_only_where_it_lacks_room(qtbot):
    """After Send to VAE editor it read "“seed 105557…15 (to VAE)” was not drawn from a seed"; a stopped
    inversion's name was cut to 160 px ("trans..., inverted (step 90)") on a line with room for it whole."""
    from genimg_gui.ui.inversion_names import fitted_name

    panel = shown(qtbot, GanPanel())
    panel.gan_arrived()  # as a loaded GAN leaves it
    panel.resize(440, 560)
    note = panel.no_seed_note
    sent, stopped = "seed 1055571234 (to VAE)", "trans.png, inverted (stopped at step 90)"
    panel.show_no_seed(sent, "vae")
    QApplication.processEvents()
    assert note.text().startswith(f"“{sent}” is a picture in the VAE editor: it has no seed.")
    panel.show_no_seed(stopped, "gan")
    QApplication.processEvents()
    assert note.text().startswith(f"“{stopped}” is an inversion: it has no seed.") and note.toolTip() == ""
    long = "IMG_20261204_123456_HDR_portrait_in_the_mountains.jpg, inverted (stopped at step 90)"
    panel.show_no_seed(long, "gan")  # too long: shortened as the filmstrip shortens it, whole in the tooltip
    QApplication.processEvents()
    short = note.text()[1:note.text().index("”")]
    assert short != long and short.endswith(", inverted (stopped at step 90)") and note.toolTip() == long
    assert short == fitted_name(note.fontMetrics(), long, note.contentsRect().width() - note.fontMetrics()
                                .horizontalAdvance("“”") - 2)
    assert note.fontMetrics().horizontalAdvance(short) > 250  # the line's room, not 160 px


def test_a_run_of_seed_keys_wheel_notches_or_arrow_clicks_asks_for_one_step_each_seed_shown_live(qtbot, monkeypatch):
    """Each press asked for a step of its own, and History kept those the GAN drew before the next press: 42, Up ×5
    made "seed 43, seed 47". A run is one step, as on ψ: each seed live, the last asked once the run ends."""
    from PySide6.QtWidgets import QStyle, QStyleOptionSpinBox

    from widget_helpers import wheel

    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 60_000)  # the user is quicker than the rest
    monkeypatch.setattr("genimg_gui.ui.slider_runs.WHEEL_REST_MS", 60_000)
    panel = shown(qtbot, GanPanel())
    panel.gan_arrived()
    panel.set_values(42, 0.5, None)
    asked, live = [], []
    panel.generate_requested.connect(lambda seed, *_: asked.append(seed))
    panel.drag_requested.connect(lambda seed, *_: live.append(seed))
    box = panel.seed
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    for _ in range(5):
        qtbot.keyClick(box, Qt.Key.Key_Up)
    assert live == [43, 44, 45, 46, 47] and asked == []
    qtbot.keyClick(box, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Undo: the run's step comes first
    assert asked == [47]
    for _ in range(3):
        wheel(box, -1)
    assert live[-3:] == [46, 45, 44] and asked == [47]
    option = QStyleOptionSpinBox()
    box.initStyleOption(option)
    up = box.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, option, QStyle.SubControl.SC_SpinBoxUp, box)
    for _ in range(3):  # the clicks end the wheel's run, and make a run of their own
        qtbot.mouseClick(box, LEFT, pos=up.center())
    assert asked == [47, 44] and live[-3:] == [45, 46, 47] and box.value() == 47
    box.finish_run()  # as Random seed and New sample end it, before the seed they set
    assert asked == [47, 44, 47]
    monkeypatch.setattr("genimg_gui.ui.slider_runs.KEY_REST_MS", 50)  # and a pause ends a run
    qtbot.keyClick(box, Qt.Key.Key_PageUp)
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: len(asked) == 4)
    assert asked[-1] == box.value() == 56
