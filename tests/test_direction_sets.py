"""Direction sets in the editing core: operations return new sets, an orthogonalised direction leaves the others
fixed, user direction files round trip, and the bundled models' named directions."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from genimg_gui.edit import AmbiguousDirection, Directions, EditState, edited_latent
from genimg_gui.typicality import prior_distance
from genimg_gui.user_directions import (DirectionsFileError, load_user_directions, remade_from, row_key,
                                        save_user_directions, saved_rows, to_remake, user_directions_file,
                                        user_examples)


def directions() -> Directions:
    basis = np.eye(4, dtype=np.float32)[:2]
    return Directions(np.zeros(4, np.float32), basis, np.array([2.0, 1.0], np.float32),
                      np.array([0.5, 0.2], np.float32), ("PC1 (50.0%)", "PC2 (20.0%)"))


def test_direction_set_operations_return_new_sets():
    d = directions()
    added = d.with_direction(np.array([0, 0, 3.0, 4.0]), 0.5, "smile")
    assert len(added) == 3 and len(d) == 2
    np.testing.assert_allclose(added.basis[2], [0, 0, 0.6, 0.8], rtol=1e-6)
    assert added.explained[2] == 0 and added.sigma[2] == 0.5 and added.index_of("smile") == 2
    assert added.index_of("pc2") == 1 and added.index_of("PC1 (50.0%)") == 0
    renamed = added.renamed(2, "grin")
    assert renamed.labels[2] == "grin" and added.labels[2] == "smile"
    dropped = renamed.without(0)
    assert dropped.labels == ("PC2 (20.0%)", "grin") and dropped.basis.shape == (2, 4)
    np.testing.assert_array_equal(dropped.sigma, [1.0, 0.5])
    both = d.appended(dropped.subset([1]))
    assert both.labels[-1] == "grin" and len(both) == 3
    with pytest.raises(ValueError):
        d.index_of("nothing")
    topics = added.renamed(0, "mood: sad → glad").renamed(1, "mood: calm → angry")
    assert topics.appended(dropped.subset([1]).renamed(0, "size: small → big")).index_of("size") == 3
    with pytest.raises(AmbiguousDirection, match="'Mood' matches 2 directions: mood: sad → glad and mood: calm → "
                                                 "angry; name one"):
        topics.index_of("Mood")
    with pytest.raises(ValueError, match="does not fit"):
        d.with_direction(np.ones(3), 1.0, "x")
    with pytest.raises(ValueError, match="non-zero"):
        d.with_direction(np.zeros(4), 1.0, "x")
    with pytest.raises(IndexError):
        d.renamed(5, "x")


def test_orthogonalised_direction_leaves_the_other_attributes_fixed():
    rng = np.random.default_rng(1)
    d = directions().with_direction(rng.standard_normal(4), 1.5, "a").with_direction(rng.standard_normal(4), 1.0, "b")
    i, other = d.index_of("b"), d.index_of("a")
    kept = d.orthogonalized(i, [other, 0])
    assert abs(kept.basis[i] @ kept.basis[other]) < 1e-6 and abs(kept.basis[i] @ kept.basis[0]) < 1e-6
    assert abs(np.linalg.norm(kept.basis[i]) - 1) < 1e-6 and kept.sigma[i] == d.sigma[i]
    assert abs(d.basis[i] @ d.basis[other]) > 0.05  # the test would prove nothing otherwise
    base = rng.standard_normal(4).astype(np.float32)
    moved = edited_latent(EditState(base, (0, 0, 0, 2.5)), kept)
    assert abs((moved - base) @ d.basis[other]) < 1e-5 and abs((moved - base) @ d.basis[0]) < 1e-5
    assert abs((moved - base) @ d.basis[i]) > 0.1  # but it still moves along its own attribute
    # in the quotes every message puts names in (not 'c'), the directions it lies within named, not left to guess
    with pytest.raises(ValueError, match=r"^“c” is a mix of “PC1 \(50.0%\)” and “PC2 \(20.0%\)”, which it should be "):
        d.with_direction(np.array([1.0, 1, 0, 0]), 1.0, "c").orthogonalized(4, [0, 1])
    pcs = directions().with_direction(np.array([1.0, 1, 0, 0]), 1.0, "c")
    with pytest.raises(ValueError, match=r"^“d” lies within “PC2 \(20.0%\)”, which it should be kept apart from$"):
        pcs.with_direction(np.array([0, 2.0, 0, 0]), 1.0, "d").orthogonalized(3, [0, 1, 2])


def test_user_directions_round_trip_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GENIMG_DATA_DIR", str(tmp_path / "genimg"))
    path = user_directions_file("emoji/vae: v2", "3f2a9c01b7de" + "0" * 52)
    assert path.parent == tmp_path / "genimg" / "directions" and path.name == "emoji_vae_v2-3f2a9c01b7de.safetensors"
    assert load_user_directions(path, 4) is None
    d = directions().with_direction(np.array([1.0, 1, 0, 0]), 0.7, "style: a → b").subset([2])
    save_user_directions(path, d)
    back = load_user_directions(path, 4)
    assert back.labels == ("style: a → b",) and back.sigma[0] == pytest.approx(0.7)
    np.testing.assert_allclose(back.basis, d.basis)
    with pytest.raises(DirectionsFileError, match="latent of 5"):
        load_user_directions(path, 5)
    path.write_bytes(b"not safetensors")
    with pytest.raises(DirectionsFileError, match="not a readable"):
        load_user_directions(path, 4)


def test_a_files_rows_and_their_examples_are_read_whatever_its_latent_size(tmp_path):
    """A folder trained again in place may have another latent size: its old directions are made again from their
    examples (direction_remake), so these are read without the size check that load_user_directions makes."""
    d = directions().with_direction(np.array([1.0, 1, 0, 0]), 0.7, "a → b").with_direction(np.ones(4), 1.0, "c")
    mine = d.subset([len(d) - 2, len(d) - 1])
    made = {"from": ["/x/a.png"], "to": ["/x/b.png"], "method": "means", "keep_fixed": False}
    path = tmp_path / "mine.safetensors"
    save_user_directions(path, mine, "ab" * 32, str(tmp_path), {row_key(mine.basis[0].astype(np.float64)): made})
    assert saved_rows(path) == [("a → b", row_key(mine.basis[0]), made), ("c", row_key(mine.basis[1]), None)]
    assert user_examples(path) == {row_key(mine.basis[0]): made} and remade_from(path) == ""
    with pytest.raises(DirectionsFileError, match="latent of 5"):
        load_user_directions(path, 5)
    save_user_directions(path, mine.subset(()), "ab" * 32, str(tmp_path), remade_from="cd" * 32)  # made again: kept
    assert saved_rows(path) == [] and remade_from(path) == "cd" * 32 and len(load_user_directions(path, 4)) == 0
    assert to_remake(path) == []
    save_user_directions(path, mine.subset(()), "ab" * 32, remade_from="cd" * 32, remaking=[("a → b", made)])
    assert to_remake(path) == [("a → b", made)]  # not made yet when genimg closed: the next load makes it


def test_bundled_skin_tone_direction_darkens_a_drawn_face_and_prior_distance_is_calibrated():
    from genimg_gui.catalog import bundled_models, default_model
    from genimg_gui.engine.runtime import Runtime
    from tests.test_bundled import emoji_like_face

    entries = bundled_models()
    rt = Runtime("cpu")
    vae = rt.load(default_model("vae", entries).path, lambda *_: None)
    # the all-emoji GAN: the default GAN draws faces only, which come in no skin tones
    gan = rt.load(next(e.path for e in entries if Path(e.path).name == "emoji-gan"), lambda *_: None)
    _, base, _ = rt.encode(emoji_like_face(), "crop")

    def face_brightness(info, latent, value) -> float:
        values = [0.0] * len(info.directions)
        values[info.directions.index_of("skin tone: lighter → darker")] = value
        image = rt.decode(info.kind, edited_latent(EditState(latent, tuple(values)), info.directions))
        return float(image[14:50, 14:50].mean())

    lighter, plain, darker = (face_brightness(vae, base, v) for v in (-2.0, 0.0, 2.0))
    assert lighter > plain + 15 and darker < plain - 30
    ws = [rt.map_seed(seed, 0.7) for seed in range(4)]
    assert all(face_brightness(gan, w, 3.0) < face_brightness(gan, w, 0.0) - 10 for w in ws)
    # prior distance: ~1 for an encoded emoji and for untruncated GAN samples, less with truncation
    assert 0.5 < prior_distance(base, vae.directions) < 1.5

    def assert_truncation_pulls_in(info) -> None:
        """For the GAN the runtime holds: untruncated samples ~1 from the prior's centre, each truncated one nearer
        (truncation pulls a sample towards its class's mean w, some classes' nearer the centre than others)."""
        full = [prior_distance(rt.map_seed(seed, 1.0), info.directions) for seed in range(8)]
        truncated = [prior_distance(rt.map_seed(seed, 0.5), info.directions) for seed in range(8)]
        assert 0.7 < np.median(full) < 1.3 and all(t < f for t, f in zip(truncated, full)), info.path

    assert_truncation_pulls_in(gan)
    assert_truncation_pulls_in(rt.load(default_model("gan", entries).path, lambda *_: None))  # the face GAN
