"""The autosaved session: open images, their latents, branching histories and masks.

One safetensors file (arrays) whose metadata holds the JSON that ties them together, written atomically: a kill
mid-save leaves the previous session intact. Nothing here is pickled, and paths inside are never used to write. Each
mask is stored as a PNG (session_arrays.py), packed as the file is written; the pictures (as opened, up to 2048 px a
side, as fitted, as decoded) in files of their own beside it, each written once (session_pixels.py). The window
writes off its GUI thread (pack_session, then write_packed). No Qt, no torch.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file

from . import seed_draws
from .edit import EditState
from .file_damage import damage_reason
from .file_stamp import FileStamp, stamp_from_json, stamp_json
from .history import History
from .masking import looks_erased
from .fileio import as_os_error, atomic_path
from .paths import data_dir
from .session_arrays import SessionArrays, png_pixels, unpacked_mask
from .session_pixels import pictures_folder, read_pictures, remove_unnamed, write_picture

FORMAT = "genimg-session"
# 2: the pictures are in files of their own (session_pixels.py), which a genimg reading version 1 would not find;
# 3: a picture as opened may be a copy of its JPEG, WebP or PNG file, named with the side it was held at
# (<sha>.2048.jpg), which a genimg reading version 2 would call damaged
VERSION = 3
READS = (1, 2, 3)


class SessionError(Exception):
    """An autosaved session that cannot be read; the message says why."""


@dataclass
class SessionItem:
    kind: str
    name: str
    original: np.ndarray
    image: np.ndarray
    history: History
    seed: int | None = None
    psi: float | None = None
    gan_class: int | None = None  # a conditional GAN's class; None: the seed's own
    draw: str = seed_draws.OWN    # how the seed was drawn (seed_draws.py)
    asked_draw: str | None = None  # the draw asked for, where the GAN could not draw so (it refines again later)
    drawn: dict[int, seed_draws.Drawn] = field(default_factory=dict)  # history node -> the GAN sample mapped there
    # history node -> the name kept for a step whose direction was deleted (it cannot be named from the sliders)
    step_names: dict[int, str] = field(default_factory=dict)
    # model identity (ModelInfo.identity) -> {history node -> slider values}: the values kept for a model the item
    # was carried away from (Item.values_by_model), so a switch back after a restart brings its edits back
    values_by_model: dict[str, dict[int, tuple[float, ...]]] = field(default_factory=dict)
    inverted_in: str | None = None  # the GAN identity an inversion made its w in (Item.inverted_in)
    # the history node exported last (Item.exported_node), so the quit question after a restart does not count an
    # image exported before it as unexported; None: never exported (or a session saved before this was kept)
    exported: int | None = None
    sent_from: str | None = None  # the GAN sample a VAE item was sent from (Item.sent_from)
    made_by: dict[int, str] = field(default_factory=dict)  # history node -> the gesture that made it (Item.made_by)
    # the file it was opened from, as it was then, and how it was fitted (Item.file, Item.fit): opened again after a
    # restart, unchanged, the file shows this item (None: not opened from a file, or a session saved before)
    file: FileStamp | None = None
    fit: str = "crop"
    # the picture's (width, height) as opened (Item.source_size): a square one opened again with the other fit is
    # the same picture, and a cropped one's note comes back (None: not opened from pixels, or a session saved before)
    source_size: tuple[int, int] | None = None
    # model identity -> the unedited latent a latent file gave the item in that model (Item.latent_by_model): a switch
    # back after a restart takes it again, not an encoding of the picture (none: not opened from one, or saved before)
    latent_by_model: dict[str, np.ndarray] = field(default_factory=dict)
    # the seed, ψ, class (by name) and draw of a step asked and not drawn yet when saved (a run of seed keys closed
    # on as its last seed was drawn): the restart draws it as that step (None: none, or a session saved before)
    step_asked: tuple[int, float, str | None, str] | None = None
    # latent shape -> {history node -> its base}: the bases kept for each latent shape the item left
    # (Item.bases_by_shape), so a switch back after a restart brings back an edit folded into a base there, such as a
    # deleted direction's share (none: none kept, or a session saved before they were)
    bases_by_shape: dict[tuple[int, ...], dict[int, np.ndarray]] = field(default_factory=dict)
    # its latents are still those of the model the session's replaced: their carrying over was cancelled or failed
    # (CarryOver.left_behind), and the restart carries them as it is drawn (saved as the session's, a cancelled
    # encoding came back as the new VAE's garbled drawing of the old VAE's latent)
    left_behind: bool = False
    # the picture's pixels as opened, before a VAE fitted them (Item.source), which a switch to another VAE after a
    # restart encodes, as one before it does: the last fit (a 32-px VAE's square crop of a 5:3 photo) stayed a square
    # (None: not opened from pixels, or a session saved before they were kept)
    source: np.ndarray | None = None
    # (folder, identity) of the model its latents and values are in where that is not its kind's in the session
    # (Session.models, .identities): a restored picture whose own model failed to load, kept in it beside pictures
    # of the model loaded (None: its kind's). The session held one model a kind, and a restart gave such a picture
    # the other model's sliders, its latent drawn by that model
    own_model: tuple[str, str] | None = None


@dataclass
class Session:
    items: list[SessionItem]
    current: int = 0                                        # index into items
    models: dict[str, str] = field(default_factory=dict)    # kind -> model path at save time
    kept: bool = False  # kept by the user on quitting (reopened without asking), not left by a crash
    # kind -> the identity (weights' SHA-256) of that model at save time: the one its items' slider values count
    identities: dict[str, str] = field(default_factory=dict)
    # model identity -> its directions' labels, for each model the items' values count or were kept for: a step
    # made along a direction of a model not loaded after a restart is named by them, not by a number
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # kind -> that model's class names at save time, which its items' class indices count: a GAN folder trained
    # again in place with other classes draws each sample's class by its name (none kept: saved before they were)
    classes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (name, why) of each saved item that could not be read, left out of items (load_session); never saved
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    set_aside_as: Path | None = None  # where a session not read whole was moved to (session_aside); never saved


def session_file() -> Path:
    return data_dir() / "session" / "autosave.safetensors"


def _item_json(item: SessionItem, arrays: SessionArrays) -> dict:
    # "packed_mask", not "mask": a genimg before it reads such a session without its masks, not with PNG bytes as one
    nodes = [{"parent": n.parent, "values": list(n.state.values), "base": arrays.key(n.state.base),
              "packed_mask": arrays.mask(n.state.mask), "mask_erased": n.state.mask_erased}
             for n in item.history.nodes()]
    return {"kind": item.kind, "name": item.name, "seed": item.seed, "psi": item.psi, "gan_class": item.gan_class,
            "draw": item.draw, "asked_draw": item.asked_draw, "original": arrays.picture(item.original),
            "image": _image_key(item, arrays), "nodes": nodes, "current_node": item.history.current_id,
            "drawn": {str(node): _drawn_json(d, item.original, arrays) for node, d in item.drawn.items()},
            "step_names": {str(node): name for node, name in item.step_names.items()},
            "values_by_model": {model: {str(node): list(values) for node, values in kept.items()}
                                for model, kept in item.values_by_model.items()},
            "inverted_in": item.inverted_in, "exported": item.exported, "sent_from": item.sent_from,
            "made_by": {str(node): gesture for node, gesture in item.made_by.items()},
            "file": stamp_json(item.file), "fit": item.fit,
            "source_size": None if item.source_size is None else list(item.source_size),
            # one latent per model, stored once where it is still the first step's base (arrays.key)
            "latent_by_model": {model: arrays.key(latent) for model, latent in item.latent_by_model.items()},
            "step_asked": None if item.step_asked is None else list(item.step_asked),
            # a list, as a shape is no JSON key; steps that share a base store it once (arrays.key)
            "bases_by_shape": [{"shape": list(shape),
                                "bases": {str(node): arrays.key(base) for node, base in kept.items()}}
                               for shape, kept in item.bases_by_shape.items()],
            "left_behind": item.left_behind, "source": _source_json(item, arrays)}


def _image_key(item: SessionItem, arrays: SessionArrays) -> str:
    """The decoded picture, which each edit replaces: a file not compressed (session_pixels.py says why), but the
    original's own where it is that picture (a sample as drawn), stored once."""
    return arrays.picture(item.image, png=item.image is item.original or item.image is item.source)


