"""`genimg generate` and `genimg edit`: seeds or photos, moved along directions (--edit) or by a
saved recipe (--recipe), written as PNGs and optionally latents.

The edit is the app's: edit.edited_latent for --edit values, Recipe.apply for a
recipe, and a recipe's mask blended as the app's worker blends it (Runtime.render).
"""
from __future__ import annotations

import argparse
import shlex
from collections import Counter
from functools import partial
from pathlib import Path

import numpy as np

from . import seed_draws
from .cli_names import named_as_typed, shown_name
from .cli_pictures import pictures_given
from .cli_commands import (TilesOnStderr, UsageError, check_scale, check_writable, encoded, for_each, per_file, say,
                           write_png, writing, wrote)
from .cli_models import by_word, class_index, fit_used, load_model, pass_model, seed_draw
from .catalog import bundled_models, default_model
from .edit import AmbiguousDirection, Directions, EditState, edited_latent, label_index
from .engine.requests import ModelInfo
from .engine.runtime import Runtime
from .export import export_latent, export_name, export_picture, model_record
from .imaging import ImageLoadError, image_grid
from .models.directions import stored_labels
from .not_a_model import latent_as_picture_note
from .recipe import Recipe, RecipeError, opened_path
from .wording import close_name, listed, where_it_starts, with_word
from .typicality import OFF_DISTRIBUTION, SLIDER_SPAN, UNUSUAL_BELOW
from .wording import NO_SPREAD_WHY, counted

GRID_COLUMNS = 8  # --grid's samples a row
MAX_NAMED = 10  # repeated seeds a note names


def direction_values(edits: list[tuple[str, float]], d: Directions, kind: str) -> tuple[float, ...]:
    """--edit pairs as one value per direction; a direction is named by its label ('PC1', or a topic such as
    'style' for 'style: google → twitter', as Directions.index_of finds it) or index ('0')."""
    if edits and not len(d):  # nothing to name, nor a first and last label to suggest
        key, value = edits[0]
        raise UsageError(f"the {kind.upper()} has no directions for --edit {key.strip()}={value:g}: {NO_SPREAD_WHY}")
    values = [0.0] * len(d)
    given: dict[int, str] = {}  # direction index -> the --edit that set it, to name a repeat
    for key, value in edits:
        k = key.strip()
        index = direction_index(k, d, kind, value)
        this = f"{k}={value:g}"
        if index in given:  # the last counts, as a repeated option does; silently it dropped the first
            say(f"genimg: note: --edit {given[index]} and --edit {this} move the same direction: the last counts")
        values[index], given[index] = value, this
    for index, this in given.items():  # taken (a user may want it), but not silently: PC2=100 wrote an orange smear
        if abs(values[index]) > SLIDER_SPAN:
            say(f"genimg: note: --edit {this} is past the sliders' ±{SLIDER_SPAN:g}σ ({OFF_DISTRIBUTION} from "
                f"about {UNUSUAL_BELOW:g}σ)")
    return tuple(values)


def direction_index(name: str, d: Directions, kind: str, value: float) -> int:
    """--edit's direction: an index, a label, short name or topic (Directions.index_of), else a word of one label
    only, as --class takes a class (by_word: 'skin' moves skin tone: lighter → darker, with a note). A word of
    only the side a direction starts from is refused (starts_from_word): `lighter=2` would make skin darker."""
    if name.isdigit() and int(name) < len(d):
        return int(name)
    try:
        return d.index_of(name)
    except AmbiguousDirection as e:
        raise UsageError(f"the {kind.upper()}'s directions: {e}") from None
    except ValueError:
        pass  # not a name: maybe a word of one
    labels = [label.split(" (")[0] for label in d.labels]  # as `genimg info` lists them, any case
    starts_from_word(name, labels, d, value)
    if (meant := by_word(name, labels, "--edit", "moving", f"the {kind.upper()}", "directions")) is not None:
        return labels.index(meant)
    if theirs := other_kinds_direction(name, kind):
        raise UsageError(theirs)
    raise UsageError(f"the {kind.upper()} has no direction {name!r}{close_name(name, labels)}: use a label "
                     f"({labels[0]} … {labels[-1]}; `genimg info` lists them) or an index (0 … {len(d) - 1})")


