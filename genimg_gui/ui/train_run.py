"""The Train… dialog's child process: the `genimg train` command line it runs, and what the lines of its
log say (progress, sample grids, held-out figures). No Qt."""
from __future__ import annotations

import re
from pathlib import Path

from .. import earlier_run
from ..data_folder import model_folder_name
from ..holdout import NO_HOLDOUT_ADVICE, TRAIN_ON_THEM
from ..startup_signals import BEFORE_IT_BEGAN

FOLDERS = "folders"  # `genimg train --labels folders`: each image's sub-folder names its class
LABEL_COLUMN = "label"  # `genimg train --label-column`'s default (train/command.py, which ui/ does not import)
# Steps between samples until the user changes it: more often than `genimg train --sample-every` (500), on purpose. The
# dialog shows each grid beside the log as the run's picture of its progress, and its runs end at Time for this run: at
# the 36 images/s of a busy 2-core CPU (docs/training.md) 500 steps of 32 images take 7 minutes, so a short run showed
# no grid before its end. A terminal run of 20,000 --steps need not evaluate its held-out images (as it does at each
# grid) every 100: a latent GAN's evaluation takes a minute on a busy CPU.
WINDOW_SAMPLE_EVERY = 100

# "step 40/200 | … | ETA 1.3 min" while --steps ends the run, "step 40 | … | 0.9 min left" when --minutes does;
# hours past 90 minutes ("ETA 47.6 h")
PROGRESS = re.compile(r"step (\d+)(?:/(\d+))? \| .*\| (?:ETA ([\d.]+) (min|h)|([\d.]+) (min|h) left)")
SAMPLES = re.compile(r"sample grid at step (\d+): (.+)$")
# said as a held-out evaluation starts (train/evaluations.py), which can take a minute with no other line
MEASURING = re.compile(r"^measuring held-out figures at step (\d+)")
PROGRESS_STEPS = 1000  # the bar's resolution: a share of the run, not its step count (see share_done)
# the end of a run's last line when a stop came before its first step (train/stopping.py nothing_written), or in
# genimg's first fraction of a second, before the command began (startup_signals.py): either way nothing is written
NOTHING_ENDINGS = "|".join(re.escape(end) for end in (earlier_run.NOTHING_WRITTEN, BEFORE_IT_BEGAN))
NOTHING_WRITTEN = re.compile(f"(?:{NOTHING_ENDINGS})$")
# "into the run": a log from before runs said their training time in all (a resumed one's too) so
HELD_OUT = re.compile(r"held-out at step (\d+) \(([\d.]+ (?:min|h)) (?:of training in all|into the run); took [^)]*\): "
                      r"(.+)$")
# why a run failed, as cli.main and argparse say it ("genimg: error: …", "genimg train: error: …")
ERROR = re.compile(r"^genimg(?: \w+)?: error: (.+)$")
# an error that names the command line's option for a field, as the dialog names that field (the checks are the run's)
FIELD_OF_OPTION = {"-o": "Save to", "--init": "Start from", "--latent-of": "GAN draws in", "--labels": "GAN classes"}
# argparse's own refusal of a value starts "argument --init: …" (cli_args.model_path: a folder deleted since)
OPTION_FIRST = re.compile(r"^(?:argument )?(-o|--init|--latent-of|--labels)(?=[ :])")
# the CLI's advice for a folder another run holds (train/out_lock.py), in the words of the dialog's field
ANOTHER_OUT = ("choose another -o", "choose another folder in Save to")
# the run's time as the CLI names it (its advice: "Give --minutes 4 or more"), which the dialog sets in its own field
MINUTES_OPTION = re.compile(r"--minutes(?: ([\d.]+)|(?=:))")
# the run's other way out of a short time (train/budget.py short_of_training), which the dialog has no field for: a
# run without held-out figures is one from a terminal, whose command the log's first line says ("$ genimg train …")
IN_A_TERMINAL = ("or train without held-out figures from a terminal (this run's genimg train command, above, with "
                 "--holdout 0)")
# the same of held-out images too few to measure (train/run_log.held_out_lines)
ON_THEM_IN_A_TERMINAL = ("a run from a terminal would train on them too (this run's genimg train command, above, "
                         "with --holdout 0)")
# the CLI's advice to a pixel GAN on a CPU (train/command.py PIXEL_GAN_ON_CPU), as the dialog's field sets it
LATENT_OF_ADVICE = ("pass --latent-of VAE (its folder)", "choose it in GAN draws in")
# the run's lines on which model --keep-best kept, named by the dialog's field for it (its "Model kept" row)
KEEP_BEST = ("--keep-best:", "Model kept:")
# each figure held together by no-break spaces: the samples frame's narrow line wrapped "PSNR 12.57 / dB"; the line
# wraps only after a figure's "·"
NBSP = "\u00a0"
FIGURE_NAMES = {"held_out_psnr_db": "PSNR {} dB", "held_out_ssim": "SSIM {}",
                "held_out_precision_k3": "precision {}", "held_out_recall_k3": "recall {}"}
FIGURE_GAP = NBSP + "· "


def describe_figures(line: str) -> str | None:
    """'held-out at step 400 (13.7 min of training in all; took 1.2 min): held_out_psnr_db=26.01, …' as a person
    reads it."""
    m = HELD_OUT.search(line)
    if not m:
        return None
    pairs = (item.split("=", 1) for item in m.group(3).split(", "))
    named = [FIGURE_NAMES.get(k, k + " {}").format(v).replace(" ", NBSP) for k, v in pairs]
    return f"Held-out at step {m.group(1)} ({m.group(2)} of training): " + FIGURE_GAP.join(named)


