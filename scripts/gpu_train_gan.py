"""Train candidates for a bundled GAN on one lent GPU, in one device call, and bring the best one back.

The 2-core CPU trained the all-emoji release (emoji-gan) for 13 hours and could take it no further
(weights/emoji-gan/TRAINING.md, "Going on for longer did not help"); the next step is a larger generator
trained from scratch, which only a GPU makes affordable. A lent GPU comes for minutes, once, so this script
runs several settings side by side on the one card (each a plain `genimg train gan ... --keep-best`, its own
process; before them, 20 steps of one through every stage, so that a failure costs a minute, not the call),
ranks them by the held-out score --keep-best kept, and packs the best model folder (without its checkpoints)
for the trip back, in parts small enough for the device tool.

Here, once (`.gpu/` is git-ignored and travels with the working tree when the call carries it): the
emoji folder (39 MB; with the repository's 20 MB under the tool's 64 MiB), and a wheel of platformdirs,
the one package of genimg's that the GPU image lacks:

    python scripts/build_emoji_dataset.py .gpu/data
    pip download --no-deps --only-binary=:all: -d .gpu/wheels platformdirs

On the device machine (its python3 has torch, numpy, pillow and safetensors), carry `.gpu`:

    python3 -m pip install -q --no-index --no-deps --target /tmp/site .gpu/wheels/*.whl &&
    PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1 python3 scripts/gpu_train_gan.py --data .gpu/data --out $OUT

with timeout_s 570: the preflight takes about a minute, the candidates --minutes (6), their export seconds.
The two best model folders and the candidates' logs come back in best.tar.part*.
For the default GAN, emoji-faces-gan, build the faces instead (about 1 MB) and add `--set-of faces`:

    python scripts/build_emoji_dataset.py .gpu/faces --subcategories 'face-*' cat-face monkey-face
    ... python3 scripts/gpu_train_gan.py --set-of faces --data .gpu/faces --out $OUT

Back here: `cat OUT/best.tar.part* | tar -x -C RUN` (parts in number order), then benchmarks/model_quality.py,
blind_test.py and scripts/attribute_directions.py on RUN/<name> before it replaces weights/emoji-gan (or
emoji-faces-gan).
`--device cpu --minutes 0.2` runs the same thing here as a rehearsal; in a venv holding only torch, numpy,
pillow, safetensors and tqdm it fails at the preflight without the wheel and runs through with it.
"""
from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# name -> the settings that differ; all train conditional on the 99 emoji sub-categories in emoji-vae's latent
# space: from scratch on the CPU, those labels raised held-out recall three to four times as fast as the 10
# categories (weights/emoji-gan/TRAINING.md, "Finer classes from scratch"). None starts from the release, whose
# classes are the categories: growing it did not help on the CPU ("Nor would a larger generator, grown").
# A network this small leaves a GPU waiting on kernel launches, so a batch of 256 costs about what 32 does:
# the larger batches are what turn minutes of GPU into more images seen than the CPU release's 1.8 million.
EMOJI_CANDIDATES: dict[str, list[str]] = {
    "w512-b256": ["--batch-size", "256", "--lr", "0.0003", "--set", "channels=[512,256,128]"],
    # w modulating every layer, not only the 4x4 stem: on the CPU it was ahead of the unstyled run at the same
    # steps (TRAINING.md, "Styles")
    "w512-b256-styled": ["--batch-size", "256", "--lr", "0.0003", "--set", "channels=[512,256,128]",
                         "--set", "styles=true"],
    # ADA instead of augmenting every grid, which left a discriminator all but blind
    # (weights/emoji-gan/TRAINING.md, "Nor would a discriminator that sees"), and a weaker R1, which at γ 1 also
    # slowed it (held-out accuracy after 500 steps without augmentation: 0.862, against 0.946 at γ 0)
    "w512-b256-styled-ada": ["--batch-size", "256", "--lr", "0.0003", "--set", "channels=[512,256,128]",
                             "--set", "styles=true", "--set", "augment_p=auto", "--set", "r1_gamma=0.1"],
    "w256-b256": ["--batch-size", "256", "--lr", "0.0003"],  # the release's size: what the GPU alone buys
}
# The default GAN, emoji-faces-gan: 260 faces and their mirrors (468 training images), which a batch of 256
# would all but exhaust, so 128. Its CPU run saw 0.4 million images in 160 minutes; these see millions.
FACE_CANDIDATES: dict[str, list[str]] = {
    "faces-w256-b128": ["--batch-size", "128", "--lr", "0.0003"],  # the release's network and settings
    "faces-w512-b128": ["--batch-size", "128", "--lr", "0.0003", "--set", "channels=[512,256,128]"],
    "faces-w512-b128-styled": ["--batch-size", "128", "--lr", "0.0003", "--set", "channels=[512,256,128]",
                               "--set", "styles=true"],
    # the larger CPU run's command (channels 512/256/128 and styles at the default batch and lr), which was still
    # rising at 3,918 steps there (held-out recall 0.385, 0.500, 0.538 at steps 1,000 to 3,000): how far it goes
    "faces-w512-b32-styled": ["--set", "channels=[512,256,128]", "--set", "styles=true"],
}
VAE = "weights/emoji-vae"


