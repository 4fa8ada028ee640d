"""How far the writing of an animation file has got (animation_files.write_animation's progress), with the hooks into
Pillow's writers that tell it: plain Python and Pillow, like animation_files.py."""
from __future__ import annotations

from typing import IO, Callable

from PIL import Image


class Told:
    """How far a writing has got, for write_animation's progress: the share of the frames a writer has reached,
    told again while it works on past them (a GIF is encoded once every frame is in), so a cancel is heard there."""

    def __init__(self, count: int, progress: Callable[[float], None] | None) -> None:
        self.count, self.progress, self.done = count, progress, 0

    def at(self, index: int) -> None:
        self.done = max(self.done, index)
        if self.progress is not None:
            self.progress(self.done / self.count)

    def again(self) -> None:
        self.at(self.done)


class ReachedFrame(Image.Image):
    """A frame that says when a writer reaches it: Pillow's GIF and WebP writers seek each frame they take, as
    they do a multi-frame image's, the one hook into their loop over frames (WebP encodes each as it takes it)."""

    def __init__(self, image: Image.Image, reached: Callable[[], None]) -> None:
        super().__init__()
        self.__dict__.update(image.__dict__)  # that very image, the frame's pixels and mode
        self._reached = reached

    def seek(self, frame: int) -> None:
        super().seek(frame)  # EOFError past its one frame, as any single image
        self._reached()


class ToldFile:
    """A file that tells `told` of each write (of a GIF's encoding, which comes after its last frame is in)."""

    def __init__(self, file: IO[bytes], told: Told) -> None:
        self.file, self.told = file, told

    def write(self, data: bytes) -> int:
        self.told.again()
        return self.file.write(data)

    def flush(self) -> None:
        self.file.flush()