def other_kinds_direction(name: str, kind: str) -> str:
    """"'subcategory: other -> face-smiling' is a direction of the GAN emoji-faces-gan, not of the VAE: use it with
    genimg generate" where name is no direction of the model loaded but one of a bundled model of the other kind
    (its default first); "" where it is none. The near miss said instead ("did you mean category: other → Flags?",
    for its "category: other") sent the user to another direction."""
    other = "gan" if kind == "vae" else "vae"
    entries = [e for e in bundled_models() if e.kind == other]
    first = default_model(other, entries)
    for entry in sorted(entries, key=lambda e: e is not first):
        try:
            label_index(stored_labels(Path(entry.path)), name)
        except AmbiguousDirection:  # a topic several of its directions share: still theirs
            pass
        except ValueError:
            continue
        command = "genimg generate" if other == "gan" else "genimg edit"
        return f"{name!r} is a direction of the {other.upper()} {entry.name}, not of the {kind.upper()}: use it " \
               f"with {command}"
    return ""


def starts_from_word(name: str, labels: list[str], d: Directions, value: float) -> None:
    """Refuses a word that picks one direction by the side it starts from ('lighter' of skin tone: lighter →
    darker; 'open' of eyes: open → closed): a positive value goes the other way, so taking it would move away from
    what was typed. Says which option moves towards it."""
    meant = with_word(name, labels)
    if len(meant) != 1 or not (start := where_it_starts(name, meant[0])):
        return
    label = meant[0]
    topic = label.split(":")[0].strip() if ":" in label.split("→")[0] else ""
    try:  # the topic alone names it, as `skin tone` does; `subcategory` is nine directions'
        unique = bool(topic) and d.index_of(topic) == labels.index(label)
    except (AmbiguousDirection, ValueError):
        unique = False
    other = shlex.quote(topic if unique else label.replace(" → ", " -> "))
    raise UsageError(f"--edit {name}: {name!r} is where {label} starts; a positive value goes "
                     f"towards {label.split('→', 1)[1].strip()} — use --edit {other}={-(abs(value) or 1):g} to move "
                     f"towards {start}")


def read_recipe(path: Path, kind: str, model: ModelInfo) -> Recipe:
    """The recipe at path, checked against the loaded model; a file refused is named as typed, as every other
    message names it: the reader (the window's too) names it by its bare name, and `--recipe enc/p001.npz` said
    "p001.npz is a latent file, not an edit recipe"."""
    try:
        recipe = Recipe.load(path)
    except RecipeError as e:
        raise RecipeError(named_as_typed(str(e), str(path))) from None
    # a recipe of the other kind given to this command: a mistake in what was typed, as a VAE given as --gan or an
    # --edit of the other kind's direction (exit 2); one of another model of this kind does not fit it (exit 1)
    if recipe.model_kind != kind:
        other = "genimg edit" if recipe.model_kind == "vae" else "genimg generate"
        raise UsageError(f"{shown_name(path)} edits {recipe.model_kind.upper()} latents; apply it with {other} "
                          "--recipe")
    other = recipe.model_name if recipe.model_name and recipe.model_name != model.name else ""
    # made with another model, of any latent size: said by the names of both, as the window says it. The latent
    # sizes ("a spatial latent of 4 channels (my-sd-vae); this model's latent has 1024 numbers") left "this model"
    # unnamed, and the sizes meant little; another model's directions mean nothing here at any size
    if other and (why := recipe.other_model(model.identity, model.name)):
        raise RecipeError(f"{shown_name(path)} {why}: {pass_model(other, kind, recipe.model_path)}")
    recipe.check_model(kind, model.latent_size, model.spatial)
    # of the same size, another model's directions mean nothing here: applied with a note, they smeared the pictures
    if why := recipe.other_model(model.identity, model.name):
        to_pass = (pass_model(other, kind, recipe.model_path) if other
                   else f"pass --{kind} with the folder of {recipe.model_to_load(model.name)}")
        raise RecipeError(f"{shown_name(path)} {why}: {to_pass}")
    return recipe


