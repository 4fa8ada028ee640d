"""Which model a latent file was made with: its folder found on disk, and a loaded model told to be it or not. One
rule for the window (ui/latent_files.py) and `genimg decode` (cli_decode.py), so that both draw a file with one model.

Models are told apart by their weights' SHA-256 (ModelInfo.identity), which a latent file records: a copy in another
folder is its model, and its own folder trained again in place since is not (another model of the same latent size
draws the file without an error, as another picture). A file written before latent files recorded it goes by the
weights its recorded folder holds now, else by its name. A card records the weights it was written for, which are
not always those its folder holds (a weights file copied over its own): the weights of the folder a file records are
read, and of a listed folder only where its card names the file's (or names none, for a model of the file's name).
Each function reads a digest through digest_of (a DigestOf): read here by default, as `genimg decode` does; the window
passes read_elsewhere, which reads none, as an SD VAE's 300 MB held it for a second (ui/latent_files.py). No torch, no
Qt."""
from __future__ import annotations

from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .catalog import ModelEntry, read_entry, user_file
from .export import LatentFile
from .weights_file import CARD_DIGEST, digest_if_read, held_digest_or_none
from .wording import converted_scale

if TYPE_CHECKING:
    from .engine.requests import ModelInfo

# a model folder -> the digest of the weights it holds (weights_file.held_digest); None where it holds no weights file
DigestOf = Callable[[Path], "str | None"]


class WeightsUnread(Exception):
    """read_elsewhere was asked for a digest that nothing has read: read the folder's weights where that may take its
    time, then ask again with their digest."""

    def __init__(self, folder: str) -> None:
        super().__init__(folder)
        self.folder = folder


def read_elsewhere(read: dict[str, str | None]) -> DigestOf:
    """A DigestOf that reads nothing: the digests given (model folder -> its weights', read elsewhere; None: no
    weights file there), else those read before in this run (weights_file.digest_if_read); else raises WeightsUnread."""
    def digest_of(folder: Path) -> str | None:
        if str(folder) in read:
            return read[str(folder)]
        if (known := digest_if_read(folder)) is not None:
            return known
        raise WeightsUnread(str(folder))
    return digest_of


def recorded_name(f: LatentFile) -> str:
    """The name of the model the file records (its folder's name if it records a path only); "" if none."""
    return f.model_name or (Path(f.model_path).name if f.model_path else "")


def own_model(f: LatentFile, beside: Path, kind: str, entries: list[ModelEntry],
              digest_of: DigestOf = held_digest_or_none) -> Path | None:
    """The folder of the model that made the latent file at beside, if it can still be found; None if not.
    A file that records its weights' digest: the folder it records (_recorded_places) where that folder holds those
    weights (its weights file read: its card may describe others), else a model among entries (the bundled ones, the
    window's Models list) that holds them; a folder of its name that holds others (trained again in place) is never
    its model. A file that records none (written before files did): the folder it records, else one of its name among
    entries, holding a model of its kind and name."""
    recorded, listed = _recorded_places(f.model_path, beside), [Path(e.path) for e in entries if e.kind == kind]
    if f.identity:  # each card read now: a listed one was read when listed, maybe before its folder was trained again
        mine = (place for place in recorded if _model_at(place, kind, "") is not None)
        others = (place for place in listed if (model := _model_at(place, kind, "")) is not None
                  and _may_hold(model, f.identity, f.model_name) and _at_its_scale(model, f))
        return next((place for place in chain(mine, others) if digest_of(place) == f.identity.lower()), None)
    places = recorded + (listed if f.model_name else [])  # a file that records a path only: that folder alone
    return next((place for place in places if _model_at(place, kind, f.model_name) is not None), None)


def other_weights_at(f: LatentFile, beside: Path, kind: str,
                     digest_of: DigestOf = held_digest_or_none) -> Path | None:
    """The folder the file records where it now holds other weights than those the file was made with (trained again
    in place since), for what to say of it (other_weights_said); None where it holds them, is gone, or the file
    records no digest. The very folder it records (an absolute path) whatever its card names now: a copy of V
    trained again as `-o Vc --resume` is named Vc, and the folder, there, was said "not found". A relative path's
    places are guesses (_recorded_places), each taken only where it holds a model of the file's name."""
    if not f.identity:
        return None
    name = "" if Path(f.model_path).expanduser().is_absolute() else f.model_name
    for place in _recorded_places(f.model_path, beside):
        if _model_at(place, kind, name) is not None:
            held = digest_of(place)  # None: no weights file, so no other weights either
            return place if held is not None and held != f.identity.lower() else None
    return None


