"""Animation files of a morph's frames: written as GIF, WebP (looping forever) or MP4 (H.264), atomically, enlarged
without smoothing, with progress and cancel; their sizes, scales and frame durations; and the frame count and size
read back from a written file. The frames' latents come from morph.py's paths.

Plain numpy + Pillow; MP4 goes through the ffmpeg binary that the imageio-ffmpeg
wheel carries (no system ffmpeg needed).
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np
from PIL import Image

from .animation_progress import ReachedFrame, Told, ToldFile
from .fileio import atomic_path
from .wording import one_of

FORMATS = (".gif", ".webp", ".mp4")
# A 64-px morph played at 64 px is a speck in a player or browser: the dialog's first scale brings the shorter
# side to this. Only a default: H.264 itself takes frames of any (even) size.
SUGGESTED_SIDE = 256
MAX_SCALE = 8
MAX_SIDE = 4096  # px a side of a written frame: ×8 of a 2048-px photo would need GiBs per second of morph
MIN_FPS = 0.1  # a GIF frame lasts at most 655 s; slower than this is a slideshow, not a morph
GIF_DELAY_UNIT_MS = 10  # GIF delays are in hundredths of a second
GIF_MIN_DELAY_MS = 20  # browsers play a shorter GIF delay as 100 ms, so above 50 fps a GIF plays at 50
GIF_MAX_FPS = 1000 / GIF_MIN_DELAY_MS  # the fastest a GIF plays: a faster one is written at this


@dataclass(frozen=True)
class Written:
    """An animation file as written: its frame count, pixel size (width, height) and playing time."""
    path: Path
    frames: int
    size: tuple[int, int]
    seconds: float

    def __str__(self) -> str:
        return f"{self.path} ({self.frames} frames, {self.size[0]}×{self.size[1]}, {self.seconds:.1f} s)"


def default_scale(size: tuple[int, int]) -> int:
    """The scale a morph of (width, height) frames starts at: ×4 for a 64-px model, ×1 for a large photo."""
    return max(1, min(max_scale(size), -(-SUGGESTED_SIDE // min(size))))


def max_scale(size: tuple[int, int]) -> int:
    """The largest scale that keeps frames of (width, height) within MAX_SIDE (at least 1)."""
    return max(1, min(MAX_SCALE, MAX_SIDE // max(size)))


def output_size(size: tuple[int, int], scale: int, suffix: str) -> tuple[int, int]:
    """(width, height) of the frames written from (width, height) ones at scale: the same in every format, but an
    MP4's odd side gains a pixel (see video_frame)."""
    width, height = size[0] * scale, size[1] * scale
    if suffix.lower() == ".mp4":
        return width + width % 2, height + height % 2
    return width, height


def frame_durations(count: int, fps: float, unit_ms: int, min_ms: int = 0) -> list[int]:
    """Milliseconds per frame in whole units of a format: each frame ends at its true time rounded to the unit,
    so the total is count / fps to within a unit (12 fps in a GIF is 80, 90, 80, 80, 90, 80… ms, where 80 ms
    throughout would be 12.5 fps); at least min_ms each."""
    ends = [round((i + 1) * 1000 / fps / unit_ms) for i in range(count)]
    return [max(min_ms, unit_ms * (end - start)) for start, end in zip([0, *ends], ends)]


def fps_note(fps: float, suffix: str) -> str:
    """What to tell a user who asked fps of a file of suffix that plays slower, or "": a GIF plays at most
    GIF_MAX_FPS (see GIF_MIN_DELAY_MS), and its length is then what write_animation says."""
    if suffix.lower() != ".gif" or fps <= GIF_MAX_FPS:
        return ""
    return f"a GIF plays at most {GIF_MAX_FPS:g} fps: written at {GIF_MAX_FPS:g} fps, not {fps:g}"