def _card_data(model: str) -> list[str]:
    """--data-name and --licence as the bundled model's card words them: the same images, the same words."""
    training = json.loads((ROOT / "weights" / model / "card.json").read_text())["training"]
    return ["--data-name", training["data"], "--licence", training["licence"]]


# mode_seeking: the CPU run from scratch with these settings drew one image for all of Flags and of Symbols by
# step 23,000, and the term spread them out again within 3,000 steps (weights/emoji-gan/TRAINING.md)
COMMON = ["--latent-of", VAE, "--labels", "{data}/labels.csv", "--label-column", "subcategory",
          "--keep-best", "--set", "r1_gamma=1.0", "--set", "mapping_lr=0.5", "--set", "mode_seeking=1",
          "--precision", "fp32",
          "--sample-every", "500", "--checkpoint-every", "5000", "--threads", "2", "--seed", "0"]
# the face run's own settings (weights/emoji-faces-gan/card.json): a tenth held out, mirrors, ADA; its decoder copy
# trained to ignore small latent errors as the bundled one was (on a GPU the decoder's steps cost little)
FACE_COMMON = ["--holdout", "26", "--mirror", "--set", "augment_p=auto", "--set", "decoder_noise=0.4"]
# data set -> (candidates, the arguments they share); the data set's folder comes from build_emoji_dataset.py
SETS: dict[str, tuple[dict[str, list[str]], list[str]]] = {
    "emoji": (EMOJI_CANDIDATES, COMMON + _card_data("emoji-gan")),
    "faces": (FACE_CANDIDATES, COMMON + FACE_COMMON + _card_data("emoji-faces-gan")),
}
PART_BYTES = 15 * 2 ** 20  # the device tool returns files of at most 16 MiB
LEFT_BEHIND = ("checkpoint.pt", "best.pt")  # resumable state: large, and the model folder does without it
KEEP = 2  # the best candidates that come back
STOP_SIGNALS = tuple(getattr(signal, s) for s in ("SIGTERM", "SIGHUP") if hasattr(signal, s))


def command(name: str, data: Path, work: Path, minutes: float, device: str, data_set: str = "emoji") -> list[str]:
    """The `genimg train gan` command line of one candidate; its own --set items come after the shared ones,
    so they win. Each starts afresh (--overwrite): a --work folder used before holds its runs, which
    `genimg train` would otherwise refuse to write over (and the preflight's 20 steps are none to go on from)."""
    candidates, shared = SETS[data_set]
    common = [a.replace("{data}", str(data)) for a in shared]
    return [sys.executable, "-m", "genimg_gui.cli", "train", "gan", str(data), "-o", str(work / name),
            "--minutes", str(minutes), "--steps", "1000000", "--device", device, "--overwrite", *common,
            *candidates[name]]


def finished(folder: Path) -> dict:
    """What a finished candidate's card records: its steps, seconds and images/s, and what --keep-best kept
    (step, score, figures); {} when it wrote no model."""
    card = folder / "card.json"
    if not card.is_file():
        return {}
    training = json.loads(card.read_text())["training"]
    speed = training["steps"] * training["batch_size"] / max(training["seconds"], 1e-9)
    return {"steps": training["steps"], "seconds": training["seconds"], "images_per_s": round(speed, 1),
            "kept": training.get("kept")}


def pack(folders: list[Path], logs: list[Path], out: Path) -> list[Path]:
    """folders (minus checkpoints) and the logs, which then leave out, as one tar split into PART_BYTES parts:
    best.tar.part0, part1, ... (the device tool returns 8 files at most: two models need four parts)"""
    whole = out / "best.tar"
    with tarfile.open(whole, "w") as tar:
        for folder in folders:
            for f in sorted(folder.iterdir()):
                if f.name not in LEFT_BEHIND:
                    tar.add(f, arcname=f"{folder.name}/{f.name}")
        for log in logs:
            tar.add(log, arcname=f"logs/{log.name}")
    for log in logs:
        log.unlink()
    blob, parts = whole.read_bytes(), []
    whole.unlink()
    for i in range(0, len(blob), PART_BYTES):
        parts.append(out / f"best.tar.part{i // PART_BYTES}")
        parts[-1].write_bytes(blob[i:i + PART_BYTES])
    return parts