def _source_json(item: SessionItem, arrays: SessionArrays) -> dict | None:
    """Item.source: none, or the file of its pixels (the original's, where they are the same pixels: one file, named
    by its content)."""
    return None if item.source is None else {"picture": arrays.picture(item.source, file=item.file)}


def _drawn_json(d: seed_draws.Drawn, shown: np.ndarray, arrays: SessionArrays) -> dict:
    """One sample of a GAN item's history. Only the shown sample keeps its image (the item's own original,
    stored once): the others are decoded again when undo reaches them, so trying many seeds of a large GAN
    does not grow the file by an image each."""
    original = d.original if d.original is shown else None
    return {"seed": d.seed, "psi": d.psi, "gan_class": d.gan_class, "draw": d.draw, "asked_draw": d.asked_draw,
            "name": d.name, "latent": arrays.key(d.latent), "original": arrays.picture(original),
            "class_name": d.class_name, "drawn_class": d.drawn_class}


@dataclass(frozen=True)
class PackedSession:
    """A session as its file holds it, less the packing of its large arrays: taken on the GUI thread (pack_session,
    quick: references to arrays, which are never changed in place) and written on any thread (write_packed)."""
    doc: dict
    arrays: SessionArrays


def pack_session(session: Session) -> PackedSession:
    """What save_session writes, taken now: the histories, dicts and lists of the session may change after it."""
    arrays = SessionArrays()
    doc = {"format": FORMAT, "version": VERSION, "current": session.current, "models": dict(session.models),
           "kept": session.kept, "identities": dict(session.identities),
           "labels": {identity: list(labels) for identity, labels in session.labels.items()},
           "classes": {kind: list(names) for kind, names in session.classes.items()},
           "items": [_item_json(item, arrays) for item in session.items]}
    for item, saved in zip(session.items, doc["items"]):  # a genimg before it reads the item in its kind's model
        saved["own_model"] = None if item.own_model is None else dict(zip(("folder", "identity"), item.own_model))
    return PackedSession(doc, arrays)