def write_animation(frames: Sequence[np.ndarray], path: str | Path, fps: float, scale: int = 1,
                    progress: Callable[[float], None] | None = None) -> Written:
    """Write uint8 (H, W, 3) frames as .gif, .webp (looping forever) or .mp4 (H.264), atomically, enlarged scale
    times without smoothing (every format alike). Every frame is written, even one equal to the last (see
    _distinct). progress, if given, is told the share of the frames written (0 to 1) as the writing goes, often:
    what it raises (a cancel) stops the writing, and no file is left."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot write a {suffix or 'suffix-less'} animation: use {one_of(FORMATS)}")
    if not frames:
        raise ValueError("an animation needs at least one frame")
    if not (np.isfinite(fps) and MIN_FPS <= fps <= 100):
        raise ValueError(f"fps must be between {MIN_FPS:g} and 100, not {fps}")
    height, width = np.shape(frames[0])[:2]
    if not 1 <= scale <= max_scale((width, height)):
        raise ValueError(f"scale must be a whole number from 1 to {max_scale((width, height))} for {width}×{height} "
                         f"frames (at most {MAX_SIDE} px a side), not {scale}")
    if len({_rgb(f).shape for f in frames}) != 1:
        raise ValueError("all frames of an animation must have the same size")
    enlarged = (_enlarged(np.asarray(f), scale) for f in frames)  # one at a time, as the writer takes them
    size = output_size((width, height), scale, suffix)
    told = Told(len(frames), progress)
    with atomic_path(path) as tmp:
        if suffix == ".mp4":
            seconds = _write_mp4(enlarged, size, tmp, fps, told)
        else:
            seconds = _write_pillow(enlarged, tmp, fps, suffix, told)
        told.at(len(frames))  # the last word before the rename: a cancel even now leaves no file
    return Written(path, len(frames), size, seconds)


def _enlarged(a: np.ndarray, scale: int) -> np.ndarray:
    return np.repeat(np.repeat(a, scale, axis=0), scale, axis=1) if scale > 1 else a


def _rgb(frame: np.ndarray) -> np.ndarray:
    a = np.asarray(frame)
    if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] != 3:
        raise ValueError(f"frames must be uint8 (H, W, 3), not {a.dtype} {a.shape}")
    return a


def _write_pillow(arrays: Iterable[np.ndarray], path: Path, fps: float, suffix: str, told: Told) -> float:
    """Write a GIF or WebP; its playing time in seconds."""
    if suffix == ".gif":
        images = _gif_frames(arrays, told)
        durations = frame_durations(len(images), fps, GIF_DELAY_UNIT_MS, GIF_MIN_DELAY_MS)
        extra = {"disposal": 1, "optimize": False}
    else:
        images = [ReachedFrame(Image.fromarray(a), partial(told.at, i)) for i, a in enumerate(_distinct(arrays))]
        durations = frame_durations(len(images), fps, 1)
        extra = {"lossless": True, "method": 4}
    with open(path, "wb") as file:
        images[0].save(ToldFile(file, told), format=suffix[1:].upper(), save_all=True, append_images=images[1:],
                       duration=durations, loop=0, **extra)
    return sum(durations) / 1000


def _distinct(arrays: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    """GIF and WebP writers merge a frame equal to the previous one into it (longer duration),
    which would change the frame count; nudge one pixel by one level so each frame is kept."""
    previous = None
    for a in arrays:
        previous = _nudged(a) if previous is not None and np.array_equal(a, previous) else a
        yield previous


def _nudged(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a[0, 0, 0] = a[0, 0, 0] + 1 if a[0, 0, 0] < 255 else 254
    return a


def _gif_frames(arrays: Iterable[np.ndarray], told: Told) -> list[Image.Image]:
    """One adaptive palette per frame (a morph's colours change as it goes); frames that the
    palettes make equal to the previous one are nudged, as in _distinct."""
    images: list[Image.Image] = []
    previous = None
    for i, a in enumerate(arrays):
        told.at(i)  # the palettes take most of a GIF's time
        im = _quantize(a)
        shown = np.asarray(im.convert("RGB"))
        if previous is not None and np.array_equal(shown, previous):
            im = _quantize(_nudged(shown))  # few colours: the palette holds them exactly
            shown = np.asarray(im.convert("RGB"))
        images.append(im)
        previous = shown
    return images


def _quantize(a: np.ndarray) -> Image.Image:
    return Image.fromarray(a).quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)


def video_frame(a: np.ndarray) -> np.ndarray:
    """Pad with edge pixels to even sides, which H.264 in yuv420p needs (its colour is stored per 2 × 2 pixels);
    the only size rule of the encoder: it takes frames of a few pixels."""
    return np.pad(a, ((0, a.shape[0] % 2), (0, a.shape[1] % 2), (0, 0)), mode="edge")


def _write_mp4(arrays: Iterable[np.ndarray], size: tuple[int, int], path: Path, fps: float, told: Told) -> float:
    """Write an H.264 MP4 with the ffmpeg that imageio-ffmpeg carries, fed frame by frame; its playing time in
    seconds (ffmpeg keeps the exact rate). Run here rather than through imageio, which never looks at ffmpeg's exit:
    a full disk left a truncated file reported as written, and ffmpeg's own lines on stderr named the temp file."""
    import imageio_ffmpeg  # imported here: only MP4 export needs it

    rate = Fraction(fps).limit_denominator(1000)
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", f"{size[0]}x{size[1]}", "-r", f"{rate.numerator}/{rate.denominator}", "-i", "-", "-an",
               "-vcodec", "libx264", "-pix_fmt", "yuv420p", "-crf", "10",
               "-f", "mp4", str(path)]  # the temp file's name has no .mp4 to go by
    with tempfile.TemporaryFile() as said:  # its stderr: a pipe left unread while frames go in could fill and stall it
        ffmpeg = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=said)
        count, broken = 0, False
        try:
            count = _feed(ffmpeg, arrays, told)
        except BrokenPipeError:  # ffmpeg stopped taking frames: its exit and its words say why
            broken = True
        except BaseException:  # a cancel: no file is wanted
            ffmpeg.kill()
            raise
        finally:
            ffmpeg.wait()
        if ffmpeg.returncode != 0 or broken:
            said.seek(0)
            raise _ffmpeg_failure(said.read().decode(errors="replace"), path)
    return count / fps


