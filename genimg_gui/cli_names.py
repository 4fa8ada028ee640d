"""The names `genimg encode`, `decode` and `edit` write each input's files under (export.name_tail's rule, the
window's), and the note for an input numbered because another took its name first: a/x.png b/x.png wrote
x_edited.png and x-2_edited.png without a word of which input became which file. No Qt, no torch."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Sequence

from .export import export_name
from .wording import counted

MAX_NUMBERED_SAID = 10  # inputs numbered that the notes name one by one; the rest are counted


def safe_stem(path: Path) -> str:
    """A file name stem that stays inside the output folder: no separators, control characters
    or leading dots (no hidden files, no '..')."""
    stem = re.sub(r"[\x00-\x1f\x7f/\\:]+", "_", path.stem).lstrip(".").strip()
    return stem or "image"


def shown_name(path: str | Path) -> str:
    """A file's path as a message line shows it: whole, as typed, with any character that does not print escaped as
    Python writes it ("odd/new\\nline.png"): a name holding a newline broke its progress line in two, and one that
    is not text (undecodable bytes) could not be printed at all."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(path))


def named_as_typed(message: str, typed: str) -> str:
    """An error message about one input, naming it by its path as typed (shown_name): where the message names it by
    its bare name (the readers the window shares name files so), that name is the path typed; where it names it not
    at all, the path leads ("seed 3: …"). Two inputs of one name in two folders (c/q.jpg d/q.jpg) were both "q.jpg".
    A command the message gives (in backticks) may hold the path typed, which names the file there only: `genimg info
    enc/p001.npz` said "p001.npz is a latent file …: `genimg decode enc/p001.npz -o enc` …". Said twice, the message
    is named once (load_into's, then for_each's)."""
    if typed not in re.sub(r"`[^`]*`", "", message):
        name, found = Path(typed).name, 0
        if name:  # "." has none
            bare = re.compile(rf"(?<![\w/\\.-]){re.escape(name)}(?!\w|\.\w)")
            message, found = bare.subn(lambda _: typed, message, count=1)
        message = message if found else f"{typed}: {message}"
    return message.replace(typed, shown_name(typed))


class OutputStems:
    """The stem each input's files are written under, handed out as each is written, in the order given: its own
    (safe) stem, with -2, -3 … where an input written before it took that one (a/x.png b/x.png, or two folders'
    pictures), in any case (X.png and x.png are one file on macOS and Windows), and never one that a later input's
    own stem takes (x.png x.png x-2.png wrote x-2 twice). An input that fails takes no name: given first, it had
    the next input of its name written as x-2, "a/x.png has the same name", beside no x."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self.own = [safe_stem(p) for p in self.paths]
        self.last_with = {stem.casefold(): i for i, stem in enumerate(self.own)}  # own stem -> last input that has it
        self.written_as: dict[int, str] = {}  # input index -> the stem its files were written under
        self.used: set[str] = set()  # those stems, casefolded

    def stem(self, i: int) -> str:
        """The stem input i is to be written under, after the inputs written so far."""
        name, n = self.own[i], 1
        while name.casefold() in self.used or (n > 1 and self.last_with.get(name.casefold(), -1) > i):
            n += 1
            name = export_name(self.own[i], "", n)
        return name

    def written(self, i: int, stem: str) -> None:
        """Input i's files are written under stem: no later input takes it."""
        self.written_as[i] = stem
        self.used.add(stem.casefold())

    def numbered_note(self, i: int, written_as: Callable[[str], str]) -> str:
        """The note for input i, written, when it is written under a number, naming the files it became (written_as:
        the names for a stem, "x-2_edited.png") and the earlier input written under its name; "" when it is not."""
        path, stem = self.paths[i], self.written_as[i]
        if stem == self.own[i]:
            return ""
        # the first written of its own name: inputs are written in the order given, and so kept in written_as
        first = next(self.paths[j] for j in self.written_as if self.own[j].casefold() == self.own[i].casefold())
        why = "it is given twice" if first == path else f"{shown_name(first)} has the same name"
        return f"genimg: note: {shown_name(path)} is written as {written_as(stem)}: {why}"


def more_numbered_note(rest: int) -> str:
    """The one note for the inputs numbered past the MAX_NUMBERED_SAID said one by one."""
    share = "shares" if rest == 1 else "share"
    return f"genimg: note: {counted(rest, 'more input')} {share} a name with an earlier one, and are numbered alike"