def write_packed(packed: PackedSession, path: Path | None = None) -> Path:
    """Write a session taken by pack_session: the picture files it lacks, then the session file atomically, then
    the removal of the picture files it no longer names; a kill at any moment leaves a whole session. The slow
    part of a save (a large mask's PNG, a new picture's file, the write itself): ui/session_writer.py runs it off
    the GUI thread."""
    path = Path(path or session_file())
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = packed.arrays.resolved()
    folder = pictures_folder(path)
    pictures = {key: write_picture(folder, *picture)[0] for key, picture in packed.arrays.pictures().items()}
    with atomic_path(path) as tmp:
        try:
            save_file(arrays, str(tmp), metadata={"session": json.dumps({**packed.doc, "pictures": pictures})})
        except Exception as e:  # safetensors' own error on a full disk: the OSError it carries, put in words later
            raise (as_os_error(e, path) or e) from None
    remove_unnamed(folder, set(pictures.values()))
    return path


def save_session(session: Session, path: Path | None = None) -> Path:
    """Write the session now, on this thread."""
    return write_packed(pack_session(session), path)


def _history(nodes: list[dict], current: int, arrays: dict[str, np.ndarray]) -> History:
    """Rebuild the tree as saved: nodes are stored in creation order, so each id is its position."""
    def state(n: dict) -> EditState:
        if n.get("packed_mask"):
            mask = unpacked_mask(arrays[n["packed_mask"]])
        else:  # no mask, or a session saved before masks were packed: the float32 mask itself
            mask = arrays[n["mask"]] if n.get("mask") else None
        erased = n.get("mask_erased")
        if erased is None:  # saved before how a mask began was kept: guessed from its pixels
            erased = mask is not None and looks_erased(mask)
        return EditState(arrays[n["base"]], tuple(float(v) for v in n["values"]), mask,
                         mask is not None and bool(erased))
    parents = [None if n["parent"] is None else int(n["parent"]) for n in nodes]
    return History.from_nodes(parents, [state(n) for n in nodes], int(current))


def _checked_draw(draw: str) -> str:
    """A draw the session names, if it is one genimg knows (seed_draws.checked's words, as a SessionError)."""
    try:
        return seed_draws.checked(draw)
    except ValueError as e:
        raise SessionError(f"it names an {e}") from None


