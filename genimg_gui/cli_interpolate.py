"""`genimg interpolate`: keyframes (encoded images or mapped seeds) -> a morph -> GIF, WebP or MP4.

The same path (morph.morph_path) and the same decode (engine.runtime) as the app's Morph dialog.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from .typed_options import typed
from .cli_commands import (CLIError, Progress, UsageError, check_scale, check_writable, encoded, note_ignored, say,
                           writing, wrote)
from .cli_models import class_index, fit_used, load_model, seed_draw
from .cli_names import named_as_typed, shown_name
from .cli_pictures import pictures_given
from .image_files import no_images_in
from .not_a_model import latent_as_picture_note
from .wording import one_of
from .animation_files import FORMATS, default_scale, fps_note, write_animation
from .morph import common_grid, min_frames, morph_path


def interpolate(args: argparse.Namespace) -> int:
    """Keyframes -> a morph of --frames frames -> one animation file. Photos under a spatial VAE
    (SD, TAESD) are encoded at their own size and the morph plays at the first one's size."""
    seeds = args.seeds or []
    if seeds and args.images:
        raise UsageError("give images (VAE) or --seeds (GAN), not both")
    images = keyframe_pictures(args.images)
    if len(keyframes := seeds or images) < 2:
        raise UsageError(f"a morph needs two or more images (VAE) or --seeds (GAN); {len(keyframes) or 'none'} given")
    if args.frames < min_frames(len(keyframes)):  # fewer would skip a keyframe without a word
        raise UsageError(f"--frames {args.frames} is fewer than the {len(keyframes)} keyframes: give at least "
                         f"{min_frames(len(keyframes))}")
    if args.out.suffix.lower() not in FORMATS:
        # named as typed, as the other errors name paths: "x.png: …" for -o out/x.png named no folder
        raise UsageError(f"-o {shown_name(args.out)}: the animation must end in {one_of(FORMATS)}")
    if note := fps_note(args.fps, args.out.suffix):  # said before the frames are drawn, as the ignored options
        say(f"genimg: note: {note}")
    check_no_latents(images)
    kind = "gan" if seeds else "vae"
    if seeds:
        note_ignored({"--vae": args.vae is not None, "--fit": typed(args, "fit")}, "it is for images (VAE)")
    else:
        note_ignored({"--gan": args.gan is not None, "--psi": typed(args, "psi"), "--class": args.gan_class is not None,
                      "--draw": typed(args, "draw")}, "it is for --seeds (GAN)")
    rt, model = load_model(kind, args.gan if seeds else args.vae, args.device, args.latent_scale)
    if seeds:
        gan_class = class_index(model, args.gan_class)
        seed_draw(model, args)
        keys = [rt.map_seed(s, args.psi, gan_class, args.draw) for s in seeds]
    else:
        fit_used(model, typed(args, "fit"))
        # a bad image ends the run; a keyframe's tiles, when slow, are said with which keyframe they are of; the
        # frames are decoded below, so a keyframe's reconstruction is not
        keys = [encoded(rt, model, p, args.fit, f"keyframe {i}/{len(images)}: ", reconstruct=False)[1]
                for i, p in enumerate(images, 1)]
    path = morph_path(common_grid(keys), args.frames, args.mode, args.loop)
    check_writable(args.out)  # before the frames: an output refused after them had cost every frame's decode
    frames, progress, scale = [], Progress(len(path), "frames"), args.scale
    for i, latent in enumerate(path, 1):
        try:
            image = rt.decode(kind, latent)
        except FloatingPointError as e:
            raise CLIError(f"frame {i}: {e}") from None
        if i == 1:  # the frames' size is known once one is drawn
            if scale is None:  # the Morph dialog's first Scale, so one morph is one size either way
                scale = default_scale(image.shape[1::-1])
            check_scale(scale, image.shape[1::-1], "frames")
        frames.append(image)
        progress.step(i)
    say(f"writing {args.out}…")  # a long GIF takes seconds to encode
    with writing(args.out) as out:
        wrote(write_animation(frames, out, args.fps, scale).path)
    return 0


def keyframe_pictures(paths: list[Path]) -> list[Path]:
    """The images to morph through (cli_pictures.pictures_given: a folder's pictures by name), a folder with none
    refused before the model loads, as any bad keyframe ends the run (it was counted as one keyframe)."""
    images = pictures_given(paths)
    if empty := next((p for p in images if p.is_dir()), None):
        raise CLIError(no_images_in(empty, str(empty)))
    return images


def check_no_latents(images: list[Path]) -> None:
    """A latent file among the keyframes is refused before the model loads, with the command that makes it an image
    (Pillow's "img00.npz is not an image Pillow can read" named neither what a morph takes nor what to do), in the
    words `genimg edit` says it (not_a_model.latent_as_picture_note)."""
    for path in images:
        if note := latent_as_picture_note(path, "interpolate"):
            raise UsageError(named_as_typed(note, str(path)))
