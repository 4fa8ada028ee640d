"""Edit recipes: an edit saved as JSON (+ a mask PNG) to apply to other images, in the app or headless.

The direction vectors are stored in the recipe, not referenced by label or index,
so a recipe keeps working after the model's PCA is recomputed or directions are
renamed. Applying one goes through edit.shift, the code behind the app's sliders,
so the same base latent gives the same edited latent bit for bit.

The vectors are directions in the latent space of the model the recipe was made with; in another model's latents
(of the same size or not) they mean nothing, and applied there they smeared the picture. So a recipe records the
weights' SHA-256, as genimg knows models everywhere (weights_file.weights_digest), and fits only those weights, in
whatever folder: other_model says why not.
"""
from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from .edit import Directions, EditState, fits_size, shift
from .export import file_kind
from .fileio import atomic_path, atomic_write_bytes, fitted_name
from .imaging import ImageLoadError, check_pixels, unreadable
from .masking import looks_erased, resize_mask
from .weights_file import CARD_DIGEST

FORMAT = "genimg-recipe"
VERSION = 1
KINDS = ("vae", "gan")
FITS = ("crop", "letterbox")
FLOAT32_MAX = float(np.finfo(np.float32).max)
HEX = frozenset("0123456789abcdef")


class RecipeError(ValueError):
    """A recipe that cannot be read or does not fit the model; the message says why."""


@dataclass(frozen=True, eq=False)
class RecipeStep:
    label: str
    vector: np.ndarray  # (D,) float32, unit length
    sigma: float
    value: float        # in sigma units