def _draw(item: dict) -> str:
    """An item's draw; sessions saved before there was one value kept two flags (or none: the seed's own z)."""
    if "draw" in item:
        return _checked_draw(item["draw"])
    if item.get("refine"):
        return seed_draws.REFINE
    return seed_draws.SKIP_MIXTURES if item.get("skip_mixtures") else seed_draws.OWN


def _asked_draw(item: dict) -> str | None:
    """Sessions saved before the asked draw was kept have none: the draw itself is what was asked."""
    asked = item.get("asked_draw")
    return None if asked is None else _checked_draw(asked)


def _drawn(item: dict, arrays: dict[str, np.ndarray]) -> dict[int, seed_draws.Drawn]:
    """Each node's GAN sample; sessions saved before they were kept have none (undo keeps the newest)."""
    return {int(node): seed_draws.Drawn(d["seed"], d["psi"], d["gan_class"], _checked_draw(d["draw"]),
                                        _asked_draw(d), str(d["name"]), arrays[d["latent"]],
                                        arrays[d["original"]] if d.get("original") else None,
                                        d.get("class_name"), d.get("drawn_class"))
            for node, d in item.get("drawn", {}).items()}


def _values_by_model(item: dict) -> dict[str, dict[int, tuple[float, ...]]]:
    """The values kept for other models; sessions saved before they were kept have none (a switch back starts
    those models' edits at 0)."""
    return {str(model): {int(node): tuple(float(v) for v in values) for node, values in kept.items()}
            for model, kept in item.get("values_by_model", {}).items()}


def _latent_by_model(item: dict, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The latents latent files gave the item, by model; sessions saved before they were kept have none (a switch
    back encodes the picture)."""
    return {str(model): arrays[key] for model, key in item.get("latent_by_model", {}).items()}


def _bases_by_shape(item: dict, arrays: dict[str, np.ndarray]) -> dict[tuple[int, ...], dict[int, np.ndarray]]:
    """The bases kept for the latent shapes the item left; sessions saved before they were kept have none (a switch
    back starts each step from its nearest latent drawn there, and an edit folded into a base there is gone)."""
    return {tuple(int(n) for n in kept["shape"]): {int(node): arrays[key] for node, key in kept["bases"].items()}
            for kept in item.get("bases_by_shape", [])}


def _labels(doc: dict) -> dict[str, tuple[str, ...]]:
    """The directions' labels of each model, by identity; sessions saved before they were kept have none (a step
    along a direction of a model not loaded is named by its number, "direction 1")."""
    return {str(identity): tuple(str(label) for label in labels) for identity, labels in doc.get("labels", {}).items()}


def _classes(doc: dict) -> dict[str, tuple[str, ...]]:
    """Each model's class names, by kind; sessions saved before they were kept have none (a class index counts the
    classes of the model loaded from the session's folder)."""
    return {str(kind): tuple(str(name) for name in names) for kind, names in doc.get("classes", {}).items()}


def _exported(item: dict, nodes: int) -> int | None:
    """The node exported last; sessions saved before it was kept have none (an edited item counts as unexported),
    and a node not in the history counts as none: at worst the quit question asks once more, the work is kept."""
    node = item.get("exported")
    return int(node) if isinstance(node, int) and 0 <= node < nodes else None


def _fit(item: dict) -> str:
    """How the item's file was fitted; sessions saved before it was kept have none (the default, crop)."""
    return item["fit"] if item.get("fit") in ("crop", "letterbox") else "crop"


def _source_size(item: dict) -> tuple[int, int] | None:
    """The picture's (width, height) as opened; sessions saved before it was kept have none (nor does a sample)."""
    size = item.get("source_size")
    if not (isinstance(size, list) and len(size) == 2 and all(type(n) is int and n > 0 for n in size)):
        return None
    return size[0], size[1]


def _source(item: dict, original: np.ndarray, arrays: dict[str, np.ndarray]) -> np.ndarray | None:
    """The picture's pixels as opened (SessionItem.source); sessions saved before they were kept have none (a switch
    reads its file again, if as it was, else encodes the last fit). Version 1 held them in the session file."""
    kept = item.get("source") or {}
    if "picture" in kept:
        return arrays[kept["picture"]]
    if kept.get("original"):
        return original
    if "array" in kept:
        return arrays[kept["array"]]
    if "png" not in kept:
        return None
    return png_pixels(arrays[kept["png"]], "RGB")


