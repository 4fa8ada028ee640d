"""A file opened again while the picture it gave is open, unchanged on disk and fitted the same way, is not opened
a second time: the window shows the open picture and says so. A file manager's "Open with" passes the photo to
genimg at every start, and a kept session that held it already grew by a "cat.png (2)" each time. A file changed
on disk since is another picture, and opens as one ("cat.png (2)"); so does the same file with the other fit
(File → Fit new images). A file of the same bytes at another path (a copy in another folder, a hard link) is
the same picture: it is shown and said, not opened as "cat.png (2)" while "cat.png is open already" was said
beside it (a drop of both). Two edits of one photo are branches of its History, not two copies: edit again from its
first step and both are kept, and Compare A/B shows them side by side."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..file_stamp import FileStamp, same_bytes, stamp_of
from ..wording import counted, listed
from .item import Item

if TYPE_CHECKING:
    from .document import Document


def open_copy(document: Document, file: FileStamp | None, fit: str) -> Item | None:
    """The open item made with fit from file as it is (same path, size and modification time), or else from a file
    of the same bytes at another path (file_stamp.same_bytes: the same picture); None if none is."""
    if file is None:
        return None
    items = [item for item in document.items.values() if item.fit == fit and item.file is not None]
    return next((item for item in items if item.file == file), None) or \
        next((item for item in items if same_bytes(item.file, file)), None)


def new_files(document: Document, paths: list[str], fit: str) -> list[str]:
    """paths less the files open already, each file once (a drop that names one twice): the open ones are shown
    and said (show_open)."""
    new: list[str] = []
    shown: dict[int, tuple[Item, FileStamp]] = {}  # item id -> it and the file asked for (its own, if asked for)
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
        elif item.id not in shown or stamp == item.file:
            shown[item.id] = (item, stamp)
    if shown:
        show_open(document, list(shown.values()), opening=bool(new))
    return new


def show_open(document: Document, asked: list[tuple[Item, FileStamp | None]], opening: bool = False) -> None:
    """Say that the items are open already, each with the file asked for, and show the last of them unless other
    files are opening (each takes the canvas as it comes)."""
    if not opening:
        document.select(asked[-1][0].id)
    document.message.emit(already_open_text([said_open(item, file) for item, file in asked], opening))


def said_open(item: Item, file: FileStamp | None) -> tuple[str, str]:
    """How an open item asked for again by file is named: by its name ("cat.png", ""); asked for by a file of the
    same bytes at another path, by that file's name and where the open one came from ("cat.png", "the same picture
    as /a/cat.png"): it is shown, not opened as "cat.png (2)"."""
    if file is None or item.file is None or file.path == item.file.path:
        return item.name, ""
    own = item.file.path
    which = own if item.name == Path(own).name else f"“{item.name}”, opened from {own}"
    return Path(file.path).name, f"the same picture as {which}"


def already_open_text(named: list[tuple[str, str]], opening: bool = False) -> str:
    """"cat.png is open already: shown", or "… (the same picture as /a/cat.png): shown" (said_open's name and
    aside); several counted and named: "3 images are open already (“a.png”, “b.png”, “c.png”): “c.png” shown";
    with other files opening, "…: not opened again"."""
    if len(named) == 1:
        name, aside = named[0]
        return f"{name} is open already{f' ({aside})' if aside else ''}: " + (
            "not opened again" if opening else "shown")
    which = listed([f"“{name}”" + (f" ({aside})" if aside else "") for name, aside in named])
    return f"{counted(len(named), 'image')} are open already ({which}): " + (
        "not opened again" if opening else f"“{named[-1][0]}” shown")


def unique_name(document: Document, name: str) -> str:
    """name, or "name (2)", "(3)"… when an open item has it: a file changed since it was opened and opened again,
    or a closed copy reopened beside it, showed two thumbnails and captions alike."""
    taken = {i.name for i in document.items.values()}
    return next(n for n in (name, *(f"{name} ({k})" for k in range(2, len(taken) + 3))) if n not in taken)
