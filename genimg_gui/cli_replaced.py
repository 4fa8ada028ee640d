"""The files a genimg command replaces, said once it ends: `genimg generate -o gen` wrote over seed0000.png from an
earlier run without a word, and `genimg edit … --save-recipe r.json` over r.json. Nothing is deleted; the notes say
what was replaced, and which latent file (.npz) of an earlier run is left beside a picture this run replaced under
its name: `generate --save-latents`, then `generate --class cat` without it, left seed0000.npz decoding to another
picture than seed0000.png. No Qt, no torch."""
from __future__ import annotations

from pathlib import Path

from .cli_names import shown_name
from .wording import counted, listed

LATENT_SUFFIX = ".npz"
MAX_REPLACED_NAMED = 5  # files a note names; the rest are counted

_written: set[Path] = set()  # the files this run wrote, absolute
_replaced: list[Path] = []  # those of them that were there before it ran, as the command named them


def there_before(path: Path) -> bool:
    """Whether path, about to be written, holds a file this run did not write: one that was there before it ran."""
    return path.absolute() not in _written and path.is_file()


def written(path: Path, was_there: bool) -> None:
    """path is written; was_there: there_before(path), asked before it was."""
    _written.add(path.absolute())
    if was_there:
        _replaced.append(path)


def replaced_notes(latents_hint: str = "") -> list[str]:
    """The notes for the run that ended: the files it replaced, and the latent files of an earlier run left beside
    pictures it replaced under their names (latents_hint: how the command writes them anew, "" for none). Forgotten
    once said, for the next run in this process."""
    replaced, notes = _replaced[:], []
    stale = [(latent, path) for path in replaced if (latent := path.with_suffix(LATENT_SUFFIX)) != path
             and latent.absolute() not in _written and latent.is_file()]
    _replaced.clear()
    _written.clear()
    if replaced:
        notes.append(f"genimg: note: replaced {counted(len(replaced), 'file')} that {were(replaced)} there before "
                     f"this run: {named(replaced)}")
    if len(stale) == 1:
        latent, picture = stale[0]
        notes.append(f"genimg: note: {shown_name(latent)} is from an earlier run and no longer matches "
                     f"{shown_name(picture)}, which this run replaced: it decodes to the earlier picture{latents_hint}")
    elif stale:
        notes.append(f"genimg: note: {counted(len(stale), 'latent file')} beside pictures this run replaced are from "
                     f"an earlier run and no longer match them: {named([latent for latent, _ in stale])}{latents_hint}")
    return notes


def were(paths: list[Path]) -> str:
    return "was" if len(paths) == 1 else "were"


def named(paths: list[Path]) -> str:
    return listed([shown_name(p) for p in paths], MAX_REPLACED_NAMED)
