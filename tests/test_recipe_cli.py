"""Edit recipes (JSON round trip, validation) and the CLI commands that use them and morphs:
`genimg edit --recipe/--save-recipe`, `genimg generate --recipe`, `genimg interpolate`."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import torch
from PIL import Image

from genimg_gui.cli import main
from genimg_gui.edit import EditState, edited_latent
from genimg_gui.engine.runtime import Runtime
from genimg_gui.imaging import open_image
from genimg_gui.masking import blend
from genimg_gui.models.directions import pca, save_directions
from genimg_gui.animation_files import count_frames, default_scale, frame_size
from genimg_gui.recipe import Recipe, RecipeError
from genimg_gui.seed_draws import OWN, SKIP_MIXTURES
from genimg_gui.weights_file import weights_digest


def run(*args) -> int:
    return main([str(a) for a in args])


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


@pytest.fixture(scope="module")
def models(model_dir, tmp_path_factory):
    """Copies of the tiny models with directions already cached (PCA of random latents), so that
    no test waits for the directions to be estimated."""
    root = tmp_path_factory.mktemp("recipe-models")
    torch.manual_seed(0)
    for name, dim in (("tiny-vae", 512), ("tiny-gan", 16)):
        shutil.copytree(model_dir / name, root / name)
        save_directions(root / name, pca(torch.randn(64, dim), 8))
    return root


@pytest.fixture(scope="module")
def vae_runtime(models):
    rt = Runtime("cpu")
    info = rt.load(str(models / "tiny-vae"), lambda *_: None)
    return rt, info


def a_mask(size: int = 32) -> np.ndarray:
    mask = np.zeros((size, size), np.float32)
    mask[:, size // 2:] = 1.0
    mask[:, size // 2 - 2: size // 2] = 0.5  # a soft edge
    return mask


def make_recipe(info, values=(1.5, 0.0, -2.0), mask=None) -> Recipe:
    state = EditState(np.zeros(info.latent_size, np.float32), values).with_mask(mask)
    return Recipe.from_edit(state, info.directions, info.name, info.kind)


# --- the recipe file ------------------------------------------------------------

def test_recipe_round_trip_keeps_vectors_values_and_mask(vae_runtime, tmp_path):
    _, info = vae_runtime
    recipe = make_recipe(info, mask=a_mask())
    assert [s.label for s in recipe.steps] == [info.directions.labels[0], info.directions.labels[2]]  # zeros left out
    path = recipe.save(tmp_path / "r.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.mask.png"]
    assert json.loads(path.read_text())["mask"] == "r.mask.png"
    back = Recipe.load(path)
    assert (back.model_name, back.model_kind, back.latent_size, back.fit) == (info.name, "vae", 512, "crop")
    for s, t in zip(recipe.steps, back.steps):
        assert (s.label, s.value, s.sigma) == (t.label, t.value, t.sigma)
        np.testing.assert_array_equal(s.vector, t.vector)  # float32 survives JSON exactly
    np.testing.assert_array_equal(back.mask, recipe.mask)
    base = np.random.default_rng(0).standard_normal(512).astype(np.float32)
    state = EditState(base, (1.5, 0.0, -2.0))
    np.testing.assert_array_equal(back.apply(base), edited_latent(state, info.directions))  # bit for bit
    assert back.mask_at((64, 64)).shape == (64, 64)


def bad(text_changes: dict, base: dict) -> str:
    return json.dumps({**base, **text_changes})


@pytest.mark.parametrize("change, message", [
    ({"version": 2}, "version 2 is not supported"),
    ({"format": "other"}, "not a genimg edit recipe"),
    ({"model": {"kind": "vae", "latent_size": "512"}}, '"latent_size" must be a whole number, not "512"$'),
    ({"model": {"kind": "diffusion", "latent_size": 512}}, "model kind 'diffusion'"),
    ({"fit": "stretch"}, "fit 'stretch'"),
    ({"edits": [{"label": "x", "value": float("nan"), "sigma": 1.0, "vector": [1.0] * 512}]}, "finite number"),
    ({"edits": [{"label": "x", "value": 1e300, "sigma": 1.0, "vector": [1.0] * 512}]},
     '"value" 1e\\+300 is beyond what a float32 latent holds'),
    ({"edits": [{"label": "x", "value": 1.0, "sigma": 1.0, "vector": [1.0] * 7}]}, "has 7 numbers"),
    ({"edits": [{"label": "x", "value": 1.0, "sigma": 0, "vector": [1.0] * 512}]}, "must be positive"),
    ({"edits": [{"label": "x", "value": 1.0, "sigma": 1.0, "vector": [1e39] * 512}]}, "non-finite"),
    ({"mask": "../outside.png"}, "outside the recipe's folder"),
    ({"mask": "/etc/passwd"}, "outside the recipe's folder"),
    ({"mask": "missing.png"}, "cannot read the mask: missing.png does not exist$"),  # not "… ([Errno 2] No such …)"
])
def test_recipe_errors_say_what_is_wrong(vae_runtime, tmp_path, change, message):
    _, info = vae_runtime
    base = json.loads(make_recipe(info).to_json())
    (tmp_path.parent / "outside.png").write_bytes(pixels_png())
    with pytest.raises(RecipeError, match=message):
        Recipe.from_json(bad(change, base), tmp_path)


def pixels_png() -> bytes:
    import io
    buf = io.BytesIO()
    Image.new("L", (4, 4), 255).save(buf, format="PNG")
    return buf.getvalue()


def test_a_recipe_must_fit_the_model(vae_runtime, tmp_path):
    _, info = vae_runtime
    recipe = make_recipe(info)
    with pytest.raises(RecipeError, match="latent of 512 numbers"):
        recipe.apply(np.zeros(100, np.float32))
    with pytest.raises(RecipeError, match="this model's latent has 16"):
        recipe.check_model("vae", 16)
    with pytest.raises(RecipeError, match="not a GAN one"):
        recipe.check_model("gan", 512)
    with pytest.raises(RecipeError, match="^it is cut short: its end is missing$"):
        Recipe.from_json("{", tmp_path)


# --- genimg edit / generate with recipes ---------------------------------------------

def test_cli_recipe_gives_the_pixels_of_runtime_decode_of_recipe_apply(models, vae_runtime, image_files, tmp_path):
    rt, info = vae_runtime
    for name, mask in (("plain", None), ("masked", a_mask())):
        recipe_path = make_recipe(info, mask=mask).save(tmp_path / f"{name}.json")
        assert run("edit", "--vae", models / "tiny-vae", *image_files, "--recipe", recipe_path,
                   "-o", tmp_path / name, "--save-latents") == 0
        recipe = Recipe.load(recipe_path)
        for path in image_files:
            _, base, recon = rt.encode(np.asarray(open_image(path)), "crop")
            expected = rt.decode("vae", recipe.apply(base))
            if mask is not None:
                expected = blend(expected, rt.decode("vae", base), recipe.mask)
                assert np.array_equal(pixels(tmp_path / name / f"{path.stem}_edited.png")[:, :14], recon[:, :14])
            np.testing.assert_array_equal(pixels(tmp_path / name / f"{path.stem}_edited.png"), expected)
            with np.load(tmp_path / name / f"{path.stem}_edited.npz") as f:
                np.testing.assert_array_equal(f["latent"], recipe.apply(base))
                assert list(f["values"]) == [1.5, -2.0]


def test_the_latents_of_a_masked_recipe_decode_to_its_pictures(models, image_files, tmp_path):
    vae = models / "tiny-vae"
    info = Runtime("cpu").load(str(vae), lambda *_: None)
    recipe_path = make_recipe(info, mask=a_mask()).save(tmp_path / "masked.json")
    assert run("edit", "--vae", vae, image_files[0], "--recipe", recipe_path, "-o", tmp_path / "e",
               "--save-latents") == 0
    stem = f"{image_files[0].stem}_edited"
    assert run("decode", "--vae", vae, tmp_path / "e" / f"{stem}.npz", "-o", tmp_path / "d") == 0
    decoded = pixels(tmp_path / "d" / f"{stem}_decoded.png")
    np.testing.assert_array_equal(decoded, pixels(tmp_path / "e" / f"{stem}.png"))


def test_save_recipe_then_recipe_matches_plain_edits(models, image_files, tmp_path):
    vae = models / "tiny-vae"
    assert run("edit", "--vae", vae, image_files[0], "--edit", "PC1=2", "--edit", "2=-1", "-o", tmp_path / "a",
               "--save-recipe", tmp_path / "r.json") == 0
    assert run("edit", "--vae", vae, image_files[0], "--recipe", tmp_path / "r.json", "-o", tmp_path / "b") == 0
    name = f"{image_files[0].stem}_edited.png"
    np.testing.assert_array_equal(pixels(tmp_path / "a" / name), pixels(tmp_path / "b" / name))
    assert [e["value"] for e in json.loads((tmp_path / "r.json").read_text())["edits"]] == [2.0, -1.0]


def test_generate_applies_a_gan_recipe(models, tmp_path, capsys):
    gan = models / "tiny-gan"
    rt = Runtime("cpu")
    info = rt.load(str(gan), lambda *_: None)
    recipe_path = make_recipe(info, values=(0.0, 2.0)).save(tmp_path / "g.json")
    assert run("generate", "--gan", gan, "--seeds", "3", "--recipe", recipe_path, "-o", tmp_path / "out") == 0
    expected = rt.decode("gan", Recipe.load(recipe_path).apply(rt.map_seed(3, 0.7)))
    np.testing.assert_array_equal(pixels(tmp_path / "out" / "seed0003.png"), expected)
    assert run("edit", "--vae", models / "tiny-vae", recipe_path, "--recipe", recipe_path, "-o", tmp_path) == 2
    assert "edits GAN latents; apply it with genimg generate --recipe" in capsys.readouterr().err


def test_edit_writes_inside_the_output_folder_under_safe_names(models, image_files, tmp_path):
    hidden = tmp_path / "in" / ".hidden.png"
    hidden.parent.mkdir()
    shutil.copy(image_files[0], hidden)
    assert run("edit", "--vae", models / "tiny-vae", hidden, "--edit", "0=1", "-o", tmp_path / "out") == 0
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["hidden_edited.png"]


def test_edit_needs_edits_or_a_recipe(models, image_files, tmp_path, capsys):
    assert run("edit", "--vae", models / "tiny-vae", image_files[0], "-o", tmp_path) == 2
    assert "one of the arguments --edit --recipe is required" in capsys.readouterr().err
    # a recipe typed that is not there is a mistake in what was typed; one that is there but unreadable, a failed file
    assert run("edit", "--vae", models / "tiny-vae", image_files[0], "--recipe", tmp_path / "none.json",
               "-o", tmp_path) == 2
    assert f"genimg edit: error: argument --recipe: {tmp_path / 'none.json'} does not exist" in capsys.readouterr().err
    (tmp_path / "empty.json").write_text("")
    assert run("edit", "--vae", models / "tiny-vae", image_files[0], "--recipe", tmp_path / "empty.json",
               "-o", tmp_path) == 1
    err = capsys.readouterr().err
    assert f"genimg: error: {tmp_path / 'empty.json'} is empty: it is not a recipe genimg saved" in err


@pytest.fixture(scope="module")
def vae_tiny(models, tmp_path_factory):
    """Another VAE of tiny-vae's latent size (other weights), its directions cached."""
    from conftest import TINY_VAE, make_model_folder
    from genimg_gui.models.vae import ConvVAE
    folder = tmp_path_factory.mktemp("other") / "vae-tiny"
    torch.manual_seed(7)
    make_model_folder(folder, ConvVAE(TINY_VAE), "vae-tiny")
    save_directions(folder, pca(torch.randn(64, 512), 8))
    return folder


