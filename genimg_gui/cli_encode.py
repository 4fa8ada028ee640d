"""`genimg encode`: images (or folders of them) -> VAE latents (NAME.npz) and their decodes (NAME_recon.png)."""
from __future__ import annotations

import argparse
from pathlib import Path

from .cli_commands import check_scale, encoded, per_file, write_png, writing, wrote
from .cli_models import fit_used, load_model
from .cli_pictures import pictures_given
from .export import export_latent, model_record
from .imaging import ImageLoadError
from .not_a_model import latent_as_picture_note
from .typed_options import typed


def encode(args: argparse.Namespace) -> int:
    images = pictures_given(args.images)  # before the model loads: a model folder given is refused at once
    rt, model = load_model("vae", args.vae, args.device, args.latent_scale)
    fit_used(model, typed(args, "fit"))
    zeros = (0.0,) * len(model.directions)

    def work(path: Path, stem: str) -> None:
        if note := latent_as_picture_note(path, "encode"):  # the image reader said only that it reads no such format
            raise ImageLoadError(note)
        _, latent, recon = encoded(rt, model, path, args.fit)
        check_scale(args.scale, recon.shape[1::-1])  # before the latent is written: a refused scale writes nothing
        latent_name, recon_name = names(stem)
        with writing(args.out / latent_name) as out:
            wrote(export_latent(out, latent, latent, zeros, model.directions.labels, model_record(model)))
        write_png(recon, args.out / recon_name, args.scale)

    return per_file(images, work, names, args.out)


def names(stem: str) -> tuple[str, str]:
    """The latent's and the decode's names for an input's stem: NAME.npz, NAME_recon.png."""
    return f"{stem}.npz", f"{stem}_recon.png"