def render(rt: Runtime, kind: str, base: np.ndarray, recipe: Recipe | None, values: tuple[float, ...],
           directions: Directions) -> tuple[np.ndarray, np.ndarray]:
    """(edited latent, image) as the app shows them: with a recipe's mask the edited and the
    unedited decodes are blended (Runtime.render, as the app's worker does)."""
    if recipe is None:
        latent = edited_latent(EditState(base, values), directions)
        return latent, rt.decode(kind, latent, TilesOnStderr())
    latent = recipe.apply(base)
    return latent, rt.render(kind, latent, recipe.mask, base, tiles=TilesOnStderr())


def recorded_edit(recipe: Recipe | None, values: tuple[float, ...],
                  directions: Directions) -> tuple[tuple[float, ...], tuple[str, ...]]:
    """What a latent file records as the edit: the recipe's steps, or the --edit values."""
    if recipe is None:
        return values, directions.labels
    return tuple(s.value for s in recipe.steps), tuple(s.label for s in recipe.steps)


def grid_size(sample: tuple[int, int], count: int) -> tuple[int, int]:
    """(width, height) of the --grid of count samples of (width, height)."""
    columns = min(GRID_COLUMNS, count)
    return columns * sample[0], -(-count // columns) * sample[1]


def check_grid_scale(scale: int, model: ModelInfo, count: int) -> None:
    """--scale against the --grid's size, from the size the GAN's card records, before any seed is drawn: the
    grid refused after the first seeds left them written at a scale the run then refused."""
    side = model.card.get("resolution")
    if isinstance(side, int) and side > 0:
        check_scale(scale, grid_size((side, side), count), "grid")


def distinct_seeds(seeds: list[int]) -> list[int]:
    """Each seed once, in the order first given, with a note naming the repeats: a seed given twice wrote its PNG
    twice and took two cells of the grid (interpolate keeps repeats: a morph may return to a seed)."""
    counts = Counter(seeds)  # a dict: in the order first given
    repeats = [(seed, n) for seed, n in counts.items() if n > 1]
    if len(repeats) == 1:
        seed, n = repeats[0]
        say(f"genimg: note: seed {seed} given {'twice' if n == 2 else f'{n} times'}: drawn once")
    elif repeats:
        # past MAX_NAMED the rest are counted ("… and 4 more"): a bare ", …" left the user to count them
        named = listed([str(seed) for seed, _ in repeats], MAX_NAMED)
        say(f"genimg: note: {counted(len(repeats), 'seed')} given more than once ({named}): each drawn once")
    return list(counts)


def generate(args: argparse.Namespace) -> int:
    args.seeds = distinct_seeds(args.seeds)
    rt, model = load_model("gan", args.gan, args.device)
    recipe = read_recipe(args.recipe, "gan", model) if args.recipe else None
    gan_class = class_index(model, args.gan_class)
    seed_draw(model, args)
    values = direction_values(args.edit, model.directions, "gan")
    if args.grid:
        check_grid_scale(args.scale, model, len(args.seeds))
        check_writable(args.grid)  # before the seeds: a grid refused after them had cost every seed's drawing
    recorded, labels = recorded_edit(recipe, values, model.directions)
    images: list[np.ndarray] = []
    sample = partial(seed_draws.sample_record, psi=args.psi, gan_class=gan_class, draw=rt.drawn_as(args.draw),
                     classes=model.classes)

    def work(seed: int) -> None:
        name = seed_draws.file_stem(seed)
        w = rt.map_seed(seed, args.psi, gan_class, args.draw)
        latent, image = render(rt, "gan", w, recipe, values, model.directions)
        if args.grid and not images:  # the first sample's size, should the card's be missing or another
            check_scale(args.scale, grid_size(image.shape[1::-1], len(args.seeds)), "grid")
        write_png(image, args.out / f"{name}.png", args.scale)
        if args.save_latents:
            with writing(args.out / f"{name}.npz") as out:
                wrote(export_latent(out, latent, w, recorded, labels, model_record(model),
                                    None if recipe is None else recipe.mask,
                                    sample(seed, drawn_class=rt.drawn_class(seed, gan_class))))
        images.append(image)

    code = for_each([(f"seed {s}", partial(work, s)) for s in args.seeds])
    if args.grid and images:
        grid = image_grid(images, min(GRID_COLUMNS, len(images)))
        with writing(args.grid) as out:
            wrote(export_picture(grid, out, args.scale))
    return code


def check_save_recipe(args: argparse.Namespace) -> None:
    """--save-recipe with --edit values to save, before the model loads (cli_args.out_file checked the path)."""
    if args.save_recipe is not None and args.recipe is not None:
        raise UsageError("--save-recipe saves --edit values; the recipe given is already one")
    # refused before anything is written: a name such as an edited image's had the recipe written over the image
    if args.save_recipe is not None and args.save_recipe.suffix.lower() != ".json":
        raise UsageError(f"--save-recipe {args.save_recipe}: name a .json file, such as "
                         f"{args.save_recipe.with_suffix('.json')}: a recipe is JSON")


def save_recipe(path: Path, values: tuple[float, ...], model: ModelInfo, fit: str) -> None:
    """Write the --edit values as a recipe, its folder made as -o's is. Run after the images, so that a recipe that
    fails (a disk filled meanwhile: edit checked the path first) never costs them."""
    state = EditState(np.zeros(model.latent_size, np.float32), values)
    with writing(path) as out:
        wrote(Recipe.from_edit(state, model.directions, model.name, "vae", fit, model.identity, model.spatial,
                               opened_path(model.source, model.path)).save(out))


def edit(args: argparse.Namespace) -> int:
    check_save_recipe(args)
    images = pictures_given(args.images)
    rt, model = load_model("vae", args.vae, args.device, args.latent_scale)
    recipe = read_recipe(args.recipe, "vae", model) if args.recipe else None
    values = direction_values(args.edit, model.directions, "vae")
    fit = args.fit or (recipe.fit if recipe else "crop")
    fit_used(model, args.fit is not None)
    recorded, labels = recorded_edit(recipe, values, model.directions)
    if args.save_recipe:
        check_writable(args.save_recipe)  # before the images: a recipe refused after them had cost every edit

    def work(path: Path, stem: str) -> None:
        if note := latent_as_picture_note(path, "edit"):  # the image reader said only that it reads no such format
            raise ImageLoadError(note)
        _, base, _ = encoded(rt, model, path, fit, reconstruct=False)  # render decodes it, edited
        latent, image = render(rt, "vae", base, recipe, values, model.directions)
        write_png(image, args.out / export_name(stem, ".png", edited=True), args.scale)
        if args.save_latents:
            with writing(args.out / export_name(stem, ".npz", edited=True)) as out:
                wrote(export_latent(out, latent, base, recorded, labels, model_record(model),
                                    None if recipe is None else recipe.mask))

    def written_as(stem: str) -> tuple[str, ...]:
        png = export_name(stem, ".png", edited=True)
        return (png, export_name(stem, ".npz", edited=True)) if args.save_latents else (png,)

    code = per_file(images, work, written_as, args.out)
    if args.save_recipe:
        save_recipe(args.save_recipe, values, model, args.fit or "crop")
    return code