def test_a_recipe_made_with_another_model_of_the_same_size_is_refused(models, vae_tiny, image_files, tmp_path,
                                                                      capsys):
    """It was applied with a note ("rtiny.json was made with vae-tiny; applying it to …"), exit 0: vae-tiny's PC1
    means nothing in another model's latents, and the picture came out a washed-out smear."""
    assert run("edit", image_files[0], "--vae", vae_tiny, "--edit", "PC1=2", "-o", tmp_path / "a",
               "--save-recipe", tmp_path / "rtiny.json") == 0
    capsys.readouterr()
    assert run("edit", image_files[0], "--vae", models / "tiny-vae", "--recipe", tmp_path / "rtiny.json",
               "-o", tmp_path / "b") == 1  # as a recipe for a latent of another size
    assert capsys.readouterr().err == (f"genimg: error: {tmp_path / 'rtiny.json'} was made with vae-tiny, not "
                                       "tiny-vae: its edit moves along vae-tiny's directions, which mean nothing in "
                                       f"tiny-vae's latents: pass --vae {vae_tiny}\n")  # the folder it records
    assert not (tmp_path / "b").exists()

    # a copy of vae-tiny's weights in another folder, its card renamed, is vae-tiny: the same pixels, and no note
    copy = tmp_path / "copies" / "renamed"
    shutil.copytree(vae_tiny, copy)
    card = json.loads((copy / "card.json").read_text())
    (copy / "card.json").write_text(json.dumps({**card, "name": "renamed"}))
    assert run("edit", image_files[0], "--vae", copy, "--recipe", tmp_path / "rtiny.json", "-o", tmp_path / "c") == 0
    assert "made with" not in capsys.readouterr().err
    name = f"{image_files[0].stem}_edited.png"
    np.testing.assert_array_equal(pixels(tmp_path / "c" / name), pixels(tmp_path / "a" / name))
    assert Recipe.load(tmp_path / "rtiny.json").model_identity == weights_digest(vae_tiny)


