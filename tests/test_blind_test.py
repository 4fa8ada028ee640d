"""benchmarks/blind_test.py: the grid hides the answer, the score counts picks against it, and each
--first-seed gives the person new samples to judge."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from genimg_gui.models.gan import Discriminator, seed_class, seed_z
from genimg_gui.models.weights import load_model
from genimg_gui.train.finetune import save_discriminator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import blind_test  # noqa: E402

from genimg_gui.seed_draws import OWN, REFINE, SKIP_MIXTURES  # noqa: E402

from conftest import labelled_squares  # noqa: E402

N = 4  # samples, and as many real images: emoji-gan's recorded split holds out a tenth of 40


def _make(data: Path, out: Path, first_seed: int, scale: int = blind_test.SCALE,
          real_of: Path | None = None, alone: str | None = None) -> tuple[np.ndarray, dict]:
    args = argparse.Namespace(data=data, out=out, gan=ROOT / "weights" / "emoji-gan", psi=0.7, n=N, seed=0,
                              first_seed=first_seed, scale=scale, judge=None, best_of=1, draw=OWN, real_of=real_of,
                              alone=alone)
    blind_test.make(args)
    return np.asarray(Image.open(out / "grid.png")), json.loads((out / "key.json").read_text())


def _score(out: Path, picked: list[int], capsys) -> str:
    capsys.readouterr()
    blind_test.score(argparse.Namespace(dir=out, picked=",".join(map(str, picked))))
    return capsys.readouterr().out


def _tiles(grid: np.ndarray, numbers: list[int]) -> list[np.ndarray]:
    """The numbered tiles of a grid, 8 to a row."""
    tile = 64 * blind_test.SCALE
    cols = grid.shape[1] // tile
    return [grid[(k - 1) // cols * tile:((k - 1) // cols + 1) * tile,
                 (k - 1) % cols * tile:((k - 1) % cols + 1) * tile] for k in numbers]


def test_the_score_counts_picks_against_the_hidden_key(tmp_path, capsys):
    grid, key = _make(labelled_squares(tmp_path / "data", ["any"] * 40), tmp_path / "a", 5000)
    generated = key["generated"]
    assert len(set(generated)) == N and set(generated) <= set(range(1, 2 * N + 1))
    assert grid.shape == (64 * blind_test.SCALE, 2 * N * 64 * blind_test.SCALE, 3)  # 2N tiles, 8 to a row
    reals = sorted(set(range(1, 2 * N + 1)) - set(generated))
    assert "0 of 4 samples passed for real emoji" in _score(tmp_path / "a", generated, capsys)
    out = _score(tmp_path / "a", [generated[0], reals[0]], capsys)  # one caught, one real emoji taken
    assert "3 of 4 samples passed" in out and "1 of 4 real emoji were taken" in out and "accuracy 50%" in out
    assert "seeds 5000-5003" in out and "tiles at 2x" in out


def test_a_larger_scale_enlarges_every_tile_and_the_score_says_so(tmp_path, capsys):
    data = labelled_squares(tmp_path / "data", ["any"] * 40)
    small, key = _make(data, tmp_path / "a", 5000)
    large, large_key = _make(data, tmp_path / "b", 5000, scale=4)
    assert large.shape == (64 * 4, 2 * N * 64 * 4, 3) and large_key["generated"] == key["generated"]
    shrunk = np.asarray(Image.fromarray(large).resize(small.shape[1::-1], Image.Resampling.BOX), dtype=float)
    assert np.abs(shrunk - small).mean() < 12  # the same tiles, only larger (the numbers differ a little)
    assert "tiles at 4x" in _score(tmp_path / "b", key["generated"], capsys)


def test_another_first_seed_shows_other_samples_among_the_same_real_images(tmp_path):
    data = labelled_squares(tmp_path / "data", ["any"] * 40)
    first, key = _make(data, tmp_path / "a", 5000)
    again, _ = _make(data, tmp_path / "b", 5000)
    other, other_key = _make(data, tmp_path / "c", 9000)
    assert np.array_equal(first, again)  # a grid is rebuilt exactly from its seeds
    assert other_key["generated"] == key["generated"]  # --seed alone decides the shuffle
    reals = sorted(set(range(1, 2 * N + 1)) - set(key["generated"]))
    assert all(np.array_equal(a, b) for a, b in zip(_tiles(first, reals), _tiles(other, reals)))
    assert not any(np.array_equal(a, b) for a, b in zip(_tiles(first, key["generated"]),
                                                         _tiles(other, key["generated"])))


def test_alone_shows_only_the_samples_or_only_the_real_images_and_scores_the_tiles_kept(tmp_path, capsys):
    """The issue's own bar: a grid of samples alone, and the same grid of real images as the control."""
    data = labelled_squares(tmp_path / "data", ["any"] * 40)
    mixed, key = _make(data, tmp_path / "mixed", 5000)
    samples, samples_key = _make(data, tmp_path / "samples", 5000, alone="generated")
    real, real_key = _make(data, tmp_path / "real", 5000, alone="real")
    assert samples.shape == real.shape == mixed.shape  # one row of 8, of which N tiles are filled
    assert all(np.ptp(_tiles(grid, [N + 1])[0]) == 0 for grid in (samples, real))
    assert np.ptp(_tiles(mixed, [N + 1])[0]) > 0
    assert samples_key["generated"] == list(range(1, N + 1)) and real_key["generated"] == []
    assert samples_key["alone"] == "generated" and real_key["alone"] == "real" and "alone" not in key
    shown = sorted(_tiles(mixed, key["generated"]), key=lambda t: t.sum())
    alone = sorted(_tiles(samples, list(range(1, N + 1))), key=lambda t: t.sum())
    assert all(np.abs(a.astype(float) - b).mean() < 12 for a, b in zip(shown, alone))  # the same samples
    out = _score(tmp_path / "samples", [2], capsys)
    assert "samples at psi 0.7, seeds 5000-5003, alone: 3 of 4 tiles were taken for finished ones (75%)" in out
    assert "(the control), alone: 4 of 4 tiles" in _score(tmp_path / "real", [], capsys)


