"""The IMAGE or FOLDER arguments of `genimg encode`, `edit` and `interpolate`: a folder gives the pictures in it, as a
folder dropped on the window opens them (image_files.images_in: by name, not those of its subfolders). `genimg encode
photos/ -o out` was refused as "photos is a folder, not an image"."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .catalog import is_model_folder
from .cli_commands import UsageError, say
from .cli_names import shown_name
from .image_files import images_in
from .imaging import FORMAT_NAMES
from .wording import counted, listed


def pictures_given(paths: Sequence[Path]) -> list[Path]:
    """The files to read for paths as typed, in their order: a file as it is (read_image says what is wrong with
    it), a folder its pictures by name, with a note on the other files in it. A folder with no pictures (or one
    that cannot be read) stays, to fail as its item (read_image says why, naming it), as a file that is not there
    fails. A model folder is refused (exit 2): the window loads one as a model, and its sample grids are no
    pictures to encode."""
    pictures: list[Path] = []
    for path in paths:
        if not path.is_dir():
            pictures.append(path)
            continue
        if is_model_folder(path):
            raise UsageError(f"{path} is a model folder, not a folder of pictures: give a VAE with --vae")
        try:
            found = images_in(path)
            note_skipped(path, found)
        except OSError:
            found = []
        pictures += found or [path]
    return pictures


def note_skipped(folder: Path, pictures: list[Path]) -> None:
    """'genimg: note: photos: 2 files skipped, not images genimg reads (…): notes.txt, scan.heic', for the files in
    folder beside its pictures, which the window leaves out unsaid; hidden ones (.DS_Store) go unsaid here too."""
    chosen = set(pictures)
    others = sorted(p.name for p in folder.iterdir() if p.is_file() and p not in chosen and not p.name.startswith("."))
    if others:
        say(f"genimg: note: {shown_name(folder)}: {counted(len(others), 'file')} skipped, not images genimg reads "
            f"({FORMAT_NAMES}): {listed([shown_name(name) for name in others])}")
