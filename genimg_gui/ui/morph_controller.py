"""Binds the morph dialog to the document: keyframes are the open items' edits as the canvas shows
them (a masked one as its two layers, morph.Layers), the timeline decodes one frame live, Export
renders every frame in the background and writes the animation (GIF, WebP or MP4) there too."""
from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import NamedTuple

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from ..edit import Directions, EditState, edited_latent
from ..engine import requests as rq
from ..fileio import why_folder_refuses
from ..animation_files import FORMATS, fps_note
from ..morph import Layers, keyframe_layers, morph_layers
from ..model_names import model_name
from ..wording import counted, listed, one_of
from .document import Document
from .document_session import awaited_model, own_model_failed, sliders_withheld
from .failed_requests import DONE_ON_CPU
from .item import Item
from .morph_dialog import TITLE, MorphDialog
from .morph_settings import MorphSettings, in_keyframe_order, ticked_again
from .running_jobs import JobKind, RunningJob
from .settings import Settings

MORPH_TAG = (1 << 30) + 1  # Decode / RenderFrames tag of the morph: above any item id, apart from AB_TAG
PLAYED_BYTES = 256 * 2**20  # decoded frames kept to play again: 600 frames of 256 × 256, or 85 of a 1024-px photo
KEYFRAMES_CARRIED = "The keyframes are being encoded again by the new model; export once they all show"
KIND_NAMES = {"vae": ("VAE image", "GAN samples"), "gan": ("GAN sample", "VAE images")}


class KeyframeStates(NamedTuple):
    """What a morph's keyframes are drawn from, by identity, as the cache keys of its frames: each ticked item's
    current state (immutable: an edit is a new state), the directions its values move along (a new set on any
    change), and the first picture's size (masks are brought to it). Hashing a frame's latent, mask and base instead
    cost 157 ms a frame, frames of a 2048 × 1536 photo played from the cache."""
    states: tuple[EditState, ...]
    directions: Directions | None
    size: tuple[int, int]


class Export(NamedTuple):
    """A morph export under way: its RenderFrames seq, the file it writes, and how many frames."""
    seq: int
    file: rq.AnimationFile
    frames: int
    on_cpu: bool = False  # sent again by Retry on CPU after it ran out of GPU memory


