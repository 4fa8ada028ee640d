"""GAN controls: seed, random seed, class (of a conditional GAN), truncation psi, how a seed is drawn (its own z,
skipping mixtures, or refined by the GAN's discriminator), and sending the sample to the VAE."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel,
                               QPushButton, QRadioButton, QScrollArea, QVBoxLayout, QWidget)

from .. import seed_draws
from ..catalog import DEFAULT_PSI, PSI_RANGE
from .accessible import labelled
from .focus_frame import FocusSlider
from .no_seed_note import NoSeedNote
from .number_boxes import NumberBox
from .number_keys import let_window_keys_through
from .seed_box import SeedBox
from .slider_runs import RunSlider

NO_SEED = -1  # the seed box's value while the current item has none (an inversion, a VAE picture): shown as "—"
ANY_CLASS = "Any (the seed's own)"
SEND_TIPS = {  # the current item's kind: what Send to VAE editor does, or why it is greyed out
    "gan": "Encode this GAN picture with the VAE: a new picture that the VAE's sliders edit",
    "vae": "For GAN samples and inversions: this picture is already the VAE's",
    None: "For GAN samples and inversions: none is open",
}
# at 0, a seed of a conditional GAN draws its class's average ("Any": the class the seed draws), not the model's one
PSI_TIP = (f"Truncation ψ ({PSI_RANGE[0]:g} to {PSI_RANGE[1]:g}): how far a sample may stray from its class's "
           "average picture (the model's, in a GAN without classes):\nlower is more typical (at 0 every seed draws "
           "its class's average picture), higher more varied")
RANDOM_TIP = ("A random seed for the current sample, at this ψ, class and draw: one step in its History (over an "
              "image not drawn from a seed, a new sample); New sample keeps the current one and adds another")
EDITABILITY_TIP = ("How the inversion trades likeness for editing. Left, fidelity: redraw the image as closely as "
                   "possible.\nRight, editability: keep its latent (w) where the model's own samples lie, so the "
                   "sliders behave, at a looser likeness")
INVERT_TIP = ("Find the w whose drawing matches the current image (a photo you edited: as edited); runs in the "
              "background with previews (Cancel in the status bar)")
DRAW_BUTTONS = {  # seed_draws value: (label, tooltip)
    seed_draws.OWN: ("Own z", "Draw the seed's own random starting point (its z), as StyleGAN tools number seeds: "
                              "the most varied samples, some of them smeared blends of two things the GAN learnt"),
    seed_draws.SKIP_MIXTURES: ("Skip mixtures", "Draw the seed's first sample that is not a blend of two things "
                                                "the GAN learnt (a smudge between two faces): cleaner, but nearer "
                                                "the images it trained on"),
    seed_draws.REFINE: ("Refine", "Move the seed's random starting point (its z) a few steps towards what the "
                                  "GAN's own discriminator (the part trained to tell its pictures from real ones) "
                                  "calls real: the seed mostly keeps its face and loses most smears, a little nearer "
                                  "the images it trained on. About 0.15 s a seed on a CPU"),
}


def scrolled(content: QWidget) -> QScrollArea:
    """content in a frameless scroll area that scrolls it up and down where the window is too short for it (at the
    window's smallest, the Steps box was crushed to a sliver and Invert current image cut off), and is no Tab stop
    of its own: Tab goes on to the controls, and brings the one it reaches into view (QScrollArea)."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    area.setWidget(content)
    area.viewport().setAutoFillBackground(False)  # the tab's own background, as before it scrolled
    content.setAutoFillBackground(False)
    return area


class GanPanel(QWidget):
    generate_requested = Signal(int, float, object, str)  # seed, psi, class index or None, draw (seed_draws.py)
    new_sample_requested = Signal(int, float, object, str)
    # a live sample mid-gesture: a drag of ψ, a run of keys on ψ or of seed steps; its end asks for the step
    drag_requested = Signal(int, float, object, str)
    gesture_dropped = Signal()  # such a gesture ended without its step (drop_gestures)
    send_to_vae_requested = Signal()
    invert_requested = Signal(int, float)     # steps, editability 0..1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.seed = SeedBox()
        self.seed.setRange(0, seed_draws.MAX_SEED)
        self.seed.setObjectName("seed")
        self.seed.setToolTip(f"A whole number from 0 to {seed_draws.MAX_SEED}: a seed draws the same sample every "
                             "time, here and in genimg generate --seeds")
        # a typed seed is asked for when entered, not at every keystroke: each ask lands as a sample whose seed,
        # set back into the box, overwrote the digits still being typed (5678 became 58)
        self.seed.setKeyboardTracking(False)
        # says why the seed box shows no seed, and what its controls do then (hidden for a seeded sample)
        self.no_seed_note = NoSeedNote()
        self.random_button = QPushButton("Random seed")
        self.random_button.setToolTip(RANDOM_TIP)
        self.gan_class = QComboBox()
        self.gan_class.setObjectName("gan_class")
        self.gan_class.setToolTip("A GAN trained with labels draws the class you pick; "
                                  "“Any” lets the seed pick one, as often as the training data holds it")
        self.psi = RunSlider()  # a drag, a run of keys or of wheel notches is one step, as on the Sliders tab
        self.psi.setFocusPolicy(Qt.FocusPolicy.WheelFocus)  # a wheel run is committed when a click takes the focus
        self.psi.setRange(*(round(psi * 100) for psi in PSI_RANGE))  # in hundredths (values())
        self._psi_asked = self.psi.value()  # ψ as last set or asked for: a gesture dropped goes back to it
        self.psi_label = QLabel()
        for widget in (self.psi, self.psi_label):  # the README's words, as genimg --psi says them
            widget.setToolTip(PSI_TIP)
        self.draw_buttons = QButtonGroup(self)  # one way to draw a seed at a time
        for draw, (label, tip) in DRAW_BUTTONS.items():
            button = QRadioButton(label)
            button.setObjectName(f"draw_{draw}")
            button.setToolTip(tip)
            button.setProperty("draw", draw)
            self.draw_buttons.addButton(button)
        self.set_values(0, DEFAULT_PSI, None, seed_draws.DEFAULT_DRAW)  # the controls from the one default
        self.new_button = QPushButton("New sample")
        self.new_button.setToolTip("A new image from a random seed, at this ψ, class and draw; the current one "
                                   "stays in the filmstrip")
        self.send_button = QPushButton("Send to VAE editor")
        self.send_button.setObjectName("send_to_vae")
        self.show_sendable(None)
        self.seed.valueChanged.connect(self._on_seed)
        self.seed.run_ended.connect(self._emit)  # a run of seed steps is one step, at the seed it ended on
        self.gan_class.currentIndexChanged.connect(self._emit)
        self.psi.valueChanged.connect(self._on_psi)
        self.psi.sliderReleased.connect(self._emit)  # a drag is one step, at the ψ let go
        self.psi.run_ended.connect(self._emit)  # ... as a run of keys or notches, or a press on the groove
        self.draw_buttons.buttonToggled.connect(lambda _button, on: on and self._emit())  # the newly checked one
        self.random_button.clicked.connect(self.random_seed)
        self.new_button.clicked.connect(self.new_sample)
        self.send_button.clicked.connect(self.send_to_vae_requested)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.random_button)
        psi_row = QHBoxLayout()
        psi_row.addWidget(self.psi, 1)
        psi_row.addWidget(self.psi_label)
        form = QFormLayout()
        form.addRow(labelled("Seed", self.seed), seed_row)
        form.addRow(labelled("Class", self.gan_class), self.gan_class)
        form.addRow(labelled("Truncation", self.psi, "Truncation ψ"), psi_row)
        draw_row = QHBoxLayout()
        for button in self.draw_buttons.buttons():
            draw_row.addWidget(button)
        draw_row.addStretch(1)
        form.addRow("Draw", draw_row)
        self.form = form
        self.set_classes(())
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(form)
        layout.addWidget(self.new_button)
        layout.addWidget(self.send_button)
        layout.addWidget(self._inversion_box())
        # last, over the room left below: coming and going between a photo and a sample, it moves no control (under
        # the Draw row, its room had to be kept while hidden, an empty band above New sample beside every sample)
        layout.addWidget(self.no_seed_note)
        layout.addStretch(1)
        self.scroll = scrolled(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self.setEnabled(False)
        self.no_seed_note.clear()

    def _inversion_box(self) -> QGroupBox:
        box = QGroupBox("Invert an image into the GAN")
        self.steps = NumberBox()
        self.steps.setRange(10, 2000)
        self.steps.setValue(200)
        self.steps.setSingleStep(50)
        self.steps.setToolTip("How many steps the inversion takes: more come closer to the image, and take longer")
        let_window_keys_through(self.steps)  # Undo and B work while it has the focus (the seed box's: SeedBox)
        self.editability = FocusSlider(Qt.Orientation.Horizontal)
        self.editability.setRange(0, 100)
        self.editability.setValue(50)
        self.editability.setToolTip(EDITABILITY_TIP)
        self.invert_button = QPushButton("Invert current image")
        self.invert_button.setToolTip(INVERT_TIP)
        self.invert_button.clicked.connect(
            lambda: self.invert_requested.emit(self.steps.value(), self.editability.value() / 100))
        trade = QHBoxLayout()
        ends = (labelled("Fidelity", self.editability, "Fidelity (left) or editability (right)"), QLabel("Editability"))
        for end in ends:  # the words were the part without a tooltip
            end.setToolTip(EDITABILITY_TIP)
        trade.addWidget(ends[0])
        trade.addWidget(self.editability, 1)
        trade.addWidget(ends[1])
        form = QFormLayout(box)
        form.addRow(labelled("Steps", self.steps, "Inversion steps"), self.steps)
        form.addRow(trade)
        form.addRow(self.invert_button)
        return box

    def values(self) -> tuple[int, float, int | None, str]:
        """(seed, psi, class index or None for the seed's own, draw); the seed is NO_SEED while the box shows
        none (values_to_draw gives one)."""
        index = self.gan_class.currentIndex()
        draw = self.draw_buttons.checkedButton().property("draw")
        return self.seed.value(), self.psi.value() / 100, index - 1 if index > 0 else None, draw

    def set_values(self, seed: int, psi: float, gan_class: int | None = None,
                   draw: str = seed_draws.DEFAULT_DRAW) -> None:
        widgets = (self.seed, self.psi, self.gan_class, self.draw_buttons)
        for w in widgets:
            w.blockSignals(True)
        self._show_seed(seed)
        self.no_seed_note.clear()
        self.psi.setValue(round(psi * 100))
        self._psi_asked = self.psi.value()
        self.psi_label.setText(f"ψ {psi:.2f}")
        self.gan_class.setCurrentIndex(0 if gan_class is None else gan_class + 1)
        self.draw_button(draw).setChecked(True)
        for w in widgets:
            w.blockSignals(False)

    def show_no_seed(self, name: str | None, kind: str | None = None) -> None:
        """The current item (named name, of that kind; None: nothing open) was not drawn from a seed: the box says
        so, and a seed, ψ, class or draw asked for now makes a new sample (Document.generate), the item left as it
        is. ψ, class and draw keep their values: an inversion's w or a VAE picture has none to show, and they are
        what the new sample will be drawn with."""
        self._show_none()
        self.no_seed_note.say(name, kind)

    def _show_none(self) -> None:
        self.seed.blockSignals(True)
        self.seed.setMinimum(NO_SEED)  # the box goes below 0 only to show there is no seed
        self.seed.setSpecialValueText("—")  # shown at the minimum
        self.seed.setValue(NO_SEED)
        self.seed.blockSignals(False)

    def gan_arrived(self) -> None:
        """A GAN has loaded: the controls work, and the note is the current item's again."""
        if not self.no_seed_note.gan_loaded:  # the note keeps whether one has (its text depends on it)
            self.setEnabled(True)
            self.no_seed_note.gan_arrived()

    def _show_seed(self, seed: int) -> None:
        """A seed in the box, out of "no seed" (show_no_seed): a seed of 0 must show as 0, not "—"."""
        self.seed.setSpecialValueText("")
        self.seed.setMinimum(0)
        self.seed.setValue(seed)

    def show_sendable(self, kind: str | None) -> None:
        """Send to VAE editor, for the current item of this kind (None: nothing open): a GAN picture only. A VAE
        picture sent again came back as a blurred copy of itself, named "… (to VAE)"."""
        tip = SEND_TIPS.get(kind, SEND_TIPS[None])
        self.send_button.setEnabled(kind == "gan")
        self.send_button.setToolTip(tip)
        self.send_button.setStatusTip(tip)

    def draw_button(self, draw: str) -> QRadioButton:
        return next(b for b in self.draw_buttons.buttons() if b.property("draw") == seed_draws.checked(draw))

    def set_classes(self, names: tuple[str, ...]) -> None:
        """The classes of the loaded GAN; the Class row shows only for a conditional one. The class chosen stays
        chosen where the new GAN has one of its name, else the box goes to Any, the class the switch draws such a
        sample in (it reset to Any always: a seed stepped after the switch lost the cat the user had chosen)."""
        chosen = self.gan_class.currentText() if self.gan_class.currentIndex() > 0 else None
        self.gan_class.blockSignals(True)
        self.gan_class.clear()
        self.gan_class.addItems([ANY_CLASS, *names])
        if chosen in names:
            self.gan_class.setCurrentIndex(names.index(chosen) + 1)
        self.gan_class.blockSignals(False)
        self.form.setRowVisible(self.gan_class, bool(names))

    def set_draws(self, draws: tuple[str, ...]) -> None:
        """The ways the loaded GAN draws a seed; the others are greyed out (a converted StyleGAN2 would take
        seconds a seed to skip mixtures and has no discriminator to refine with). A chosen way it cannot draw
        gives way to Own z, which is how its seeds will be drawn."""
        for button in self.draw_buttons.buttons():
            button.setEnabled(button.property("draw") in draws)
        if not self.draw_buttons.checkedButton().isEnabled():
            self.draw_buttons.blockSignals(True)
            self.draw_button(seed_draws.OWN).setChecked(True)
            self.draw_buttons.blockSignals(False)

    def finish_gestures(self) -> None:
        """End a run of seed steps or a ψ gesture still going on: its step is asked for now (before an undo)."""
        self.seed.finish_run()
        self.psi.finish_gesture()

    def step_coming(self) -> bool:
        """A run of seed steps or a ψ gesture goes on (resting too), its step still to come: an undo takes it back."""
        return self.seed.in_gesture() or self.psi.step_coming()

    def drop_gestures(self) -> bool:
        """Drop a run of seed steps or a ψ gesture going on over an item with no seed (show_no_seed), its new sample
        not asked: Undo takes it back. The box shows "—" again, ψ its value before. Whether one went on."""
        if not self.step_coming():
            return False
        self.seed.drop_run()
        self._show_none()
        self.psi.drop_gesture(self._psi_asked)
        self.psi_label.setText(f"ψ {self._psi_asked / 100:.2f}")
        self.gesture_dropped.emit()
        return True

    def random_seed(self) -> None:
        self.seed.finish_run()  # the seed stepped to before is a step of its own
        self.seed.setValue(seed_draws.random_seed())

    def new_sample(self) -> None:
        """A new item of a random seed (it used to copy the current sample, seed and all)."""
        self.seed.finish_run()  # for the current sample, before its seed leaves the box
        self.seed.blockSignals(True)  # the seed is the new item's, not a change of the current one's
        self._show_seed(seed_draws.random_seed())
        self.seed.blockSignals(False)
        self.new_sample_requested.emit(*self.values())

    def values_to_draw(self) -> tuple[int, float, int | None, str]:
        """values(), with a random seed where the box shows none: what is asked for then is a new sample, of a
        random seed as New sample draws. The box keeps "—" until that sample is current and shows its own."""
        seed, *rest = self.values()
        return (seed_draws.random_seed() if seed == NO_SEED else seed, *rest)

    def _on_seed(self, seed: int) -> None:
        self._show_seed(seed)  # a seed typed or stepped to over "—": the box goes no lower than 0 again
        if self.seed.in_gesture():  # shown live; the run's end asks for the step (run_ended)
            self.drag_requested.emit(*self.values_to_draw())
        else:  # typed and entered, Random seed, or set by code
            self._emit()

    def _on_psi(self, raw: int) -> None:
        self.psi_label.setText(f"ψ {raw / 100:.2f}")
        if self.psi.in_gesture():  # shown live; its end asks for the step (run_ended, sliderReleased)
            self.drag_requested.emit(*self.values_to_draw())
        else:  # set by code
            self._emit()

    def _emit(self, *_args) -> None:
        self._psi_asked = self.psi.value()
        self.generate_requested.emit(*self.values_to_draw())
