"""What the Morph dialog describes (MorphSettings, what the controller renders) and what it keeps when closed and
across restarts (in the app's Settings, morph/form): Frames, Speed, Path, Loop, Scale once chosen, and the format
last exported; and, while their pictures are open, the keyframes ticked and their order (ticked_again). Closed and
opened again, the dialog was back at 24 frames, 12 fps, Spherical and no loop, so a GIF and then an MP4 of one morph
came out as two animations; and its save dialog was back at GIF after an MP4."""
from __future__ import annotations

from dataclasses import dataclass

from ..animation_files import FORMATS
from ..morph import DEFAULT_FPS, DEFAULT_FRAMES, DEFAULT_MODE
from .number_boxes import set_in_range


@dataclass(frozen=True)
class MorphSettings:
    item_ids: tuple[int, ...]   # keyframes in order
    frames: int = DEFAULT_FRAMES
    fps: int = DEFAULT_FPS
    mode: str = DEFAULT_MODE    # "spherical" | "linear"
    loop: bool = False          # go back from the last keyframe to the first
    scale: int = 1              # the written frames are enlarged this many times (every format alike)


def form_of(dialog, scale_chosen: bool) -> dict:
    """The dialog's fields as plain values, for Settings.set_morph_form. Scale only once chosen: the first one
    follows the keyframes' size, and a 64-px model's ×4 kept for a photo would make its morph huge."""
    form = {"frames": dialog.frames.value(), "fps": dialog.fps.value(), "mode": dialog.mode.currentData(),
            "loop": dialog.loop.isChecked(), "format": dialog.export_suffix}
    return {**form, "scale": dialog.scale.value()} if scale_chosen else form


def fill_form(dialog, form: dict) -> None:
    """Put a remembered form back but Scale (remembered_scale); a value of another type (a settings file edited by
    hand) leaves its field as it is, and one out of range is clamped by its box."""
    for key, box in (("frames", dialog.frames), ("fps", dialog.fps)):
        if type(form.get(key)) is int:
            set_in_range(box, form[key])
    if (index := dialog.mode.findData(form.get("mode"))) >= 0:
        dialog.mode.setCurrentIndex(index)
    if type(form.get("loop")) is bool:
        dialog.loop.setChecked(form["loop"])
    if form.get("format") in FORMATS:  # the save dialog offers it again
        dialog.export_suffix = form["format"]


def remembered_scale(form: dict) -> int | None:
    """The Scale the user chose in an earlier dialog, None if never (the dialog then starts at the keyframes')."""
    return form["scale"] if type(form.get("scale")) is int else None


def ticked_again(last: tuple[int, ...], open_ids: list[int]) -> tuple[int, ...]:
    """The keyframes ticked as the dialog opens again: those ticked when it was last closed, in their order, less the
    pictures closed since; () with fewer than two left (the dialog then ticks the current picture and the next). The
    picture current now is not added: the ticks made the animation, and a GIF then an MP4 of it are to be one
    (reopened, the dialog ticked the current picture and the next, whatever the user had ticked)."""
    kept = tuple(i for i in last if i in open_ids)
    return kept if len(kept) >= 2 else ()


def in_keyframe_order(ids: list[int], ticked: tuple[int, ...]) -> list[int]:
    """ids (the filmstrip's order) with the ticked ones, in the places they take, put in ticked's order: the list's
    order is the morph's, so one the user reordered goes through its keyframes as it did."""
    order = iter(ticked)
    return [next(order) if i in ticked else i for i in ids]
