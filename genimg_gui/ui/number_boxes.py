"""Number boxes that take a number typed past their range as the nearest end of it, and say the range.

Qt's spin boxes refuse the keystroke that takes the text past the maximum, so the number typed stops short: 1500 in
the Train… dialog's Time box (up to 1440 min) became 150.00 min, and 2000 became 200.00. A number below the minimum
went back to the box's previous value when the box was left, without a word: 0 min became 30 again. Here the
digits stand while they are typed, and the number becomes the maximum or the minimum when it is entered (Enter, Tab,
a click elsewhere). The tooltip ends with the range, which moves with the box's."""
from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QDoubleSpinBox, QSpinBox


def set_in_range(box: QAbstractSlider | QAbstractSpinBox, value: float) -> None:
    """box.setValue(value), brought into box's range first: a number from the settings (a file edited by hand) may be
    past any box's, and one past 32 bits made Qt's setValue raise OverflowError (inversion/steps=99999999999 stopped
    every start). Not a number at all (NaN) leaves the box as it is."""
    if value != value:
        return
    box.setValue(min(max(value, box.minimum()), box.maximum()))


def _number_words(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class _KeptInRange:
    """What NumberBox and DecimalBox share: a mixin before the Qt class."""
    _tip = ""

    def _typed(self, text: str) -> float | None:
        """The number in the box's text, without its prefix and suffix; None when there is none."""
        bare = text.strip().removeprefix(self.prefix().strip()).removesuffix(self.suffix().strip()).strip()
        number, ok = self.locale().toDouble(bare)
        return number if ok else None

    def validate(self, text: str, pos: int) -> object:
        state, text, pos = super().validate(text, pos)
        number = self._typed(text)
        if state == QValidator.State.Invalid and number is not None and not self.minimum() <= number <= self.maximum():
            state = QValidator.State.Intermediate  # kept while typed; fixup brings it into the range when entered
        return state, text, pos

    def fixup(self, text: str) -> str:
        number = self._typed(text)
        if number is None:
            return super().fixup(text)
        kept = min(max(number, self.minimum()), self.maximum())
        return self.prefix() + self.textFromValue(kept if isinstance(self, QDoubleSpinBox) else round(kept)) \
            + self.suffix()

    def setToolTip(self, tip: str) -> None:  # noqa: N802 (Qt's name)
        self._tip = tip
        self._say_range()

    def setRange(self, minimum: float, maximum: float) -> None:  # noqa: N802 (Qt's name)
        super().setRange(minimum, maximum)
        self._say_range()

    def setMinimum(self, minimum: float) -> None:  # noqa: N802 (Qt's name)
        super().setMinimum(minimum)
        self._say_range()

    def setMaximum(self, maximum: float) -> None:  # noqa: N802 (Qt's name)
        super().setMaximum(maximum)
        self._say_range()

    def _say_range(self) -> None:
        low, high = (f"{self.prefix()}{_number_words(end)}" for end in (self.minimum(), self.maximum()))
        said = f"From {low} to {high}{self.suffix()}"
        tip = self._tip.rstrip()
        if tip and tip[-1] not in ".!?:;":  # two sentences: "… and take longer. From 10 to 2000", "… larger). From"
            tip += "."
        super().setToolTip(f"{tip}\n{said}" if tip else said)


class NumberBox(_KeptInRange, QSpinBox):
    """A QSpinBox that takes 2000 typed in a box up to 512 as 512, and says its range in its tooltip."""


class DecimalBox(_KeptInRange, QDoubleSpinBox):
    """A QDoubleSpinBox that takes 2000 typed in a box up to 1440 as 1440, says its range in its tooltip, and shows
    a number with the decimals it has: 30 as "30", 2.5 as "2.5" (Qt's showed "30.00 min")."""

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt's name)
        text = super().textFromValue(value)  # rounded to decimals(), in the box's locale
        point = self.locale().decimalPoint()
        return text.rstrip("0").removesuffix(point) if point in text else text
