"""A file opened again while the picture it gave is open, unchanged on disk and fitted the same way, is not opened
a second time: the window shows the open picture and says so. A file manager's "Open with" passes the photo to
genimg at every start, and a kept session that held it already grew by a "cat.png (2)" each time. A file changed
on disk since is another picture, and opens as one ("cat.png (2)"); so does the same file with the other fit
(File → Fit new images). Two edits of one photo are branches of its History, not two copies: edit again from its
first step and both are kept, and Compare A/B shows them side by side."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..file_stamp import FileStamp, stamp_of
from ..wording import counted, listed
from .item import Item

if TYPE_CHECKING:
    from .document import Document


def open_copy(document: Document, file: FileStamp | None, fit: str) -> Item | None:
    """The open item made from file as it is (same path, size and modification time) with fit; None if none is."""
    if file is None:
        return None
    return next((item for item in document.items.values() if item.file == file and item.fit == fit), None)


def new_files(document: Document, paths: list[str], fit: str) -> list[str]:
    """paths less the files open already, each file once (a drop that names one twice): the open ones are shown
    and said (show_open)."""
    new: list[str] = []
    shown: dict[int, Item] = {}
    seen: set[str] = set()
    for path in paths:
        stamp = stamp_of(path)
        key = path if stamp is None else stamp.path
        if key in seen:
            continue
        seen.add(key)
        item = open_copy(document, stamp, fit)
        if item is None:
            new.append(path)
        else:
            shown[item.id] = item
    if shown:
        show_open(document, list(shown.values()), opening=bool(new))
    return new


def show_open(document: Document, items: list[Item], opening: bool = False) -> None:
    """Say that items are open already, and show the last of them unless other files are opening (each takes the
    canvas as it comes)."""
    if not opening:
        document.select(items[-1].id)
    document.message.emit(already_open_text([item.name for item in items], opening))


def already_open_text(names: list[str], opening: bool = False) -> str:
    """"cat.png is open already: shown"; several counted and named: "3 images are open already (“a.png”,
    “b.png”, “c.png”): “c.png” shown"; with other files opening, "…: not opened again"."""
    if len(names) == 1:
        return f"{names[0]} is open already: {'not opened again' if opening else 'shown'}"
    which = listed([f"“{name}”" for name in names])
    return f"{counted(len(names), 'image')} are open already ({which}): " + (
        "not opened again" if opening else f"“{names[-1]}” shown")


def unique_name(document: Document, name: str) -> str:
    """name, or "name (2)", "(3)"… when an open item has it: a file changed since it was opened and opened again,
    or a closed copy reopened beside it, showed two thumbnails and captions alike."""
    taken = {i.name for i in document.items.values()}
    return next(n for n in (name, *(f"{name} ({k})" for k in range(2, len(taken) + 3))) if n not in taken)
