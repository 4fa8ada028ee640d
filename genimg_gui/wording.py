"""Words shared by the window, the CLI and training, so that each says "1 image" and "1,200 steps" alike, and names a
mistyped name's nearest match alike."""
from __future__ import annotations

import difflib
import os
import re


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """"1 image", "2 images", "1,200 steps"; plural for nouns that do not just add an s."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def listed(texts: list[str], most: int = 5) -> str:
    """"a", "a and b", "a, b and c"; past `most` the first `most`, then how many more ("a, b, c and 4 more": a bare
    "and more" or "…" left the user to count), never "and 1 more" (the one is named in its place). One way of
    listing for the window's questions and notes, the CLI and training alike: the status bar's notes listed with a
    helper of their own each ("a, b and c"), and this one's "a, b, c" read as a list cut short."""
    if len(texts) > most + 1:
        texts = [*texts[:most], f"{len(texts) - most:,} more"]
    return " and ".join(texts) if len(texts) < 3 else f"{', '.join(texts[:-1])} and {texts[-1]}"


MOST_NAMES_SAID = 20  # names listed past this are counted

# why a GPU is not there, as `--device cuda` says it (models.device) and the Models tab's Device box (model_panel)
NO_CUDA = "this machine has no CUDA GPU"
NO_MPS = "Apple's Metal backend is not available here"


def names_said(names: list[str] | tuple[str, ...]) -> str:
    """A GAN's classes (or the directions a word matches) in a line: numbered ones, as a StyleGAN2 pickle's classes
    are named, as their range ("class 0 … class 999"), others by name, the first MOST_NAMES_SAID then counted. All
    of 1000 classes filled 118 lines of `genimg info` and 11 KB of a --class error."""
    if len(names) > 3 and list(names) == [f"class {i}" for i in range(len(names))]:
        return f"{names[0]} … {names[-1]}"
    return listed(list(names), MOST_NAMES_SAID)


def quoted(name: str) -> str:
    """“name”: a name (a direction's, a picture's) in the curly quotes every message puts names in."""
    return f"“{name}”"


def quoted_list(names: list[str], most: int = 5) -> str:
    """“a”, “b”, “c” and 4 more: names listed as listed lists them, each in curly quotes, as names may hold commas
    of their own (“sad, tired”) and the list would read as more names than it has."""
    return listed([quoted(name) for name in names], most)


# said once, after what a file is, for a model file genimg does not open; the detail (file names, layouts) is the
# README's
SUPPORTED = ("genimg opens its own model folders (card.json + model.safetensors), Stable Diffusion 1.x/2.x/SDXL "
             "VAEs, TAESD models and StyleGAN2 / StyleGAN2-ADA .pkl networks")
ADVICE = (f"{SUPPORTED}.",)  # the closing sentences shared_ends may say once


def not_opened(name: str, what: str) -> str:
    """A model file genimg does not open, said by what it is, then what genimg opens: "notes.pt is a text file.
    genimg opens …", in one wording for the worker's reading of it (models.foreign) and the note said before any
    load (not_a_model)."""
    return f"{name} is {what}. {SUPPORTED}."


def shared_ends(texts: list[str]) -> tuple[list[str], list[str]]:
    """(texts, the closing sentences several of them share): each shared one cut from them, to be said once after
    them all. A drop of four files genimg does not open read "… genimg opens its own model folders, … networks."
    four times over in one status bar message. Only the advice sentences (ADVICE) are cut: a name may hold ". "
    ("Mr. Smith.txt", "Mrs. Smith.txt"), and the end of two such errors read as shared, naming one of the files."""
    ends = [next((advice for advice in ADVICE if text.endswith(f". {advice}")), "") for text in texts]
    shared = [end for end in dict.fromkeys(ends) if end and ends.count(end) > 1]
    cut = [text[:-len(end) - 2] if end in shared else text for text, end in zip(texts, ends)]
    return cut, shared


