"""The held-out images a `genimg train` run measures its model on: the figures logged as it goes, in its
card and final line, the measures themselves, and what it says when it has none to give."""
from __future__ import annotations

import json

import pytest
import torch

from genimg_gui.catalog import metrics_text, read_entry
from genimg_gui.cli import main
from genimg_gui.models.tensors import as_pixels
from genimg_gui.models.weights import load_model
from genimg_gui.train.data import load_folder, recorded_split, split_holdout
from genimg_gui.train.labels import with_labels
from genimg_gui.train.latent_gan_recipe import MIN_HELD_OUT
from genimg_gui.train.metrics import (class_variety, mean_distance, nearest_label_agreement, precision_recall,
                                     reconstruction_figures)
from genimg_gui.train.run_log import held_out_lines, held_out_short

from train_helpers import TINY, make_shapes, strict_json, train
from train_helpers import data_dir, measured_dir, restore_threads  # noqa: F401 - fixtures, found by name


def test_held_out_figures_are_logged_as_training_goes_and_kept_across_resume(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2, "--sample-every", "1") == 0
    assert "held-out at step 2 (" in capsys.readouterr().err
    assert train("vae", data_dir, out, 3, "--sample-every", "1", "--resume") == 0
    log, metrics = capsys.readouterr().err, strict_json(out / "metrics.json")
    assert "held-out at step 3 (" in log and "held-out at step 1 " not in log  # not re-run after resume
    history = metrics["history"]
    assert [h["step"] for h in history] == [1, 2, 3]
    assert [h["minutes"] for h in history] == sorted(h["minutes"] for h in history)
    assert history[-1]["held_out_psnr_db"] == metrics["held_out_psnr_db"]  # the same network as the final figure
    assert all(0 < h["held_out_ssim"] <= 1 for h in history)


def test_recorded_split_rebuilds_the_held_out_images_a_run_measured(data_dir, tmp_path):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2) == 0
    vae, card = load_model(out)
    data = load_folder(data_dir, card["resolution"])
    _, held = recorded_split(data, card)
    assert len(held) == card["training"]["held_out"] > 0
    images = as_pixels(data.images[held].permute(0, 3, 1, 2))
    with torch.no_grad():
        figures = reconstruction_figures(vae.decode(vae.encode(images)[0]), images)
    logged = strict_json(out / "metrics.json")  # what the run measured on its own held-out split
    assert figures["held_out_psnr_db"] == pytest.approx(logged["held_out_psnr_db"], abs=0.011)
    assert figures["held_out_ssim"] == pytest.approx(logged["held_out_ssim"], abs=1e-4)