def test_a_recipe_saved_before_recipes_recorded_the_weights_goes_by_its_models_name(models, vae_tiny, image_files,
                                                                                    tmp_path, capsys):
    assert run("edit", image_files[0], "--vae", vae_tiny, "--edit", "PC1=2", "-o", tmp_path / "a",
               "--save-recipe", tmp_path / "r.json") == 0
    old = json.loads((tmp_path / "r.json").read_text())
    del old["model"]["weights_sha256"]
    (tmp_path / "old.json").write_text(json.dumps(old))
    assert run("edit", image_files[0], "--vae", vae_tiny, "--recipe", tmp_path / "old.json", "-o", tmp_path / "b") == 0
    name = f"{image_files[0].stem}_edited.png"
    np.testing.assert_array_equal(pixels(tmp_path / "b" / name), pixels(tmp_path / "a" / name))
    capsys.readouterr()
    assert run("edit", image_files[0], "--vae", models / "tiny-vae", "--recipe", tmp_path / "old.json",
               "-o", tmp_path / "c") == 1
    assert "old.json was made with vae-tiny, not tiny-vae" in capsys.readouterr().err
    old["model"]["weights_sha256"] = "12ab"
    with pytest.raises(RecipeError, match='old.json: its model\'s "weights_sha256" must be a SHA-256 \\(64 hex '
                                          'digits\\), not "12ab"'):
        Recipe.from_json(json.dumps(old), tmp_path, "old.json")