def one_of(texts: list[str] | tuple[str, ...]) -> str:
    """".gif, .webp or .mp4": choices, for a message (", ".join read ".gif, .webp, .mp4", a list cut short)."""
    *others, last = texts
    return f"{', '.join(others)} or {last}" if others else last


HOURS_PAST = 90  # minutes past which a time reads in hours: "ETA 2858.8 min" was 47.6 h


def duration(seconds: float) -> str:
    """'300 ms', '1.5 s', '24 s', '1.4 min', '47.6 h' (past HOURS_PAST minutes): how long something took or will
    take, as the window (the status bar's decode time, its slow-draw note, a load's and an encode's message), the
    log, a progress line and the Train… dialog say it. Below a second in ms ('0.1 s' hid 82 ms and 140 ms alike);
    each unit from where the one below would round up to it ('1000 ms' and '10.0 s' are never said)."""
    if round(seconds * 1000) < 1000:
        return f"{seconds * 1000:.0f} ms"
    if round(seconds, 1) < 10:
        return f"{seconds:.1f} s"
    return f"{seconds:.0f} s" if round(seconds) < 60 else in_minutes(seconds)


def in_minutes(seconds: float) -> str:
    """'0.2 min', '29.5 min', '47.6 h': duration's minutes and hours, for times said in minutes even when short (a
    progress line's ETA and time left)."""
    minutes = seconds / 60
    return f"{minutes / 60:.1f} h" if minutes > HOURS_PAST else f"{minutes:.1f} min"


# the words a description of images may begin with that are no name: lower-case within a sentence
SENTENCE_STARTS = ("The", "A", "An", "All", "My", "Our", "Some", "These", "This", "Those")


def mid_sentence(text: str) -> str:
    """A phrase written to stand alone as it reads within a sentence ("after 10 steps on The 260 face emoji" had
    a capital mid-sentence): "The …" -> "the …"; one that begins with a name ("Noto Emoji …") or a path is kept."""
    first = text.split(" ", 1)[0]
    return first.lower() + text[len(first):] if first in SENTENCE_STARTS else text


def step_of(doing: str, step: int, steps: int) -> str:
    """"Inverting: step 145 of 200", a run's progress as the status bar and a progress callback say it: "inverting
    145/200", with the bar's "72%" after it, read crammed."""
    return f"{doing}: step {step:,} of {steps:,}"


def in_sigmas(value: float, digits: int = 1, signed: bool = False) -> str:
    """"2.4σ", "+0.30σ" (signed): a distance or slider value in σ, as every word on one says it. A value that rounds
    to zero reads "0.0σ" / "+0.00σ", never "-0.0σ" (a refusal said its examples sat "-0.0σ" apart)."""
    text = f"{value:{'+' if signed else ''}.{digits}f}"
    if float(text) == 0:  # -0.04 rounds to "-0.0": a sign on nothing
        text = f"{0.0:{'+' if signed else ''}.{digits}f}"
    return f"{text}σ"


# why a model has no PCA directions (models/directions.py pca leaves out the ones along which nothing varies)
NO_SPREAD_WHY = "its latents do not vary, so there is nothing to move along (were its pictures all alike?)"
NO_SPREAD = f"none: {NO_SPREAD_WHY}"


def converted_scale(card: dict) -> float | None:
    """The latent scale a converted SD VAE's card records (each scale is its own conversion, models/foreign.py);
    None for any other model."""
    source = card.get("source")
    return as_scale(source.get("scaling_factor") if isinstance(source, dict) else None)


