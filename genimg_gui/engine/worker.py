"""The worker: one long-lived QObject on one QThread that owns the Runtime.

It loops on the RequestQueue (jobs first, then the latest live request), and emits only plain data. Any exception
in a request becomes a Failed result and the loop goes on.
"""
from __future__ import annotations

import time
import traceback
from pathlib import Path

import numpy as np
import torch

from PySide6.QtCore import QObject, Signal, Slot

from ..export import NoMemoryToRead, TooLargeToDraw, read_latent
from ..file_stamp import FileStamp, stamp_of
from ..fileio import why_not_written
from ..image_files import with_pictures_step
from ..imaging import ImageLoadError, PictureTooLarge, open_image, open_read
from ..models.device import available_devices, gui_friendly_threads
from ..models.foreign import SD_SCALES, NeedsScale
from ..models.layer_checks import StopCheck
from ..models.weights import ModelFileError
from ..animation_files import Written, write_animation
from ..weights_file import held_digest_or_none
from ..wording import step_of
from . import requests as rq
from . import spatial
from .encode_inputs import pixels_of, thumbnail
from .queue import Cancelled, RequestQueue
from .ran_out import (DeviceFull, OutOfMemoryIn, files_ran_out, free_cache, none_encoded, not_encoded, out_of_memory,
                      out_of_memory_said, ran_out_on_gpu, why_not_done)
from .runtime import LatentMismatch, Runtime

USER_ERRORS = (ImageLoadError, ModelFileError, ValueError, FloatingPointError, RuntimeError, OSError)
# the model's errors for one file of several, which the others need not share (out of memory, NaN): the file is said
# and the rest go on. ModelFileError (no VAE loaded) ends the job: all files share it
FILE_ERRORS = (ValueError, FloatingPointError, RuntimeError, OSError, MemoryError)