def _step_asked(item: dict) -> tuple[int, float, str | None, str] | None:
    """A step asked and not drawn yet when saved (SessionItem.step_asked); sessions saved before it was kept have
    none."""
    asked = item.get("step_asked")
    if asked is None:
        return None
    seed, psi, class_name, draw = asked
    return int(seed), float(psi), None if class_name is None else str(class_name), _checked_draw(draw)


def _own_model(item: dict) -> tuple[str, str] | None:
    """SessionItem.own_model; sessions saved before it was kept have none (the item is in its kind's model)."""
    own = item.get("own_model")
    return (str(own["folder"]), str(own["identity"])) if isinstance(own, dict) else None


def _item(it: dict, arrays: dict[str, np.ndarray]) -> SessionItem:
    """One saved item; any error (a picture file missing, a damaged history step) for load_session to name it by."""
    item = SessionItem(it["kind"], str(it["name"]), arrays[it["original"]], arrays[it["image"]],
                       _history(it["nodes"], it["current_node"], arrays), it.get("seed"), it.get("psi"),
                       it.get("gan_class"), _draw(it), _asked_draw(it), _drawn(it, arrays),
                       {int(node): str(name) for node, name in it.get("step_names", {}).items()},
                       _values_by_model(it), it.get("inverted_in"),  # older sessions: None
                       _exported(it, len(it["nodes"])), it.get("sent_from"),
                       {int(node): str(how) for node, how in it.get("made_by", {}).items()},  # older: none
                       stamp_from_json(it.get("file")), _fit(it), _source_size(it),
                       _latent_by_model(it, arrays), _step_asked(it), _bases_by_shape(it, arrays),
                       bool(it.get("left_behind", False)), _source(it, arrays[it["original"]], arrays))
    item.own_model = _own_model(it)
    return item


def _item_damage(e: Exception, unread: dict[str, str]) -> str:
    """Why one item of a session could not be read, as a clause (its picture file's: read_pictures)."""
    if isinstance(e, KeyError):
        return unread.get(e.args[0] if e.args else None, "a part of it is missing")
    return str(e) if isinstance(e, SessionError) else "its history is damaged"  # SessionError: an unknown draw


def load_session(path: Path | None = None) -> Session:
    """The session at path, its items that cannot be read left out, named (unreadable); SessionError for the file."""
    path = Path(path or session_file())
    try:
        arrays = load_file(str(path))
        from safetensors import safe_open
        with safe_open(str(path), "np") as f:
            doc = json.loads((f.metadata() or {})["session"])
        if doc.get("format") != FORMAT or doc.get("version") not in READS:
            raise SessionError(f"it is not a genimg session of version {' or '.join(map(str, READS))}")
        pictures, unread = read_pictures(doc.get("pictures", {}), pictures_folder(path))
        arrays.update(pictures)
        items, unreadable, current = [], [], int(doc.get("current", 0))
        for index, it in enumerate(doc["items"]):
            try:
                items.append(_item(it, arrays))
            except Exception as e:  # this item only: the others come back
                unreadable.append((str(it.get("name", "an image")), _item_damage(e, unread)))
                current -= index < current  # the image shown is still the one shown
        # sessions saved before identities were kept have none: their values count the model loaded first
        return Session(items, current, {str(k): str(v) for k, v in doc["models"].items()},
                       bool(doc.get("kept", False)), {str(k): str(v) for k, v in doc.get("identities", {}).items()},
                       _labels(doc), _classes(doc), unreadable)
    except Exception as e:  # any corruption: say so, never crash the start-up
        why = str(e) if isinstance(e, SessionError) else damage_reason(e, path)
        raise SessionError(f"The autosaved session {path} cannot be read ({why})") from None


def discard_session(path: Path | None = None) -> None:
    """Remove the session file, then its pictures (a kill between leaves only pictures no session names, which the
    next save removes)."""
    path = Path(path or session_file())
    path.unlink(missing_ok=True)
    remove_unnamed(pictures_folder(path), set())
