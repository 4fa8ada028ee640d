"""Card metric keys in words, as the Models tab and `genimg info` show them: "precision_k3_vae_latent_psi0.7"
reads "Precision, ψ 0.7", "held_out_psnr_db" reads "Held-out PSNR: 30.05 dB". What a key left out (k=3, the
VAE's latent space) goes into a glossary the Models tab gives as the figures' tooltip, and the keys a card's text
quotes (how its figures were measured) read in the same words. JSON only, no torch."""
from __future__ import annotations

import re
from collections.abc import Iterable

# keys that read otherwise as a whole
WHOLE_KEYS = {"samples": "samples drawn", "how": "how they were measured",
              "decoder_how": "how the decoder's figures were measured", "held_out": "held-out figures"}
# (pattern, words), applied in order to a snake_case key: the measure, then where and how it was taken. The
# nearest-neighbour count (k3) and the feature space (vae_latent) are left to the glossary: each figure of a card
# shares them, and they made a line of "precision k3 VAE latent ψ 0.7"
KEY_PHRASES = (
    (r"precision_k(\d+)_recall_k\1", "precision / recall"),
    (r"(precision|recall)_k\d+", r"\1"),
    (r"class_agreement_nn1", "class agreement"),
    (r"_?vae_latent", ""),
    (r"held_out", "held-out"),
    (r"^decoder_", "decoder's "),
    (r"_real_images", " of real images"),
    (r"_alone_refined", ", shown alone, refined"),
    (r"_psi(\d+(?:\.\d+)?)", r", ψ \1"),
    (r"_mean$", " (mean of the classes)"),
    (r"_min$", " (lowest class)"),
    (r"_at_last_evaluation$", " at the last evaluation"),
)
# the words of a key (lower case) written otherwise
METRIC_WORDS = {"db": "dB", "psnr": "PSNR", "ssim": "SSIM", "vae": "VAE", "gan": "GAN"}
# (pattern in a key, what it means): the Models tab's tooltip over the figures, each line once
GLOSSARY = (
    (r"precision|recall", "Precision: the share of samples that lie among the real images (nearer one than its k-th "
                          "nearest real image, k={k}); recall: the share of real images that lie among the samples "
                          "(Kynkäänniemi et al. 2019). 1 is best."),
    (r"vae_latent", "Measured in the VAE's latent space, not on pixels."),
    (r"real_images", "Of real images: real images in the samples' place, the best a model can score."),
    (r"class_agreement", "Class agreement: the share of a class's samples whose nearest real image is of that class."),
    (r"class_variety", "Class variety: how far apart a class's samples lie, over how far apart its real images lie "
                       "(1: as varied as the data)."),
    (r"_psi\d", "ψ: the truncation the samples were drawn at (1: none; the window starts at 0.7)."),
    (r"held_out", "Held-out: images kept out of training to measure the model on."),
    (r"psnr", "PSNR: how close decoded images come to the originals, in dB (higher is closer)."),
    (r"ssim", "SSIM: how alike decoded images and the originals look, from 0 to 1 (1: the same)."),
)


def metric_name(key: object) -> str:
    """A card's metric key in words (see KEY_PHRASES); a key no phrase knows reads with its underscores as spaces
    ("sample_roughness" -> "sample roughness"), never as one unbreakable word that would widen the whole dock."""
    text = str(key)
    if text in WHOLE_KEYS:
        return WHOLE_KEYS[text]
    for pattern, words in KEY_PHRASES:
        text = re.sub(pattern, words, text)
    return " ".join(METRIC_WORDS.get(word.lower(), word) for word in text.replace("_", " ").split(" "))


# a snake_case word in a card's text: a metric's key, or the end of one ("_psi0.7", "_real_images"), as the bundled
# cards' "how" quoted them; not a file's or an option's name (benchmarks/model_quality.py, blind_test.py, --seed)
QUOTED_KEY = re.compile(r"(?<![\w/.-])_?[a-z][a-z0-9]*(?:\.\d+)?(?:_[a-z0-9]+(?:\.\d+)?)*(?![\w/-]|\.[a-z])")


def keys_in_words(text: str, keys: Iterable[object]) -> str:
    """A card's text with the metric keys it quotes, or the ends of them, in the words metric_name gives the
    figures: "at psi 0.7 (_psi0.7)" reads "at psi 0.7 (ψ 0.7)", "class_agreement_nn1_vae_latent: per category"
    "class agreement: per category". Only a word that one of `keys` holds: a VAE named my_vae stays as it is."""
    keys = [str(key) for key in keys]

    def in_words(found: re.Match) -> str:
        word = found[0]
        return metric_name(word).strip(" ,") if "_" in word and any(word in key for key in keys) else word
    return QUOTED_KEY.sub(in_words, text)


def metric_value(value: object) -> str:
    """A card metric as a person reads it: a pair of figures as "a / b", a number as itself, a table of them as
    "key: a / b; key: …" (not a Python dict)."""
    if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
        return " / ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{metric_name(k)}: {metric_value(v)}" for k, v in value.items())
    return str(value)


def metric_line(key: object, value: object) -> tuple[str, str]:
    """(the name, the value) of one figure, the name capitalised, a figure in dB with its unit after it: "Held-out
    PSNR", "30.05 dB"; a table in dB has it after its name: "Decoder's held-out PSNR (dB)"."""
    name, shown = str(key), metric_value(value)
    if name.endswith("_db") and name not in WHOLE_KEYS:
        name = name[:-len("_db")]
        if isinstance(value, (int, float)):
            shown += " dB"
        else:
            name += "_(dB)"
    words = metric_name(name)
    return words[:1].upper() + words[1:], shown


def metrics_glossary(metrics: dict) -> str:
    """What the words of these metrics' names mean and where they were measured, a line for each term one of their
    keys has: the tooltip over the Models tab's figures, which names no k, feature space or truncation."""
    keys = " ".join(str(key) for key in metrics)
    k = re.search(r"_k(\d+)", keys)
    return "\n".join(line.format(k=k[1] if k else "?") for pattern, line in GLOSSARY if re.search(pattern, keys))