def test_the_key_holds_each_samples_class_and_the_score_counts_them_by_class(tmp_path, capsys):
    _, key = _make(labelled_squares(tmp_path / "data", ["any"] * 40), tmp_path / "a", 5000)
    gan, _ = load_model(ROOT / "weights" / "emoji-gan")
    drawn = sorted(gan.cfg.classes[int(seed_class(gan, seed))] for seed in range(5000, 5000 + N))
    assert sorted(key["classes"].values()) == drawn and sorted(map(int, key["classes"])) == key["generated"]
    caught = key["generated"][0]
    lines = [line.strip() for line in _score(tmp_path / "a", [caught], capsys).splitlines()[1:]]
    counts = {line.split(":")[0]: line.split(": ")[1] for line in lines}
    assert set(counts) == set(drawn)
    assert counts[key["classes"][str(caught)]].split(" of ")[1] == f"{drawn.count(key['classes'][str(caught)])} passed"
    assert sum(int(c.split(" of ")[0]) for c in counts.values()) == N - 1  # one caught


def test_real_of_shows_the_samples_beside_another_gans_held_out_images(tmp_path):
    """Two GANs that held out other images of one folder are judged beside the same real ones with --real-of."""
    data = labelled_squares(tmp_path / "data", ["any"] * 40)
    other = tmp_path / "other-gan"  # emoji-gan as if trained with another seed: another split
    shutil.copytree(ROOT / "weights" / "emoji-gan", other)
    card = json.loads((other / "card.json").read_text())
    card["training"]["options"]["seed"] = 7
    (other / "card.json").write_text(json.dumps(card))
    theirs = blind_test.held_out_images(data, other, N, 0)
    assert not np.array_equal(theirs, blind_test.held_out_images(data, ROOT / "weights" / "emoji-gan", N, 0))
    grid, key = _make(data, tmp_path / "beside", 5000, real_of=other)
    assert key["real_of"] == str(other) and key["gan"].endswith("emoji-gan")
    shown = _tiles(grid, sorted(set(range(1, 2 * N + 1)) - set(key["generated"])))
    shrunk = [np.asarray(Image.fromarray(t).resize((64, 64), Image.Resampling.BOX), dtype=float) for t in shown]
    for tile in shrunk:  # each real tile is one of the other GAN's held-out images (its number drawn on it)
        assert min(np.abs(tile - real).mean() for real in theirs) < 12


