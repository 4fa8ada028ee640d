"""Finding model folders on disk: the bundled ones and the user's. JSON only, no torch."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "weights"
DEFAULT_MODELS = {"vae": "emoji-vae", "gan": "emoji-gan"}


@dataclass(frozen=True)
class ModelEntry:
    path: str
    name: str
    kind: str        # "vae" or "gan"
    card: dict
    bundled: bool


def read_entry(folder: Path, bundled: bool = False) -> ModelEntry | None:
    """The entry for a model folder, or None if it has no readable genimg card."""
    try:
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(card, dict) or card.get("kind") not in ("vae", "gan"):
        return None
    return ModelEntry(str(folder), str(card.get("name") or folder.name), card["kind"], card, bundled)


def bundled_models(root: Path = BUNDLED_DIR) -> list[ModelEntry]:
    if not root.is_dir():
        return []
    entries = (read_entry(p, bundled=True) for p in sorted(root.iterdir()) if p.is_dir())
    return [e for e in entries if e is not None]


def default_model(kind: str, entries: list[ModelEntry]) -> ModelEntry | None:
    """The bundled default of a kind, else the first of that kind."""
    of_kind = [e for e in entries if e.kind == kind]
    named = [e for e in of_kind if Path(e.path).name == DEFAULT_MODELS[kind]]
    return (named or of_kind or [None])[0]