def test_a_recipe_whose_model_file_is_gone_says_to_pass_that_models_folder(models, vae_tiny, image_files, tmp_path,
                                                                          capsys):
    """A recipe from another machine records a path not here: the advice read "pass --vae with vae-tiny (it was
    made with /home/alice/…, not there now)", as if vae-tiny were the path to give."""
    assert run("edit", image_files[0], "--vae", vae_tiny, "--edit", "PC1=2", "-o", tmp_path / "a",
               "--save-recipe", tmp_path / "r.json") == 0
    recipe = json.loads((tmp_path / "r.json").read_text())
    recipe["model"]["path"] = "/home/alice/models/vae-tiny"
    (tmp_path / "away.json").write_text(json.dumps(recipe))
    capsys.readouterr()
    assert run("edit", image_files[0], "--vae", models / "tiny-vae", "--recipe", tmp_path / "away.json",
               "-o", tmp_path / "b") == 1
    assert capsys.readouterr().err.endswith("pass --vae with vae-tiny's folder (the recipe was made with "
                                            "/home/alice/models/vae-tiny, not there now)\n")


# --- genimg interpolate ----------------------------------------------------------------

def test_interpolate_images_to_a_gif_with_the_asked_frames(models, vae_runtime, image_files, tmp_path, capsys):
    out = tmp_path / "morph.gif"
    assert run("interpolate", "--vae", models / "tiny-vae", *image_files[:2], "-o", out, "--frames", "7",
               "--fps", "10", "--mode", "spherical", "--scale", "1") == 0  # the model's size: its decodes' pixels
    assert count_frames(out) == 7 and "frames 7/7" in capsys.readouterr().err
    rt, _ = vae_runtime
    first, last = (rt.decode("vae", rt.encode(np.asarray(open_image(p)), "crop")[1]) for p in image_files[:2])
    with Image.open(out) as im:
        assert im.size == (32, 32) and im.info["duration"] == 100
        shown = np.asarray(im.convert("RGB")).astype(int)
        assert np.abs(shown - first).mean() < min(10, np.abs(shown - last).mean())  # the first keyframe (palette)
    assert run("interpolate", "--vae", models / "tiny-vae", *image_files, "-o", tmp_path / "loop.webp",
               "--frames", "9", "--loop", "--scale", "2") == 0
    assert count_frames(tmp_path / "loop.webp") == 9