@dataclass(frozen=True, eq=False)
class Recipe:
    model_name: str
    model_kind: str
    latent_size: int
    steps: tuple[RecipeStep, ...]
    mask: np.ndarray | None = None  # (H, W) float32 in [0, 1], in 1/255 steps (what the PNG holds)
    fit: str = "crop"
    version: int = VERSION
    mask_erased: bool = False  # the mask began by erasing a picture with no mask (EditState.mask_erased)
    # the SHA-256 of the weights it was made with (ModelInfo.identity); "" in a recipe saved before recipes kept it
    model_identity: str = ""
    # whether that model's latents are spatial (C, h, w) with latent_size channels (an SD VAE); None: not recorded
    spatial: bool | None = False
    # the model file or folder the user opened (ModelInfo.source, else path): an SD VAE's .safetensors file, not the
    # folder genimg converted it into; "" where the recipe records none
    model_path: str = ""

    @classmethod
    def from_edit(cls, state: EditState, directions: Directions, model_name: str, kind: str,
                  fit: str = "crop", identity: str = "", spatial: bool = False, model_path: str = "") -> "Recipe":
        """The non-zero slider values of state, with their directions' vectors; identity: the model's weights'
        SHA-256 (ModelInfo.identity), which the recipe then fits alone; spatial and model_path as the fields."""
        steps = tuple(RecipeStep(directions.labels[i], directions.basis[i].astype(np.float32),
                                 float(directions.sigma[i]), float(v))
                      for i, v in enumerate(state.values[: len(directions)]) if v)
        mask = None if state.mask is None else _quantised(state.mask)
        return cls(model_name, kind, int(directions.basis.shape[1]), steps, mask, fit, mask_erased=state.mask_erased,
                   model_identity=identity, spatial=spatial, model_path=model_path)

    def check_model(self, kind: str, latent_size: int, spatial: bool = False) -> None:
        """Raise RecipeError unless the recipe fits a model of this kind and latent size (spatial: its latents are
        (latent_size, h, w), ModelInfo.spatial)."""
        if kind != self.model_kind:
            raise RecipeError(f"the recipe edits a {self.model_kind.upper()} latent, not a {kind.upper()} one")
        if latent_size != self.latent_size:
            this = (f"this model's is a spatial latent of {latent_size} channels" if spatial
                    else f"this model's latent has {latent_size} numbers")
            raise RecipeError(f"the recipe was made for {self.latent_words()} ({self.model_name}); {this}")

    def latent_words(self) -> str:
        """The latent the recipe was made for, in words: an SD VAE's 4 × 64 × 64 was "a latent of 4 numbers"."""
        if self.spatial is None:  # a recipe saved before recipes recorded it
            return f"a latent of size {self.latent_size}"
        return (f"a spatial latent of {self.latent_size} channels" if self.spatial
                else f"a latent of {self.latent_size} numbers")

    def other_model(self, identity: str, name: str) -> str:
        """Why the recipe does not fit the model of these weights (identity: their SHA-256, ModelInfo.identity;
        name: the model's), as a clause after the recipe's file name; "" when it fits. A copy of the weights in
        another folder is the same model. A recipe saved before recipes recorded the weights goes by its model's
        name: one made with a model of another name is taken as made with another model."""
        if self.model_identity == identity or (not self.model_identity and self.model_name in ("", name)):
            return ""
        if self.model_name and self.model_name != name:
            return (f"was made with {self.model_name}, not {name}: its edit moves along {self.model_name}'s "
                    f"directions, which mean nothing in {name}'s latents")
        made = f"another model named {name}" if self.model_name else "another model"
        return (f"was made with {made} (other weights than this one's): its edit moves along that model's "
                "directions, which mean nothing in this one's latents")

    def model_to_load(self, name: str) -> str:
        """The model to load for the recipe, in words, where the model named name is not it: its name, or how else
        to tell it from the one loaded."""
        if not self.model_name:
            return "the model it was made with"
        return self.model_name if self.model_name != name else f"the {name} it was made with"

    def apply(self, base_latent: np.ndarray) -> np.ndarray:
        """The edited latent (float32, same shape as base_latent): a flat latent of latent_size
        numbers, or a spatial one (latent_size, h, w) of any h, w, whose every latent pixel moves."""
        if not fits_size(np.shape(base_latent), self.latent_size):
            raise RecipeError(f"the recipe was made for {self.latent_words()} ({self.model_name}), not one shaped "
                              f"{np.shape(base_latent)}")
        return shift(base_latent, [(s.value, s.sigma, s.vector) for s in self.steps])

    def mask_at(self, size: tuple[int, int]) -> np.ndarray | None:
        """The mask resized (bilinear) to (H, W), or None where the recipe edits everywhere."""
        return None if self.mask is None else resize_mask(self.mask, size)

    # --- files --------------------------------------------------------------
    def to_json(self, mask_file: str | None = None) -> str:
        if self.mask is not None and not mask_file:
            raise RecipeError("a recipe with a mask needs the mask's file name")
        return json.dumps({
            "format": FORMAT, "version": self.version,
            "model": {"name": self.model_name, "kind": self.model_kind, "latent_size": self.latent_size,
                      **({CARD_DIGEST: self.model_identity} if self.model_identity else {}),
                      **({"spatial": self.spatial} if self.spatial is not None else {}),
                      **({"path": self.model_path} if self.model_path else {})},
            "fit": self.fit,
            "mask": mask_file if self.mask is not None else None,
            "mask_erased": self.mask is not None and self.mask_erased,
            "edits": [{"label": s.label, "value": s.value, "sigma": s.sigma,
                       "vector": [float(x) for x in s.vector]} for s in self.steps],
        }, indent=1)

    def save(self, path: str | Path) -> Path:
        """Write path (JSON) and, with a mask, NAME.mask.png beside it; both atomically."""
        path = Path(path)
        mask_file = mask_name(path) if self.mask is not None else None
        if self.mask is not None:
            with atomic_path(path.with_name(mask_file)) as tmp:
                Image.fromarray(np.rint(self.mask * 255).astype(np.uint8)).save(tmp, format="PNG")
        atomic_write_bytes(path, self.to_json(mask_file).encode())
        return path

    @classmethod
    def load(cls, path: str | Path) -> "Recipe":
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:  # an image or other binary file given as a recipe
            if kind := file_kind(path):  # named as `genimg decode` names a file of the wrong kind
                raise RecipeError(_other_kind(path, kind)) from None
            raise RecipeError(f"{path} is not an edit recipe: a recipe is JSON text, and byte {e.start} of it is "
                              "not UTF-8 text") from None
        except OSError as e:
            raise RecipeError(f"cannot read the recipe {path}: {e.strerror or e}") from None
        try:
            return cls.from_json(text, path.parent, path.name)  # each reason names the file: "r1.json has no …"
        except RecipeError:
            if kind := file_kind(path):  # a model's card.json is JSON too: "not a genimg edit recipe" said no more
                raise RecipeError(_other_kind(path, kind)) from None
            raise

    @classmethod
    def from_json(cls, text: str, base_dir: str | Path, name: str = "") -> "Recipe":
        """Parse and validate; a mask file is read from base_dir and must lie inside it. name: the file's, which
        each reason then names ("r1.json has no …", "r1.json: version 2 …"); without it, "it has no …"."""
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise RecipeError(_not_json(text, e, name)) from None
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise RecipeError(_of(name, f'not a genimg edit recipe ("format" must be "{FORMAT}")'))
        if d.get("version") != VERSION:
            raise RecipeError(_of(name, f"recipe version {d.get('version')!r} is not supported (this genimg reads "
                                        f"version {VERSION})"))
        model = _field(d, "model", dict, name)
        kind, size = _field(model, "kind", str, name, "its model"), _field(model, "latent_size", int, name, "its model")
        if kind not in KINDS:
            raise RecipeError(_of(name, f"model kind {kind!r} is not one of {', '.join(KINDS)}"))
        if size <= 0:
            raise RecipeError(_of(name, f"latent_size must be positive, not {size}"))
        fit = d.get("fit", "crop")
        if fit not in FITS:
            raise RecipeError(_of(name, f"fit {fit!r} is not one of {', '.join(FITS)}"))
        steps = tuple(_step(e, i, size, name) for i, e in enumerate(_field(d, "edits", list, name)))
        mask = None if d.get("mask") is None else _read_mask(d["mask"], Path(base_dir), name)
        erased = d.get("mask_erased")
        if erased is None:  # saved before how a mask began was kept: guessed from its pixels
            erased = mask is not None and looks_erased(mask)
        elif not isinstance(erased, bool):
            raise RecipeError(_of(name, f'"mask_erased" must be true or false, not {erased!r}'))
        spatial, path = model.get("spatial"), model.get("path", "")
        if spatial is not None and not isinstance(spatial, bool):
            raise RecipeError(_of(name, f'its model\'s "spatial" must be true or false, not {_json_said(spatial)}'))
        if not isinstance(path, str):
            raise RecipeError(_of(name, f'its model\'s "path" must be {FIELD_WORDS[str]}, not {_json_said(path)}'))
        return cls(str(model.get("name", "")), kind, size, steps, mask, fit, mask_erased=mask is not None and erased,
                   model_identity=_identity(model, name), spatial=spatial, model_path=path)


