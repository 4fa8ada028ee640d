"""The command line with other projects' model files: an SD VAE file (its latent scale given with
--latent-scale), photos encoded and edited at their own size, recipes and morphs of spatial latents."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

import foreign_builders as fb
from genimg_gui.cli import main
from genimg_gui.edit import EditState, edited_latent, shift
from genimg_gui.engine import spatial
from genimg_gui.engine.runtime import Runtime
from genimg_gui.masking import blend
from genimg_gui.animation_files import count_frames
from genimg_gui.morph import common_grid, morph_path
from genimg_gui.recipe import Recipe

SD_SCALE = 0.18215
WIDE = (256, 40)  # in 3 tiles through the tiny SD VAE (test_cli_progress)


def run(*args) -> int:
    return main([str(a) for a in args])


def pixels(path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def picture(path, width: int, height: int, seed: int):
    """Smooth colour gradients with a disc: structure a tiny VAE keeps, not noise."""
    y, x = np.mgrid[0:height, 0:width]
    cx, cy = np.random.default_rng(seed).uniform(0.3, 0.7, 2) * (width, height)
    disc = ((x - cx) ** 2 + (y - cy) ** 2 < (min(width, height) / 4) ** 2)[..., None]
    image = np.where(disc, [230, 40, 40], np.stack([x * 255 / width, y * 255 / height, np.full_like(x, 90.0)], -1))
    Image.fromarray(image.astype(np.uint8)).save(path)
    return path


@pytest.fixture()
def sd_file(tmp_path):
    return fb.sd_vae_file(tmp_path / "vae-ft-mse.safetensors")


@pytest.fixture()
def reference(sd_file):
    rt = Runtime("cpu")
    rt.load(str(sd_file), lambda *_: None, SD_SCALE)
    return rt


def test_an_sd_vae_file_needs_its_scale_then_encodes_a_photo_at_its_own_size(tmp_path, sd_file, request, capsys):
    photo = picture(tmp_path / "beach.png", 200, 120, 0)
    assert run("encode", photo, "--vae", sd_file, "-o", tmp_path / "out") == 2  # an option missing
    err = capsys.readouterr().err
    assert "vae-ft-mse.safetensors" in err and "--latent-scale sd" in err and "Traceback" not in err
    reference = request.getfixturevalue("reference")  # converted now: before, the scale was known from the cache
    assert run("encode", photo, "--vae", sd_file, "--latent-scale", "sd", "--fit", "letterbox",
               "-o", tmp_path / "out") == 0
    assert ("genimg: note: --fit ignored: vae-ft-mse encodes each photo at its own size"  # not a silent no-op
            in capsys.readouterr().err)
    original, latent, recon = reference.encode(pixels(photo), "crop")
    with np.load(tmp_path / "out" / "beach.npz") as f:
        assert f["latent"].shape == (4, 60, 100) and np.array_equal(f["latent"], latent)
    assert np.array_equal(pixels(tmp_path / "out" / "beach_recon.png"), recon)
    assert run("decode", tmp_path / "out" / "beach.npz", "--vae", sd_file, "--latent-scale", "sd",
               "-o", tmp_path / "dec") == 0  # the (4, 60, 100) grid comes back in its shape
    assert np.array_equal(pixels(tmp_path / "dec" / "beach_decoded.png"), recon)
    assert run("info", sd_file, "--latent-scale", "sdxl") == 0  # another scale: another cached model
    assert "AutoencoderKL" in capsys.readouterr().out
    assert run("encode", photo, "--vae", sd_file, "--latent-scale", "-3", "-o", tmp_path / "out") == 2


def test_a_scale_one_photo_of_a_batch_is_too_large_for_fails_that_photo_alone(tmp_path, monkeypatch, capsys):
    """Photos keep their own size under TAESD or an SD VAE: --scale 8 fits one and not another, which stopped the
    whole batch as a usage error (exit 2)."""
    monkeypatch.setenv("GENIMG_MAX_SIDE", "1024")  # a photo 520 px wide stays so (the CPU's default edits at 512)
    taesd = fb.taesd_diffusers_file(tmp_path / "taesd.safetensors")
    wide, small = picture(tmp_path / "wide.png", 520, 96, 3), picture(tmp_path / "small.png", 96, 64, 4)
    out = tmp_path / "out"
    for command in (["encode"], ["edit", "--edit", "0=0.5"]):
        assert run(*command, wide, small, "--vae", taesd, "--scale", "8", "-o", out) == 1
        err = capsys.readouterr().err
        assert (f"genimg: error: {wide}: --scale 8 makes the 520×96 images 4160×768 px, larger than 4096 px a side: "
                "use at most 7") in err
        assert "genimg: 1 of 2 failed" in err
    assert sorted(p.name for p in out.iterdir()) == ["small.npz", "small_edited.png", "small_recon.png"]


def test_a_recipe_saved_on_one_photo_edits_another_of_another_size(tmp_path, sd_file, reference):
    a, b = picture(tmp_path / "a.png", 200, 120, 1), picture(tmp_path / "b.png", 96, 160, 2)
    out = tmp_path / "out"
    common = ("--vae", sd_file, "--latent-scale", "sd", "-o", out)
    assert run("edit", a, *common, "--edit", "0=2.5", "--save-recipe", tmp_path / "warm.json") == 0
    recipe = Recipe.load(tmp_path / "warm.json")
    assert recipe.latent_size == 4 and [s.value for s in recipe.steps] == [2.5]
    assert run("edit", b, *common, "--recipe", tmp_path / "warm.json") == 0

    directions = reference.models["vae"].directions
    _, base, recon = reference.encode(pixels(b), "crop")
    expected = reference.decode("vae", edited_latent(EditState(base, (2.5,)), directions))
    assert base.shape == (4, 80, 48) and np.array_equal(pixels(out / "b_edited.png"), expected)
    assert np.abs(expected.astype(int) - recon).mean() > 1  # the edit shows

    mask = np.zeros((10, 10), np.float32)
    mask[:, :5] = 1  # the left half, at any size
    masked = Recipe(recipe.model_name, "vae", 4, recipe.steps, mask)
    masked.save(tmp_path / "left.json")
    assert run("edit", b, *common, "--recipe", tmp_path / "left.json") == 0
    edited = reference.decode("vae", shift(base, [(2.5, s.sigma, s.vector) for s in recipe.steps]))
    assert np.array_equal(pixels(out / "b_edited.png"), blend(edited, recon, masked.mask_at((160, 96))))


def test_interpolate_morphs_photos_of_other_sizes_at_the_first_ones_size(tmp_path, sd_file, reference):
    a, b = picture(tmp_path / "a.png", 200, 120, 3), picture(tmp_path / "b.png", 96, 160, 4)
    webp = tmp_path / "morph.webp"  # lossless: frames come back bit for bit
    assert run("interpolate", a, b, "--vae", sd_file, "--latent-scale", "sd", "--frames", "4", "-o", webp,
               "--scale", "1") == 0
    assert count_frames(webp) == 4
    keys = common_grid([reference.encode(pixels(p), "crop")[1] for p in (a, b)])
    assert keys.shape == (2, 4, 60, 100)
    path = morph_path(keys, 4)
    assert path.shape == (4, 4, 60, 100)
    with Image.open(webp) as im:
        assert im.size == (200, 120)
        im.seek(2)
        frame = np.asarray(im.convert("RGB"))
    assert np.array_equal(frame, reference.decode("vae", path[2]))


@pytest.fixture()
def decodes(monkeypatch) -> list[int]:
    """One entry for each spatial latent decoded (spatial.decode, called through), the latent's grid height."""
    calls, decode = [], spatial.decode

    def counted(net, z, *args, **kwargs):
        calls.append(z.shape[-2])
        return decode(net, z, *args, **kwargs)

    monkeypatch.setattr(spatial, "decode", counted)
    return calls


