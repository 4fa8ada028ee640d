"""Named attribute directions for the bundled emoji models, learned from the training labels.

    python scripts/attribute_directions.py [--data /tmp/emoji/data] [--dry-run]
    python scripts/attribute_directions.py --data FACES --by subcategory --gan RUN --gan-only

(from the repository root, with genimg installed, e.g. pip install -e ., or PYTHONPATH=.)

DATA is scripts/build_emoji_dataset.py's output (labels.csv + google/ twitter/). The attributes are skin
tone, style, and one per category of CATEGORIES; with --by COLUMN, one per value of that column (e.g. the
face sub-categories of a face GAN) instead. An attribute with fewer than MIN_GROUP images a side, or with no
held-out image on a side to judge it by, is left out.
VAE: every image is encoded (latent means); for each attribute a direction is fitted
on 80% of the emoji (split by emoji name, so the two styles of one emoji stay together)
by difference of means and by logistic regression, and the one whose edits work better
on the held-out 20% is kept. "Work" is judged independently of the latent: held-out
"from" latents are moved to the "to" mean along the direction, decoded, and a pixel-space
classifier (logistic regression on 16x16 thumbnails) says which group the result shows.
GAN (InterFaceGAN): many w are sampled, the VAE latent the GAN draws for each is scored by
the VAE-latent attribute classifier, and a linear direction is fitted in w between the
highest- and lowest-scoring samples. The named rows are appended after the PCA rows of
each model's directions.safetensors (re-running replaces them) and noted in card.json.
"""
from __future__ import annotations

import argparse
import csv
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from genimg_gui.attributes import direction_from_examples, separation
from genimg_gui.edit import Directions
from genimg_gui.fileio import atomic_write_bytes
from genimg_gui.imaging import open_image
from genimg_gui.models.directions import load_directions, save_directions
from genimg_gui.models.gan import in_chunks, sample_zc
from genimg_gui.models.tensors import to_images, to_tensor
from genimg_gui.models.weights import load_model

CATEGORIES = ("Smileys & Emotion", "Animals & Nature", "Food & Drink", "Flags")
MIN_GROUP = 10  # images a side of an attribute needs: a fifth of them are held out to judge the fit
GAN_SAMPLES, GAN_TAIL, GAN_STEP = 20_000, 0.15, 2.0
VAE_HOW = ("scripts/attribute_directions.py: rows after the PCA ones (explained = 0). Each is fitted on the "
           "latent means of 80% of the emoji (split by name) by difference of means and by logistic regression; "
           "kept is the one whose edits a pixel classifier (logistic regression on 16x16 thumbnails) more often "
           "calls 'to' when held-out 'from' latents are moved to the 'to' mean and decoded. sigma = the pooled "
           "within-group spread along the direction.")
GAN_HOW = ("scripts/attribute_directions.py, InterFaceGAN-style: w sampled, the emoji-vae latent the GAN draws "
           "for each scored by the VAE-latent attribute classifier (logistic regression on all labelled images), "
           "a logistic regression in w between the highest- and lowest-scoring samples; sigma = the spread of "
           "all sampled w along the direction. held_out_from_called_to_after_edit: held-out samples the "
           "classifier calls 'from', moved edit_step_in_sigma along the direction.")


@dataclass
class Attribute:
    label: str
    data: str
    from_rows: np.ndarray  # indices into the data set
    to_rows: np.ndarray


def attributes(rows: list[dict], test: np.ndarray, by: str = "category") -> list[Attribute]:
    """The attributes to fit; test: held_out(rows), the images that judge each fit."""
    col = {k: np.array([r[k] for r in rows]) for k in ("style", by, "skin_tone", "name")}
    key = np.char.add(col["style"], col["name"])
    light = np.flatnonzero(col["skin_tone"] == "light")
    dark = np.flatnonzero(col["skin_tone"] == "dark")
    both = np.intersect1d(key[light], key[dark])  # variants of the same emoji in the same style
    out = [Attribute("skin tone: lighter → darker", f"{len(both)} emoji with both a light (1F3FB) and a dark "
                     "(1F3FF) skin-tone variant, same style", light[np.isin(key[light], both)],
                     dark[np.isin(key[dark], both)]),
           Attribute("style: Google → Twitter", "all images: Noto (Google) vs Twemoji (Twitter) of the same emoji",
                     np.flatnonzero(col["style"] == "google"), np.flatnonzero(col["style"] == "twitter"))]
    values = CATEGORIES if by == "category" else sorted(set(col[by]))
    for value in values:
        out.append(Attribute(f"{by}: other → {value}", f"images whose {by} is {value!r} vs all the others",
                             np.flatnonzero(col[by] != value), np.flatnonzero(col[by] == value)))
    return [a for a in out if min(len(a.from_rows), len(a.to_rows)) >= MIN_GROUP
            and test[a.from_rows].any() and test[a.to_rows].any()]