def _feed(ffmpeg: subprocess.Popen, arrays: Iterable[np.ndarray], told: Told) -> int:
    """Each frame to ffmpeg's input, as it takes them; how many."""
    count = 0
    try:
        for count, a in enumerate(arrays, 1):
            told.at(count - 1)
            ffmpeg.stdin.write(video_frame(a).tobytes())
    finally:
        with contextlib.suppress(BrokenPipeError):  # closed all the same
            ffmpeg.stdin.close()
    return count


def _ffmpeg_failure(said: str, path: Path) -> OSError:
    """ffmpeg's reason as an OSError about path ("No space left on device"), which atomic_path tells of the file
    asked for; its own lines name the temp file and its internals ("[out#0/mp4 @ 0x55…] Error muxing a packet")."""
    reasons = {os.strerror(number): number for number in errno.errorcode}
    lines = [line.rsplit(": ", 1)[-1].strip() for line in said.splitlines() if line.strip()]
    known = [reason for reason in lines if reason in reasons]
    if known:
        return OSError(reasons[known[-1]], known[-1], str(path))
    return OSError(errno.EIO, f"ffmpeg could not write the video ({lines[-1] if lines else 'no reason given'})",
                   str(path))


def count_frames(path: str | Path) -> int:
    """The number of frames in an animation file this module writes."""
    path = Path(path)
    if path.suffix.lower() == ".mp4":
        import imageio_ffmpeg

        return int(imageio_ffmpeg.count_frames_and_secs(str(path))[0])
    with Image.open(path) as im:
        return int(getattr(im, "n_frames", 1))


def frame_size(path: str | Path) -> tuple[int, int]:
    """(width, height) of the frames of an animation file this module writes."""
    path = Path(path)
    if path.suffix.lower() == ".mp4":
        import imageio_ffmpeg

        # what ffmpeg says of the stream, as count_frames_and_secs reads it (imageio's readers leave pipes open)
        said = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                              capture_output=True, text=True, check=False).stderr
        found = re.search(r"Video: .*?, (\d+)x(\d+)", said)
        if found is None:
            raise ValueError(f"{path.name}: no video stream")
        return int(found[1]), int(found[2])
    with Image.open(path) as im:
        return im.size