def in_the_dialogs_words(error: str) -> str:
    """A run's error as the dialog says it: "Save to /x cannot be made: …", not the CLI's "-o /x cannot be made: …"
    (the dialog has fields, not options)."""
    return OPTION_FIRST.sub(lambda m: FIELD_OF_OPTION[m.group(1)], error.replace(*ANOTHER_OUT))


def in_the_dialogs_terms(line: str) -> str:
    """A log line's --minutes as the dialog's field names it: "Give a Time for this run of 4 min or more", not
    "Give --minutes 4 or more" (the dialog has no --minutes to give); its "--holdout 0" as a terminal's, the dialog
    having no field for it ("…, or --holdout 0 to train without held-out figures" read as something to set there),
    "choose another -o" as its Save to, "--keep-best:" as its Model kept, and "pass --latent-of" as its GAN draws
    in."""
    return MINUTES_OPTION.sub(lambda m: f"a Time for this run of {m.group(1)} min" if m.group(1)
                              else "Time for this run",
                              line.replace(NO_HOLDOUT_ADVICE, IN_A_TERMINAL).replace(*ANOTHER_OUT)
                              .replace(TRAIN_ON_THEM, ON_THEM_IN_A_TERMINAL).replace(*KEEP_BEST)
                              .replace(*LATENT_OF_ADVICE))


def shortened(text: str, most: int) -> str:
    """text, or its first `most` characters cut at a word and ended with "…" (the whole of it said elsewhere)."""
    if len(text) <= most:
        return text
    cut = text[:most - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " …"


def grid_caption(kind: str, step: int | None = None, stopped: bool = False, earlier: bool = False) -> str:
    """What a run's sample grid shows, at a step or (None) of the model written: a GAN's samples; a VAE's
    grid is images over its reconstructions of them, which "samples" made look like the model's drawings. earlier:
    the grid of the run a continued one goes on from, on show until the new run draws its own (it read "by the
    finished model" while the new run trained)."""
    model = ("the earlier run's model, until this run draws its first grid" if earlier
             else "the model so far" if stopped else "the finished model")
    if kind == "vae":
        return "Images (top) and their reconstructions " + (f"at step {step}" if step is not None else f"by {model}")
    return "Samples " + (f"at step {step}" if step is not None else f"of {model}")


def read_progress(line: str) -> tuple[int, int | None, float] | None:
    """(step, the steps that end the run or None when its time limit does, minutes left) of a progress line."""
    m = PROGRESS.search(line)
    if not m:
        return None
    number, unit = (m.group(3), m.group(4)) if m.group(3) else (m.group(5), m.group(6))
    return int(m.group(1)), int(m.group(2)) if m.group(2) else None, float(number) * (60 if unit == "h" else 1)


def share_done(step: int, steps: int | None, minutes_left: float, elapsed_s: float) -> float:
    """How far a run is, 0..1: by its steps, or by its time when --minutes ends it first (a 1-minute run of
    the default 20,000 steps ends near step 14, and a bar of steps never moved); steps None: by time alone."""
    total_s = elapsed_s + 60 * minutes_left
    by_time = elapsed_s / total_s if total_s > 0 else 0.0
    return min(1.0, max(step / max(steps, 1) if steps else 0.0, by_time))


def moved_on(done: float, minutes_left: float, since_s: float) -> tuple[float, float]:
    """(share done, minutes left) since_s seconds after a progress line said `done` and `minutes_left`: the time
    counted down, the share advanced at the line's own pace (what was left over the time left, which is the measured
    images/s), so never past what the run reaches by then at that pace. A slow CPU's lines can be half a minute
    apart, and a bar held still that long read as a run that had hung."""
    if minutes_left <= 0:
        return done, 0.0
    since_s = max(since_s, 0.0)
    return done + (1.0 - done) * min(1.0, since_s / (60 * minutes_left)), max(0.0, minutes_left - since_s / 60)


def models_folder() -> Path:
    """Where Save to suggests a new model's folder, and where its Browse… starts when it holds none."""
    return Path.home() / "genimg-models"


def default_output(data: str, kind: str) -> str:
    """The folder Save to suggests: in models_folder(), named as `genimg train` names its default -o."""
    return str(models_folder() / model_folder_name(kind, data))


def train_arguments(kind: str, data: str, out: str, minutes: float, resolution: int,
                    latent_of: str = "", sample_every: int = WINDOW_SAMPLE_EVERY, labels: str = "",
                    label_column: str = LABEL_COLUMN, init: str = "", keep_best: bool = False,
                    mirror: bool = False, earlier: str = "", threads: int = 0) -> list[str]:
    """The command line of a run; earlier: RESUME or OVERWRITE when `out` holds an earlier run, else "" (a
    --resume takes the run's --set network settings from the run: none are passed). threads: --threads, 0 for
    torch's own count; passed to a --resume too, which does not take the run's (it is the machine's)."""
    args = ["-m", "genimg_gui.cli", "train", kind, data, "-o", out, "--minutes", f"{minutes:g}",
            "--resolution", str(resolution), "--sample-every", str(sample_every)]
    if earlier:
        args += [earlier]
    if kind == "gan" and latent_of:
        args += ["--latent-of", latent_of]
    if kind == "gan" and labels:
        args += ["--labels", labels] + (["--label-column", label_column] if labels != FOLDERS else [])
    if init:
        args += ["--init", init]
    if keep_best:
        args += ["--keep-best"]
    if mirror:
        args += ["--mirror"]
    if threads:
        args += ["--threads", str(threads)]
    return args
