"""The Generate tab's note under its controls while the current image has no seed: what the image is, and what the
controls above then do."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from .inversion_names import fitted_name

# what the image is, by its kind: "“seed 42 (to VAE)” was not drawn from a seed" read as a contradiction
WHAT_IT_IS = {"vae": "a picture in the VAE editor", "gan": "an inversion"}
LEAST_NAME_PX = 160  # the name's room before the note is laid out (then: a whole line)
# while no GAN is loaded (the tab greyed out): a damaged GAN at the start left the note saying the image had no
# seed, and that "choosing a seed or changing any of them makes one", which nothing greyed out allowed
NO_GAN_NOTE = "No GAN is loaded: load one in the Models tab"
THEN = "The class, ψ and draw above are for a new sample: choosing a seed or changing any of them makes one."


class NoSeedNote(QLabel):
    """Names the image on one line at most, shortened as the filmstrip shortens it (fitted_name) and fitted again
    as the panel's width changes (fitted to 160 px, "trans.png, inverted (stopped at step 90)" read "trans...,
    inverted (step 90)" on a line with room for it whole); the whole name in its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("no_seed_note")
        self.setWordWrap(True)
        self.hide()
        self.name: str | None = None
        self.kind: str | None = None
        self.gan_loaded = False  # until then the note says so, whatever the current image (gan_arrived)
        self.said = False  # the current image has no seed (say), rather than a seed (clear)

    def say(self, name: str | None, kind: str | None = None) -> None:
        """The image named name (None: nothing is open), of that kind ("vae", "gan"; None: unknown) has no seed."""
        self.name, self.kind, self.said = name, kind, True
        self._fill()
        self.show()

    def clear(self) -> None:
        """The current image has a seed: no note, unless no GAN is loaded."""
        self.said = False
        if not self.gan_loaded:
            self._fill()
        self.setVisible(not self.gan_loaded)

    def gan_arrived(self) -> None:
        """A GAN has loaded: the note is the current image's again (none for a seeded one)."""
        self.gan_loaded = True
        self._fill()
        self.setVisible(self.said)

    def _fill(self) -> None:
        if not self.gan_loaded:
            self.setToolTip("")
            return self.setText(NO_GAN_NOTE)
        metrics = self.fontMetrics()
        room = max(LEAST_NAME_PX, self.contentsRect().width() - metrics.horizontalAdvance("“”") - 2)
        short = fitted_name(metrics, self.name or "", room)
        self.setToolTip(self.name if self.name and short != self.name else "")  # the whole name
        what = WHAT_IT_IS.get(self.kind, "not a sample drawn from a seed")
        # ψ, class and draw above keep the last sample's values: say whose they are, as they are not this image's
        said = f"“{short}” is {what}: it has no seed. {THEN}" if self.name else f"Nothing is open. {THEN}"
        if said != self.text():  # only a change: a new text can change the note's height, and so its width again
            self.setText(said)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        if self.name and self.gan_loaded:
            self._fill()