def other_weights_said(f: LatentFile, there: Path) -> str:
    """"PATH now holds other weights than those it was made with", of the folder other_weights_at found, naming the
    model there where its card names another than the file records (the window and `genimg decode` alike)."""
    entry = read_entry(there)
    renamed = f" (the model there is named {entry.name} now)" \
        if entry is not None and entry.name != recorded_name(f) else ""
    return f"{there} now holds other weights than those it was made with{renamed}"


def same_model(f: LatentFile, own: Path | None, info: ModelInfo,
               digest_of: DigestOf = held_digest_or_none) -> bool:
    """Whether info's model is the one that made the file (own: its folder, own_model), told by their weights
    (ModelInfo.identity), as genimg tells models apart. The file's weights are those it records, else those its
    model's folder holds now; with neither, its name."""
    recorded = f.identity
    if not recorded and own is not None:  # no weights file to read: told by the name
        recorded = digest_of(own) or ""
    if other_scale(f, own, info):  # one SD VAE file converted at two scales: one digest, two models
        return False
    return recorded.lower() == info.identity if recorded else recorded_name(f) == info.name


def made_scale(f: LatentFile, own: Path | None) -> float | None:
    """The latent scale the file was made at where a converted SD VAE made it: as the file records, else (written
    before files recorded it) as the card of its own folder says (own_model: the conversion it records, one folder
    per scale); None for any other model. The card is read once per file (LatentFile.scales_read)."""
    if f.latent_scale is not None or own is None:
        return f.latent_scale
    if own not in f.scales_read:
        entry = read_entry(own)
        f.scales_read[own] = converted_scale(entry.card) if entry is not None else None
    return f.scales_read[own]


def other_scale(f: LatentFile, own: Path | None, info: ModelInfo) -> bool:
    """Whether info's model is a converted SD VAE at another latent scale than the file was made at: it decodes the
    file without an error, into another picture."""
    made = made_scale(f, own)
    return made is not None and converted_scale(info.card) not in (None, made)


def sd_file(info: ModelInfo) -> str:
    """The SD VAE file the loaded conversion was made from (its card's source, catalog.user_file), which opens at any
    latent scale; "" for a model opened from a folder of its own."""
    opened = user_file(info.card, info.path)
    return opened if opened != str(info.path) else ""


def sd_file_gone(info: ModelInfo) -> str:
    """"my-vae was converted from PATH, which no longer exists (moved or deleted?)", where the SD VAE file the loaded
    conversion was made from is gone, so that no command names it to open at another scale (the window and `genimg
    decode` alike); "" where it is there, or the model is no conversion."""
    opened = sd_file(info)
    return f"{info.name} was converted from {opened}, which no longer exists (moved or deleted?)" \
        if opened and not Path(opened).exists() else ""


def _recorded_places(path: str, beside: Path) -> list[Path]:
    """Where the folder a file records may be: its path (a relative one, as genimg wrote the path typed until it
    wrote it absolute, looked for from here, then from the file's folder and the folder above it: `encode --vae vae1
    -o out` in one folder)."""
    if not path:
        return []
    recorded = Path(path).expanduser()
    if recorded.is_absolute():
        return [recorded]
    return [recorded, beside.resolve().parent / recorded, beside.resolve().parent.parent / recorded]


def _model_at(folder: Path, kind: str, name: str) -> ModelEntry | None:
    """The model of this kind in folder and, when a name is given, of this name (not another run's folder that
    happens to share a relative path); None if there is none."""
    entry = read_entry(folder)
    return entry if entry is not None and entry.kind == kind and (not name or entry.name == name) else None


def _at_its_scale(entry: ModelEntry, f: LatentFile) -> bool:
    """Whether a listed model may be the file's own by its latent scale: a conversion of the file's SD VAE file at
    another scale than the file records holds its weights, and draws another picture."""
    return f.latent_scale is None or converted_scale(entry.card) in (None, f.latent_scale)


def _may_hold(entry: ModelEntry, identity: str, name: str) -> bool:
    """Whether a listed model may hold the weights of this digest, as its card records them (weights_file.CARD_DIGEST),
    their digest then read to be sure (a card describes other weights where a weights file was copied over its own);
    for a card written before cards recorded it, only a model of the file's name (reading every old folder listed
    would keep the window waiting)."""
    recorded = entry.card.get(CARD_DIGEST)
    if isinstance(recorded, str):
        return recorded.strip().lower() == identity.lower()
    return not name or entry.name == name

