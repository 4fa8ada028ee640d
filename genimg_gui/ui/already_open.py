"""A file opened again while the picture it gave is open, unchanged on disk and fitted the same way, is not opened
a second time: the window shows the open picture and says so. A file manager's "Open with" passes the photo to
genimg at every start, and a kept session that held it already grew by a "cat.png (2)" each time. A file changed
on disk since is another picture, and opens as one ("cat.png (2)"); so does the same file with the other fit
(File → Fit new images), unless the picture is square: crop and letterbox keep all of a square alike, the same
pixels, and a square photo opened again after the fit was changed (by a file manager at the next start too) grew a
copy with a history of its own. A file of the same bytes at another path (a copy in another folder, a hard link) is
the same picture: it is shown and said, not opened as "cat.png (2)" while "cat.png is open already" was said
beside it (a drop of both); several such files in one drop are each named. Two edits of one photo are branches of
its History, not two copies: edit again from its first step and both are kept, and Compare A/B shows them side by
side. A latent file (latent_files) is known so too, whatever the fit: none made its picture."""
from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Sequence

from ..file_stamp import FileStamp, same_bytes, stamp_of
from ..wording import counted, listed
from .item import Item

if TYPE_CHECKING:
    from .document import Document

Asked = tuple[Item, list[FileStamp | None]]  # an open item asked for again, with the files asked for that are it


def open_copy(document: Document, file: FileStamp | None, fit: str | None,
              size: tuple[int, int] | None = None) -> Item | None:
    """The open item made from file as it is (same path, size and modification time), or else from a file of the
    same bytes at another path (file_stamp.same_bytes: the same picture), fitted as fit fits it (fitted_alike; None:
    a latent file's, which no fit draws); None if none is. size: the file's picture's (width, height), where it has
    been read (document_results)."""
    if file is None:
        return None
    items = [item for item in document.items.values()
             if item.file is not None and (fit is None or fitted_alike(item, fit, size))]
    return next((item for item in items if item.file == file), None) or \
        next((item for item in items if same_bytes(item.file, file)), None)


def fitted_alike(item: Item, fit: str, size: tuple[int, int] | None = None) -> bool:
    """Whether fit gives the pixels item's picture was fitted to: its own fit, or either for a square picture (crop
    and letterbox both keep all of it). Its size is the item's, else size, the file's as read again (a session
    saved before sizes were kept); neither known: its own fit alone."""
    if fit == item.fit:
        return True
    known = item.source_size or size
    return known is not None and known[0] == known[1]


def new_files(document: Document, paths: list[str], fit: str | None) -> list[str]:
    """paths less the files open already, each file once (a drop that names one twice): the open ones are shown
    and said (show_open), each with every file asked for that is it (three copies of one photo in one drop named
    one of them)."""
    new, shown = sorted_out(document, paths, fit)
    if shown:
        show_open(document, shown, opening=bool(new))
    return new


def sorted_out(document: Document, paths: list[str], fit: str | None) -> tuple[list[str], list[Asked]]:
    """paths less the files open already, each file once, and the open items they ask for, each with every file
    asked for that is it (new_files, which says them; Document.open_files says them as its job ends)."""
    new: list[str] = []
    shown: dict[int, Asked] = {}  # item id -> it and the files asked for that are it
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
            shown.setdefault(item.id, (item, []))[1].append(stamp)
    return new, list(shown.values())


@contextmanager
def said_together(document: Document, paths: Sequence[str] = ()) -> Iterator[None]:
    """The items found open already by the opens within (a drop's pictures and its latent files, which open apart)
    said in one message and the last shown, as one open's are: a drop of a picture and a latent file both open said
    "green.jpg is open already: shown" on the status bar, and "seed 5 is open already: shown" in the log alone.
    paths: the files as given, whose order they are said and shown in (by kind, the latent files came first)."""
    if document.open_already is not None:  # within another open: that one says them
        yield
        return
    document.open_already = found = []
    try:
        yield
    finally:
        document.open_already = None
        if found:
            jobs = [job for _, _, job in found if job is not None]
            show_open(document, _in_order_given([one for ones, _, _ in found for one in ones], paths),
                      any(opening for _, opening, _ in found), max(jobs, default=None))


def _in_order_given(asked: list[Asked], paths: Sequence[str]) -> list[Asked]:
    """asked in the order of their first files among paths (any not among them last)."""
    order = {os.path.realpath(path): i for i, path in enumerate(paths)}

    def first(one: Asked) -> int:
        return min((order.get(f.path, len(order)) for f in one[1] if f is not None), default=len(order))
    return sorted(asked, key=first)


def show_open(document: Document, asked: list[Asked], opening: bool = False, job: int | None = None) -> None:
    """Say that the items are open already, each with the files asked for that are it, and show the last of them
    unless other files are opening (each takes the canvas as it comes); within said_together, once it ends. job: the
    EncodeFiles opening the others, as whose end it is said, after the files it could not open (FailedRequests), so
    the bar shows both: said at once, it was replaced a second later by "⚠ 2 files were not opened: …", or by the
    new pictures' "Encoded …", and was left in the message log alone."""
    if document.open_already is not None:
        document.open_already.append((asked, opening, job))
        return
    if not opening:
        document.select(asked[-1][0].id)
    text = already_open_text([said_open(item, files) for item, files in asked], opening)
    if job is not None and job in document.jobs:
        document.failures.said_at_end[job] = text
    else:
        document.message.emit(text)