class MorphController(QObject):
    """One morph dialog at a time, for the items of the current item's kind."""

    MENU_TEXT = f"&{TITLE}…"  # the Edit menu's item that opens the dialog, named as the dialog's title
    export_ended = Signal()  # an export's file was written, or it failed or was cancelled: the quit question follows

    def __init__(self, document: Document, parent: QWidget, settings: Settings) -> None:
        super().__init__(parent)
        self.document, self.parent_widget, self.settings = document, parent, settings
        self.dialog: MorphDialog | None = None
        self.kind = "vae"
        self.note: QLabel | None = None  # says why there is nothing to morph
        self._ticked: dict[str, tuple[int, ...]] = {}  # kind -> the keyframes ticked as its dialog was last closed
        # Decode seq -> (timeline index, its _played key, the identity of the model it was asked of)
        self._frame_seqs: dict[int, tuple[int, tuple, str | None]] = {}
        self._shown_seq = self._asked_seq = 0
        # (model, KeyframeStates, frames, mode, loop, frame) -> the frame as decoded, the least recently shown first: a
        # loop plays again without decodes
        self._played: OrderedDict[tuple, np.ndarray] = OrderedDict()
        # the keyframes stacked last: each frame asked morphs them, which stacked every mask again for each frame
        self._stacked: tuple[KeyframeStates, Layers] | None = None
        # the exports under way, by seq: the one the user started, and a Retry on CPU of one that ran out of GPU
        # memory (one at a time, a retry clicked while another export ran went unfollowed, its "Wrote …" unsaid)
        self._exports: dict[int, Export] = {}
        self._out_of_memory: Export | None = None  # the export that ran out of GPU memory: Retry on CPU resumes it
        document.engine.result.connect(self._on_result)
        document.engine.failed.connect(self._on_failed)
        document.frames_ready.connect(self._on_frames)
        document.progress.connect(self._on_progress)
        document.retried.connect(self._on_retried)
        document.retry_withdrawn.connect(self._on_withdrawn)
        document.history_changed.connect(self._refresh)  # an undo or edit moves a keyframe

    # --- the dialog -----------------------------------------------------
    def open_dialog(self) -> MorphDialog | None:
        current = self.document.current
        if current is None:
            self.document.error.emit("Open two images (or make two GAN samples) to morph between them")
            return None
        if self.dialog is not None:
            self.dialog.close()
        self._played.clear()
        self._stacked = None
        self.kind = current.kind
        items = [i for i in self.document.items.values() if i.kind == self.kind]
        # pictures left in a model on its way or failed to load: the model loaded drew their latents as other pictures
        apart = [i for i in items if sliders_withheld(self.document, i)]
        items = [i for i in items if i not in apart]
        by_id = {i.id: i for i in items}
        if checked := ticked_again(self._ticked.get(self.kind, ()), list(by_id)):  # as the user left them
            items = [by_id[i] for i in in_keyframe_order(list(by_id), checked)]
        else:
            checked = tuple(dict.fromkeys(i.id for i in [current, *items] if i in items))[:2]  # current, and the next
        dialog = MorphDialog([(i.id, i.name, i.image) for i in items], self.parent_widget, checked,
                             self.settings.morph_form())  # as the last one was left, at the next start too
        dialog.form_changed.connect(self.settings.set_morph_form)
        self.note = QLabel(self._note_text(len(items), apart))
        self.note.setWordWrap(True)
        self.note.setVisible(len(items) < 2 or bool(apart))
        dialog.layout().insertWidget(0, self.note)
        dialog.settings_changed.connect(self._refresh)
        dialog.frame_requested.connect(self.request_frame)
        dialog.export_requested.connect(self.export)
        dialog.finished.connect(lambda _=0, d=dialog: self._closed(d))
        self.dialog = dialog
        dialog.show()
        self.request_frame(dialog.timeline.value())
        return dialog

    def _note_text(self, count: int, apart: list[Item]) -> str:
        one, others = KIND_NAMES[self.kind]
        few = (f"Only {count} {one} is open: a morph needs two or more. Open or make another "
               f"({others} cannot be mixed in: they live in another model's latent space).") if count < 2 else ""
        # a picture whose own model is on its way: in the morph once it comes
        waiting = [(i, model_name(path)) for i in apart if (path := awaited_model(self.document, i)) is not None]
        apart = [i for i in apart if i.id not in {w.id for w, _ in waiting}]
        wait = " ".join(f"{i.name} is left out until {model} loads." for i, model in waiting)
        if not apart:
            return f"{few} {wait}".strip()
        models = listed(sorted({model_name(own[0]) for i in apart if (own := own_model_failed(self.document, i))}))
        left = (f"{listed([i.name for i in apart])} {'is' if len(apart) == 1 else 'are'} left out: made in {models}, "
                f"which could not be loaded, and no other {self.kind.upper()} can draw "
                f"{'it' if len(apart) == 1 else 'them'}.")
        return f"{few} {left} {wait}".strip()

    def _closed(self, dialog: MorphDialog) -> None:
        dialog.deleteLater()  # a child of the window: each opening left one behind, closed but alive
        if dialog is self.dialog:
            self._ticked[self.kind] = dialog.settings().item_ids  # ticked again as it opens (ticked_again)
            self.dialog, self.note = None, None
            self._played.clear()
            self._stacked = None

    # --- keyframes and frames -------------------------------------------
    def keyframes(self, settings: MorphSettings) -> Layers:
        """Each ticked item's current edit, in the dialog's order, as morph layers (its edited latent, and with a
        mask its unedited one): drawn as the canvas draws it. Photos of other sizes under a spatial VAE are
        brought to the first keyframe's grid and size."""
        return self._layers(self._keyframes(settings))

    def _keyframes(self, settings: MorphSettings) -> KeyframeStates:
        items: list[Item] = [self.document.items[i] for i in settings.item_ids if i in self.document.items
                             and not sliders_withheld(self.document, self.document.items[i])]  # open_dialog
        size = items[0].image.shape[:2] if items else (0, 0)
        return KeyframeStates(tuple(i.history.current for i in items), self.document.directions(self.kind), size)

    def _layers(self, keys: KeyframeStates) -> Layers:
        """keys stacked as morph layers, again only where they changed since the last (ValueError: keyframes of
        latents of two shapes, as a new model is re-encoding them)."""
        if not keys.states:
            return Layers(np.zeros((0, 0), np.float32), None, None)
        if self._stacked is None or self._stacked[0] != keys:
            states = keys.states
            layers = keyframe_layers([edited_latent(s, keys.directions) for s in states], [s.base for s in states],
                                     [s.mask for s in states], keys.size)
            self._stacked = keys, layers
        return self._stacked[1]

    def path(self, settings: MorphSettings) -> Layers:
        """The frames of the morph the dialog describes now."""
        return morph_layers(self.keyframes(settings), settings.frames, settings.mode, settings.loop)

    def request_frame(self, index: int) -> int | None:
        """Show frame `index` of the morph: as decoded before if it was (Play loops over the same frames), else
        decoded (live: a newer frame supersedes an older one); the Decode's seq, or None when none was asked."""
        if self.dialog is None:
            return None
        settings = self.dialog.settings()
        if self._carried_first(settings):  # the next one to land asks again (history_changed)
            return None
        keys = self._keyframes(settings)
        if len(keys.states) < 2 or self.kind not in self.document.models:
            return None
        model = self.document.model_identity(self.kind)
        at = min(index, settings.frames - 1)
        key = (model, keys, settings.frames, settings.mode, settings.loop, at)  # what the frame is drawn from
        if (played := self._played.get(key)) is not None:  # playing at 60 fps decoded 60 frames a second, each loop
            self._played.move_to_end(key)
            self._shown_seq = self._asked_seq  # a decode still on its way is of a frame played past
            self.dialog.show_frame(index, played)
            return None
        try:
            layers = self._layers(keys)
        except ValueError:  # a new model is re-encoding the keyframes: the next one to land asks again
            return None
        frame = morph_layers(layers, settings.frames, settings.mode, settings.loop, at)  # this frame's alone
        masks, bases = frame.frame_masks()
        masked = {"mask": masks[0], "base": bases[0]} if masks else {}
        # not kept: a morph played or scrubbed pushed the picture's own decodes out, and its next stroke decoded it
        seq = self.document.engine.submit(rq.Decode(self.kind, frame.edited[0], tag=MORPH_TAG, kept=False, **masked))
        self._frame_seqs[seq] = (index, key, model)
        self._asked_seq = seq
        return seq

    def _carried_first(self, settings: MorphSettings) -> bool:
        """Whether a ticked keyframe's latents are not the loaded model's yet, each being made so now
        (Document.carried_first): a picture a VAE switch left behind kept the last VAE's latent, which the new one
        drew as another picture in the frames."""
        items = [self.document.items[i] for i in settings.item_ids if i in self.document.items]
        waiting = [item for item in items if self.document.carried_first(item) is not None]  # each, not the first
        return bool(waiting)

    def _keep(self, key: tuple, image: np.ndarray) -> None:
        """Keep a decoded frame to play again, dropping the least recently shown beyond PLAYED_BYTES."""
        self._played[key] = image
        held = sum(i.nbytes for i in self._played.values())  # once, not again after each frame dropped
        while held > PLAYED_BYTES and len(self._played) > 1:
            held -= self._played.popitem(last=False)[1].nbytes

    def _refresh(self, *_) -> None:
        if self.dialog is not None:
            self.request_frame(self.dialog.timeline.value())

    def _on_result(self, r) -> None:
        if not isinstance(r, rq.Decoded) or r.tag != MORPH_TAG:
            return
        asked = self._frame_seqs.pop(r.seq, None)
        self._frame_seqs = {s: i for s, i in self._frame_seqs.items() if s > r.seq}  # superseded ones
        if asked is None or self.dialog is None:
            return
        index, key, model = asked
        # the worker draws with the model loaded as it runs, not as the frame was asked: a load (a job) goes before a
        # queued live decode. That load's ModelInfo came, and the document took it, before this result (one worker,
        # its results in order), so the model the document has now drew it. Drawn by another than asked, it is no
        # frame of this morph (its latent is the old model's): it was kept under the old model's key, and shown as its
        # frame once that model was back. Dropped, and asked again of the model loaded now, unless a newer frame was.
        if self.document.model_identity(self.kind) != model:
            if r.seq >= self._asked_seq:
                self._refresh()
            return
        self._keep(key, r.image)
        if r.seq > self._shown_seq:
            self._shown_seq = r.seq
            self.dialog.show_frame(index, r.image)

    # --- export ---------------------------------------------------------
    def export(self, path: str) -> int | None:
        """Render every frame in the background, then write them to path (suffix picks the format) at the
        dialog's fps and scale, in the same job: a large GIF took a minute to write, the window frozen."""
        if self.dialog is None:
            return None
        settings = self.dialog.settings()
        problem = self._export_problem(Path(path), settings)
        if problem:
            self._fail(problem)
            return None
        frames = self.path(settings)
        masks, bases = frames.frame_masks()
        file = rq.AnimationFile(path, settings.fps, settings.scale)
        seq = self.document.engine.submit(rq.RenderFrames(self.kind, frames.edited, tag=MORPH_TAG,
                                                          masks=masks, bases=bases, write=file))
        count = len(frames.edited)
        self.document.jobs[seq] = RunningJob(JobKind.MORPH, (path,))
        self._start(Export(seq, file, count))
        return seq

    def _start(self, export: Export) -> None:
        self._exports[export.seq] = export
        self.document.failures.cancel_told_elsewhere.add(export.seq)  # _on_failed names what a cancel stopped
        self._show_busy()

    def _show_busy(self) -> None:
        """The dialog says the newest export under way is rendering; with none, nothing."""
        if self.dialog is None:
            return
        export = self._exports[max(self._exports)] if self._exports else None
        where = " on the CPU" if export is not None and export.on_cpu else ""
        self.dialog.set_busy(None if export is None else
                             f"Rendering {counted(export.frames, 'frame')}{where}… (Cancel in the status bar)")

    def _on_retried(self, seq: int, new: int) -> None:
        """Retry on CPU sent the export that ran out of GPU memory again: it is this export again, ended as one
        (its file was written with nothing said, the dialog still showing the out-of-memory error)."""
        if self._out_of_memory is not None and self._out_of_memory.seq == seq:
            self._start(self._out_of_memory._replace(seq=new, on_cpu=True))
            self._out_of_memory = None
            self.document.failures.on_cpu.pop(new, None)  # its "Wrote …" says so (_on_frames)

    def _on_withdrawn(self, seq: int) -> None:
        if self._out_of_memory is not None and self._out_of_memory.seq == seq:
            self._out_of_memory = None

    def _export_problem(self, path: Path, settings: MorphSettings) -> str:
        """Why the export cannot start (said before minutes of rendering, not after), or ""."""
        if self._exports:
            return "A morph export is already running; wait for it or cancel it"
        if self._carried_first(settings):
            return KEYFRAMES_CARRIED
        try:
            if len(self.keyframes(settings).edited) < 2:
                return "Tick two or more keyframes to export a morph"
        except ValueError:
            return KEYFRAMES_CARRIED
        if path.suffix.lower() not in FORMATS:
            return f"Cannot export {path.name}: the file must end in {one_of(FORMATS)}"
        why = why_folder_refuses(path)  # as the PNG export says it: the file named, then why
        return f"Could not write {path}: {why}" if why else ""

    def _on_frames(self, r: rq.Frames) -> None:
        if (export := self._exports.get(r.seq)) is None:
            return
        self._finish_export(r.seq)
        self.settings.exported_to(export.file.path)  # once written: a folder that took no file is no place to start
        message = f"Wrote {r.written}"  # "Wrote …/morph.gif (24 frames, 256×256, 2.0 s)"
        # a 60 fps GIF was 50 fps with nothing said but "0.5 s"
        notes = [fps_note(export.file.fps, Path(export.file.path).suffix), DONE_ON_CPU if export.on_cpu else ""]
        message += "".join(f"; {note}" for note in notes if note)
        self.document.message.emit(message)  # the status bar
        if self.dialog is not None:
            self.dialog.show_written(message)

    def _on_progress(self, p: rq.Progress) -> None:
        """The dialog says when the rendering is done and the file is being written (the worker's job goes on)."""
        if (export := self._exports.get(p.seq)) is None or self.dialog is None or p.fraction >= 1.0:
            return
        writing = export.file.doing
        if p.text == writing and not self.dialog.busy.text().startswith(writing):  # once, as the writing starts
            self.dialog.set_busy(f"{writing} (Cancel in the status bar)")

    def _on_failed(self, f: rq.Failed) -> None:
        if f.seq in self._exports and f.final:
            failed = self._exports[f.seq]
            self._finish_export(f.seq)  # the document shows an error...
            if f.retry_on_cpu:
                self._out_of_memory = failed
            message = f.message
            if f.cancelled:  # ...a cancel here: a bare "Cancelled" told neither what stopped nor that no file was left
                message = f"Cancelled the export of {Path(failed.file.path).name}: no file written"
                self.document.message.emit(message)
            if self.dialog is not None:  # ...and the dialog says it too, where "Wrote …" goes
                self.dialog.show_written(message)

    def _fail(self, text: str) -> None:
        """Why an export did not start or was not written: in the status bar and in the dialog, whose line said
        nothing while only the main window's status bar did."""
        self.document.error.emit(text)
        if self.dialog is not None:
            self.dialog.show_written(text)

    def _finish_export(self, seq: int) -> None:
        self._exports.pop(seq, None)
        self.document.jobs.pop(seq, None)
        self._show_busy()
        self.export_ended.emit()

    def exporting(self) -> bool:
        return bool(self._exports)

    def export_names(self) -> list[str]:
        """The file names of the exports under way (the quit question names them)."""
        return [Path(e.file.path).name for e in self._exports.values()]