def test_edit_and_interpolate_decode_a_photo_only_as_they_draw_it(tmp_path, sd_file, reference, decodes):
    """edit and interpolate encoded each photo with its reconstruction, decoded tile by tile and thrown away: an
    edited photo was decoded twice, each keyframe once for nothing. What they write is as it was: the reference is
    the old way, Runtime.encode with its reconstruction."""
    wide, other = picture(tmp_path / "wide.png", *WIDE, 5), picture(tmp_path / "other.png", *WIDE, 6)
    common, out, webp = ("--vae", sd_file, "--latent-scale", "sd"), tmp_path / "out", tmp_path / "m.webp"
    decodes.clear()
    assert run("edit", wide, *common, "--edit", "0=1.5", "--save-latents", "-o", out) == 0
    assert decodes == [20]  # the edited latent alone
    assert run("interpolate", wide, other, *common, "--frames", "3", "--scale", "1", "-o", webp) == 0
    assert decodes == [20] * 4  # and the morph's 3 frames alone

    _, base, recon = reference.encode(pixels(wide), "crop")
    assert recon is not None and base.shape == (4, 20, 128)
    latent = edited_latent(EditState(base, (1.5,)), reference.models["vae"].directions)
    assert np.array_equal(pixels(out / "wide_edited.png"), reference.decode("vae", latent))
    with np.load(out / "wide_edited.npz") as f:
        assert np.array_equal(f["latent"], latent) and np.array_equal(f["base"], base)
    path = morph_path(common_grid([base, reference.encode(pixels(other), "crop")[1]]), 3)
    with Image.open(webp) as im:
        for i, latent in enumerate(path):
            im.seek(i)
            assert np.array_equal(np.asarray(im.convert("RGB")), reference.decode("vae", latent)), i