@dataclass(frozen=True)
class Said:
    """How an open item asked for again is named: by its file's name ("cat.png"), or a copy's asked for alone
    ("copy.png"); label: the name the filmstrip shows it by where that is another ("seed 5" for s5.npz, "cat.png (2)"),
    renamed: whether it took that name after its file opened (a sample stepped to another seed); an aside (where the
    open one came from, the copies' paths); copies: how many files other than its own were asked for, where several
    files were (0: one file, or its own alone); own: whether its own file was one of them."""
    name: str
    aside: str = ""
    copies: int = 0
    own: bool = True
    label: str = ""
    renamed: bool = False

    def subject(self, quoted: bool = False) -> str:
        """"cat.png", "cat.png and 2 copies of it", "3 copies of cat.png" (the name “quoted” in a list)."""
        name = f"“{self.name}”" if quoted else self.name
        if not self.copies:
            return name
        some = "a copy" if self.copies == 1 else f"{self.copies:,} copies"
        return f"{name} and {some} of it" if self.own else f"{some} of {name}"

    def label_words(self) -> str:
        """"as “seed 5”", "now “seed 999”" (renamed since: "seed0003.npz is open already" beside a thumbnail
        "seed 999" read as the wrong picture shown), or "" where the filmstrip shows its file's name."""
        return f"{'now' if self.renamed else 'as'} “{self.label}”" if self.label else ""

    def asides(self) -> str:
        return "; ".join(words for words in (self.label_words(), self.aside) if words)

    def shown(self) -> str:
        """The name of the thumbnail shown."""
        return self.label or self.name


def said_open(item: Item, files: list[FileStamp | None]) -> Said:
    """How an open item asked for again by files is named: by its file's name, and by the filmstrip's where that is
    another (a sample's latent file shows as "seed 5": "2 images are open already (“seed 5”, …)" named no file
    dropped); by the file's name and where the open one came from for a file of the same bytes at another path
    ("cat.png", "the same picture as /a/cat.png"): it is shown, not opened as "cat.png (2)"; several files, counted,
    each path named ("cat.png and 2 copies of it", "/b/cat.png, /c/cat.png")."""
    own = None if item.file is None else item.file.path
    others = [f.path for f in files if f is not None and f.path != own]
    if own is None:
        return Said(item.name)
    file = Path(own).name
    label = "" if item.name == file else item.name
    renamed = bool(label) and item.name != opened_as(item)
    if not others:
        return Said(file, label=label, renamed=renamed)
    which = own if not label else f"“{item.name}”, opened from {own}"
    if len(files) == 1:
        return Said(Path(others[0]).name, f"the same picture as {which}")
    if len(others) < len(files):  # its own file too: the others are copies of it
        return Said(file, listed(others), copies=len(others), label=label, renamed=renamed)
    return Said(file, f"{listed(others)}; the same picture as {which}", copies=len(others), own=False)


def opened_as(item: Item) -> str:
    """The name item took as its file opened: a GAN sample's latent file its seed's ("seed 5", kept with its first
    step), any other file its own name, which only a sample stepped to another seed changes."""
    first = item.drawn.get(0)
    return first.name if item.kind == "gan" and first is not None else item.name


def already_open_text(named: list[Said], opening: bool = False) -> str:
    """"cat.png is open already: shown", or "… (the same picture as /a/cat.png): shown", or "3 copies of cat.png are
    open already (/b/cat.png, …; the same picture as /a/cat.png): shown", or "seed0003.npz is open already (now “seed
    999”): shown" (said_open's words); several items counted and named: "3 images are open already (“a.png”,
    “b.png”, “s5.npz” as “seed 5”): “seed 5” shown"; with other files opening, "…: not opened again"."""
    if len(named) == 1:
        said = named[0]
        are = "are" if said.copies else "is"
        return f"{said.subject()} {are} open already{f' ({said.asides()})' if said.asides() else ''}: " + (
            "not opened again" if opening else "shown")
    which = listed([" ".join(words for words in (said.subject(quoted=True), said.label_words(),
                                                   f"({said.aside})" if said.aside else "") if words)
                    for said in named])
    return f"{counted(len(named), 'image')} are open already ({which}): " + (
        "not opened again" if opening else f"“{named[-1].shown()}” shown")


def unique_name(document: Document, name: str, besides: Item | None = None) -> str:
    """name, or "name (2)", "(3)"… when an open item other than besides has it: a file changed since it was opened
    and opened again, or a closed copy reopened beside it, or a sample's latent file beside that sample (or a sample
    of that seed drawn beside the file), showed two thumbnails and captions alike. besides: an open item taking a
    new name (a sample stepped to a seed), which its own old name does not number."""
    taken = {i.name for i in document.items.values() if i is not besides}
    return next(n for n in (name, *(f"{name} ({k})" for k in range(2, len(taken) + 3))) if n not in taken)