def test_the_history_ends_with_the_figures_of_the_model_written(data_dir, tmp_path):
    """A run stopped at step 1214 with --sample-every 500 had a history of [500, 1000], its figures those of 1214."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 3, "--sample-every", "2") == 0
    metrics = strict_json(out / "metrics.json")
    assert [h["step"] for h in metrics["history"]] == [2, 3]
    assert metrics["history"][-1]["held_out_psnr_db"] == metrics["held_out_psnr_db"]
    assert train("vae", data_dir, out, 4, "--sample-every", "2", "--resume") == 0
    # step 3, the first run's model, stays in the curve; step 4 is in it once, though evaluated and written
    assert [h["step"] for h in strict_json(out / "metrics.json")["history"]] == [2, 3, 4]


def test_a_few_images_train_without_held_out_metrics(tmp_path, capsys):
    data = make_shapes(tmp_path / "few", 5)
    assert train("vae", data, tmp_path / "vae", 1) == 0
    # not "(--holdout 8 is more than a tenth)": with under ten images none can be spared whatever --holdout says
    assert "held out: 0 images for the figures (fewer than 10 images: none held out)" in capsys.readouterr().err
    assert strict_json(tmp_path / "vae" / "metrics.json") == {"held_out_images": 0}


def test_the_held_out_line_names_holdout_only_when_it_is_not_the_default(tmp_path, capsys):
    """"(--holdout 512 is more than a tenth)" named an option the user never typed."""
    data = make_shapes(tmp_path / "data", 12)
    assert main(["train", "vae", str(data), "-o", str(tmp_path / "vae"), "--steps", "1", "--batch-size", "8",
                 "--resolution", "32", "--threads", "1", *TINY["vae"]]) == 0
    captured = capsys.readouterr()
    assert "held out: 1 image for the figures (at most a tenth of 12 images)" in captured.err
    assert "--holdout" not in captured.err
    assert f"wrote {tmp_path / 'vae'} after 1 step: " in captured.out  # not "1 steps"
    assert main(["info", str(tmp_path / "vae")]) == 0
    assert "training       1 step of 8 images, " in capsys.readouterr().out  # nor there
    assert held_out_short(12, 8, typed=True) == "--holdout 8 is more than a tenth of 12 images"


@pytest.mark.parametrize("holdout, line", [
    (["--holdout", "2"], "held out: 2 images for the figures (--holdout 2)"),  # was no line at all
    ([], "held out: 3 images for the figures (at most a tenth of 30 images)"),
    (["--holdout", "0"], "held out: none (--holdout 0): this run reports no held-out figures"),
])
def test_the_held_out_line_is_always_said_and_names_a_typed_holdout(holdout, line, tmp_path, capsys):
    data = make_shapes(tmp_path / "data", 30)
    assert main(["train", "vae", str(data), "-o", str(tmp_path / "vae"), "--steps", "1", "--batch-size", "8",
                 "--resolution", "32", "--threads", "1", *TINY["vae"], *holdout]) == 0
    assert line in capsys.readouterr().err
    assert held_out_lines(5000, 512, 512, False, "", False) == ["held out: 512 images for the figures"]
    assert held_out_lines(45, 2, 2, True, "too few for precision/recall, which need 4 or more", False) == [
        "held out: 2 images (--holdout 2), too few for precision/recall, which need 4 or more: this run reports "
        "no held-out figures"]


def test_a_pixel_gan_logs_its_sample_grids_but_no_held_out_figures(data_dir, tmp_path, capsys):
    assert train("gan", data_dir, tmp_path / "gan", 2, "--sample-every", "1") == 0
    log = capsys.readouterr().err
    assert "held-out at" not in log  # it has no feature space to measure in
    # said at the start, as a latent GAN says why its held-out images give no figures; data_dir: 40 usable images
    assert ("held out: 4 images (--holdout 8 is more than a tenth of 40 images), not measured while a GAN draws in "
            "pixels (no feature space to compare its samples with them in; benchmarks/discriminator_accuracy.py "
            "judges them with its discriminator): this run reports no held-out figures") in log.split("step 1/")[0]
    assert f"sample grid at step 2: {tmp_path / 'gan' / 'samples.png'}" in log  # where the Train… dialog looks
    assert "history" not in strict_json(tmp_path / "gan" / "metrics.json")


def test_a_pixel_gan_card_says_why_it_has_no_held_out_figures(data_dir, tmp_path):
    assert train("gan", data_dir, tmp_path / "gan", 1) == 0
    figures, how = metrics_text(read_entry(tmp_path / "gan").card["metrics"])
    assert figures.startswith("Held-out figures: not measured (a GAN drawing in pixels") and how == ""


def test_a_latent_gan_card_and_final_line_carry_its_held_out_figures_and_how_they_were_measured(
        measured_dir, model_dir, tmp_path, capsys):
    out = tmp_path / "latent-gan"
    assert main(["train", "gan", str(measured_dir), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "2", "--batch-size", "8", "--holdout", str(MIN_HELD_OUT), "--resolution", "32",
                 "--threads", "1", "--sample-every", "2", "--set", "channels=[16,8,8]", "--set", "z_dim=16",
                 "--set", "w_dim=16"]) == 0
    final = [line for line in capsys.readouterr().out.splitlines() if line.startswith("wrote ")][-1]
    card = read_entry(out).card
    metrics = strict_json(out / "metrics.json")
    last = metrics["history"][-1]  # step 2, the model written: the same figures
    for key in ("held_out_precision_k3", "held_out_recall_k3"):
        assert card["metrics"][key] == metrics[key] == last[key]
        assert f"{key}={last[key]}" in final
    assert card["metrics"]["held_out_images"] == MIN_HELD_OUT
    assert "benchmarks/" not in final and "note" not in card["metrics"]
    assert "how=" not in final and len(final) < len(f"wrote {out} after 2 steps: ") + 100  # figures only
    assert card["metrics"]["how"] == metrics["how"]
    assert card["metrics"]["how"].endswith("recall is the share of held-out images inside some sample's k-NN radius.")
    figures, how = metrics_text(card["metrics"])  # what the Models tab and `genimg info` show
    assert f"Held-out precision: {last['held_out_precision_k3']}" in figures.splitlines()
    assert "nearest-neighbour precision/recall" in how and "tiny-vae" in how
    assert f"{MIN_HELD_OUT} held-out images" in how
    assert main(["info", str(out)]) == 0
    info = capsys.readouterr().out
    assert "Held-out recall: " in info and "metrics   –" not in info


@pytest.mark.parametrize("every", [2, 3], ids=["evaluated at the last step", "not evaluated at it"])
def test_a_latent_gan_evaluates_the_model_it_writes_once(every, measured_dir, model_dir, tmp_path, monkeypatch):
    """The export took the figures of the step written afresh (512 samples through the generator and encoder)
    though the run had just logged them; it measures only a step the run did not evaluate."""
    from genimg_gui.train.latent_gan_recipe import LatentGANRecipe
    evaluated = []
    evaluate = LatentGANRecipe.evaluate
    monkeypatch.setattr(LatentGANRecipe, "evaluate", lambda self, held: evaluated.append(1) or evaluate(self, held))
    out = tmp_path / "latent-gan"
    assert main(["train", "gan", str(measured_dir), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "2", "--batch-size", "8", "--holdout", str(MIN_HELD_OUT), "--resolution", "32",
                 "--threads", "1", "--sample-every", str(every), "--set", "channels=[16,8,8]",
                 "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    assert len(evaluated) == 1
    assert "held_out_precision_k3" in read_entry(out).card["metrics"]


def test_a_latent_gan_with_too_few_held_out_images_skips_its_figures(data_dir, model_dir, tmp_path):
    out = tmp_path / "latent-gan"
    assert main(["train", "gan", str(data_dir), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "1", "--batch-size", "8", "--holdout", "3", "--resolution", "32", "--threads", "1",
                 "--sample-every", "1", "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    assert "history" not in strict_json(out / "metrics.json")  # figures of 3 images would be noise


def test_a_latent_gan_says_at_the_start_and_in_its_card_why_its_held_out_images_give_no_figures(
        model_dir, tmp_path, capsys):
    """A folder of 38 images holds out 3 (--holdout 3: the default would train on them): the run said nothing of
    it, and metrics.json held only their count."""
    data = make_shapes(tmp_path / "data", 38)
    out = tmp_path / "latent-gan"
    assert main(["train", "gan", str(data), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"),
                 "--steps", "1", "--batch-size", "8", "--resolution", "32", "--threads", "1", "--keep-best",
                 "--holdout", "3", "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    err = capsys.readouterr().err
    before_training = err.split("step 1/")[0]
    assert ("held out: 3 images (--holdout 3), too few for precision/recall to mean anything "
            f"(they need {MIN_HELD_OUT} or more): this run reports no held-out figures") in before_training
    assert err.count("too few for precision/recall") == 1
    assert "--keep-best: with no held-out figures there is nothing to rank" in before_training
    why = ("not measured: 3 held-out images, too few for precision/recall to mean anything "
           f"(they need {MIN_HELD_OUT} or more)")
    assert strict_json(out / "metrics.json") == {"held_out_images": 3, "held_out": why}
    assert read_entry(out).card["metrics"]["held_out"] == why


def test_precision_and_recall_tell_a_collapsed_generator_from_a_faithful_one():
    real = torch.randn(200, 8, generator=torch.Generator().manual_seed(0))
    assert precision_recall(real, real.clone()) == (1.0, 1.0)
    collapsed = real[:1].repeat(200, 1) + 1e-3 * torch.randn(200, 8)  # every sample is one training image
    precision, recall = precision_recall(real, collapsed)
    assert precision == 1.0 and recall < 0.05
    assert precision_recall(real, real + 100.0) == (0.0, 0.0)  # nowhere near the data


def test_nearest_label_agreement_scores_each_class_by_where_its_samples_land():
    gen = torch.Generator().manual_seed(0)
    centres = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    ref_labels = torch.arange(3).repeat_interleave(50)
    ref = centres[ref_labels] + torch.randn(150, 2, generator=gen)
    # class 0 drawn where class 0 lives; class 1 drawn where class 2 lives; half of class 2's in each
    query = torch.cat([centres[[0] * 20], centres[[2] * 20], centres[[2] * 10 + [1] * 10]]) + 0.1
    query_labels = torch.tensor([0] * 20 + [1] * 20 + [2] * 20)
    assert nearest_label_agreement(ref, ref_labels, query, query_labels, 3) == [1.0, 0.0, 0.5]
    fourth = nearest_label_agreement(ref, ref_labels, query, query_labels, 4)[3]
    assert fourth != fourth  # nan: no samples of that class to judge


def test_class_variety_is_near_one_for_a_class_like_its_data_and_near_zero_for_one_image():
    gen = torch.Generator().manual_seed(0)
    ref_labels = torch.arange(2).repeat_interleave(200)
    ref = torch.randn(400, 8, generator=gen) * torch.tensor([1.0, 3.0]).repeat_interleave(200)[:, None]
    like_data = torch.randn(100, 8, generator=gen)  # class 0: spread as its data
    one_image = torch.full((100, 8), 2.0) + 0.01 * torch.randn(100, 8, generator=gen)  # class 1: collapsed
    variety = class_variety(torch.cat([like_data, one_image]), ref_labels[::2], ref, ref_labels, 2)
    assert variety[0] == pytest.approx(1.0, abs=0.1) and variety[1] < 0.01
    assert mean_distance(torch.zeros(1, 8)) != mean_distance(torch.zeros(1, 8))  # nan: no pair to measure


def labelled_gan(data, model_dir, out, *extra: str) -> int:
    """A tiny latent GAN of --labels folders, 2 steps (--holdout 2 typed at the start: the default would hold out
    none, too few to measure)."""
    return main(["train", "gan", str(data), "-o", str(out), "--latent-of", str(model_dir / "tiny-vae"), "--steps", "2",
                 "--batch-size", "8", "--threads", "1", "--labels", "folders", "--set", "channels=[16,8,8]",
                 "--set", "z_dim=16", "--set", "w_dim=16", *extra])


def test_a_small_labelled_folder_holds_out_each_class_s_share_and_says_holdout_0_would_train_on_them(
        model_dir, tmp_path, capsys):
    """20 images of 2 classes held out 2, both of one class ("classes: blue 8, red 10"), gave no figures, and the log
    said nothing of training on them."""
    data = tmp_path / "lab"
    for colour in ("blue", "red"):
        make_shapes(data / colour, 10)
    out = tmp_path / "lgan"
    assert labelled_gan(data, model_dir, out, "--holdout", "2") == 0
    err = capsys.readouterr().err.split("step 1/")[0]
    assert ("held out: 2 images (--holdout 2), too few for precision/recall to mean anything (they "
            f"need {MIN_HELD_OUT} or more): this run reports no held-out figures; --holdout 0 would train on them "
            "too\n") in err, err
    assert "classes: blue 9, red 9 (training images; 2 more held out)" in err
    options = read_entry(out).card["training"]["options"]
    assert options["extra"]["split"] == "by class" and options["extra"]["class_counts"] == [9, 9]
    # a run begun before the split by class goes on with the split it began with: its held-out images stay unseen
    card = strict_json(out / "card.json")
    del card["training"]["options"]["extra"]["split"]
    (out / "card.json").write_text(json.dumps(card))
    assert labelled_gan(data, model_dir, out, "--resume", "--steps", "3") == 0
    labelled, _ = with_labels(load_folder(data, 32), "folders")
    train_idx, _ = split_holdout(len(labelled), 2, 0)  # at random, as it was
    at_random = torch.bincount(labelled.labels[train_idx], minlength=2).tolist()
    assert strict_json(out / "card.json")["training"]["options"]["extra"]["class_counts"] == at_random
    assert "split" not in strict_json(out / "card.json")["training"]["options"]["extra"]


def test_holdout_0_is_not_offered_where_the_held_out_images_serve_a_benchmark_or_keep_best(data_dir, model_dir,
                                                                                          tmp_path, capsys):
    assert train("gan", data_dir, tmp_path / "gan", 1) == 0  # a pixel GAN's: benchmarks/discriminator_accuracy.py
    assert "--holdout 0" not in capsys.readouterr().err
    assert main(["train", "gan", str(data_dir), "-o", str(tmp_path / "kept"), "--latent-of",
                 str(model_dir / "tiny-vae"), "--steps", "1", "--batch-size", "8", "--threads", "1", "--keep-best",
                 "--set", "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16"]) == 0
    err = capsys.readouterr().err
    assert "too few for precision/recall" in err and "--holdout 0" not in err  # --keep-best needs them


def test_a_default_holdout_that_would_give_no_figures_trains_on_them_and_a_typed_one_is_kept(model_dir, tmp_path,
                                                                                             capsys):
    """A latent GAN of a folder of 30 held out 3 images and used them for nothing ("this run reports no held-out
    figures; --holdout 0 would train on them too"): given no --holdout it now trains on all 30. A --holdout typed is
    kept, with its note; a VAE (measured on 1) still holds its out, and so does a pixel GAN given --holdout."""
    data = make_shapes(tmp_path / "data", 30)

    def latent_gan(out: str, *extra: str) -> str:
        assert main(["train", "gan", str(data), "-o", str(tmp_path / out), "--latent-of", str(model_dir / "tiny-vae"),
                     "--steps", "1", "--batch-size", "8", "--resolution", "32", "--threads", "1", "--set",
                     "channels=[16,8,8]", "--set", "z_dim=16", "--set", "w_dim=16", *extra]) == 0
        return capsys.readouterr().err.split("step 1/")[0]

    said = latent_gan("spared")
    assert ("held out: none: the 3 images the default --holdout would hold out (a tenth of 30 images) are too few for "
            f"precision/recall to mean anything (they need {MIN_HELD_OUT} or more), so this run trains on them too and "
            "reports no held-out figures\n") in said
    assert "--holdout 0" not in said
    training = read_entry(tmp_path / "spared").card["training"]
    assert training["held_out"] == 0 and training["options"]["holdout"] == 0  # a --resume and recorded_split follow
    assert latent_gan("spared", "--resume", "--steps", "2") is not None  # goes on without a refusal
    assert read_entry(tmp_path / "spared").card["training"]["held_out"] == 0

    said = latent_gan("asked", "--holdout", "3")
    assert "held out: 3 images (--holdout 3), too few for precision/recall" in said and said.rstrip().endswith(
        "; --holdout 0 would train on them too")
    assert read_entry(tmp_path / "asked").card["training"]["held_out"] == 3
    for kind in ("vae", "gan"):
        assert train(kind, data, tmp_path / kind, 1) == 0
        assert read_entry(tmp_path / kind).card["training"]["held_out"] == 3


def test_a_pixel_gan_given_no_holdout_trains_on_images_too_few_for_its_discriminator_benchmark(tmp_path, capsys):
    """A pixel GAN of a folder of 30 held out 3 images for benchmarks/discriminator_accuracy.py, whose accuracy on 3
    means nothing, while a latent GAN of the same folder trained on them (holdout.spared_by_default); a folder that
    gives MIN_HELD_OUT still holds them out for it."""
    def pixel_gan(images: int) -> tuple[str, dict]:
        data, out = make_shapes(tmp_path / f"data{images}", images), tmp_path / f"gan{images}"
        assert main(["train", "gan", str(data), "-o", str(out), "--steps", "1", "--batch-size", "8", "--resolution",
                     "32", "--threads", "1", *TINY["gan"]]) == 0
        return capsys.readouterr().err.split("step 1/")[0], read_entry(out).card["training"]

    said, training = pixel_gan(30)
    assert ("held out: none: the 3 images the default --holdout would hold out (a tenth of 30 images) are too few for "
            "benchmarks/discriminator_accuracy.py's accuracy to mean anything (it needs "
            f"{MIN_HELD_OUT} or more), so this run trains on them too and reports no held-out figures\n") in said
    assert training["held_out"] == 0 and training["options"]["holdout"] == 0  # recorded_split holds none out either
    said, training = pixel_gan(10 * MIN_HELD_OUT)
    assert f"held out: {MIN_HELD_OUT} images" in said and training["held_out"] == MIN_HELD_OUT