def as_scale(value: object) -> float | None:
    """A latent scale as a card or latent file records it (a positive number); None for anything else."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


# the latent scales of SD VAE files by family, as the window asks for one (models.sd_vae's SD_SCALE and SDXL_SCALE:
# wording imports no torch); models/foreign.py labels its conversions' cards by it
SD_SCALES = {"SD 1.x / 2.x": 0.18215, "SDXL": 0.13025}


def scale_said(scale: float) -> str:
    """"latent scale 0.18215 (SD 1.x / 2.x)": a scale a latent file records, named by its family as a conversion's
    card names it (latent_scale_said); any other scale by its number alone."""
    family = next((label for label, value in SD_SCALES.items() if value == scale), None)
    return f"latent scale {scale}" + (f" ({family})" if family else "")


def latent_scale_said(card: dict) -> str:
    """"latent scale 0.13025 (SDXL, from config.json)": a converted SD VAE's, as the window and the CLI say it;
    "" for any other model (one whose card records no valid scale, as converted_scale reads it)."""
    if (scale := converted_scale(card)) is None:
        return ""
    source = card["source"]
    how = source.get("scale_label", "chosen") + (f", from {source['scale_from']}" if source.get("scale_from") else "")
    return f"latent scale {scale} ({how})"


def close_name(typed: str, labels: list[str]) -> str:
    """' (did you mean skin tone?)' for a name mistyped ('skn tone'), from the labels (of directions, or a GAN's
    classes) and the named directions' topics (before ':', as index_of takes them), any case; "" when none is close.
    In brackets: the message goes on after it with ': use a label…', and "did you mean skin tone?: use" read
    oddly."""
    return f" (did you mean {close}?)" if (close := closest_name(typed, labels)) else ""


def closest_name(typed: str, labels: list[str]) -> str | None:
    """The label (or named direction's topic) close_name offers for typed; None when none is close."""
    names = {name.lower(): name for label in labels for name in (label, label.split(":")[0].strip())}
    names = {**_own_words(labels), **names}  # a whole name wins over a word of one
    close = _longest_start(typed.lower(), names) or difflib.get_close_matches(typed.lower(), names, n=1)
    return names[close[0]] if close else None


def _longest_start(typed: str, names: dict[str, str]) -> list[str]:
    """[the name] that alone shares the longest start with typed, 4 letters or more ('smileys' -> smiling), where
    difflib's likeness would pick 'sleepy' (its letters, not where they are); [] when none or a tie of labels."""
    shared = {name: len(os.path.commonprefix([typed, name])) for name in names}
    most = max(shared.values(), default=0)
    best = [name for name, n in shared.items() if n == most]
    return best[:1] if most >= 4 and len({names[name] for name in best}) == 1 else []


def _own_words(labels: list[str]) -> dict[str, str]:
    """Each word of a label that no other label has -> that label ('cat' -> cat-face, 'smiling' -> face-smiling), so
    `smileys` is pointed at the one it can only mean; a word shared ('face') points at none."""
    owners: dict[str, set[str]] = {}
    for label in labels:
        for word in _words(label):
            if len(word) >= 3:
                owners.setdefault(word, set()).add(label)
    return {word: next(iter(owner)) for word, owner in owners.items() if len(owner) == 1}


def with_word(typed: str, labels: list[str]) -> list[str]:
    """The labels that have typed as one of their words, any case ('cat' -> [cat-face]; 'face' -> every face-*), as
    a direction's topic names it: `--class cat` is the one class it can mean, `--class face` asks which."""
    word = typed.strip().lower()
    return [label for label in labels if word in _words(label)]


def where_it_starts(typed: str, label: str) -> str:
    """The "from" side of a named direction ('lighter' of 'skin tone: lighter → darker') when typed is a word of
    that side only, not of its topic or its "to" side: a positive value moves away from what the word names, so
    taking it would move the wrong way. "" otherwise (a class, a PC, a word of the topic or of the "to" side)."""
    if "→" not in label:
        return ""
    left, to = label.split("→", 1)
    topic, _, start = left.rpartition(":")
    word = typed.strip().lower()
    return start.strip() if word and word in _words(start) and word not in _words(topic) + _words(to) else ""


def _words(label: str) -> list[str]:
    return re.split(r"[-_:\s]+", label.lower())
