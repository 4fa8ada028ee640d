"""Which files are pictures: the suffixes genimg opens, the pictures in a folder (a dropped folder's, a training
set's), why a folder gave none, and the next step where pictures were given as a model. Reading a picture's pixels
is imaging.py's."""
from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from .imaging import MAGIC
from .weights_file import WEIGHTS_NAME

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif")


def is_image_file(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()


def list_images(folder: Path | str) -> list[Path]:
    """Image files below folder, recursively, in a stable order."""
    return sorted(p for p in Path(folder).rglob("*") if is_image_file(p))


def images_in(folder: Path | str) -> list[Path]:
    """The image files in folder itself, by name: a folder dropped on the window opens these. Not its subfolders'
    (a drop of a whole tree by mistake would open thousands, and a folder of model folders their samples.png)."""
    return sorted((p for p in Path(folder).iterdir() if is_image_file(p)), key=lambda p: (by_name(p.name), p.name))


def unreadable_links(folder: Path | str) -> list[tuple[str, str]]:
    """(name, why) for each link in folder itself that leads to no file or folder, by name: a dangling link ("a
    link to a file that does not exist") or one that loops ("a link that loops"). is_image_file passes them over,
    so a folder's broken.png and evil.png -> evil.png went unsaid; the window's and the CLI's folder notes name
    them. Hidden ones are left unsaid, as the notes leave hidden files."""
    found = [(path.name, why) for path in Path(folder).iterdir()
             if not path.name.startswith(".") and (why := link_failure(path))]
    return sorted(found, key=lambda pair: (by_name(pair[0]), pair[0]))


def link_failure(path: Path | str) -> str:
    """Why a link leads to no file or folder ("a link that loops"); "" for a link that leads somewhere, or no link.
    unreadable_links' test of each entry, and the training folder walk's (data_folder)."""
    if not os.path.islink(path):
        return ""
    try:
        os.stat(path)
    except OSError as e:
        return _why_link_fails(e)
    return ""


def _why_link_fails(error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "a link that loops"
    if error.errno in (errno.ENOENT, errno.ENOTDIR):
        return "a link to a file that does not exist"
    return f"a link to a file that cannot be read: {(error.strerror or str(error)).lower()}"


def said_unreadable(links: list[tuple[str, str]]) -> list[str]:
    """unreadable_links as a note lists them: "broken.png (a link to a file that does not exist)"."""
    return [f"{name} ({why})" for name, why in links]


def by_name(name: str) -> list:
    """A file name's sort key as file browsers order names: numbers by value and letters in any case, so img2 comes
    before img10 and alpha before Zeta (sorted() put img10 first, and a morph through img1…img10 went 1, 10, 2)."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", name)]


def no_images_in(folder: Path | str, name: str, nor: str = "") -> str:
    """Why a folder opened as pictures gave none, alike in the window (nor: " and no model", which it would load)
    and the CLI: "NAME is a folder with no images in it", saying where it has subfolders that their pictures are
    not opened (images_in), or why it cannot be read."""
    try:
        subfolders = any(p.is_dir() for p in Path(folder).iterdir())
    except OSError as e:
        return f"{name} cannot be read: {(e.strerror or str(e)).lower()}"
    below = " (pictures in its subfolders are not opened)" if subfolders else ""
    return f"{name} is a folder with no images{nor} in it{below}"


# where pictures given as a model go instead (Open model…, a drop on the model panel, --vae, `genimg info`):
# "good2.jpg is a JPEG image. genimg opens…" said what the file is and what opens as a model, not what to do instead
PICTURES_GO = {"app": "opened with File → Open images…",
               "cli": "given as the IMAGE arguments of genimg encode, edit or interpolate"}


def with_pictures_step(text: str, path: Path | str, where: str) -> str:
    """text, a model's load refusal, with the next step where path is a picture or a folder of pictures without a
    model's card or weights (a model folder, its card lost or not, holds samples.png); where: "app" or "cli"
    (PICTURES_GO). One wording for both."""
    path = Path(path)
    try:
        if path.is_dir():
            pictures = not any((path / n).is_file() for n in ("card.json", WEIGHTS_NAME)) and bool(images_in(path))
        else:
            with open(path, "rb") as f:
                head = f.read(8)
            pictures = is_image_file(path) or any(head.startswith(magic) for magic in MAGIC)
    except OSError:  # gone since, or unreadable: the refusal says so
        return text
    return f"{text.rstrip('.')}. Pictures are {PICTURES_GO[where]}, not as models." if pictures else text
