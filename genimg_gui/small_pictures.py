"""Pictures too small to learn from or to show much: training skips them (train.data.load_folder), and encoding one
says it was enlarged, in one wording for the window's message and the command line's note (a 1×1 picture was
encoded into a flat colour without a word). No Qt, no torch."""
from __future__ import annotations

# A picture smaller than this a side is said when it is encoded: enlarged to the model's size it is a few blurred
# blocks (a 1×1 one a flat colour), which training leaves out (train.data.load_folder skips it) and which a user who
# gave a thumbnail or an icon by mistake would not otherwise be told.
SMALL_SIDE = 16


def small_note(width: int, height: int, fitted: tuple[int, int]) -> str:
    """"it is only 1×1 px, enlarged to 64×64: …" for a width × height picture under SMALL_SIDE px a side that was
    fitted to fitted (width, height), else "". One wording for the window's message and the command line's note;
    the caller names the picture, as for crop_note."""
    if min(width, height) >= SMALL_SIDE:
        return ""
    return (f"it is only {width}×{height} px, enlarged to {fitted[0]}×{fitted[1]}: too small to show much "
            f"(training skips pictures under {SMALL_SIDE} px a side)")
