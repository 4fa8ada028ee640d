"""`genimg info|encode|decode|generate|edit`, run in-process on the tiny model folders (no Qt)."""
from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image

from genimg_gui import catalog, cli_info, cli_models
from genimg_gui.cli import build_parser, main
from genimg_gui.engine.runtime import Runtime
from genimg_gui.export import export_latent
from genimg_gui.models.directions import pca, save_directions
from genimg_gui.models.gan import Generator
from genimg_gui.models.vae import ConvVAE
from genimg_gui.seed_draws import OWN, REFINE, SKIP_MIXTURES
from genimg_gui.train.gan_recipe import GANRecipe
from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
from genimg_gui.train.vae_recipe import VAERecipe
from conftest import TINY_GAN, TINY_VAE, make_model_folder, write_directions


def run(*args) -> int:
    return main([str(a) for a in args])


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


@pytest.fixture()
def vae(model_dir):
    return model_dir / "tiny-vae"


@pytest.fixture()
def gan(model_dir):
    return model_dir / "tiny-gan"


def test_help_answers_as_a_module():
    done = subprocess.run([sys.executable, "-m", "genimg_gui.cli", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0
    for command in ("info", "encode", "decode", "generate", "edit", "train"):
        assert command in done.stdout


def test_commands_load_no_qt_and_help_loads_no_torch(gan):
    code = ("import sys; from genimg_gui.cli import main; main(['--help'])\n"
            "assert 'torch' not in sys.modules, 'help imported torch'\n"
            f"assert main(['info', {str(gan)!r}]) == 0\n"
            "assert not [m for m in sys.modules if m.startswith('PySide6')], 'the CLI imported Qt'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("command", ["info", "encode", "decode", "generate", "edit", "interpolate", "train"])
def test_every_command_help_says_what_the_command_does(command, capsys):
    """`generate --help` went from its usage lines straight to the options, with no line on what it does."""
    assert main([command, "--help"]) == 0
    paragraphs = capsys.readouterr().out.split("\n\n")
    assert paragraphs[0].startswith(f"usage: genimg {command}")
    assert not paragraphs[1].startswith(("positional arguments:", "options:")), paragraphs[1]  # a description
    assert paragraphs[1][0].isupper() and paragraphs[1].rstrip().endswith(".")


def test_train_help_names_every_setting_the_recipes_take(capsys):
    """`--set` takes only these names (a typo is an error), so --help must list them all."""
    assert main(["train", "--help"]) == 0
    words = set(re.findall(r"\w+", capsys.readouterr().out))
    for recipe in (VAERecipe, GANRecipe, LatentGANRecipe):
        assert set(recipe.settings) <= words, recipe


@pytest.mark.parametrize("kind", ["vae", "gan"])
def test_train_help_describes_every_option(kind, capsys, monkeypatch):
    """--batch-size, --seed, --sample-every and --checkpoint-every were listed with no word on what they do."""
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["train", kind, "--help"]) == 0
    lines = capsys.readouterr().out.split("\n")
    listed = lines[next(i for i, line in enumerate(lines) if line == "positional arguments:"):]
    entries = [(i, line) for i, line in enumerate(listed) if re.match(r"  [-{\w]", line)]  # an option's first line
    assert len(entries) > 25
    undescribed = [line.strip() for i, line in entries
                   if not re.search(r"\S {2,}\S", line) and not listed[i + 1].startswith(" " * 4)]
    assert undescribed == []


def test_info_prints_the_card_and_the_directions(vae, capsys):
    assert run("info", vae) == 0
    out = capsys.readouterr().out
    for text in ("tiny-vae", "VAE (ConvVAE)", "32 px", "512 (2×16×16)", "random init (test)", "CC0", "PC1", "PC16"):
        assert text in out


def test_info_of_a_bundled_model_reads_in_columns(capsys):
    assert run("info", catalog.BUNDLED_DIR / "emoji-faces-gan") == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(map(len, lines)) <= cli_info.INFO_WIDTH + 2  # the long "how measured" texts wrapped
    assert "                 Recall: 0.671" in lines  # one figure a line, under "metrics"
    assert not any("{'" in line for line in lines)  # a table of figures reads "noise 0: 30.08 / 33.5; …"
    sigma_columns = {line.index("σ = ") for line in lines if "σ = " in line}
    assert len(sigma_columns) == 1  # "style: Google → Twitter" used to push its σ out of line


def test_a_bundled_model_is_named_by_its_name_where_no_such_path_is(image_files, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # a pip user's shell, far from the package's weights/
    assert run("info", "emoji-vae") == 0
    assert f"emoji-vae  ({catalog.BUNDLED_DIR / 'emoji-vae'})" in capsys.readouterr().out
    assert run("encode", "--vae", "emoji-vae", image_files[0], "-o", "out") == 0
    assert (tmp_path / "out" / "image 0_recon.png").is_file()
    assert run("generate", "--gan", "emoji-gn", "-o", "out") == 2  # a typo: the names it could have meant
    err = capsys.readouterr().err
    assert "emoji-gn does not exist, and is not a bundled model's name (emoji-faces-gan, emoji-gan, emoji-vae)" in err
    assert run("generate", "--gan", "./emoji-gan", "-o", "out") == 2  # a path, not a name: as typed
    assert "argument --gan: ./emoji-gan does not exist\n" in capsys.readouterr().err
    (tmp_path / "emoji-vae").mkdir()  # a folder of that name here is what was meant
    assert run("info", "emoji-vae") == 1
    assert "emoji-vae  (" not in capsys.readouterr().out


def test_info_writes_units_and_abbreviations_in_metric_keys_as_people_write_them(capsys):
    """Keys are snake_case in the card: info printed "held out psnr db" and "precision k3 vae latent psi0.7", then
    "held out PSNR dB" and "precision k3 VAE latent ψ 0.7"; words now, the unit after the figure."""
    assert run("info", catalog.BUNDLED_DIR / "emoji-vae", catalog.BUNDLED_DIR / "emoji-faces-gan") == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "metrics        Held-out PSNR: 30.05 dB" in lines
    for figure in ("Held-out SSIM: ", "Precision, ψ 0.7: 0.98", "Class variety, ψ 1 (lowest class): ",
                   "Decoder's held-out PSNR (dB): noise 0: ", "Sample roughness: held-out images: "):
        assert any(line.startswith(figure) for line in lines), figure


def test_info_puts_a_metric_not_measured_among_the_figures_with_its_reason(gan, tmp_path, capsys):
    """It read "measured       held out: not measured: a GAN drawing in pixels …", under a "measured" row."""
    shutil.copytree(gan, tmp_path / "pixel-gan")
    card = json.loads((tmp_path / "pixel-gan" / "card.json").read_text())
    card["metrics"] = {"held_out": "not measured: a GAN drawing in pixels has no feature space"}
    (tmp_path / "pixel-gan" / "card.json").write_text(json.dumps(card))
    assert run("info", tmp_path / "pixel-gan") == 0
    lines = [line.strip() for line in capsys.readouterr().out.splitlines()]
    assert "metrics        Held-out figures: not measured (a GAN drawing in pixels has no feature space)" in lines
    assert not any(line.startswith("measured") for line in lines)


def test_info_on_a_latent_file_says_what_it_is_and_what_reads_it(vae, image_files, tmp_path, capsys):
    """It said "looks like a zip archive, which is not supported"."""
    assert run("encode", "--vae", vae, image_files[0], "-o", tmp_path / "my latents") == 0
    latent = next((tmp_path / "my latents").glob("*.npz"))
    capsys.readouterr()
    assert run("info", latent) == 1
    err = capsys.readouterr().err
    assert (f"genimg: error: {latent} is a latent file (from genimg encode, generate, edit or the app), not a "
            f"model: `genimg decode '{latent}' -o '{latent.parent}'` decodes it beside itself") in err
    assert "zip" not in err
    suggested = shlex.split(err.split("`")[1])  # a command that works: decode wants -o
    assert main(suggested[1:]) == 0 and (latent.parent / f"{latent.stem}_decoded.png").is_file()
    np.savez(tmp_path / "other.npz", weights=np.zeros(3))  # an .npz of something else: the loader's own answer
    assert run("info", tmp_path / "other.npz") == 1
    assert "latent file" not in capsys.readouterr().err


def test_encode_then_decode_gives_the_reconstruction(vae, image_files, tmp_path, capsys):
    assert run("encode", "--vae", vae, *image_files, "-o", tmp_path / "enc", "--fit", "letterbox") == 0
    assert "3/3" in capsys.readouterr().err
    for path in image_files:
        recon = pixels(tmp_path / "enc" / f"{path.stem}_recon.png")
        assert recon.shape == (32, 32, 3)
        with np.load(tmp_path / "enc" / f"{path.stem}.npz") as f:
            assert f["latent"].shape == (512,) and json.loads(str(f["model"]))["kind"] == "vae"
    latents = [tmp_path / "enc" / f"{p.stem}.npz" for p in image_files]
    assert run("decode", "--vae", vae, *latents, "-o", tmp_path / "dec") == 0
    for path in image_files:
        np.testing.assert_array_equal(pixels(tmp_path / "dec" / f"{path.stem}_decoded.png"),
                                      pixels(tmp_path / "enc" / f"{path.stem}_recon.png"))
    assert run("decode", "--vae", vae, latents[0], "-o", tmp_path / "big", "--scale", "2") == 0
    assert pixels(tmp_path / "big" / f"{image_files[0].stem}_decoded.png").shape == (64, 64, 3)


def test_encode_reports_bad_files_and_goes_on(vae, image_files, tmp_path, capsys):
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert run("encode", "--vae", vae, empty, image_files[0], tmp_path / "missing.png", "-o", tmp_path / "o") == 1
    err = capsys.readouterr().err
    assert "empty.png" in err and "missing.png" in err and "2 of 3 failed" in err and "Traceback" not in err
    assert (tmp_path / "o" / f"{image_files[0].stem}_recon.png").is_file()


def test_decode_reads_the_apps_export(vae, tmp_path):
    rt = Runtime("cpu")
    info = rt.load(str(vae), lambda *_: None)
    latent = np.random.default_rng(0).standard_normal(info.latent_size).astype(np.float32)
    export_latent(tmp_path / "app.npz", latent, latent * 0, (1.0, 0.0), info.directions.labels[:2],
                  {"name": info.name, "path": info.path, "kind": "vae"})
    assert run("decode", "--vae", vae, tmp_path / "app.npz", "-o", tmp_path) == 0
    np.testing.assert_array_equal(pixels(tmp_path / "app_decoded.png"), rt.decode("vae", latent))


def test_decode_blends_a_masked_export_and_refuses_a_mask_without_its_base(vae, tmp_path, capsys):
    rt = Runtime("cpu")
    info = rt.load(str(vae), lambda *_: None)
    rng = np.random.default_rng(1)
    base, latent = rng.standard_normal((2, info.latent_size)).astype(np.float32)
    mask = np.zeros((32, 32), np.float32)
    mask[8:20, 4:30] = 1.0
    record = {"name": info.name, "path": info.path, "kind": "vae"}
    export_latent(tmp_path / "masked.npz", latent, base, (1.0,), info.directions.labels[:1], record, mask)
    assert run("decode", "--vae", vae, tmp_path / "masked.npz", "-o", tmp_path) == 0
    decoded = pixels(tmp_path / "masked_decoded.png")
    np.testing.assert_array_equal(decoded[mask == 1], rt.decode("vae", latent)[mask == 1])
    np.testing.assert_array_equal(decoded[mask == 0], rt.decode("vae", base)[mask == 0])

    np.savez(tmp_path / "baseless.npz", latent=latent, mask=mask)
    assert run("decode", "--vae", vae, tmp_path / "baseless.npz", "-o", tmp_path) == 1
    assert "holds a mask but no unedited latent" in capsys.readouterr().err


def test_decode_without_a_model_uses_the_one_the_file_records_else_says_it_fell_back(vae, image_files, tmp_path,
                                                                                    monkeypatch, capsys):
    """A latent of another VAE of the same size was decoded by the bundled VAE without a word, into another picture."""
    monkeypatch.setattr(cli_models, "bundled_models", lambda: [catalog.read_entry(vae, bundled=True)])
    torch.manual_seed(5)
    # the tiny VAE's sizes, other weights
    write_directions(make_model_folder(tmp_path / "own-vae", ConvVAE(TINY_VAE), "own-vae"))
    monkeypatch.chdir(tmp_path)
    assert run("encode", "--vae", "own-vae", image_files[0], "-o", "enc") == 0
    stem = image_files[0].stem
    recon = pixels(tmp_path / "enc" / f"{stem}_recon.png")
    with np.load(tmp_path / "enc" / f"{stem}.npz") as f:
        assert json.loads(str(f["model"]))["path"] == str(tmp_path / "own-vae")  # absolute: found from anywhere
        latent = f["latent"]
    # as genimg wrote it before: the path as typed, found here and beside the file's folder
    export_latent(tmp_path / "enc" / "typed.npz", latent, latent, (), (), {"name": "own-vae", "path": "own-vae",
                                                                           "kind": "vae"})
    for folder in (tmp_path, tmp_path / "enc"):  # "own-vae" is no folder from enc/: looked for above it
        monkeypatch.chdir(folder)
        capsys.readouterr()
        out = tmp_path / f"from-{folder.name}"  # a folder of its own: the first run's files replaced would be said
        assert run("decode", tmp_path / "enc" / f"{stem}.npz", tmp_path / "enc" / "typed.npz", "-o", out) == 0
        assert "note:" not in capsys.readouterr().err
        np.testing.assert_array_equal(pixels(out / f"{stem}_decoded.png"), recon)
        np.testing.assert_array_equal(pixels(out / "typed_decoded.png"), recon)

    (tmp_path / "own-vae").rename(tmp_path / "moved")
    assert run("decode", tmp_path / "enc" / f"{stem}.npz", "-o", tmp_path / "gone") == 0
    assert (f"genimg: note: {tmp_path / 'enc' / stem}.npz was made with own-vae, not found at "
            f"{tmp_path / 'own-vae'}; decoded with tiny-vae instead, which gives another picture (pass --vae with "
            "own-vae's folder to decode it with its own)") in capsys.readouterr().err
    np.testing.assert_array_equal(pixels(tmp_path / "gone" / f"{stem}_decoded.png"), _decoded(vae, latent))


def test_a_latent_the_bundled_vae_cannot_decode_in_its_models_place_names_that_vae_and_why(image_files, tmp_path,
                                                                                           monkeypatch, capsys):
    """A latent whose model folder was trained again since: "latent of size 512 does not fit the VAE (expects
    1024)", the bundled VAE decode fell back to unnamed, where the user gave no --vae and the file's own expects 512."""
    torch.manual_seed(8)
    wider = ConvVAE(replace(TINY_VAE, latent_channels=4))  # a latent of 1,024
    bundled = write_directions(make_model_folder(tmp_path / "bundled", wider, "big-vae"))
    monkeypatch.setattr(cli_models, "bundled_models", lambda: [catalog.read_entry(bundled, bundled=True)])
    torch.manual_seed(5)
    make_model_folder(tmp_path / "own-vae", ConvVAE(TINY_VAE), "own-vae")
    assert run("encode", "--vae", tmp_path / "own-vae", image_files[0], "-o", tmp_path / "enc") == 0
    torch.manual_seed(6)
    make_model_folder(tmp_path / "own-vae", ConvVAE(TINY_VAE), "own-vae")  # trained again in place
    capsys.readouterr()
    latent = tmp_path / "enc" / f"{image_files[0].stem}.npz"
    assert run("decode", latent, "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert (f"genimg: error: {latent}: latent of size 512 does not fit big-vae, the bundled VAE tried in its place "
            "(expects 1024); it was made by own-vae, and ") in err, err
    assert run("decode", latent, "--vae", bundled, "-o", tmp_path / "out") == 1
    assert "latent of size 512 does not fit big-vae, as --vae says (expects 1024)" in capsys.readouterr().err


def test_decode_without_a_model_uses_the_gan_a_seeds_latent_records(gan, tmp_path, monkeypatch):
    monkeypatch.setattr(cli_models, "bundled_models", lambda: [catalog.read_entry(gan, bundled=True)])
    torch.manual_seed(6)
    own = make_model_folder(tmp_path / "own-gan", Generator(TINY_GAN), "own-gan")
    assert run("generate", "--gan", own, "--seeds", "4", "--save-latents", "-o", tmp_path / "g") == 0
    assert run("decode", tmp_path / "g" / "seed0004.npz", "-o", tmp_path / "d") == 0
    np.testing.assert_array_equal(pixels(tmp_path / "d" / "seed0004_decoded.png"), pixels(tmp_path / "g" /
                                                                                         "seed0004.png"))


def _decoded(model, latent: np.ndarray) -> np.ndarray:
    rt = Runtime("cpu")
    rt.load(str(model), lambda *_: None)
    return rt.decode("vae", latent)


def test_generate_is_deterministic_per_seed(gan, tmp_path):
    assert run("generate", "--gan", gan, "--seeds", "0-2", "-o", tmp_path / "a", "--grid", tmp_path / "grid.png",
               "--save-latents") == 0
    assert run("generate", "--gan", gan, "--seeds", "2,0", "-o", tmp_path / "b") == 0
    a0, a1, a2 = (pixels(tmp_path / "a" / f"seed000{i}.png") for i in range(3))
    assert a0.shape == (32, 32, 3) and not np.array_equal(a0, a1)
    np.testing.assert_array_equal(a0, pixels(tmp_path / "b" / "seed0000.png"))
    np.testing.assert_array_equal(a2, pixels(tmp_path / "b" / "seed0002.png"))
    assert pixels(tmp_path / "grid.png").shape == (32, 96, 3)
    with np.load(tmp_path / "a" / "seed0001.npz") as f:
        assert f["latent"].shape == (16,)


def test_generate_draws_a_seed_given_twice_once_with_a_note(gan, tmp_path, capsys):
    """--seeds 0-1 1 wrote seed0001.png twice and a grid of three cells."""
    assert run("generate", "--gan", gan, "--seeds", "2,0-1", "1", "-o", tmp_path, "--grid", tmp_path / "g.png") == 0
    out, err = capsys.readouterr()
    assert out.split() == [str(tmp_path / f"seed000{s}.png") for s in (2, 0, 1)] + [str(tmp_path / "g.png")]
    assert "genimg: note: seed 1 given twice: drawn once" in err and "1/3 seed 2" in err
    assert pixels(tmp_path / "g.png").shape == (32, 96, 3)
    assert run("generate", "--gan", gan, "--seeds", "0-1", "1,0", "0", "-o", tmp_path) == 0
    assert "genimg: note: 2 seeds given more than once (0 and 1): each drawn once" in capsys.readouterr().err


def test_an_edit_given_twice_notes_that_the_last_counts(gan, tmp_path, capsys):
    """--edit PC1=1 --edit PC1=2 kept 2 without a word."""
    assert run("generate", "--gan", gan, "--seeds", "0", "--edit", "PC1=1", "--edit", "0=2", "-o", tmp_path / "a") == 0
    assert ("genimg: note: --edit PC1=1 and --edit 0=2 move the same direction: the last counts"
            in capsys.readouterr().err)
    assert run("generate", "--gan", gan, "--seeds", "0", "--edit", "PC1=2", "-o", tmp_path / "b") == 0
    assert "note" not in capsys.readouterr().err
    np.testing.assert_array_equal(pixels(tmp_path / "a" / "seed0000.png"), pixels(tmp_path / "b" / "seed0000.png"))


def test_generate_refines_seeds_with_the_gans_discriminator_when_asked(tmp_path):
    gan = catalog.BUNDLED_DIR / "emoji-faces-gan"
    assert run("generate", "--gan", gan, "--seeds", "5-6", "-o", tmp_path / "refined", "--draw", "refine") == 0
    rt = Runtime("cpu")
    rt.load(str(gan), lambda *_: None)
    for seed in (5, 6):
        refined = pixels(tmp_path / "refined" / f"seed000{seed}.png")
        np.testing.assert_array_equal(refined, rt.decode("gan", rt.map_seed(seed, 0.7, draw=REFINE)))
        assert not np.array_equal(refined, rt.decode("gan", rt.map_seed(seed, 0.7)))


def test_generate_skips_mixtures_as_the_app_does_when_asked(gan, tmp_path):
    for draw in (SKIP_MIXTURES, OWN):
        assert run("generate", "--gan", gan, "--seeds", "0-3", "-o", tmp_path / draw, "--draw", draw) == 0
    rt = Runtime("cpu")
    rt.load(str(gan), lambda *_: None)
    for seed in range(4):
        for draw in (SKIP_MIXTURES, OWN):
            np.testing.assert_array_equal(pixels(tmp_path / draw / f"seed000{seed}.png"),
                                          rt.decode("gan", rt.map_seed(seed, 0.7, None, draw)))
    assert any(not np.array_equal(pixels(tmp_path / SKIP_MIXTURES / f"seed000{s}.png"),
                                  pixels(tmp_path / OWN / f"seed000{s}.png")) for s in range(4))


def test_generate_edits_by_label_or_index(gan, tmp_path):
    for name, edit in (("plain", "PC1=0"), ("label", "PC1=2"), ("index", "0=2")):
        assert run("generate", "--gan", gan, "--seeds", "5", "--edit", edit, "-o", tmp_path / name) == 0
    plain, label, index = (pixels(tmp_path / n / "seed0005.png") for n in ("plain", "label", "index"))
    assert not np.array_equal(plain, label)
    np.testing.assert_array_equal(label, index)


def test_generate_finds_a_named_direction_typed_with_an_ascii_arrow(gan, tmp_path):
    """`--edit "subcategory: other -> face-smiling"=2` said the GAN had no such direction: its label has "→"."""
    named = shutil.copytree(gan, tmp_path / "named-gan")
    directions = Runtime("cpu").load(str(named), lambda *_: None).directions
    save_directions(named, directions.renamed(1, "subcategory: other → face-smiling"))
    for name, edit in (("arrow", "subcategory: other → face-smiling=2"),
                       ("ascii", "Subcategory: other->face-smiling=2"), ("index", "1=2")):
        assert run("generate", "--gan", named, "--seeds", "5", "--edit", edit, "-o", tmp_path / name) == 0
    arrow, ascii_arrow, index = (pixels(tmp_path / n / "seed0005.png") for n in ("arrow", "ascii", "index"))
    np.testing.assert_array_equal(arrow, index)
    np.testing.assert_array_equal(ascii_arrow, index)


def test_edit_zero_is_the_reconstruction_and_two_sigma_is_not(vae, image_files, tmp_path):
    image = image_files[1]
    assert run("encode", "--vae", vae, image, "-o", tmp_path / "enc") == 0
    assert run("edit", "--vae", vae, image, "--edit", "PC1=0", "-o", tmp_path / "zero") == 0
    assert run("edit", "--vae", vae, image, "--edit", "PC1=2", "-o", tmp_path / "two", "--save-latents") == 0
    recon = pixels(tmp_path / "enc" / f"{image.stem}_recon.png")
    np.testing.assert_array_equal(pixels(tmp_path / "zero" / f"{image.stem}_edited.png"), recon)
    assert not np.array_equal(pixels(tmp_path / "two" / f"{image.stem}_edited.png"), recon)
    with np.load(tmp_path / "two" / f"{image.stem}_edited.npz") as f:
        assert f["values"][0] == 2 and not np.array_equal(f["latent"], f["base"])


def alike(folder, tmp_path, size: int):
    """A copy of the model at folder with the directions of one trained on 12 copies of one picture: none."""
    copy = shutil.copytree(folder, tmp_path / f"alike-{folder.name}")
    save_directions(copy, pca(torch.full((12, size), 0.3), 16))
    return copy


@pytest.mark.parametrize("edit", ["PC1=1", "0=1"])
def test_an_edit_on_a_model_with_no_directions_is_a_usage_error_saying_why(edit, vae, gan, image_files, tmp_path,
                                                                          capsys):
    why = "its latents do not vary, so there is nothing to move along (were its pictures all alike?)"
    out = tmp_path / "out"
    assert run("edit", image_files[0], "--vae", alike(vae, tmp_path, 512), "--edit", edit, "-o", out) == 2
    err = capsys.readouterr().err
    assert f"genimg edit: error: the VAE has no directions for --edit {edit}: {why}" in err and "Traceback" not in err
    assert run("generate", "--gan", alike(gan, tmp_path, 16), "--seeds", "1", "--edit", edit, "-o", out) == 2
    err = capsys.readouterr().err
    assert f"the GAN has no directions for --edit {edit}: {why}" in err and "Traceback" not in err
    assert not list(out.glob("*.png"))


def test_generate_and_interpolate_read_seeds_alike_as_words_lists_and_ranges(gan, tmp_path):
    parser = build_parser()
    for command in (["generate", "-o", "g"], ["interpolate", "-o", "m.gif"]):
        assert parser.parse_args([*command, "--seeds", "3", "8,9", "1-2"]).seeds == [3, 8, 9, 1, 2]
        assert parser.parse_args([*command, "--seeds", "1,2,3"]).seeds == [1, 2, 3]
    assert run("generate", "--gan", gan, "--seeds", "1", "2", "3", "-o", tmp_path) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed0001.png", "seed0002.png", "seed0003.png"]


def test_seeds_in_several_words_are_capped_in_all(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["generate", "-o", "g", "--seeds", "0-9000", "10000-11000"])
    assert "at most 10000 seeds per run" in capsys.readouterr().err


def test_seeds_go_as_far_as_the_apps_seed_box_and_no_further(capsys):
    from genimg_gui.seed_draws import MAX_SEED

    assert build_parser().parse_args(["generate", "-o", "g", "--seeds", f"{MAX_SEED - 1}-{MAX_SEED}"]).seeds == [
        MAX_SEED - 1, MAX_SEED]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["generate", "-o", "g", "--seeds", f"5-{MAX_SEED + 1}"])
    assert f"{MAX_SEED + 1} is too large for a seed: seeds go from 0 to {MAX_SEED}" in capsys.readouterr().err


def test_omitted_models_are_the_bundled_defaults(model_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(cli_models, "bundled_models", lambda: catalog.bundled_models(model_dir))
    assert run("generate", "--seeds", "1", "-o", tmp_path) == 0
    assert pixels(tmp_path / "seed0001.png").shape == (32, 32, 3)  # the tiny GAN's size


# exit code 1: a file or model that does not work; 2: a mistake in what was typed (as argparse's usage errors)
@pytest.mark.parametrize("args, message, code", [
    (["encode", "--vae", "{tmp}/nowhere", "{img}", "-o", "{tmp}"], "argument --vae: {tmp}/nowhere does not exist", 2),
    (["generate", "--gan", "{tmp}/nowhere", "-o", "{tmp}"], "genimg generate: error: argument --gan: ", 2),
    (["edit", "{img}", "--recipe", "{tmp}/r.json", "-o", "{tmp}"], "argument --recipe: {tmp}/r.json does not exist", 2),
    (["info", "{tmp}/nowhere"], "nowhere does not exist", 1),  # one file of a batch: the others are shown
    (["encode", "--vae", "{gan}", "{img}", "-o", "{tmp}"], "holds a GAN, not a VAE", 2),
    (["edit", "--vae", "{vae}", "{img}", "--edit", "PC99=1", "-o", "{tmp}"], "no direction 'PC99'", 2),
    (["decode", "--vae", "{vae}", "{tmp}/short.npz", "-o", "{tmp}"], "does not fit tiny-vae, as --vae says", 1),
    (["decode", "--vae", "{vae}", "{img}", "-o", "{tmp}"], "is an image, not a latent file", 1),
    (["generate", "--gan", "{gan}", "--seeds", "7-3", "-o", "{tmp}"],
     "argument --seeds: 7-3 runs backwards: did you mean 3-7?", 2),  # it said "expected seeds like 0-7"
    (["generate", "--gan", "{gan}", "--seeds", "0-2,9-x", "-o", "{tmp}"], "expected seeds like 0-7", 2),
    (["generate", "--gan", "{gan}", "--seeds", "99999999999999", "-o", "{tmp}"],
     "argument --seeds: 99999999999999 is too large for a seed: seeds go from 0 to 2147483647", 2),
    (["generate", "--gan", "{gan}", "--edit", "PC1", "-o", "{tmp}"], "expected DIRECTION=SIGMA", 2),
    (["generate", "-o", "{tmp}"], "no bundled GAN", 1),
])
def test_user_errors_exit_nonzero_with_a_message(args, message, code, vae, gan, image_files, tmp_path, monkeypatch,
                                                capsys):
    monkeypatch.setattr(cli_models, "bundled_models", lambda: [])
    np.savez(tmp_path / "short.npz", latent=np.zeros(10, np.float32))
    values = {"tmp": tmp_path, "vae": vae, "gan": gan, "img": image_files[0]}
    assert main([a.format(**values) for a in args]) == code
    err = capsys.readouterr().err
    assert message.format(**values) in err and "Traceback" not in err


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_a_missing_device_is_a_usage_error_as_in_train(vae, image_files, tmp_path, capsys):
    assert run("encode", "--vae", vae, image_files[0], "-o", tmp_path, "--device", "cuda") == 2
    assert "genimg encode: error: --device: device 'cuda' was asked for, but this machine has no CUDA GPU" \
        in capsys.readouterr().err
