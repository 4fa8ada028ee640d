"""A folder of images as one in-memory uint8 tensor, with bad files counted and skipped."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from ..data_folder import DataFolderWalk
from ..holdout import held_out_size
from ..wording import counted, listed
from ..image_files import IMAGE_SUFFIXES, by_name
from ..imaging import ImageLoadError, fit_square, open_image
from ..small_pictures import SMALL_SIDE
from . import TrainError

NAMED_PER_REASON = 10  # skipped files the log names for each reason; the rest are counted


@dataclass
class FolderData:
    images: torch.Tensor                  # (N, R, R, 3) uint8
    files: list[str]                      # relative to the root, same order
    skipped_files: dict[str, list[str]] = field(default_factory=dict)  # reason -> the files, relative to the root
    labels: torch.Tensor | None = None    # (N,) class indices, when a labels source was given (labels.py)
    classes: tuple[str, ...] = ()         # class names, labels' values index them
    root: Path | None = None              # the folder read, which a labels CSV's absolute paths are inside
    model_folders: list[str] = field(default_factory=list)  # folders below root holding a model or run, skipped

    def __len__(self) -> int:
        return self.images.shape[0]

    @property
    def skipped(self) -> dict[str, int]:
        """reason -> how many files were skipped for it, as the card records them."""
        return {reason: len(files) for reason, files in self.skipped_files.items()}


def load_folder(root: Path | str, resolution: int, min_side: int = SMALL_SIDE,
                exclude: Path | None = None) -> FolderData:
    """Read every image below root, centre-cropped to resolution; unusable files are counted. Model folders
    below root are left out (DataFolderWalk), and noted in model_folders.

    exclude: a folder below root to leave out (the run's own output, with its sample grids)."""
    root = Path(root)
    if not root.is_dir():
        raise TrainError(f"{root} is not a folder of images")
    arrays, files, skipped = [], [], {}  # skipped: reason -> names
    walk = DataFolderWalk(root, exclude)
    paths = sorted(walk.images())
    # a link named as an image that leads nowhere (broken.png -> gone, evil.png -> evil.png) is skipped as an
    # unreadable file is, and said so: the walk passed over it, and the run's count of skipped files left it out
    for link, why in sorted(walk.unreadable_links):
        skipped.setdefault(why, []).append(link.relative_to(root).as_posix())
    if not paths and not skipped:
        raise TrainError(f"{root} holds no image files (looked for {', '.join(IMAGE_SUFFIXES)})")
    for path in paths:
        try:
            im = open_image(path, name=path.name)  # each message names the file alike, which the reason leaves out
        except ImageLoadError as e:
            # in encode's words, why in full ("file is not an image (it holds text)"): files skipped for one reason
            # share a line; cut at " (", it said "not an image" of an empty file, a text file and a HEIC photo alike
            reason = str(e).replace(path.name, "file")
            skipped.setdefault(reason, []).append(path.relative_to(root).as_posix())
            continue
        if min(im.size) < min_side:
            skipped.setdefault(f"smaller than {min_side}px", []).append(path.relative_to(root).as_posix())
            continue
        arrays.append(np.asarray(fit_square(im, resolution), dtype=np.uint8))
        files.append(path.relative_to(root).as_posix())
    if not arrays:
        raise TrainError("\n".join([f"no usable images in {root.resolve()}, {count_skipped(skipped)}:",
                                    *name_skipped(skipped)]))
    return FolderData(torch.from_numpy(np.stack(arrays)), files, skipped, root=root,
                      model_folders=[f.relative_to(root).as_posix() for f in sorted(walk.model_folders)])


def describe_model_folders(folders: list[str]) -> str:
    """', 2 model folders skipped (m1, runs/m2)': those DataFolderWalk found, the first NAMED_PER_REASON named."""
    if not folders:
        return ""
    return f", {counted(len(folders), 'model folder')} skipped ({listed(folders, NAMED_PER_REASON)})"


def count_skipped(skipped_files: dict[str, list[str]]) -> str:
    """'3 files skipped' (or '1 file …', 'no file …')."""
    n = sum(map(len, skipped_files.values()))
    return f"{n or 'no'} file{'s' * (n != 1)} skipped"


def name_skipped(skipped_files: dict[str, list[str]]) -> list[str]:
    """A line per reason naming its files ('skipped, smaller than 16px: a.png, b.png'), the first
    NAMED_PER_REASON of them and how many more: a count alone leaves the user to hunt for them. By name as a file
    browser lists them, as encode reads a folder (img2 before img10; sorted as text: cut1, cut10, cut11, cut2)."""
    lines = []
    for reason, names in skipped_files.items():
        named = listed(sorted(names, key=lambda name: (by_name(name), name)), NAMED_PER_REASON)
        lines.append(f"skipped, {reason.removeprefix('file is ')}: {named}")
    return lines


# the options' extra entry of a run whose held-out images were spread over its classes (split_holdout's labels): a
# run started before, resumed, keeps the split it began with, as does a benchmark that rebuilds it (recorded_split)
SPLIT, BY_CLASS = "split", "by class"


def split_holdout(n: int, holdout: int, seed: int, labels: torch.Tensor | None = None
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """Deterministic (train, held-out) index split of held_out_size images (the Train… dialog reads that too).
    labels: each image's class, to hold out of each class its share (a conditional GAN of 20 images held out both
    of its 2 from one class, leaving it 8 training images against the other's 10); None: at random."""
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    holdout = held_out_size(n, holdout)
    if labels is None:
        return perm[holdout:], perm[:holdout]
    held = torch.zeros(n, dtype=torch.bool)
    held[_spread(labels[perm], holdout)] = True
    return perm[~held], perm[held]


def _spread(labels: torch.Tensor, k: int) -> torch.Tensor:
    """k positions of labels (in the seeded order), each class's share: an image's place among its class's, as a
    fraction of the class ((rank + 0.5) / size), orders them, so the classes are taken in turn as their sizes are."""
    counts = torch.bincount(labels)
    seen = [0] * len(counts)
    rank = torch.empty(len(labels), dtype=torch.float64)
    for i, label in enumerate(labels.tolist()):
        rank[i], seen[label] = seen[label], seen[label] + 1
    return torch.sort((rank + 0.5) / counts[labels], stable=True).indices[:k]


def run_split(opts, data: FolderData, resumed: dict | None) -> tuple[dict, torch.Tensor, torch.Tensor]:
    """(the options' extra, train, held-out) of a run (TrainOptions): by class where the images have labels, and
    the run is new or was begun so (its card's extra records SPLIT); at random otherwise. resumed: the card of the
    run a --resume goes on from, as the command read it (None: read here)."""
    if data.labels is None:
        return opts.extra, *split_holdout(len(data), opts.holdout, opts.seed)
    if resumed is None and opts.resume:
        from .checkpoints import card_to_resume  # it imports this module
        resumed = card_to_resume(Path(opts.out))
    training = resumed.get("training") if isinstance(resumed, dict) else None
    options = training.get("options") if isinstance(training, dict) else None
    by_class = not isinstance(options, dict) or (options.get("extra") or {}).get(SPLIT) == BY_CLASS
    extra = {**opts.extra, SPLIT: BY_CLASS} if by_class else opts.extra
    return extra, *split_holdout(len(data), opts.holdout, opts.seed, data.labels if by_class else None)


def with_mirrors(data: FolderData, train_idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None, torch.Tensor]:
    """(images, labels, train_idx) with a left-right mirror of each training image appended under its label
    (StyleGAN's --mirror): a small folder of symmetric things, such as faces, doubles. Held-out images get no
    mirror, so the held-out figures still measure images the model never saw, in any orientation."""
    mirrored = data.images[train_idx].flip(2)  # (N, R, R, 3): dim 2 runs left to right
    labels = None if data.labels is None else torch.cat([data.labels, data.labels[train_idx]])
    added = torch.arange(len(data), len(data) + len(train_idx))
    return torch.cat([data.images, mirrored]), labels, torch.cat([train_idx, added])


def recorded_split(data: FolderData, card: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """The (train, held-out) split a model was trained with, rebuilt from the options its card records,
    so a benchmark measures it on images it never saw."""
    opts = card["training"]["options"]
    by_class = (opts.get("extra") or {}).get(SPLIT) == BY_CLASS
    if by_class and data.labels is None:  # at random, the split would be of other images
        raise TrainError("the model held out images of each of its classes: load its folder with its --labels")
    return split_holdout(len(data), int(opts["holdout"]), int(opts["seed"]), data.labels if by_class else None)


def batch_used(images: int, batch_size: int, processes: int = 1) -> int:
    """The images a step trains on, all processes together: --batch-size, or fewer when there are fewer training
    images (each step then takes all of them, in a new order), cut to a multiple of the processes under torchrun so
    that each takes an equal share. The one count of a step's images that batches, the images/s and the card use:
    6 images at --batch-size 32 trained 6 a step, which the log counted as 32 (a pace 5 times too fast)."""
    if batch_size <= images:
        return batch_size
    if images < processes:
        raise TrainError(f"{counted(images, 'training image')} cannot be shared by {processes} processes: each needs "
                         "one at least; start fewer processes, or give the folder more images")
    return images - images % processes


def batches(n: int, batch_size: int, seed: int, start_step: int = 0):
    """Endless shuffled index batches of batch_size (batch_used: at most n); deterministic given (seed, step) so
    resume continues the stream."""
    step = start_step
    per_epoch = max(1, n // batch_size)
    while True:
        epoch, i = divmod(step, per_epoch)
        perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed * 100_003 + epoch))
        yield perm[i * batch_size:(i + 1) * batch_size]
        step += 1