def test_generate_draws_from_a_stylegan2_pickle_without_running_its_code(tmp_path, capsys):
    marker = tmp_path / "CODE_RAN"
    pkl = fb.stylegan_pickle(tmp_path / "ffhq-tiny.pkl", marker)
    out = tmp_path / "out"
    assert run("generate", "--gan", pkl, "--seeds", "3,5", "--psi", "0.5", "-o", out, "--save-latents",
               "--draw", "skip-mixtures") == 0
    # a converted StyleGAN2 draws each seed's own z: the way asked for is named as not taken, once, by the path given
    assert capsys.readouterr().err.count(f"genimg: note: --draw skip-mixtures ignored: {pkl} is a StyleGAN2, whose "
                                         "seeds genimg draws with their own z only") == 1
    reference = Runtime("cpu")
    reference.load(str(pkl), lambda *_: None)
    for seed in (3, 5):
        w = reference.map_seed(seed, 0.5)
        assert np.array_equal(pixels(out / f"seed{seed:04d}.png"), reference.decode("gan", w))
        with np.load(out / f"seed{seed:04d}.npz") as f:
            assert np.array_equal(f["latent"], w)
    assert not marker.exists()


def test_generate_draws_a_conditional_stylegan2_pickle_in_the_class_asked_for(tmp_path, capsys):
    """A pickle of a StyleGAN2-ADA generator trained with labels was refused; its classes, which it does not name,
    are offered as "class 0" … by name or index, and --class draws each, at --psi 0 its own average picture."""
    marker = tmp_path / "CODE_RAN"
    pkl = fb.conditional_stylegan_pickle(tmp_path / "cond.pkl", marker, c_dim=3)
    assert run("info", pkl) == 0
    assert "classes        3, --class takes a name or an index: class 0, class 1 and class 2" in capsys.readouterr().out
    reference = Runtime("cpu")
    reference.load(str(pkl), lambda *_: None)
    drawn = {}
    for asked, index in (("class 0", 0), ("1", 1), ("Class 2", 2)):
        out = tmp_path / f"out{index}"
        assert run("generate", "--gan", pkl, "--seeds", "3", "--psi", "0.8", "--class", asked, "-o", out) == 0
        drawn[index] = pixels(out / "seed0003.png")
        assert np.array_equal(drawn[index], reference.decode("gan", reference.map_seed(3, 0.8, index)))
    assert not np.array_equal(drawn[0], drawn[1]) and not np.array_equal(drawn[1], drawn[2])
    averages = []  # at ψ 0 each class's own average picture: all three were the pickle's one w_avg's
    for index in range(3):
        out = tmp_path / f"average{index}"
        assert run("generate", "--gan", pkl, "--seeds", "3", "--psi", "0", "--class", str(index), "-o", out) == 0
        averages.append(pixels(out / "seed0003.png"))
        assert np.array_equal(averages[-1], reference.decode("gan", reference.map_seed(3, 0.0, index)))
    assert all(not np.array_equal(averages[i], averages[j]) for i, j in ((0, 1), (0, 2), (1, 2)))
    assert run("generate", "--gan", pkl, "--seeds", "3", "--class", "3", "-o", tmp_path / "none") == 2
    assert "cond has no class '3'; its classes are: class 0, class 1 and class 2" in capsys.readouterr().err
    assert not marker.exists()


def test_latent_scale_names_are_the_models_scales():
    from genimg_gui.cli_args import latent_scale
    from genimg_gui.models.foreign import SD_SCALES
    from genimg_gui.models.sd_vae import SD_SCALE as MODEL_SD_SCALE, SDXL_SCALE

    assert (latent_scale("sd"), latent_scale("SDXL"), latent_scale("0.2")) == (*SD_SCALES.values(), 0.2)
    assert SD_SCALES == {"SD 1.x / 2.x": MODEL_SD_SCALE, "SDXL": SDXL_SCALE}  # wording's labels, without torch


