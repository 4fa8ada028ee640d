"""The status bar's side of the jobs: a job's progress with Cancel, Retry on CPU after one ran out of memory, the
notes of work under way (a slow picture, models loading), the device and the last decode time. Mixed into StatusBar
(status.py), which holds the messages, errors and warnings beside them, and the signals these send."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton

from ..wording import duration
from .status_ink import BAR_PADDING, job_bar_format

if TYPE_CHECKING:
    from .document import Document


# the job progress bar is as wide as this label in its font (at 160 px, "Inverting: step 145 of 200" was cut);
# a longer label is shortened to it (status_ink.fit_job_label), whole in its tooltip
BAR_FITS = "Inverting: step 1,380 of 2,000"
DRAWING_TIP = "The newest picture is still being drawn; the one shown is the last that came back"
BUSY_BETWEEN = "  ·  "  # between two busy notes (a model loading while a picture is drawn)


class StatusJobs:
    """The job widgets and their slots; StatusBar (a QStatusBar) places the widgets and owns the signals."""

    def _make_job_widgets(self) -> None:
        self.device = QLabel("device: –")
        # their own tooltips: without, they showed the bar's, which speaks of the message (or of one long gone)
        self.device.setToolTip("The device that runs the models (the Models tab changes it)")
        self.timing = QLabel("decode: –")
        self.timing.setToolTip("How long the last picture took to decode")
        self.busy = QLabel()  # a live request slow to come back (slow_draw.py), models loading (loading_note.py)
        self._busy: dict[str, tuple[str, str]] = {}  # source -> (its note, its tooltip): show_busy
        self.bar = QProgressBar()
        # fixed: the label is fitted to it
        self.bar.setFixedWidth(self.bar.fontMetrics().horizontalAdvance(BAR_FITS) + BAR_PADDING)
        self.bar.setRange(0, 100)
        self.cancel = QPushButton("Cancel")
        self.cancel.clicked.connect(self._on_cancel)
        self._job = 0
        self.retry = QPushButton("Retry on CPU")
        self.retry.setToolTip("Switch the device to the CPU and run the request that ran out of memory again")
        self.retry.clicked.connect(self._on_retry)

    def follow(self, document: Document) -> None:
        """Show the document's jobs (progress, decode time, a Retry on CPU offered and answered), and send it the
        bar's Cancel and Retry clicks."""
        document.progress.connect(lambda p: self.show_progress(p.seq, p.fraction, p.text))
        document.decode_time.connect(self.show_decode_time)
        self.cancel_requested.connect(document.cancel)
        failures = document.failures  # which request the Retry on CPU button sends: failures.offered

        def on_withdrawn(_seq: int) -> None:
            if not failures.offered:  # the one offered can no longer be sent: a click re-encoded it for nothing
                self.retry.hide()

        document.retry_offered.connect(self.retry.show)
        document.retry_withdrawn.connect(on_withdrawn)
        self.retry_requested.connect(failures.retry_offered)
        document.error_answered.connect(self.withdraw_error)

    def show_busy(self, text: str, source: str = "drawing", tip: str = DRAWING_TIP) -> None:
        """A note that work is under way ("Decoding… (the last took 24 s)", "Loading emoji-vae…"); "" takes it
        away. Each source has its own, shown side by side: one's end must not take away the other's."""
        self._busy[source] = (text, tip)
        notes = [note for note in self._busy.values() if note[0]]
        self.busy.setText(BUSY_BETWEEN.join(text for text, _ in notes))
        self.busy.setToolTip("\n".join(tip for _, tip in notes))
        self.busy.setVisible(bool(notes))

    def _on_cancel(self) -> None:
        """Asked once: the job stops at its next check, which inside one pass of a big model can take a while (the
        button, still live, looked unheard); it goes when the job ends, and the next job's comes enabled."""
        self.cancel.setEnabled(False)
        self.cancel_requested.emit(self._job)

    def _on_retry(self) -> None:
        self.retry.hide()
        self.retry_requested.emit()

    def show_progress(self, seq: int, fraction: float, text: str) -> None:
        """A job's progress, with Cancel while it runs. The end of a job not shown (one cancelled while still
        queued) leaves the bar to the job that is."""
        done = fraction >= 1.0
        if done and seq != self._job:
            return
        if done or seq != self._job:
            self.cancel.setEnabled(True)
        self._job = seq
        self.bar.setVisible(not done)
        self.cancel.setVisible(not done)
        self.bar.setValue(int(100 * fraction))
        self.bar.setFormat(job_bar_format(self.bar, text))
        self.bar.setToolTip(f"{text} ({int(100 * fraction)}%)")

    def show_device(self, device: str) -> None:
        self.device.setText(f"device: {device}")

    def show_decode_time(self, seconds: float) -> None:
        self.timing.setText(f"decode: {duration(seconds)}")  # as the slow-draw note says it: "32 s", not 31760.5 ms
