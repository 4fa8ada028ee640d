"""Finding model folders on disk: the bundled ones and the user's. JSON only, no torch."""
from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .card_sizes import is_count, size_problem
from .earlier_run import BEST_FILE, CARD_FILE, CHECKPOINT_FILE
from .metric_words import keys_in_words, metric_line
from .paths import data_dir
from .weights_file import WEIGHTS_NAME, same_weights
from .wording import counted, listed, mid_sentence



def bundled_dir() -> Path:
    """The folder of the bundled models: a checkout's own weights/ beside the package (run in place or installed
    editable), else the installed package genimg_weights, which pyproject.toml makes of weights/ (a wheel, or a
    plain `pip install .`, has no weights/ beside genimg_gui: it said "no bundled GAN in …/weights")."""
    beside = Path(__file__).resolve().parent.parent / "weights"
    if (beside / "__init__.py").is_file():  # genimg_weights' source: not some other "weights" in site-packages
        return beside
    spec = importlib.util.find_spec("genimg_weights")
    places = list(spec.submodule_search_locations or []) if spec is not None else []
    return Path(places[0]).resolve() if places else beside


BUNDLED_DIR = bundled_dir()
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "assets" / "examples"
DEFAULT_MODELS = {"vae": "emoji-vae", "gan": "emoji-faces-gan"}
# GAN truncation the window and the CLI start at: more typical samples at some cost in variety
DEFAULT_PSI = 0.7
# the ψ the window's slider runs over and the CLI takes: below 0 draws past the mean onto its far side, and far above
# 1 leaves the samples the GAN was trained on (odd pictures without a word)
PSI_RANGE = (0.0, 1.5)
SHORT_METRIC = 40  # characters of a figure; longer values (how it was measured) are shown apart
# above a card's figures where its weights are not those it was written for (ModelInfo.other_weights)
OTHER_WEIGHTS_FIGURES = f"not these weights' figures (the card was written for another {WEIGHTS_NAME}):"
# files that may hold a model from elsewhere (SD VAE, TAESD, StyleGAN pickle): opened as models, not images
MODEL_FILE_SUFFIXES = (".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".pkl")
# a diffusers model folder (as `save_pretrained` writes it): config.json beside one of these
DIFFUSERS_WEIGHTS = ("diffusion_pytorch_model.safetensors", "diffusion_pytorch_model.fp16.safetensors",
                     "diffusion_pytorch_model.bin", "diffusion_pytorch_model.fp16.bin")
DIFFUSERS_CONFIG = "config.json"
DIFFUSERS_PIPELINE = "model_index.json"  # a whole diffusers pipeline's folder, its VAE in vae/
# what `genimg train` writes beside a model: its state for --resume, not a model
TRAINING_CHECKPOINTS = (CHECKPOINT_FILE, BEST_FILE)



def config_scale(path: Path) -> float | None:
    """The latent scale a diffusers config.json records, beside the weights file `path` (or in the folder `path`);
    None where there is none. JSON only: the Models tab's Latent scale… offers it too."""
    folder = path if path.is_dir() else path.parent
    try:
        value = json.loads((folder / DIFFUSERS_CONFIG).read_text(encoding="utf-8")).get("scaling_factor")
    except (OSError, ValueError, AttributeError):  # no config, not JSON, or JSON that is no object
        return None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None

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
    except (OSError, ValueError, RecursionError):  # RecursionError: a card of arrays nested thousands deep
        return None
    if not isinstance(card, dict) or card.get("kind") not in ("vae", "gan"):
        return None
    return ModelEntry(str(folder), str(card.get("name") or folder.name), card["kind"], card, bundled)


def bundled_models(root: Path = BUNDLED_DIR) -> list[ModelEntry]:
    if not root.is_dir():
        return []
    entries = (read_entry(p, bundled=True) for p in sorted(root.iterdir()) if p.is_dir())
    return [e for e in entries if e is not None]


def bundled_copy(folder: str | Path, entries: list[ModelEntry]) -> ModelEntry | None:
    """The bundled model among entries whose weights another folder holds, as their cards record them
    (weights_file.same_weights: no weights are read): another install's bundled folder (genimg installed before into
    another environment, or a second checkout) or a copy of it; None for any other folder, the bundled one itself
    included."""
    folder = os.path.realpath(folder)
    bundled = [e for e in entries if e.bundled]
    if not os.path.isdir(folder) or any(os.path.realpath(e.path) == folder for e in bundled):
        return None
    entry = read_entry(Path(folder))
    if entry is None:
        return None
    return next((e for e in bundled if same_weights(e.card, e.path, entry.card, folder)), None)


def is_model_file(path: str | Path) -> bool:
    """A file to open as a model (by its suffix; the worker then says what it really is)."""
    return Path(path).suffix.lower() in MODEL_FILE_SUFFIXES


def diffusers_weights(folder: str | Path) -> Path | None:
    """The weights file of a diffusers model folder (no card.json: not a genimg folder), or of a whole pipeline's
    VAE (its vae/ folder: the one part genimg can open, so the folder a user downloaded opens as it is); None if it
    has none."""
    folder = Path(folder)
    if (folder / CARD_FILE).is_file():
        return None
    if (folder / DIFFUSERS_PIPELINE).is_file():
        folder = folder / "vae"
    return next((folder / name for name in DIFFUSERS_WEIGHTS if (folder / name).is_file()), None)


def folder_weights(folder: str | Path) -> Path | None:
    """The file a folder without card.json opens as: a diffusers model's weights (diffusers_weights), or the encoder
    of the one TAESD pair it holds (taesd_encoder.pth beside taesd_decoder.pth, as published), which loads with its
    other half; None for any other folder. A folder of several pairs is the user's to choose in (taesd_note)."""
    if (weights := diffusers_weights(folder)) is not None or (Path(folder) / CARD_FILE).is_file():
        return weights
    pairs = taesd_pairs(folder)
    return pairs[0] if len(pairs) == 1 else None


def taesd_pairs(folder: str | Path) -> list[Path]:
    """The encoder files of the TAESD pairs in folder (NAME_encoder.pth with NAME_decoder.pth beside it), sorted."""
    return [path for path in _taesd_halves(Path(folder), "encoder") if _other_half(path, "encoder").is_file()]


def taesd_note(path: str | Path) -> str:
    """Why a folder of TAESD files (no card.json) opens as no model, said before any load is asked for: several
    pairs, one to choose, or a half without the other; "" for any other path. It was "not a genimg model folder: it
    has no card.json", in the window only once the encodes queued before it were done."""
    folder = Path(path)
    if not folder.is_dir() or (folder / CARD_FILE).is_file() or folder_weights(folder) is not None:
        return ""
    if len(pairs := taesd_pairs(folder)) > 1:
        return (f"{folder} holds {len(pairs)} TAESD models ({listed([p.name for p in pairs])}, each with its "
                "decoder): open one of those files")
    lone = [(p, half) for half in ("encoder", "decoder") for p in _taesd_halves(folder, half)
            if not _other_half(p, half).is_file()]
    if not lone:
        return ""
    alone, half = lone[0]
    return (f"{folder} holds {alone.name} without {_other_half(alone, half).name} beside it: a TAESD needs both its "
            "encoder and its decoder")


def _taesd_halves(folder: Path, half: str) -> list[Path]:
    """The files in folder named as one half of a TAESD is (taesd_encoder.pth, taesdxl_decoder.safetensors)."""
    if not folder.is_dir():
        return []
    ends = tuple(f"_{half}{suffix}" for suffix in (".pth", ".safetensors"))
    return sorted(p for p in folder.iterdir() if p.name.endswith(ends) and p.is_file())


def _other_half(path: Path, half: str) -> Path:
    """taesd_encoder.pth -> taesd_decoder.pth, and back."""
    other = "decoder" if half == "encoder" else "encoder"
    return path.with_name(path.name[: path.name.rfind(half)] + other + path.suffix)


def is_model_folder(path: str | Path) -> bool:
    """A folder that is a model, not one of pictures: a genimg model folder (its card.json) or a diffusers one
    (a VAE's vae/ folder, which the worker converts as its diffusers_weights), or one of TAESD files (a pair opens
    as its encoder, folder_weights; others are answered at once, taesd_note). The window's drops, Open recent and
    the files named on its command line go by this; asked before a folder is opened as pictures (a model folder
    may hold a samples.png)."""
    path = Path(path)
    return path.is_dir() and ((path / CARD_FILE).is_file() or folder_weights(path) is not None
                              or bool(taesd_note(path)))


def model_to_load(path: str | Path) -> Path | None:
    """What to load for a path dropped or opened as it comes: a model folder itself, the folder of its card.json
    or diffusers config.json, a model file (is_model_file); None for anything else (pictures, a folder of them)."""
    path = Path(path)
    if path.name in (CARD_FILE, DIFFUSERS_CONFIG) and is_model_folder(path.parent):
        return path.parent
    if path.is_dir():
        return path if is_model_folder(path) else None
    return path if is_model_file(path) else None


def converted_dir() -> Path:
    """Where models converted from the user's files are cached as genimg model folders."""
    return data_dir() / "models"


def estimated_dir() -> Path:
    """Where the slider directions genimg estimated for a model folder without its directions.safetensors are kept
    (a folder per weights' SHA-256), out of the user's model folder."""
    return data_dir() / "estimated-directions"


def user_file(card: dict, path: str) -> str:
    """The path to name in messages for the model at path: the user's file a cached conversion came from (its card's
    source; the cache folder is genimg's own, hidden in its data folder), else path itself."""
    source = card.get("source")
    if (Path(path) / CARD_FILE).is_file() and isinstance(source, dict) and isinstance(source.get("path"), str):
        return source["path"]
    return str(path)


def converted_models(root: Path | None = None) -> list[ModelEntry]:
    """The cached conversions, newest first (each card's "source" names the file it came from)."""
    root = Path(root or converted_dir())
    if not root.is_dir():
        return []
    folders = sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    return [e for e in map(read_entry, folders) if e is not None]


def latent_spaces(entries: list[ModelEntry]) -> list[ModelEntry]:
    """The VAEs a GAN can be trained to draw in (`genimg train gan --latent-of`): genimg's own
    ConvVAE folders, the bundled default first; not converted SD or TAESD models."""
    vaes = [e for e in entries if e.kind == "vae" and e.card.get("architecture") == "ConvVAE" and sizes_known(e.card)]
    first = default_model("vae", vaes)
    return sorted(vaes, key=lambda e: e is not first)


TRAINABLE = ("ConvVAE", "MappedGenerator", "LatentGenerator")  # what `genimg train --init` can start from


def trainable_models(entries: list[ModelEntry]) -> list[ModelEntry]:
    """The models a training run can start from (`--init`): genimg's own networks, not converted ones."""
    return [e for e in entries if e.card.get("architecture") in TRAINABLE and sizes_known(e.card)]


def sizes_known(card: dict) -> bool:
    """The card states a resolution a run can train at, and its sizes agree with its config as far as the JSON
    tells (a card edited by hand to 63 px would start a run the command refuses); loading checks the rest."""
    return is_count(card.get("resolution")) and not size_problem(card)


def recorded_latent_of(card: dict) -> str:
    """The VAE folder a latent GAN's card says it was trained in (its --latent-of, maybe relative to where
    it was trained); "" when the card records none."""
    recorded = card.get("training", {}).get("options", {}).get("extra", {}).get("latent_of")
    return recorded if isinstance(recorded, str) else ""


def latent_of_to_type(card: dict) -> str:
    """The --latent-of that names the VAE a latent GAN draws in, as it can be typed here: the folder its card
    records where that is there, else the bundled VAE of that folder's name (emoji-gan records weights/emoji-vae,
    relative to where it was trained, which names nothing from another folder); "" when neither."""
    recorded = recorded_latent_of(card)
    if not recorded or Path(recorded).expanduser().is_dir():
        return recorded
    name = Path(recorded).name
    return name if any(e.name == name and e.kind == "vae" for e in bundled_models()) else ""


def lineage_rows(card: dict) -> list[tuple[str, str]]:
    """The rows, for `genimg info`, of what a model was made from, as its card records it: the VAE a latent GAN
    draws through (--latent-of) and the model a run started from (--init), and what that one started from in turn
    (the Models tab words them without the options: model_panel.kind_text, source_text)."""
    rows = []
    if latent_of := recorded_latent_of(card):
        rows.append(("latent space", f"of the VAE {latent_of} (--latent-of)"))
    training = card.get("training", {})
    if origin := training.get("started_from"):
        init = training.get("options", {}).get("init") or ""
        rows.append(("started from", origin_text(origin, init)))
    return rows


def stopped_text(training: dict) -> str:
    """'stopped at step 99 of 300' for a model a stop ended the run of before it finished (its card's
    training.stopped), with what would have ended it (its --steps, or its time); "" for one that finished, or a card
    that does not say. `genimg info` said "99 steps" of it as of any model, and the Models tab nothing."""
    if training.get("stopped") is not True:
        return ""
    step = training.get("run_steps", training.get("steps"))  # the run's last step: --keep-best may keep an earlier
    if not isinstance(step, int):
        return "stopped before it finished"
    options = training.get("options") if isinstance(training.get("options"), dict) else {}
    minutes, steps = options.get("minutes"), options.get("steps")
    if isinstance(minutes, (int, float)) and minutes > 0:
        return f"stopped at step {step:,}, before its {minutes:g} min were up"
    return f"stopped at step {step:,}" + (f" of {steps:,}" if isinstance(steps, int) and steps > step else "")


# the hardware `genimg train` records of a CPU run (train/run_card.py): one thread count, its last part's
RECORDED_CPU = re.compile(r"cpu \([^();]*, \d+ threads?\)")


def hardware_text(training: dict) -> str:
    """Where a run trained, as its card records it: a resumed run's card has its last part's alone (its threads,
    say: 2 where the part before had --threads 1), which is said so; a record written by hand for all the parts (the
    bundled GANs' "2 torch threads, 1 in the third run …") is left as it is."""
    hardware = str(training.get("hardware", "?"))
    options = training.get("options") if isinstance(training.get("options"), dict) else {}
    if options.get("resume") is True and RECORDED_CPU.fullmatch(hardware):
        return f"{hardware} in its last part (a resume; earlier parts are not recorded)"
    return hardware


def latent_size_text(size: int, shape: list[int]) -> str:
    """A VAE's "1024 (4×16×16)", the numbers in its latent and their grid; a GAN's "128 (one vector)": its z has
    no grid, and "128 (128)" said the one number twice."""
    if not size:
        return "–"
    return f"{size} ({'×'.join(map(str, shape))})" if len(shape) > 1 else f"{size} (one vector)"


def licence_text(training: dict) -> str:
    """A card's licence; for a fine-tune, also that of the data the model it started from was trained on (unless
    the same), which its weights come from too: a fine-tune of emoji-faces-gan read "unknown" alone."""
    licence = str(training.get("licence", "not recorded"))
    origin = training.get("started_from")
    if not isinstance(origin, dict) or not origin.get("licence") or origin["licence"] == licence:
        return licence
    named = f" ({origin['model']})" if origin.get("model") else ""
    return f"{licence}\nthe model it started from{named} was trained on data under: {origin['licence']}"


def folder_summary(images: int, folder: str) -> str:
    """A run's training data in words, as `genimg train` writes the card's training.summary: "120 images from the
    folder shapes" (the card's training.data keeps the whole path)."""
    return f"{counted(images, 'image')} from the folder {Path(folder).name}"


def training_data_text(training: dict) -> tuple[str, str]:
    """A card's training data in words, and the record it came from for the tooltip: its summary ("260 face emoji
    from Noto Emoji and Twemoji") over its data, which keeps the sources' versions and the command that built them
    (the Models tab showed "built by scripts/build_emoji_dataset.py FACES --subcategories …"); a card written before
    cards had a summary that names its folder alone says how many images it held (folder_summary)."""
    data = str(training.get("data", "not recorded"))
    summary = training.get("summary")
    if not (isinstance(summary, str) and summary.strip()):
        folder, images = training.get("options", {}).get("data"), training.get("images")
        summary = folder_summary(images, data) if folder == data and is_count(images) else data
    return summary, data if summary != data else ""


def origin_text(origin: dict, init: str = "") -> str:
    """'gan1 (/runs/gan1, --init), after 10 steps on /data/faces; which started from …': a started_from record."""
    where = f" ({init}, --init)" if init else ""
    steps = f" after {counted(origin['steps'], 'step')}" if isinstance(origin.get("steps"), int) else ""
    data = f" on {mid_sentence(origin['data'])}" if origin.get("data") else ""
    text = f"{origin.get('model') or 'a model'}{where}" + (f",{steps}{data}" if steps or data else "")
    if isinstance(earlier := origin.get("started_from"), dict):
        text += f"; which started from {origin_text(earlier)}"
    return text


def latent_space_of(gan: ModelEntry, vaes: list[ModelEntry]) -> ModelEntry | None:
    """Among these VAEs, the one a latent GAN was trained in: the folder its card recorded, matched by
    path, else by folder name."""
    recorded = recorded_latent_of(gan.card)
    if not recorded:
        return None
    same_path = [v for v in vaes if Path(v.path).resolve() == Path(recorded).resolve()]
    return (same_path or [v for v in vaes if Path(v.path).name == Path(recorded).name] or [None])[0]


def default_model(kind: str, entries: list[ModelEntry]) -> ModelEntry | None:
    """The bundled default of a kind, else the first of that kind."""
    of_kind = [e for e in entries if e.kind == kind]
    named = [e for e in of_kind if Path(e.path).name == DEFAULT_MODELS[kind]]
    return (named or of_kind or [None])[0]


def metrics_text(metrics: dict, other_weights: bool = False) -> tuple[str, str]:
    """(the figures, one a line; the long entries, e.g. how the figures were measured) of a card's metrics, as
    the Models tab and `genimg info` show them, under their keys in words (metric_line), as are the keys a text
    among them quotes (keys_in_words). other_weights: the weights loaded are not those the card was written for
    (ModelInfo.other_weights): the figures are marked so."""
    short, long = [OTHER_WEIGHTS_FIGURES] if other_weights and metrics else [], []
    for key, value in metrics.items():
        name, shown = metric_line(key, value)
        shown = keys_in_words(shown, metrics)  # a "how" that quotes the keys, which the names put in words
        if why := not_measured(value):  # a figure's place, however long the reason: "measured  held out: not…"
            short.append(f"{name}: not measured ({why})")
        else:
            (short if len(shown) <= SHORT_METRIC else long).append(f"{name}: {shown}")
    return "\n".join(short) or "–", "\n\n".join(long)


def not_measured(value: object) -> str:
    """The reason of a card metric that says it was not measured ("not measured: a GAN drawing in pixels …", as
    `genimg train` writes it); "" for any other value."""
    text = value if isinstance(value, str) else ""
    head, sep, why = text.partition(":")
    return why.strip() if sep and head.strip().lower() == "not measured" else ""
