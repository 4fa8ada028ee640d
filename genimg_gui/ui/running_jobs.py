"""What the document keeps of each job under way (Document.jobs): its kind and the paths it works on, which what waits
for it reads (a recipe, the files waiting for the loads, a kept session).

They were told apart by their words: a model at …/tiny-vae arriving took the load of …/tiny-vae-b with it ("loading
…/tiny-vae-b" begins with "loading …/tiny-vae"), and a recipe dropped meanwhile was applied before tiny-vae-b came,
checked against the wrong model. Rewording a job's words would have broken those waits without a sign."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Sequence


class JobKind(Enum):
    LOAD = "load"            # a model loading (LoadModel)
    OPEN = "open"            # pictures being opened as new items (EncodeFiles)
    EXAMPLES = "examples"    # one side of a direction's examples being encoded (EncodeLatents): no new items
    MORPH = "morph"          # a morph's frames being rendered and written
    INVERSION = "inversion"  # a GAN inversion running


@dataclass(frozen=True)
class RunningJob:
    """A job under way: its kind and the files it works on (a load's model, the pictures)."""
    kind: JobKind
    paths: tuple[str, ...] = ()


def loading(path: str) -> RunningJob:
    """A model load of path (as Document.load_model made it canonical)."""
    return RunningJob(JobKind.LOAD, (path,))


def opening(paths: Sequence[str]) -> RunningJob:
    """Picture files being opened (Document.open_files)."""
    return RunningJob(JobKind.OPEN, tuple(paths))


def loads(jobs: dict[int, RunningJob]) -> dict[int, str]:
    """seq -> the model path of each load under way, in the order asked, which is the order the worker loads them."""
    return {seq: job.paths[0] for seq, job in sorted(jobs.items()) if job.kind is JobKind.LOAD}
