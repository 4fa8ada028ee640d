"""The IMAGE or FOLDER arguments of `genimg encode`, `edit` and `interpolate`: a folder gives the pictures in it, as a
folder dropped on the window opens them (image_files.images_in: by name, not those of its subfolders). `genimg encode
photos/ -o out` was refused as "photos is a folder, not an image". `genimg decode`'s LATENT or FOLDER arguments in
the same way: a folder gives the latent files (.npz) in it."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from .catalog import is_model_folder
from .cli_commands import UsageError, say
from .cli_names import shown_name
from .image_files import by_name, images_in, said_unreadable, unreadable_links
from .imaging import FORMAT_NAMES
from .wording import counted, listed

LATENT_SUFFIX = ".npz"


def pictures_given(paths: Sequence[Path]) -> list[Path]:
    """The files to read for paths as typed, in their order: a file as it is (read_image says what is wrong with
    it), a folder its pictures by name, with a note on the other files in it. A folder with no pictures (or one
    that cannot be read) stays, to fail as its item (read_image says why, naming it), as a file that is not there
    fails. A model folder is refused (exit 2): the window loads one as a model, and its sample grids are no
    pictures to encode."""
    def found(folder: Path) -> list[Path]:
        pictures = images_in(folder)
        note_skipped(folder, pictures)
        return pictures
    return _files_given(paths, found, "pictures", "give a VAE with --vae")


def latents_given(paths: Sequence[Path]) -> list[Path]:
    """decode's paths as typed, as pictures_given gives pictures: a folder its latent files (.npz) by name (what
    `genimg encode photos/ -o enc` or `generate --save-latents` wrote there, their pictures beside them unsaid: a
    note on those would name every picture written with the latents)."""
    return _files_given(paths, latents_in, "latent files", "give the model with --vae or --gan")


def latents_in(folder: Path) -> list[Path]:
    """The latent files in folder itself, by name, as images_in gives its pictures."""
    return sorted((p for p in folder.iterdir() if p.suffix.lower() == LATENT_SUFFIX and p.is_file()),
                  key=lambda p: (by_name(p.name), p.name))


def no_latents_in(folder: Path) -> str:
    """Why a folder given to decode gave no latent files."""
    return f"{shown_name(folder)} is a folder with no latent files ({LATENT_SUFFIX}) in it"


def _files_given(paths: Sequence[Path], files_in: Callable[[Path], list[Path]], what: str,
                 model_goes: str) -> list[Path]:
    """paths as typed, each folder replaced by files_in(folder); one with none (or unreadable) kept, to fail as
    its item; a model folder refused, model_goes saying where it goes instead."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        if is_model_folder(path):
            raise UsageError(f"{path} is a model folder, not a folder of {what}: {model_goes}")
        try:
            found = files_in(path)
        except OSError:
            found = []
        files += found or [path]
    return files


def note_skipped(folder: Path, pictures: list[Path]) -> None:
    """'genimg: note: photos: 2 files skipped, not images genimg reads (…): notes.txt, scan.heic', for the files in
    folder beside its pictures, which the window leaves out unsaid; hidden ones (.DS_Store) go unsaid here too. Links
    that lead nowhere are named as unreadable, with why ('…; unreadable: broken.png (a link to a file that does not
    exist)'): they were skipped without a word."""
    chosen = set(pictures)
    others = sorted(p.name for p in folder.iterdir() if p.is_file() and p not in chosen and not p.name.startswith("."))
    links = unreadable_links(folder)
    parts = [*([f"not images genimg reads ({FORMAT_NAMES}): {listed([shown_name(name) for name in others])}"]
               if others else []),
             *([f"unreadable: {listed(said_unreadable([(shown_name(n), why) for n, why in links]))}"] if links else [])]
    if parts:
        say(f"genimg: note: {shown_name(folder)}: {counted(len(others) + len(links), 'file')} skipped, "
            + "; ".join(parts))