def opened_path(source: str, path: str) -> str:
    """The model file or folder the user opened, absolute, for a recipe to record (ModelInfo.source, the file an SD
    VAE was converted from, else ModelInfo.path): the conversion's folder is genimg's own, hidden in its cache. Links
    kept: messages name it, and a Hugging Face cache's file is a link to a blobs/<sha256> the user never chose."""
    return os.path.abspath(source or path)


def recipe_at(path: str | Path) -> Recipe | None:
    """The edit recipe the file at path holds; None for any other path (not a .json file, other JSON, or a recipe too
    damaged to read, which Recipe.load says why of). How `genimg info` and the window's opens (a drop, File → Open
    images…) tell a recipe from the files they take: one rule, so the window never called a recipe "not an image"
    where `genimg info` named it."""
    path = Path(path)
    if path.suffix.lower() != ".json" or not path.is_file():
        return None
    try:
        return Recipe.load(path)
    except RecipeError:
        return None


NOT_SAVED = "it is not a recipe genimg saved"
# what a field must hold, and what JSON value a field held, in words ("must be a dict, not NoneType" was Python's)
FIELD_WORDS = {dict: "an object ({…})", list: "a list ([…])", str: "text in quotes", int: "a whole number"}


def _subject(name: str) -> str:
    """The recipe as a reason's subject: its file's name ("r1.json has no …"), or "it" where no name is given."""
    return name or "it"


def _of(name: str, clause: str) -> str:
    """A reason that is not a sentence about the file, after its name ("r1.json: version 2 is not supported")."""
    return f"{name}: {clause}" if name else clause