def preflight(name: str, data: Path, work: Path, device: str, out: Path, data_set: str = "emoji") -> bool:
    """A few steps of one candidate through every stage (steps, evaluation, --keep-best, export) before the
    long runs: a failure on the device then costs a minute, and leaves time to fix it and call again."""
    cmd = command(name, data, work / "preflight", 1.0, device, data_set) + ["--steps", "20", "--sample-every", "10"]
    log = out / "preflight.log"
    with log.open("w") as f:
        done = subprocess.run(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)
    if done.returncode == 0:
        log.unlink()  # the device tool returns 8 files at most: the candidates' logs and the parts need them
    else:
        print(f"preflight ({name}, 20 steps) failed with exit {done.returncode}:", file=sys.stderr)
        print("\n".join(log.read_text().splitlines()[-30:]), file=sys.stderr)
    return done.returncode == 0


def train_side_by_side(names: list[str], data: Path, work: Path, minutes: float, device: str,
                       out: Path, data_set: str = "emoji") -> dict[str, dict]:
    """Every candidate at once, each in its own process and log; what each finished with.

    A time limit that ends the call early (the device tool's `timeout` sends SIGTERM to the whole process group)
    stops each candidate the way Ctrl+C does: it saves and writes its model within seconds (genimg's
    train/stopping.py). This process waits for them through the signal instead of dying at once, so that main()
    still ranks and packs what they wrote: without it, nothing but the logs would come back."""
    logs = {n: (out / f"{n}.log").open("w") for n in names}
    runs = {n: subprocess.Popen(command(n, data, work, minutes, device, data_set), cwd=ROOT, stdout=logs[n],
                                stderr=subprocess.STDOUT) for n in names}
    previous = {s: signal.signal(s, _waiting_on) for s in STOP_SIGNALS}  # this process only: exec resets handlers
    try:
        codes = {n: r.wait() for n, r in runs.items()}  # resumed after the handler (PEP 475)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    for f in logs.values():
        f.close()
    return {n: {"exit": codes[n], **finished(work / n)} for n in names}


def _waiting_on(signum: int, _frame) -> None:
    """A stop signal during the side-by-side runs: the candidates got it too, and write their models."""
    print(f"stopped by {signal.Signals(signum).name}: waiting for the candidates to write their models",
          file=sys.stderr, flush=True)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True, help="scripts/build_emoji_dataset.py's folder")
    p.add_argument("--out", type=Path, required=True, help="where the summary, logs and best model go")
    p.add_argument("--minutes", type=float, default=6.0, help="training time of every candidate (side by side)")
    p.add_argument("--device", default="cuda")
    p.add_argument("--work", type=Path, help="where the runs train (default: a new temporary folder; only the "
                   "best comes to --out)")
    p.add_argument("--set-of", choices=sorted(SETS), default="emoji", dest="data_set",
                   help="which GAN's candidates: emoji (all emoji; --data from build_emoji_dataset.py) or faces "
                   "(the default GAN's; --data from build_emoji_dataset.py with --subcategories "
                   "'face-*' cat-face monkey-face)")
    p.add_argument("--only", nargs="*", help="a subset of the candidates")
    args = p.parse_args()
    candidates = SETS[args.data_set][0]
    if unknown := set(args.only or []) - set(candidates):
        p.error(f"no {args.data_set} candidate named {', '.join(sorted(unknown))}; there are {', '.join(candidates)}")
    work = args.work or Path(tempfile.mkdtemp(prefix="gpu_train_gan-"))
    args.out.mkdir(parents=True, exist_ok=True)
    names, data, t0 = args.only or list(candidates), args.data.resolve(), time.monotonic()
    if not preflight(names[0], data, work, args.device, args.out, args.data_set):
        return 2
    summary: dict = train_side_by_side(names, data, work, args.minutes, args.device, args.out, args.data_set)
    summary["seconds"] = round(time.monotonic() - t0, 1)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    for n in names:
        run = summary[n]
        print(f"{n}: exit {run['exit']}, " + (f"{run['steps']} steps at {run['images_per_s']} images/s, kept "
                                             f"{run['kept']}" if run.get("kept") else "no model"))
    ranked = sorted((n for n in names if summary[n].get("kept")), key=lambda n: -summary[n]["kept"]["score"])
    if not ranked:
        print("no candidate finished with a model: see the logs", file=sys.stderr)
        return 1
    # the held-out score of 26 faces is a noisy ranking, so the runner-up comes back too, for the benchmarks to judge
    parts = pack([work / n for n in ranked[:KEEP]], [args.out / f"{n}.log" for n in names], args.out)
    print(f"best: {', '.join(ranked[:KEEP])}, packed into {', '.join(p.name for p in parts)} after "
          f"{summary['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
