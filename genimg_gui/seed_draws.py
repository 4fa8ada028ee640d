"""How a GAN draws a seed: one value, from the Generate tab or the CLI through the worker's request to the saved
session. No torch here: models/mixtures.py and models/refine.py do the drawing, engine/runtime.py picks one."""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

MAX_SEED = 2**31 - 1  # the app's seed box (a Qt int) goes this far; random seeds, CLI and training seeds alike
OWN = "own"                      # the seed's own z, as StyleGAN tools number seeds
SKIP_MIXTURES = "skip-mixtures"  # the seed's first draw that is not a blend of two faces (models/mixtures.py)
REFINE = "refine"                # the seed's z refined by the GAN's own discriminator (models/refine.py)
DRAWS = (OWN, SKIP_MIXTURES, REFINE)
# how the window and the CLI start: refined, where the GAN has its discriminator (else its own z). Fresh judges
# took twice as many refined samples as plain ones for real emoji (benchmarks/blind_test.py, README), at the cost
# of 0.15 s a seed on a CPU and samples a little nearer the training images (benchmarks/refine_samples.py)
DEFAULT_DRAW = REFINE


def random_seed() -> int:
    """A seed of the whole range, as the seed box, the CLI and training take them (MAX_SEED included)."""
    return random.randint(0, MAX_SEED)


def too_large(seed: str) -> str:
    """Why a seed typed in the app or given to the CLI was refused: one wording, one range."""
    return f"{seed} is too large for a seed: seeds go from 0 to {MAX_SEED}"


def file_stem(seed: int) -> str:
    """The file name, without its suffix, of a seed's sample, in the app's exports and `genimg generate` alike:
    zero-padded, so a folder of samples sorts by seed in a file browser (the app offered "seed 42.png", the CLI
    wrote seed0042.png)."""
    return f"seed{seed:04d}"


def sample_record(seed: int, psi: float, gan_class: int | None, draw: str, classes: Sequence[str] = (),
                  drawn_class: str | None = None) -> dict:
    """What a latent file records of the GAN sample it holds, so that it can be told and drawn again (`genimg
    generate --seeds SEED --psi PSI --class CLASS --draw DRAW`): gan_class is the class asked for, None when the
    seed chose its own (the Generate tab's Any, no --class); draw is how the GAN drew it. A latent file recorded
    the model alone, and nothing said where a sample came from. drawn_class: the name of the class the seed was
    drawn in, recorded as "drawn_class" when known (a GAN with classes): "class" None left unsaid which."""
    index = None if gan_class is None else int(gan_class)
    drawn = {} if drawn_class is None else {"drawn_class": drawn_class}
    return {"seed": int(seed), "psi": float(psi), "class": class_named(index, classes), "class_index": index,
            "draw": checked(draw), **drawn}


def class_named(gan_class: int | None, classes: Sequence[str]) -> str | None:
    """The name of a class index among a GAN's classes; None for the seed's own class (or an index they lack)."""
    return classes[gan_class] if gan_class is not None and 0 <= gan_class < len(classes) else None


def class_numbered(name: str | None, classes: Sequence[str]) -> int | None:
    """The index of a class name among a GAN's classes; None for the seed's own class (no name, or one they lack)."""
    return list(classes).index(name) if name is not None and name in classes else None


def checked(draw: str) -> str:
    """draw, if it is one of DRAWS; a ValueError naming them otherwise."""
    if draw not in DRAWS:
        raise ValueError(f"unknown way to draw a seed: {draw!r} (one of {', '.join(DRAWS)})")
    return draw


@dataclass(frozen=True, eq=False)
class Drawn:
    """A GAN item's sample as it was drawn: what the Generate tab shows for it, its name, its w and its unedited
    image. An item keeps one per history node that mapped a seed, so an undo brings back the sample's seed and ψ
    too, and a new GAN can draw every seed of the history again."""
    seed: int | None
    psi: float | None
    gan_class: int | None
    draw: str
    asked_draw: str | None
    name: str
    latent: np.ndarray             # the w as mapped, before any edit folded into the node's base
    original: np.ndarray | None    # its decode; None where a session left it out (drawn again when needed)
    # the class asked for, by name, kept from its drawing on (a class index means nothing to another GAN, and a
    # GAN opened beside a restored session had read one sample's index through the other's names): a switch
    # draws the class of that name again, or, after a GAN without it, a switch back to one that has it.
    # None: the seed's own class, or a sample from a session saved before names were kept (CarryOver reads its
    # index through the classes it is told)
    class_name: str | None = None
    # the class the seed was drawn in, by name (the one asked for, or the seed's own); None: a GAN without classes,
    # or a sample from a session saved before it was kept
    drawn_class: str | None = None