def test_interpolate_seeds_to_an_mp4(models, tmp_path):
    out = tmp_path / "sub" / "seeds.mp4"
    assert run("interpolate", "--gan", models / "tiny-gan", "--seeds", "1", "7", "42", "-o", out,
               "--frames", "12", "--psi", "0.5") == 0
    assert count_frames(out) == 12


@pytest.mark.parametrize("scale", [None, 3])
def test_interpolate_writes_every_format_at_the_model_size_times_scale(models, tmp_path, scale):
    sizes = set()
    for suffix in (".gif", ".webp", ".mp4"):
        out = tmp_path / f"m{suffix}"
        assert run("interpolate", "--gan", models / "tiny-gan", "--seeds", "1", "2", "-o", out, "--frames", "3",
                   *(["--scale", scale] if scale else [])) == 0
        sizes.add(frame_size(out))
    side = 32 * (scale or default_scale((32, 32)))  # none given: the Morph dialog's first Scale, ×8 (256 px)
    assert sizes == {(side, side)}  # the MP4 was 256 × 256 whatever --scale said


def test_interpolate_seeds_starts_from_each_seed_drawn_as_asked(models, tmp_path):
    rt = Runtime("cpu")
    rt.load(str(models / "tiny-gan"), lambda *_: None)
    keys = {draw: rt.decode("gan", rt.map_seed(0, 0.7, None, draw)).astype(int) for draw in (OWN, SKIP_MIXTURES)}
    assert np.abs(keys[OWN] - keys[SKIP_MIXTURES]).mean() > 10  # seed 0 of the tiny GAN sits on a seam
    for draw, other in ((OWN, SKIP_MIXTURES), (SKIP_MIXTURES, OWN)):
        out = tmp_path / f"{draw}.gif"
        assert run("interpolate", "--gan", models / "tiny-gan", "--seeds", "0", "1", "-o", out, "--frames", "2",
                   "--draw", draw, "--scale", "1") == 0
        with Image.open(out) as im:
            first = np.asarray(im.convert("RGB")).astype(int)  # GIF: a palette, so near, not equal
        assert np.abs(first - keys[draw]).mean() < np.abs(first - keys[other]).mean() / 2


@pytest.mark.parametrize("args, message", [
    (["{img}", "-o", "{tmp}/m.gif"], "a morph needs two or more images (VAE) or --seeds (GAN); 1 given"),
    (["-o", "{tmp}/m.gif"], "a morph needs two or more images (VAE) or --seeds (GAN); none given"),
    (["{img}", "{img}", "-o", "{tmp}/m.avi"], "must end in .gif, .webp or .mp4"),
    (["{img}", "{img}", "--seeds", "1", "2", "-o", "{tmp}/m.gif"], "give images (VAE) or --seeds (GAN), not both"),
    (["{img}", "{img}", "--frames", "0", "-o", "{tmp}/m.gif"], "'0': expected a whole number of frames from 2 to 600"),
    (["{img}", "{img}", "--frames", "1", "-o", "{tmp}/m.gif"], "'1': expected a whole number of frames from 2 to 600"),
    (["{img}", "{img}", "--frames", "601", "-o", "{tmp}/m.gif"], "from 2 to 600"),
    (["{img}", "{img}", "{img}", "--frames", "2", "-o", "{tmp}/m.gif"],
     "--frames 2 is fewer than the 3 keyframes: give at least 3"),
    (["{img}", "{img}", "--fps", "0", "-o", "{tmp}/m.gif"], "frames per second"),
])
def test_interpolate_errors(models, image_files, tmp_path, capsys, args, message):
    values = {"img": image_files[0], "tmp": tmp_path}
    # exit 2: a mistake in what was typed
    assert run("interpolate", "--vae", models / "tiny-vae", *[a.format(**values) for a in args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err

