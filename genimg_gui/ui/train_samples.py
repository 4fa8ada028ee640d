"""The Train… dialog's samples frame, beside the log: a run's latest sample grid, what it shows, and the held-out
figures measured at its step (none until they are: a --minutes run measures its step 1 to time its evaluations, and
those figures showed before any grid, of a model whose samples the user had not seen); before a run, in the log's
grey, when they will come. Framed as the log is: unframed, the right half of the dialog read as empty before a run,
and the figures' line floated over the log on its own."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from .train_run import WINDOW_SAMPLE_EVERY

FIGURES_TO_COME = "Held-out figures appear with each sample grid."
PREVIEW_WIDTH = 320  # a sample grid (8 x 4 tiles) at 40 px a tile
MARGIN = 6  # px round the frame's words and grid, about the log's own margin round its text


def samples_to_come(every: int) -> str:
    """The frame's first line before a run's first grid, at the dialog's Steps between samples."""
    return "The sample grid appears here " + ("at every step." if every == 1 else f"every {every:,} steps.")


def _wrapped(text: str = "") -> QLabel:
    """A line of the frame: wrapped at the grid's width (its words at a large font were cut there on one line)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setFixedWidth(PREVIEW_WIDTH)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


class SamplesFrame(QFrame):
    """The grid (preview), its caption above it and the figures under it; until they come, placeholder lines."""

    def __init__(self, frame_of: QFrame) -> None:
        """frame_of: the log, whose frame and background the samples frame takes."""
        super().__init__()
        self.setFrameShape(frame_of.frameShape())
        self.setFrameShadow(frame_of.frameShadow())
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAutoFillBackground(True)
        self.caption = _wrapped()  # what the grid shows; a VAE's says what its two rows are: it may take two lines
        self.caption.setForegroundRole(QPalette.ColorRole.Text)
        self.caption.hide()  # until there is a grid to caption
        self._grid_to_come = samples_to_come(WINDOW_SAMPLE_EVERY)  # the dialog sets its own (expect_samples)
        self.preview = _wrapped(self._grid_to_come)
        self.preview.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # the grid's words: grey, as the log's
        self.figures = _wrapped(FIGURES_TO_COME)
        self._figures_to_come = FIGURES_TO_COME
        self._figures_shown = False  # the line holds a run's figures, which a changed setting leaves on show
        self._measured: dict[int, str] = {}  # the run's figures by the step they were measured at
        self._grid_step: int | None = None  # the step of the grid on show, None for none (or one of no known step)
        self._say_figures(FIGURES_TO_COME, measured=False)
        column = QVBoxLayout(self)
        column.setContentsMargins(MARGIN, MARGIN, MARGIN, MARGIN)
        column.addWidget(self.caption)
        column.addWidget(self.preview)
        column.addWidget(self.figures)
        column.addStretch(1)

    def expect_samples(self, every: int) -> None:
        """The interval the next run draws its grids at (Steps between samples), said until its first grid."""
        self._grid_to_come = samples_to_come(every)
        if self.preview.pixmap().isNull():
            self.preview.setText(self._grid_to_come)

    def expect_figures(self, to_come: str) -> None:
        """What the figures line says until the next run's figures come: that they will, or why none will."""
        self._figures_to_come = to_come
        if not self._figures_shown:
            self._say_figures(to_come, measured=False)

    def show_figures(self, figures: str, step: int) -> None:
        """Figures measured at a step: shown under that step's grid, kept until it comes (or for the run's end)."""
        self._measured[step] = figures
        if step == self._grid_step:
            self._figures_shown = True
            self._say_figures(figures, measured=True)

    def _say_figures(self, text: str, measured: bool) -> None:
        """A run's figures in the text's colour, what is to come in the placeholder's; none: no line at all (a
        folder without images, which the note above the log warns of)."""
        self.figures.setText(text)
        self.figures.setForegroundRole(QPalette.ColorRole.Text if measured else QPalette.ColorRole.PlaceholderText)
        self.figures.setVisible(bool(text))

    def show_grid(self, pixmap: QPixmap, caption: str, step: int | None, final: bool = False) -> None:
        """A grid drawn at a step, with that step's figures once measured (an earlier grid's went: they were not its
        own). final: the model a run wrote, of that step (None: unknown), with its own figures or none: a stop that
        left its evaluation out showed an earlier step's, even step 1's timing evaluation, as the written model's."""
        self._grid_step = step
        figures = self._measured.get(step) if step is not None else None
        self._figures_shown = bool(figures)
        # the model written unmeasured (its final line in the log says so): no promise of figures a grid brings
        to_come = "" if final and self._figures_to_come == FIGURES_TO_COME else self._figures_to_come
        self._say_figures(figures or to_come, measured=bool(figures))
        grid = pixmap.scaledToWidth(PREVIEW_WIDTH, Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(grid)
        # its height held: a label that wraps its words is laid out at its words' height, which cut the grid to a
        # strip between its caption and figures
        self.preview.setMinimumHeight(grid.height())
        self.caption.setText(caption)
        self.caption.show()

    def forget(self, keep_grid: str = "") -> None:
        """The figures and (unless keep_grid, the kept grid's new caption) grid back to what is to come: they were
        another folder's run's."""
        self._figures_shown, self._measured = False, {}
        self._say_figures(self._figures_to_come, measured=False)
        if keep_grid:
            self.caption.setText(keep_grid)  # hidden still where no grid is on show
        else:
            self._grid_step = None
            self.preview.clear()
            self.preview.setMinimumHeight(0)
            self.preview.setText(self._grid_to_come)
            self.caption.setText("Samples")
            self.caption.hide()
