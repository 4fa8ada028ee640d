"""Why a checkpoint does not fit a resumed run: the options that shape its networks or split its images into
training and held-out ones, as the run that wrote it was started with and as they are now
(checkpoints.maybe_resume reports them when the checkpoint will not load)."""
from __future__ import annotations

from pathlib import Path

from ..earlier_run import SHAPE_SETTINGS, typed_setting
from ..holdout import HOLDOUT
from ..weights_file import WEIGHTS_NAME, weights_digest
from ..wording import counted
from .finetune import ARCHITECTURE_SETTINGS

# saved_options' entry for the number of images the run held out (its card's training.held_out): no option
HELD_OUT = "held_out"
# the options' extra entry that records the SHA-256 of the --latent-of VAE's weights as the run started
LATENT_OF_WEIGHTS = "latent_of_weights"


def saved_options(card: dict | None) -> tuple[str, dict] | None:
    """(kind, options) of a run, from its card (checkpoints.card_to_resume: written at the end of every run,
    stopped ones too, else what its checkpoint records); None without one. Its --set network settings are those
    it was built with (the card's config): a run started without --set channels recorded none, yet a plain
    --resume rebuilds the same channels from the card (resumed_options.resumed_card), which must not read as a
    difference."""
    try:
        kind, options = str(card["kind"]), dict(card["training"]["options"])
    except (KeyError, TypeError, ValueError):  # no card (None), or one without these
        return None
    built = card.get("config") if isinstance(card.get("config"), dict) else {}
    shapes = {key: built[key] for key in ARCHITECTURE_SETTINGS.get(kind, ()) if key in built}
    held = card["training"].get("held_out")  # how many --holdout held out, for the words of a difference in it
    return kind, {**options, "extra": {**(options.get("extra") or {}), **shapes}, HELD_OUT: held}


# what a checkpoint may load with all the same, though the run would then train another thing: a convolutional
# network takes any resolution, a latent GAN any VAE of its latent's shape, a conditional one any classes as many;
# and any --holdout or --seed, which would move images the run trained on into the held-out figures
SPLIT = ("holdout", "seed")
LOADS_ANYWAY = ("kind", "resolution", "latent_of", "classes", *SPLIT)
# what the command compares before the images load: all but the classes, which come with them
BEFORE_IMAGES = ("kind", "resolution", "latent_of", *SHAPE_SETTINGS, *SPLIT)


def shape_differences(saved: tuple[str, dict], kind: str, options: dict,
                      flags: tuple[str, ...] | None = None) -> list[str]:
    """'--latent-of /x/vae3 (now: weights/emoji-vae)' for each option that shapes the networks and differs
    (those in flags only, if given)."""
    before, now = shape_flags(*saved), shape_flags(kind, options)
    if not _same("kind", before["kind"], now["kind"]):  # then every setting differs, and says nothing more
        return [f"{before['kind']} (now: {now['kind']})"]
    return [f"{_as_started(flag, before[flag], saved[1])} (now: {now[flag]})" for flag in before
            if (flags is None or flag in flags) and not _same(flag, before[flag], now[flag])]


def _as_started(flag: str, typed: str, options: dict) -> str:
    """An option of the run as it was started, in words: a --holdout of the default's number, which the user never
    typed ("the run was started with --holdout 512" of a run that held out 2 images), is said to be the default,
    with the number it held out where the card records it."""
    if flag != "holdout" or options.get("holdout") != HOLDOUT:
        return typed
    held = options.get(HELD_OUT)
    if not isinstance(held, int):  # a card rebuilt from the checkpoint's record of the options
        return f"the default --holdout (at most {HOLDOUT}, and at most a tenth of the images)"
    return f"the default --holdout (at most {HOLDOUT}), which held out {counted(held, 'image')}"


def latent_space(folder: Path) -> dict:
    """A latent GAN's extra entries for its --latent-of VAE: its folder (absolute, the card's: it finds the VAE
    from any folder) and the digest of its weights, which tells a VAE trained again in that folder from the one
    the run started in; no digest for a folder without weights (check_latent_of says what is wrong)."""
    entries = {"latent_of": str(folder.resolve())}
    if (folder / WEIGHTS_NAME).is_file():
        entries[LATENT_OF_WEIGHTS] = weights_digest(folder)
    return entries


def retrained_vae(saved: tuple[str, dict], options: dict) -> str | None:
    """Why a latent GAN cannot go on: the VAE in its --latent-of folder holds other weights than those the run
    started with, so the latents it learned to draw are another encoder's; None when the weights are the same,
    or the folder is another (shape_differences names that), or either digest is unknown (a run started before
    the digest was recorded: the folder's path alone is compared then)."""
    before, now = saved[1].get("extra") or {}, options.get("extra") or {}
    digests = before.get(LATENT_OF_WEIGHTS), now.get(LATENT_OF_WEIGHTS)
    if None in digests or digests[0] == digests[1] or not before.get("latent_of") or not now.get("latent_of"):
        return None
    if Path(before["latent_of"]).expanduser().resolve() != Path(now["latent_of"]).expanduser().resolve():
        return None
    folder = now["latent_of"]
    return (f"--latent-of {folder} was trained again since this GAN started (its weights differ): the GAN draws in "
            f"the old VAE's latent space; start the GAN over (--overwrite), or put the old VAE back in {folder}")


def shape_flags(kind: str, options: dict) -> dict[str, str]:
    """The options that decide the networks' shapes and the held-out split, each as it would be typed ("": not
    recorded, as an old card's kind)."""
    extra = options.get("extra") or {}
    classes = extra.get("classes") or []
    flags = {
        "kind": f"`genimg train {kind}`" if kind else "",
        "resolution": f"--resolution {options.get('resolution')}",
        "latent_of": f"--latent-of {extra['latent_of']}" if extra.get("latent_of") else "no --latent-of",
        "classes": (f"--labels {options.get('labels')} ({len(classes)} classes: {', '.join(map(str, classes))})"
                    if classes else "no --labels"),
    }
    for key in SHAPE_SETTINGS:  # as --set takes it: [8,16], not [8, 16]
        flags[key] = f"--set {typed_setting(key, extra[key])}" if key in extra else f"no --set {key}"
    for key in SPLIT:
        flags[key] = f"--{key} {options[key]}" if options.get(key) is not None else ""
    return flags


def _same(flag: str, before: str, now: str) -> bool:
    """Equal as typed; a --latent-of path also when it names the same folder (relative or not); a kind, --holdout
    or --seed that was not recorded is taken as the same."""
    if not before:
        return True
    if flag == "latent_of" and before.startswith("--latent-of ") and now.startswith("--latent-of "):
        return _folder(before) == _folder(now)
    if flag == "classes":  # the classes matter, not which file or column named them
        return before.partition(" (")[2] == now.partition(" (")[2]
    return before == now


def _folder(flag: str) -> Path:
    return Path(flag.removeprefix("--latent-of ")).expanduser().resolve()