def test_a_judge_picks_the_draw_it_calls_most_real_and_one_draw_is_the_seed_itself(tmp_path):
    gan, _ = load_model(ROOT / "weights" / "emoji-gan")
    torch.manual_seed(0)
    judge = Discriminator(gan.cfg, in_channels=gan.cfg.vae.latent_channels)
    save_discriminator(tmp_path, judge)  # in half precision, as discriminator_space.py --save writes it
    judge = blind_test.read_judge(tmp_path, gan)
    with torch.inference_mode():
        assert torch.equal(blind_test.judged_z(gan, judge, 7, 1, 0.7), seed_z(7, gan.cfg.z_dim))
        picked = blind_test.judged_z(gan, judge, 7, 6, 0.7)
        stream = torch.Generator().manual_seed(7)
        draws = torch.cat([torch.randn(1, gan.cfg.z_dim, generator=stream) for _ in range(6)])
        assert torch.equal(draws[:1], seed_z(7, gan.cfg.z_dim))
        c = seed_class(gan, 7).repeat(6)
        realness = judge(gan.synthesize_latent(gan.map(draws, 0.7, c)), c)
    assert len(set(realness.tolist())) == 6  # distinct scores: the pick is not a tie
    assert torch.equal(picked, draws[int(realness.argmax())].unsqueeze(0))


def test_a_folder_without_a_judge_is_a_clear_error(tmp_path):
    gan, _ = load_model(ROOT / "weights" / "emoji-gan")
    with pytest.raises(SystemExit, match="holds no discriminator.safetensors"):
        blind_test.read_judge(tmp_path, gan)


def test_with_skip_mixtures_the_samples_are_the_apps_and_the_key_says_so(tmp_path):
    from genimg_gui.engine.runtime import Runtime

    gan_dir = ROOT / "weights" / "emoji-gan"
    rt = Runtime("cpu")
    rt.load(str(gan_dir), lambda *_: None)
    samples = blind_test.gan_samples(gan_dir, N, 0.7, 5000, draw=SKIP_MIXTURES)
    apps = [rt.decode("gan", rt.map_seed(s, 0.7, None, SKIP_MIXTURES)) for s in range(5000, 5000 + N)]
    assert all(np.array_equal(a, b) for a, b in zip(samples, apps))
    plain = blind_test.gan_samples(gan_dir, N, 0.7, 5000, draw=OWN)
    assert any(not np.array_equal(a, b) for a, b in zip(samples, plain))  # some seeds' own z sat on a seam
    args = argparse.Namespace(real_of=None, alone=None, data=labelled_squares(tmp_path / "data", ["any"] * 40),
                              out=tmp_path / "a",
                              gan=gan_dir, psi=0.7, n=N, seed=0, first_seed=5000, scale=2, judge=None, best_of=1,
                              draw=SKIP_MIXTURES)
    blind_test.make(args)
    assert json.loads((tmp_path / "a" / "key.json").read_text())["draw"] == SKIP_MIXTURES


def test_with_refine_the_samples_are_the_apps_refined_ones(tmp_path):
    from genimg_gui.engine.runtime import Runtime

    gan_dir = ROOT / "weights" / "emoji-faces-gan"
    rt = Runtime("cpu")
    rt.load(str(gan_dir), lambda *_: None)
    samples = blind_test.gan_samples(gan_dir, 2, 0.7, 5000, draw=REFINE)
    apps = [rt.decode("gan", rt.map_seed(s, 0.7, draw=REFINE)) for s in (5000, 5001)]
    assert all(np.array_equal(a, b) for a, b in zip(samples, apps))
    plain = blind_test.gan_samples(gan_dir, 2, 0.7, 5000, draw=OWN)
    assert all(not np.array_equal(a, b) for a, b in zip(samples, plain))