def held_out(rows: list[dict]) -> np.ndarray:
    """True for about 20% of the emoji, chosen by name (stable across runs and styles)."""
    return np.array([zlib.crc32(r["name"].encode()) % 5 == 0 for r in rows])


def load_data(folder: Path) -> tuple[list[dict], np.ndarray]:
    with open(folder / "labels.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    images = np.stack([np.asarray(open_image(folder / r["file"]), np.uint8) for r in rows])
    return rows, images


@torch.inference_mode()
def encode(vae, images: np.ndarray, batch: int = 256) -> np.ndarray:
    return np.concatenate([vae.encode(to_tensor(images[i:i + batch]))[0].flatten(1).numpy()
                           for i in range(0, len(images), batch)])


@torch.inference_mode()
def decode(vae, latents: np.ndarray, batch: int = 256) -> np.ndarray:
    shape = vae.cfg.latent_shape
    return np.concatenate([to_images(vae.decode(torch.as_tensor(latents[i:i + batch]).view(-1, *shape)))
                           for i in range(0, len(latents), batch)])


def thumbs(images: np.ndarray) -> np.ndarray:
    """16x16 colour thumbnails (mean of 4x4 blocks), flattened: the pixel classifier's input."""
    n, r = images.shape[:2]
    return images.reshape(n, 16, r // 16, 16, r // 16, 3).mean((2, 4)).reshape(n, -1) / 255.0


class Classifier:
    """A linear two-group classifier: logistic regression normal, threshold midway between the means."""

    def __init__(self, a: np.ndarray, b: np.ndarray, method: str = "linear") -> None:
        self.unit, self.sigma = direction_from_examples(a, b, method)
        self.threshold = (a.mean(0) + b.mean(0)) @ self.unit / 2

    def score(self, x: np.ndarray) -> np.ndarray:
        return x @ self.unit - self.threshold  # > 0: "to"

    def accuracy(self, a: np.ndarray, b: np.ndarray) -> float:
        """Balanced accuracy: the mean of the two groups' hit rates."""
        return float(((self.score(a) <= 0).mean() + (self.score(b) > 0).mean()) / 2)


def vae_attribute(att: Attribute, lat: np.ndarray, pix: np.ndarray, test: np.ndarray, vae) -> tuple[dict, dict]:
    """Fit both methods; keep the one whose held-out edits the pixel classifier calls "to" more often."""
    tr_a, tr_b = att.from_rows[~test[att.from_rows]], att.to_rows[~test[att.to_rows]]
    te_a, te_b = att.from_rows[test[att.from_rows]], att.to_rows[test[att.to_rows]]
    judge = Classifier(pix[tr_a], pix[tr_b])
    best: dict | None = None
    tried = {}
    for method in ("means", "linear"):
        clf = Classifier(lat[tr_a], lat[tr_b], method)
        d = separation(lat[tr_a], lat[tr_b], clf.unit, clf.sigma)
        moved = decode(vae, (lat[te_a] + d * clf.sigma * clf.unit).astype(np.float32))
        result = {"method": method, "vector": clf.unit, "sigma": clf.sigma, "to_mean_in_sigma": round(d, 2),
                  "held_out_accuracy": round(clf.accuracy(lat[te_a], lat[te_b]), 3),
                  "held_out_from_called_to_before": round(float((judge.score(pix[te_a]) > 0).mean()), 3),
                  "held_out_from_called_to_after_edit": round(float((judge.score(thumbs(moved)) > 0).mean()), 3)}
        tried[method] = {k: v for k, v in result.items() if k not in ("method", "vector", "sigma")}
        if best is None or result["held_out_from_called_to_after_edit"] > best["held_out_from_called_to_after_edit"]:
            best = result
    note = {"label": att.label, "data": att.data, "train": [len(tr_a), len(tr_b)], "held_out": [len(te_a), len(te_b)],
            "pixel_judge_held_out_accuracy": round(judge.accuracy(pix[te_a], pix[te_b]), 3),
            **{k: v for k, v in best.items() if k not in ("vector", "sigma")}, "methods": tried}
    return best, note


@torch.inference_mode()
def gan_samples(gan, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(w, the VAE latent the GAN draws for it), both flattened, for n seeded z."""
    z, c = sample_zc(gan, n, torch.Generator().manual_seed(seed))  # a conditional GAN's classes too
    ws, latents = [], []
    for zs, cs in in_chunks(z, c, 500):
        w = gan.map(zs, 1.0, cs)
        ws.append(w.numpy())
        latents.append(gan_latent(gan, w).numpy())
    return np.concatenate(ws), np.concatenate(latents)


def gan_latent(gan, w: torch.Tensor) -> torch.Tensor:
    return (gan.synthesize_latent(w) * gan.latent_std + gan.latent_mean).flatten(1)


def gan_attribute(label: str, judge: Classifier, w: np.ndarray, lat: np.ndarray, gan, rng) -> tuple[dict, dict]:
    """InterFaceGAN: fit in w between the samples the VAE-latent classifier scores highest and lowest."""
    score = judge.score(lat)
    order = np.argsort(score)
    k = int(GAN_TAIL * len(w))
    low, high = order[:k], order[-k:]
    test = rng.random(len(w)) < 0.2
    clf = Classifier(w[low[~test[low]]], w[high[~test[high]]])
    sigma = float((w @ clf.unit).std())  # the slider unit: the spread of all w along it, as PCA's
    start = np.flatnonzero(test & (score <= 0))  # held-out samples the classifier calls "from"
    with torch.inference_mode():
        moved = torch.as_tensor(w[start] + GAN_STEP * sigma * clf.unit, dtype=torch.float32)
        after = judge.score(gan_latent(gan, moved).numpy())
    note = {"label": label, "method": "linear (logistic regression in w)",
            "data": f"{len(w)} sampled w (psi 1); the {int(GAN_TAIL * 100)}% the emoji-vae latent classifier scores "
                    f"highest vs lowest, on the VAE latent the GAN draws",
            "held_out_accuracy": round(clf.accuracy(w[low[test[low]]], w[high[test[high]]]), 3),
            "held_out_from_called_to_after_edit": round(float((after > 0).mean()), 3),
            "edit_step_in_sigma": GAN_STEP}
    return {"vector": clf.unit, "sigma": sigma}, note


def write(folder: Path, named: list[tuple[str, dict]], notes: list[dict], how: str, dry_run: bool) -> None:
    card_path = folder / "card.json"
    card = json.loads(card_path.read_text(encoding="utf-8"))
    pca = load_directions(folder, int(np.prod(card["latent_shape"])))
    keep = np.flatnonzero(pca.explained > 0)  # drop the named rows of an earlier run
    d: Directions = pca.subset(list(keep))
    for label, fit in named:
        d = d.with_direction(fit["vector"], fit["sigma"], label)
    card["directions"] = {**card.get("directions", {}), "count": len(d), "named": notes, "named_how": how}
    if dry_run:
        return
    save_directions(folder, d)
    atomic_write_bytes(card_path, (json.dumps(card, indent=2, ensure_ascii=False) + "\n").encode())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path("/tmp/emoji/data"))
    p.add_argument("--vae", type=Path, default=Path("weights/emoji-vae"))
    p.add_argument("--gan", type=Path, default=Path("weights/emoji-gan"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--dry-run", action="store_true", help="print the figures, write nothing")
    p.add_argument("--by", default="category", help="the labels.csv column whose values make the attributes "
                   "(category: the four of CATEGORIES; any other: one per value)")
    p.add_argument("--gan-only", action="store_true", help="leave the VAE's directions as they are (a GAN "
                   "trained on part of the VAE's data: its attributes are fitted on that part)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    vae, _ = load_model(args.vae)
    gan, _ = load_model(args.gan)
    rows, images = load_data(args.data)
    lat, pix, test = encode(vae, images), thumbs(images), held_out(rows)
    print(f"{len(rows)} images encoded; {test.mean():.0%} held out (by emoji name)")
    vae_named, vae_notes, judges = [], [], []
    for att in attributes(rows, test, args.by):
        fit, note = vae_attribute(att, lat, pix, test, vae)
        vae_named.append((att.label, fit))
        vae_notes.append(note)
        judges.append((att.label, Classifier(lat[att.from_rows], lat[att.to_rows])))
        print(f"VAE {att.label}: {note['method']}, held-out accuracy {note['held_out_accuracy']:.3f}; held-out "
              f"'from' images called 'to' by the pixel classifier {note['held_out_from_called_to_before']:.0%} → "
              f"{note['held_out_from_called_to_after_edit']:.0%} after moving {note['to_mean_in_sigma']} σ "
              f"(pixel classifier accuracy {note['pixel_judge_held_out_accuracy']:.3f})")
        print("    " + "; ".join(f"{m}: accuracy {r['held_out_accuracy']:.3f}, called 'to' after the edit "
                                  f"{r['held_out_from_called_to_after_edit']:.0%}" for m, r in note["methods"].items()))
    write(args.vae, vae_named, vae_notes, VAE_HOW, args.dry_run or args.gan_only)
    w, gan_lat = gan_samples(gan, GAN_SAMPLES, seed=1)
    rng = np.random.default_rng(0)
    gan_named, gan_notes = [], []
    for label, judge in judges:
        fit, note = gan_attribute(label, judge, w, gan_lat, gan, rng)
        gan_named.append((label, fit))
        gan_notes.append(note)
        print(f"GAN {label}: held-out accuracy {note['held_out_accuracy']:.3f}; held-out samples called 'to' "
              f"after +{GAN_STEP} σ: {note['held_out_from_called_to_after_edit']:.0%} (0% before)")
    write(args.gan, gan_named, gan_notes, GAN_HOW, args.dry_run)


if __name__ == "__main__":
    main()