def test_a_file_genimg_refuses_is_said_shortly_what_it_is_then_what_genimg_opens(tmp_path, monkeypatch, capsys):
    """They read "plain.pkl looks like a pickle without a StyleGAN G_ema network (it holds: G_ema), which is not
    supported. genimg opens: …" in some 500 characters, the list of what opens as long as the rest."""
    import pickle

    import torch

    marker = tmp_path / "CODE_RAN"
    torch.save({"G_ema": torch.nn.Linear(2, 2).state_dict()}, tmp_path / "plain.pkl")  # weights, not a network
    (tmp_path / "text.safetensors").write_text("hello there\n")
    fb.malicious_pickle(tmp_path / "evil.pkl", marker)
    (tmp_path / "other.pkl").write_bytes(pickle.dumps({"D": 1, "G": 2}))
    said = {"plain.pkl": "plain.pkl is a pickle whose G_ema is a dict of 2 tensors, not a StyleGAN network.",
            "text.safetensors": "text.safetensors is a text file, not a safetensors file.",
            "evil.pkl": "evil.pkl is a pickle that would call builtins.exec, which no network pickle needs: "
                        "nothing was read from it, as unpickling it could run code.",
            "other.pkl": "other.pkl is a pickle without a G_ema network (it holds: D, G)."}
    monkeypatch.chdir(tmp_path)  # each file named as typed: here its name alone
    for name, first in said.items():
        assert run("info", name) == 1
        err = capsys.readouterr().err.strip()
        assert err.startswith(f"genimg: error: {first} genimg opens its own model folders"), err
        assert err.count("genimg opens") == 1 and "not supported" not in err and len(err) < 330, err
        assert str(tmp_path) not in err  # the file's name once, not its path inside the reason
    assert not marker.exists()


def test_a_diffusers_folder_opens_with_the_scale_of_its_config(tmp_path, capsys):
    """--vae sdxl-vae-fp16-fix/ was "not a genimg model folder: it has no card.json"; its weights file asked for
    --latent-scale though config.json beside it records SDXL's."""
    folder = tmp_path / "sdxl-vae-fp16-fix"
    folder.mkdir()
    weights = fb.sd_vae_file(folder / "diffusion_pytorch_model.safetensors", "diffusers")
    (folder / "config.json").write_text('{"_class_name": "AutoencoderKL", "scaling_factor": 0.13025}')
    photo = picture(tmp_path / "beach.png", 64, 48, 0)
    for model in (folder, weights):
        assert run("encode", photo, "--vae", model, "-o", tmp_path / "out") == 0
        err = capsys.readouterr().err
        assert f"genimg: note: {model.name}: latent scale 0.13025 (SDXL, from config.json)" in err, err
    assert run("info", folder) == 0
    assert capsys.readouterr().out.startswith("sdxl-vae-fp16-fix  (")