def _field(d: dict, key: str, kind: type, name: str, owner: str = ""):
    """d[key] if it is of kind; a key not there at all says the file is not a recipe genimg saved. owner: what holds
    the key where that is not the file itself ("its model")."""
    if key not in d:
        raise RecipeError(_of(name, f'{owner} has no "{key}": {NOT_SAVED}') if owner
                          else f'{_subject(name)} has no "{key}": {NOT_SAVED}')
    value = d[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise RecipeError(_of(name, f'"{key}" must be {FIELD_WORDS[kind]}, not {_json_said(value)}'))
    return value


def _identity(model: dict, name: str) -> str:
    """The model's weights' SHA-256 as the recipe records it (64 hex digits, any case), "" where it records none (a
    recipe saved before recipes kept it)."""
    if (digest := model.get(CARD_DIGEST)) is None:
        return ""
    if not isinstance(digest, str) or len(digest.strip()) != 64 or any(c not in HEX for c in digest.strip().lower()):
        raise RecipeError(_of(name, f'its model\'s "{CARD_DIGEST}" must be a SHA-256 (64 hex digits), not '
                                    f"{_json_said(digest)}"))
    return digest.strip().lower()


def _json_said(value: object) -> str:
    """A JSON value as a message names it: null, true, "512", 3.5, an object, a list."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    said = json.dumps(value, ensure_ascii=False)
    return said if len(said) <= 40 else f"{said[:39]}…"


def _other_kind(path: Path, kind: str) -> str:
    """Why a file of another kind (file_kind's) is no recipe, and what a recipe is."""
    return (f"{path.name} is {kind}, not an edit recipe: a recipe is the .json file that File → Save edit recipe… or "
            "genimg edit --save-recipe writes")


def _not_json(text: str, e: json.JSONDecodeError, name: str) -> str:
    """Why text is no recipe JSON, in words ("not valid JSON (Expecting value: line 1 column 1 (char 0))" was the
    parser's): empty, other text (notes, a README), cut short, or broken at a line and column."""
    if not text.strip():
        return f"{_subject(name)} is empty: {NOT_SAVED}"
    if not text.lstrip().startswith("{"):  # a recipe is a JSON object
        return f"{_subject(name)} holds text, not JSON: {NOT_SAVED}"
    if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated"):  # a copy that stopped early
        return f"{_subject(name)} is cut short: its end is missing"
    why = e.msg.removesuffix(" at")  # "Invalid control character at", the place given after it
    return _of(name, f"its JSON is broken at line {e.lineno}, column {e.colno} ({why[:1].lower()}{why[1:]})")


def beyond_float32(value: float) -> str:
    """Why value is too large for a latent, '' if it is not: float32 holds less than FLOAT32_MAX, and a larger
    value (1e300) overflowed into numpy's RuntimeWarning and a latent of inf. --edit and a recipe's numbers alike."""
    if abs(value) < FLOAT32_MAX:
        return ""
    return f"{value:g} is beyond what a float32 latent holds (less than {FLOAT32_MAX:.3g})"


def _number(e: dict, key: str, where: str) -> float:
    x = e.get(key)
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise RecipeError(f'{where}: "{key}" must be a finite number, not {x!r}')
    if why := beyond_float32(x):
        raise RecipeError(f'{where}: "{key}" {why}; a few σ is a strong edit')
    return float(x)


def _step(e: object, i: int, size: int, name: str) -> RecipeStep:
    where = _of(name, f"edit {i + 1}")
    if not isinstance(e, dict):
        raise RecipeError(f"{where} must be an object with label, value, sigma and vector")
    value, sigma = _number(e, "value", where), _number(e, "sigma", where)
    if sigma <= 0:
        raise RecipeError(f'{where}: "sigma" must be positive, not {sigma}')
    vector = e.get("vector")
    if not isinstance(vector, list) or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in vector):
        raise RecipeError(f'{where}: "vector" must be a list of numbers')
    v = np.asarray(vector, np.float64)
    if v.size != size:
        raise RecipeError(f"{where}: its vector has {v.size} numbers but the recipe's latent has {size}")
    if not (np.isfinite(v).all() and np.abs(v).max(initial=0) < FLOAT32_MAX):
        raise RecipeError(f"{where}: its vector holds non-finite numbers (or ones too large for float32)")
    return RecipeStep(str(e.get("label", f"direction {i + 1}")), v.astype(np.float32), sigma, value)


def _read_mask(mask: object, base_dir: Path, name: str) -> np.ndarray:
    if not isinstance(mask, str) or not mask:
        raise RecipeError(_of(name, '"mask" must be a file name or null'))
    base = base_dir.resolve()
    path = (base / mask).resolve()
    if Path(mask).is_absolute() or not path.is_relative_to(base):
        raise RecipeError(_of(name, f"the mask {mask!r} lies outside the recipe's folder; it must be beside the "
                                    "recipe"))
    try:
        with Image.open(path) as im:
            check_pixels(im, mask)
            gray = np.asarray(im.convert("L"), np.float32) / 255
    except ImageLoadError as e:
        raise RecipeError(_of(name, f"cannot read the mask: {e}")) from None
    except (OSError, ValueError, Image.DecompressionBombError) as e:  # as an image's reason: "[Errno 2] …" came out
        raise RecipeError(_of(name, f"cannot read the mask: {unreadable(path, e, name=mask)}")) from None
    return gray


def _quantised(mask: np.ndarray) -> np.ndarray:
    """The mask as the 8-bit PNG will hold it, so a saved and re-read recipe gives the same pixels."""
    return (np.rint(np.clip(np.asarray(mask, np.float32), 0, 1) * 255) / 255).astype(np.float32)


def mask_name(path: Path) -> str:
    """NAME.mask.png beside NAME.json or NAME.recipe.json, NAME cut short ("yy….recipe.mask.png") where the whole
    would pass the file system's limit on one name: the recipe's own name may take all of it."""
    stem, after = path.stem, ".mask.png"
    if stem.endswith(".recipe"):  # "….recipe" would be cut first and read "yyy……mask.png"
        stem, after = stem.removesuffix(".recipe"), ".recipe.mask.png"
    return fitted_name(stem, after)