class Worker(QObject):
    result = Signal(object)
    failed = Signal(object)
    progress = Signal(object)
    started = Signal(int)  # the seq of a job (not a live request) as the worker starts it
    done = Signal(int)  # the seq of a request that ended without failing, after its results and progress

    def __init__(self, queue: RequestQueue, device: str = "auto", threads: int | None = None) -> None:
        """threads: torch's CPU threads (0: all cores but one, for the GUI thread); None leaves torch's own."""
        super().__init__()
        self.queue = queue
        self.device_name = device
        self.threads = threads
        self.runtime: Runtime | None = None
        self.decodes = 0  # how many live decodes actually ran (the rest were superseded)
        # requests whose progress was reported and has not ended: each ends with its request (_end_progress)
        self._reporting: set[int] = set()
        self._loaded_at: dict[str, int] = {}  # kind -> the seq of the LoadModel that loaded the model in use

    @Slot()
    def run(self) -> None:
        if self.threads is not None:  # set on this thread, which runs the models
            torch.set_num_threads(self.threads or gui_friendly_threads())
        try:
            self.runtime = Runtime(self.device_name)
        except RuntimeError as e:  # e.g. --device cuda on a machine without one
            self.failed.emit(rq.Failed(0, "SetDevice", f"{e}; using the CPU"))
            self.runtime = Runtime("cpu")
        self._announce_device(0)
        while (request := self.queue.take()) is not None:
            self._run(request)

    def _run(self, request: rq.Request) -> None:
        """One request, its failure answered as a Failed result: the loop goes on. However it ends, its progress
        ends with it: a job whose last report was short of 1.0 (a model load) left the progress bar up."""
        if not request.live:  # a load that waited behind a slow decode is said to wait until it starts
            self.started.emit(request.seq)
        ended_well = False
        try:
            with self.runtime.stoppable(self._stop_check(request.seq)):  # a cancel stops even one long pass
                self._handle(request)
            ended_well = True
        except Cancelled:
            self._fail(rq.Failed(request.seq, type(request).__name__, "cancelled", cancelled=True))
        except (*USER_ERRORS, MemoryError) as e:
            if out_of_memory(e):
                self._recover_from_oom(request, e)
            else:  # a latent file read in too little memory, or too large to draw, is not damaged: kept in Open recent
                self._fail(rq.Failed(request.seq, type(request).__name__, str(e), out_of_memory=isinstance(
                    e, NoMemoryToRead), too_large=isinstance(e, TooLargeToDraw)))
        except Exception as e:  # a bug, not the user's doing: say so, keep the thread alive
            traceback.print_exc()
            self._fail(rq.Failed(request.seq, type(request).__name__, f"internal error ({type(e).__name__}: {e})"))
        finally:
            self._end_progress(request.seq)
            self.queue.finished(request.seq)
        if ended_well and not self.queue.queued(request.seq):  # a preview strip that gave way has not ended: it
            self.done.emit(request.seq)  # runs again, and may yet run out of memory

    def _report(self, seq: int, fraction: float, text: str) -> None:
        """A job's progress; its end (1.0) is told when the job ends, if it has not told it itself."""
        if fraction >= 1.0:
            self._reporting.discard(seq)
        else:
            self._reporting.add(seq)
        self.progress.emit(rq.Progress(seq, fraction, text))

    def _end_progress(self, seq: int, text: str = "done") -> None:
        if seq in self._reporting:
            self._report(seq, 1.0, text)

    def _fail(self, failed: rq.Failed) -> None:
        """A request's final failure, after its progress ends (the bar gone when the message comes)."""
        self._end_progress(failed.seq, "cancelled" if failed.cancelled else "failed")
        self.failed.emit(failed)

    def _handle(self, r: rq.Request) -> None:
        rt = self.runtime
        if isinstance(r, rq.Decode):
            if r.model not in ("", rt.identity(r.kind)):  # asked of a model that another of its kind replaced: the
                return  # views ask again once the picture's latents are in the new one (Engine.done answers it)
            self.decodes += 1
            t0 = time.perf_counter()
            try:
                image = rt.render(r.kind, r.latent, r.mask, r.base, r.tag, kept=r.kept)
            except LatentMismatch:
                if r.seq < self._loaded_at.get(r.kind, -1):  # asked before a switch to a model of another latent
                    return  # shape, whose load ran first: the views ask again ("does not fit the VAE" came unasked)
                raise
            self.result.emit(rq.Decoded(r.seq, r.kind, r.tag, r.latent, image, time.perf_counter() - t0))
            return
        if isinstance(r, rq.MapSeed):
            t0 = time.perf_counter()
            cls = rt.class_index(r.class_name)  # in the GAN loaded now, which need not be the one it was asked of
            w = rt.map_seed(r.seed, r.psi, cls, r.draw)
            image = rt.decode("gan", w)
            self.result.emit(rq.Mapped(r.seq, r.seed, r.psi, r.tag, w, image, time.perf_counter() - t0, cls,
                                       rt.drawn_as(r.draw), r.record, r.draw, r.class_name,
                                       rt.drawn_class(r.seed, cls)))
        elif isinstance(r, rq.LoadModel):
            self._load(r)
        elif isinstance(r, rq.SetDevice):
            try:
                rt.set_device(r.device)
            finally:  # also where it failed: the device shown goes back to the one the models stay on
                self._announce_device(r.seq)
        elif isinstance(r, rq.EncodeFiles):
            self._encode_files(r)
        elif isinstance(r, rq.EncodeImage):  # a paste, a sample sent, a picture encoded again by a new VAE
            self._report(r.seq, 0.0, f"Encoding {r.name}")  # its bar's Cancel: a big paste had no way to stop
            image, file, size = pixels_of(r)
            self._emit_encoded(r.seq, r.name, image, r.fit, file=file, size=size)
        elif isinstance(r, rq.ReadLatentFile):
            self.result.emit(rq.LatentFileRead(r.seq, read_latent(r.path)))
        elif isinstance(r, rq.DecodeLatentFile):
            self._decode_latent_file(r)
        elif isinstance(r, rq.DigestWeights):
            self.result.emit(rq.WeightsDigest(r.seq, r.folder, held_digest_or_none(r.folder)))
        elif isinstance(r, rq.PreviewStrip):
            self._preview_strip(r)
        elif isinstance(r, rq.EncodeLatents):
            self._encode_latents(r)
        elif isinstance(r, rq.RenderFrames):
            self._render_frames(r)
        elif isinstance(r, rq.Invert):
            self._invert(r)
        else:
            raise TypeError(f"unknown request {type(r).__name__}")

    def _load(self, r: rq.LoadModel) -> None:
        """Load (converting a foreign file first); an SD VAE without a scale asks for one instead."""
        try:
            info = self.runtime.load(r.path, self._progress_fn(r.seq), r.scaling_factor)
        except NeedsScale as e:
            self._end_progress(r.seq)  # before the question: the bar went only when the next job started
            self.result.emit(rq.ScaleNeeded(r.seq, r.path, e.description, tuple(SD_SCALES.items()), e.guess))
            return
        except ModelFileError as e:  # a picture given as a model: where pictures go instead
            if (said := with_pictures_step(str(e), r.path, "app")) == str(e):
                raise
            raise ModelFileError(said) from None
        self._loaded_at[info.kind] = r.seq
        self.result.emit(info)

    def _recover_from_oom(self, request: rq.Request, error: BaseException) -> None:
        """Free what the failed request held; on a GPU, send it back with its failure to retry on the CPU (Failed.retry,
        the queue having let it go; OutOfMemoryIn: the files that ran out). A DeviceFull switch is undone: no retry."""
        name = type(request).__name__
        if isinstance(error, DeviceFull):
            free_cache(error.device)
            self._fail(rq.Failed(request.seq, name, error.said, out_of_memory=True))
            return
        device = self.runtime.device
        free_cache(device)
        said, retry, cancelled = out_of_memory_said(device), request, False
        if isinstance(error, OutOfMemoryIn):  # only the files that ran out, where it names them
            said, retry, cancelled = error.said_as(device), error.retry or request, error.cancelled
        self._fail(rq.Failed(request.seq, name, said, cancelled=cancelled, retry_on_cpu=device.type != "cpu",
                             retry=retry if device.type != "cpu" else None, out_of_memory=True))

    def _announce_device(self, seq: int) -> None:
        self.result.emit(rq.DeviceChanged(seq, str(self.runtime.device), tuple(available_devices())))

    def _encode_files(self, r: rq.EncodeFiles) -> None:
        """Each file is its own result; one that cannot be read or encoded is named and the rest go on (one out of
        memory ended the job, unnamed). Those that ran out of GPU memory are offered on the CPU after the rest, or
        after a cancel of the rest, which had said "Cancelled" alone: they were named nowhere."""
        ran_out, cancelled = [], False  # the paths that ran out of GPU memory (_encode_each)
        try:
            self._encode_each(r, ran_out)
        except Cancelled:
            if not ran_out:
                raise
            cancelled = True
        if ran_out:
            raise files_ran_out(r, ran_out, cancelled)

    def _encode_each(self, r: rq.EncodeFiles, ran_out: list[str]) -> None:
        for i, path in enumerate(r.paths):
            self.queue.check(r.seq)
            self._report(r.seq, i / len(r.paths), f"Encoding image {i + 1:,} of {len(r.paths):,}")
            name = Path(path).name  # the window names files by their bare names, a missing one too
            stamp = stamp_of(path)  # before reading: a file written meanwhile no longer matches it
            try:
                read = open_read(path, name=name)
            except ImageLoadError as e:  # past the limit on pictures: not damaged, kept in Open recent
                self.failed.emit(rq.Failed(r.seq, "EncodeFiles", str(e), final=False, path=str(path),
                                           too_large=isinstance(e, PictureTooLarge)))
                continue
            try:
                self._emit_encoded(r.seq, name, np.asarray(read.image), r.fit, read.note, stamp, read.size)
            except FILE_ERRORS as e:
                if ran_out_on_gpu(e, self.runtime.device):
                    ran_out.append(path)
                    continue
                why = not_encoded(name, why_not_done(e, self.runtime.device))
                self.failed.emit(rq.Failed(r.seq, "EncodeFiles", why, final=False, path=str(path),
                                           out_of_memory=out_of_memory(e)))

    def _emit_encoded(self, seq: int, name: str, image, fit: str, note: str = "",
                      file: FileStamp | None = None, size: tuple[int, int] | None = None) -> None:
        """note: what opening the file said (an animation's first frame), said with the scaling down, if any; size:
        the picture's (width, height) in its file, which the scaling down names (it was read reduced)."""
        t0 = time.perf_counter()
        original, latent, recon = self.runtime.encode(image, fit)
        self.queue.check(seq)  # cancelled during its last layer: it does not open
        spatial_vae = latent.ndim == 3  # a ConvVAE fits every photo into its square: nothing to say
        shape = np.shape(image) if size is None else size[::-1]
        shrunk = spatial_vae and spatial.shrunk_note(name, shape, original.shape, self.runtime.max_side)
        self.result.emit(rq.Encoded(seq, name, original, latent, recon, time.perf_counter() - t0,
                                    "; ".join(filter(None, (note, shrunk))),
                                    spatial.kept_source(image, self.runtime.max_side), fit, file))

    def _decode_latent_file(self, r: rq.DecodeLatentFile) -> None:
        """The picture `genimg decode` draws of the file, and its unedited latent's; a latent of another model's
        shape is said as the file's."""
        t0 = time.perf_counter()
        try:
            image = self.runtime.render(r.kind, r.latent, r.mask, r.base, -r.seq)  # its own slot in the base cache
            unedited = r.base is not None and not np.array_equal(r.base, r.latent)
            original = self.runtime.decode(r.kind, r.base) if unedited else image
        except LatentMismatch as e:
            raise LatentMismatch(f"{r.name} was not opened: {e}") from None
        except FILE_ERRORS as e:  # named: of several files opened at once, "out of memory on cpu" said not which
            if out_of_memory(e):
                raise OutOfMemoryIn(lambda device: f"{r.name} was not opened: {out_of_memory_said(device)}") from e
            said_as = TooLargeToDraw if isinstance(e, TooLargeToDraw) else ValueError  # too large: not damaged
            raise said_as(f"{r.name} was not opened: {e}") from e
        self.result.emit(rq.LatentDecoded(r.seq, image, original, time.perf_counter() - t0))

    def _preview_strip(self, r: rq.PreviewStrip) -> None:
        """Frame by frame, giving way (put back in the queue) as soon as a job or a live request
        waits: a strip delays the live image by at most one frame's decode."""
        thumbs = []
        for i, latent in enumerate(r.latents):
            if self.queue.urgent():
                self.queue.requeue(r)
                return
            self.queue.check(r.seq)
            try:
                image = self.runtime.render_thumbnail(r.kind, latent, *rq.masked_frame(r.masks, r.bases, i), r.tag,
                                                      r.size)
            except LatentMismatch:  # asked for before a switch to a VAE of another latent shape, whose load it gave
                return  # way to: the views ask again with the new latents ("does not fit the VAE" came unasked)
            thumbs.append(thumbnail(image, r.size))
        self.result.emit(rq.Previewed(r.seq, r.tag, np.stack(thumbs) if thumbs
                                      else np.zeros((0, r.size, r.size, 3), np.uint8)))

    def _encode_latents(self, r: rq.EncodeLatents) -> None:
        """The examples' latents; one that cannot be read or encoded is named and skipped. Where the VAE encoded none,
        the side fails: no direction can come of it, and the other side's Retry on CPU would encode it for nothing."""
        names, latents, unreadable, refused = [], [], [], []  # refused: (name, why) of those the VAE did not encode
        for i, path in enumerate(r.paths):
            self.queue.check(r.seq)
            self._report(r.seq, i / len(r.paths), f"Encoding image {i + 1:,} of {len(r.paths):,}")
            name = Path(path).name
            try:
                image = np.asarray(open_image(path, name=name))
            except ImageLoadError as e:
                unreadable.append(str(e))
                continue
            try:
                latents.append(self.runtime.encode_latent(image, r.fit))
                names.append(name)
            except FILE_ERRORS as e:  # skipped, as an unreadable one is; on a GPU, Retry on CPU encodes them all
                if ran_out_on_gpu(e, self.runtime.device):
                    raise OutOfMemoryIn(lambda device: not_encoded(name, out_of_memory_said(device))) from e
                refused.append((name, why_not_done(e, self.runtime.device)))
        if refused and not latents:
            raise ValueError("; ".join([none_encoded(refused), *unreadable]))
        dim = self.runtime.model("vae").direction_size
        stacked = np.stack(latents) if latents else np.zeros((0, dim), np.float32)
        self._report(r.seq, 1.0, "done")
        failed = (*unreadable, *(not_encoded(name, why) for name, why in refused))
        self.result.emit(rq.Latents(r.seq, r.tag, tuple(names), stacked, failed, self.runtime.identity("vae")))

    def _render_frames(self, r: rq.RenderFrames) -> None:
        """Frame by frame, drawing the live requests that wait between frames (a slider moved on another picture
        showed nothing until a 600-frame export ended); then the file asked for, if any, written in the same job."""
        if len(r.latents) == 0:
            raise ValueError("no frames to render: give at least one latent")
        frames = []
        for i, latent in enumerate(r.latents):
            self.queue.check(r.seq)
            self._draw_waiting()
            self._report(r.seq, i / len(r.latents), f"Rendering frame {i + 1:,} of {len(r.latents):,}")
            frames.append(self.runtime.render(r.kind, latent, *rq.masked_frame(r.masks, r.bases, i), r.tag,
                                              kept=False))  # kept, they pushed the picture's own decodes out
        images, written = np.stack(frames), ""
        if r.write is not None:
            try:
                written = str(self._write_animation(r.seq, images, r.write))
            except (OSError, ValueError, MemoryError) as e:  # said as the file's, not as the render's
                self._fail(rq.Failed(r.seq, type(r).__name__, f"Could not write {r.write.path}: {_not_written(e)}"))
                return
        self._report(r.seq, 1.0, "done")
        self.result.emit(rq.Frames(r.seq, r.tag, images, written))

    def _write_animation(self, seq: int, images: np.ndarray, file: rq.AnimationFile) -> Written:
        """animation_files.write_animation, here rather than on the GUI thread (which froze for a minute while a large
        GIF was written): with progress, stopped by a cancel (no file left), drawing the live requests that wait."""
        shown = -1.0

        def progress(fraction: float) -> None:
            nonlocal shown
            self.queue.check(seq)
            self._draw_waiting()
            if fraction < 1.0 and fraction != shown:  # told again and again as a GIF is encoded; 1.0 is the job's
                shown = fraction
                self._report(seq, fraction, file.doing)
        return write_animation(list(images), file.path, file.fps, file.scale, progress)

    def _draw_waiting(self, kind: type = rq.Request) -> None:
        """Run the live requests of kind that wait (a slider's decode, a seed's sample) between a long job's steps;
        the job stays the running one, so its cancel still reaches it. Only as many as waited when it began: those
        asked meanwhile wait for the next step, or a morph preview playing at 60 fps, asking its next frame before
        the last was drawn, kept an inversion from its next step (5 times slower, or stopped)."""
        for _ in range(self.queue.waiting(kind)):
            live = self.queue.take_waiting(kind)
            if live is None:
                return
            self._run(live)

    def _invert(self, r: rq.Invert) -> None:
        """Progress every step, a preview every preview_every steps; cancel between steps. The decodes asked for
        meanwhile are drawn between steps too: a slider moved during the run (the preview's w edited) showed
        nothing until the run ended."""
        original, steps = self.runtime.invert_steps(r.image, r.steps, r.editability, r.preview_every, r.fit,
                                                    check=lambda: self.queue.check(r.seq))
        for step in steps:
            self.queue.check(r.seq)
            self._draw_waiting(rq.Decode)
            self._report(r.seq, step.step / max(1, step.steps), step_of("Inverting", step.step, step.steps))
            if step.image is not None:
                self.result.emit(rq.Inverted(r.seq, r.tag, step.step, step.steps, step.w, step.image,
                                             step.loss, step.final, original, self.runtime.identity("gan")))

    def _stop_check(self, seq: int) -> StopCheck:
        """What ends request seq at the next layer of its network once it is cancelled or the app closes (Runtime.
        stoppable): a big photo's encode or decode ran to its end (minutes on a CPU), a Cancel ignored and a quit
        waiting for it. A flag read, no lock: a slider's decode asks it before every layer."""
        stopping = self.queue.stopping

        def stop_if_asked() -> None:
            if stopping(seq):
                raise Cancelled()
        return stop_if_asked

    def _progress_fn(self, seq: int):
        def report(fraction: float, text: str) -> None:
            self.queue.check(seq)
            self._report(seq, fraction, text)
        return report


def _not_written(e: OSError | ValueError | MemoryError) -> str:
    """Why an animation file was not written, in words: "the disk is full", not "[Errno 28] No space left…"."""
    return why_not_written(e) if isinstance(e, OSError) else str(e) or "out of memory"