def test_a_file_converted_before_needs_no_latent_scale_again(tmp_path, sd_file, capsys):
    """Without --latent-scale the CLI exited 2 even with the conversion cached, and `genimg info` refused too; the
    conversion said the file's name twice ("vae-ft-mse.safetensors: converting vae-ft-mse.safetensors: …")."""
    photo = picture(tmp_path / "beach.png", 64, 48, 0)
    assert run("encode", photo, "--vae", sd_file, "--latent-scale", "sdxl", "-o", tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert "converting vae-ft-mse.safetensors: a Stable Diffusion VAE" in err and err.count("vae-ft-mse.safe") == 2
    for command in (["encode", photo, "--vae", sd_file, "-o", tmp_path / "out"], ["info", sd_file]):
        assert run(*command) == 0
        said = capsys.readouterr()
        assert ("genimg: note: vae-ft-mse.safetensors: latent scale 0.13025 (SDXL), as given when it was last "
                "converted; --latent-scale for another") in said.err
    assert run("info", sd_file, "--latent-scale", "sd") == 0  # another scale, asked for: another conversion
    assert capsys.readouterr().out.splitlines()[0] != said.out.splitlines()[0]


def test_a_photo_edited_smaller_than_it_is_is_said_as_the_window_says_it(tmp_path, monkeypatch, capsys):
    """A 4000×3000 photo came out at 512×384 without a word; the window logs it."""
    monkeypatch.setenv("GENIMG_MAX_SIDE", "64")
    taesd = fb.taesd_diffusers_file(tmp_path / "taesd.safetensors")
    photo = picture(tmp_path / "big_photo.png", 200, 150, 5)
    assert run("edit", photo, "--vae", taesd, "--edit", "0=1", "-o", tmp_path / "out") == 0
    assert (f"genimg: note: {photo} is 200×150: edited at 64×48 (at most 64 px a side, GENIMG_MAX_SIDE)"
            in capsys.readouterr().err)
    assert pixels(tmp_path / "out" / "big_photo_edited.png").shape == (48, 64, 3)


def test_a_picture_given_as_a_model_says_where_pictures_go(tmp_path, model_dir, monkeypatch, capsys):
    """--vae good2.jpg said "good2.jpg is a JPEG image. genimg opens…", a folder of pictures "…is not a genimg model
    folder: it has no card.json": what it is, not where a picture goes instead."""
    (tmp_path / "pics").mkdir()
    photo = tmp_path / "pics" / "good2.png"
    picture(photo, 32, 32, 0)
    Image.open(photo).save(tmp_path / "good2.jpg")
    step = "Pictures are given as the IMAGE arguments of genimg encode, edit or interpolate, not as models."
    pics = tmp_path / "pics"
    monkeypatch.chdir(tmp_path)  # the picture named as typed, by info (its file of the batch) and by --vae alike
    for model, first in (("good2.jpg", "good2.jpg is a JPEG image. genimg opens"),
                         (pics, f"{pics} is not a genimg model folder: it has no card.json. ")):
        for args in (("info", model), ("encode", "--vae", model, photo, "-o", tmp_path / "out")):
            assert run(*args) == 1
            err = capsys.readouterr().err.strip()
            assert err.startswith(f"genimg: error: {first}") and err.endswith(step), err
    assert run("info", model_dir / "tiny-vae") == 0  # a model folder's samples are no pictures given as a model
    (tmp_path / "notes.pt").write_text("not weights\n")
    assert run("info", tmp_path / "notes.pt") == 1
    assert "Pictures are" not in capsys.readouterr().err


def test_a_recipe_of_an_sd_vae_refused_for_another_model_names_its_latent_and_file(tmp_path, sd_file, model_dir,
                                                                                    capsys):
    """It said "the recipe was made for a latent of 4 numbers (vae-ft-mse); this model's latent has 512: pass --vae
    with vae-ft-mse's folder": an SD latent is 4 × h × w, and its folder is genimg's cache, never made by the user.
    Then "… (vae-ft-mse); this model's latent has 512 numbers": "this model" unnamed; now both models are named."""
    photo = picture(tmp_path / "a.png", 64, 48, 1)
    assert run("edit", photo, "--vae", sd_file, "--latent-scale", "sd", "--edit", "0=2", "-o", tmp_path / "a",
               "--save-recipe", tmp_path / "sd.json") == 0
    capsys.readouterr()
    assert run("edit", photo, "--vae", model_dir / "tiny-vae", "--recipe", tmp_path / "sd.json",
               "-o", tmp_path / "b") == 1
    assert capsys.readouterr().err.splitlines()[-1] == (f"genimg: error: {tmp_path / 'sd.json'} was made with "
                                                        "vae-ft-mse, not tiny-vae: its edit moves along vae-ft-mse's "
                                                        "directions, which mean nothing in tiny-vae's latents: "
                                                        f"pass --vae {sd_file.resolve()}")

    assert run("edit", photo, "--vae", model_dir / "tiny-vae", "--edit", "0=1", "-o", tmp_path / "c",
               "--save-recipe", tmp_path / "tiny.json") == 0
    capsys.readouterr()
    assert run("edit", photo, "--vae", sd_file, "--recipe", tmp_path / "tiny.json", "-o", tmp_path / "d") == 1
    assert capsys.readouterr().err.splitlines()[-1] == (f"genimg: error: {tmp_path / 'tiny.json'} was made with "
                                                        "tiny-vae, not vae-ft-mse: its edit moves along tiny-vae's "
                                                        "directions, which mean nothing in vae-ft-mse's latents: "
                                                        f"pass --vae {(model_dir / 'tiny-vae').resolve()}")


def test_a_folder_of_a_taesd_pair_is_its_model_and_one_of_several_is_named(tmp_path, capsys):
    """--vae taesd/ (taesd_encoder.pth + taesd_decoder.pth, as downloaded) was "not a genimg model folder: it has
    no card.json"."""
    folder = tmp_path / "taesd"
    folder.mkdir()
    fb.taesd_pair(folder)
    photo = picture(tmp_path / "a.png", 64, 48, 1)
    assert run("encode", photo, "--vae", folder, "-o", tmp_path / "out") == 0
    assert (tmp_path / "out" / "a.npz").is_file()
    (folder / "taesd_decoder.pth").rename(folder / "taesdxl_decoder.pth")
    assert run("encode", photo, "--vae", folder, "-o", tmp_path / "out2") == 1
    assert capsys.readouterr().err.splitlines()[-1] == (f"genimg: error: {folder} holds taesd_encoder.pth without "
                                                        "taesd_decoder.pth beside it: a TAESD needs both its "
                                                        "encoder and its decoder")
