"""What a model switch says of the open items that follow it (CarryOver.items), each note once for all items: a
picture a new VAE encodes from its last fit, an inversion whose w a new GAN draws unfitted, samples drawn without
the class they were drawn in."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..file_stamp import stamp_of
from ..wording import counted, listed, quoted_list
from .latent_files import picture_file

if TYPE_CHECKING:
    from .item import Item


def switch_message(notes: list[str]) -> str | None:
    """What one model switch has to say, in one message: said one by one, in the same second, the status bar
    showed the last alone and the others only reached the message log."""
    return ". ".join(notes) or None


def file_lost(item: Item) -> tuple[str, tuple[int, int], str] | None:
    """(name, fit's width × height, what became of the file) for a picture that a new VAE encodes from its last fit
    because its file is gone or changed (the worker reads the file again only while it is as it was:
    encode_inputs.pixels_of); None for one that has its pixels as opened, or its file as it was."""
    file = picture_file(item)  # (a latent file's item is encoded from its drawing however its file is)
    if item.kind != "vae" or item.source is not None or file is None:
        return None
    now = stamp_of(file.path)
    if now == file:
        return None
    height, width = item.original.shape[:2]
    return item.name, (width, height), "gone" if now is None else "changed since it was opened"


def from_fit_note(lost: list[tuple[str, tuple[int, int], str]]) -> str | None:
    """Pictures encoded from their last fit, named once for all. Said whatever the new VAE's size: the fit is all
    there is of the photo's pixels (a session saved before sessions kept the pixels kept its fit and size alone), and
    it tells the user too that a changed file is not what the picture follows."""
    if not lost:
        return None
    if len(lost) == 1:
        [(name, (width, height), what)] = lost
        return f"{name} is encoded from its {width}×{height} fit: its file is {what}"
    quoted = quoted_list([name for name, _, _ in lost], 3)
    whats = sorted({what.split()[0] for _, _, what in lost})  # "changed", "gone"
    return f"{counted(len(lost), 'picture')} are encoded from their last fit ({quoted}): their files are " \
        f"{' or '.join(whats)}"


def invert_again_note(names: list[str]) -> str | None:
    """Inversions whose w a new GAN draws unfitted, named once for all (three "keeps its w" notes came one after
    another)."""
    if len(names) <= 1:
        return f"{names[0]} keeps its w; invert the picture again to fit the new GAN" if names else None
    quoted = quoted_list(names, 3)
    return f"{counted(len(names), 'inversion')} keep their w ({quoted}); invert the pictures again to fit the new GAN"


def lost_classes(item: Item, classes: tuple[str, ...]) -> list[str]:
    """The class the item's sample on screen was asked in, if a GAN of these classes does not have it (kept by
    name, so a GAN that has it draws it again). Its earlier steps' are not: the note names the sample on screen, and
    "seed 1 (fox)" was said of a seed drawn as Any after a fox step (History names those steps' classes)."""
    node = item.sample_node()
    d = item.drawn[node] if node is not None else None
    name = d.class_name if d is not None and d.seed is not None else None
    return [name] if name is not None and name not in classes else []


def classes_lost_note(lost: list[tuple[str, list[str]]], gan: str, classes: tuple[str, ...],
                      old_gone: bool = False) -> str | None:
    """"seed 12 (face-glasses): emoji-gan has no class face-glasses; drawn in its own class — switch back to bring it
    back", or for many "3 samples (…): … has no such class; each drawn in its own — …". lost: (sample's name, the
    classes it lost) for each sample that lost one; None when none did. old_gone: the GAN they had them in is no
    more (its folder trained again in place), so the end says what brings them back instead of a switch back."""
    if not lost:
        return None
    names = list(dict.fromkeys(name for _, names in lost for name in names))
    shown = listed(names, 3)
    if len(lost) == 1:
        missing = "no classes" if not classes else "no class " + " or ".join(names[:3])
        drawn = "drawn without one" if not classes else "drawn in its own class"
        back = "its class is kept for a GAN that has it" if old_gone else "switch back to bring it back"
        return f"{lost[0][0]} ({shown}): {gan} has {missing}; {drawn} — {back}"
    missing, drawn = ("no classes", "without one") if not classes else ("no such class", "in its own")
    samples = counted(len(lost), "sample")
    back = "their classes are kept for a GAN that has them" if old_gone else "switch back to bring them back"
    return f"{samples} ({shown}): {gan} has {missing}; each drawn {drawn} — {back}"


def dropped_edits_note(on_show: dict[int, str], elsewhere: dict[int, str], kind: str) -> str | None:
    """The edits a new model starts again at 0 (CarryOver.values): the directions (row -> name) the open items' steps
    on show were edited along, named; those only other steps used (undone branches, closed items) counted after
    them. All named alike, the steps left behind drowned the few on show: "PC1, PC2, PC3, PC4, PC5 and 18 more"."""
    others = [name for row, name in sorted(elsewhere.items()) if row not in on_show]
    if not on_show and not others:
        return None
    start = f"start again at 0 in the new {kind.upper()}"
    why = "its directions are not the old one's (the steps stay in the history)"
    if not on_show:  # counted past the first few, as everywhere ("… and 4 more"): a bare "…" left the user guessing
        return f"Edits along {listed(others)} in other history steps {start}: {why}"
    also = f", as do those along {counted(len(others), 'other direction')} in other history steps" if others else ""
    return f"Edits along {listed([on_show[row] for row in sorted(on_show)])} {start}{also}: {why}"


def carried_first_note(item: Item, model: str) -> str:
    """What an action that draws or writes item's latents says while it waits for them in the new model, model
    (Document.carried_first): the new model drew, or wrote as its own, the last one's latent."""
    done = "encoded with" if item.kind == "vae" else "drawn by"
    return f"{item.name} is being {done} {model} first"
