"""Morphs in the editing core: slerp, morph paths and layers through the keyframes, and the animation files
(frame count, size, frame durations, errors)."""
from __future__ import annotations

import errno
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from genimg_gui.animation_files import (count_frames, default_scale, frame_size, max_scale, output_size, video_frame,
                                        write_animation)
from genimg_gui.morph import keyframe_layers, lerp, morph_layers, morph_path, slerp


def test_slerp_keeps_the_norm_of_equal_norm_latents_and_falls_back_to_lerp():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(256), rng.standard_normal(256)
    b *= np.linalg.norm(a) / np.linalg.norm(b)
    for t in np.linspace(0, 1, 7):
        assert np.linalg.norm(slerp(a, b, t)) == pytest.approx(np.linalg.norm(a), rel=1e-5)
    assert np.linalg.norm(lerp(a, b, 0.5)) < 0.8 * np.linalg.norm(a)  # the chord dips towards 0
    np.testing.assert_allclose(slerp(a, b, 0), a, atol=1e-5)
    np.testing.assert_allclose(slerp(a, b, 1), b, atol=1e-5)
    np.testing.assert_allclose(slerp(a, a * 2, 0.5), a * 1.5, rtol=1e-5)  # parallel: lerp
    assert np.linalg.norm(slerp(a, 3 * b, 0.5)) == pytest.approx(2 * np.linalg.norm(a), rel=1e-5)


def test_morph_path_passes_through_the_keyframes_evenly():
    keys = np.array([[0.0, 0], [1, 0], [1, 1]], np.float32)
    path = morph_path(keys, 5, "linear")
    np.testing.assert_allclose(path, [[0, 0], [0.5, 0], [1, 0], [1, 0.5], [1, 1]])
    looped = morph_path(keys, 6, "linear", loop=True)
    np.testing.assert_allclose(looped[[0, 2, 4]], keys)  # three segments of two frames; no repeated first frame
    np.testing.assert_allclose(looped[5], [0.5, 0.5])
    assert morph_path(keys, 9, "spherical").shape == (9, 2)
    with pytest.raises(ValueError, match="two keyframes"):
        morph_path(keys[:1], 5)
    with pytest.raises(ValueError, match="mode"):
        morph_path(keys, 5, "cubic")


def test_morph_layers_pass_through_masked_keyframes_and_fade_the_mask():
    edited, unedited = np.eye(3, 4, dtype=np.float32), -np.eye(3, 4, dtype=np.float32)
    mask = np.zeros((2, 2), np.float32)
    mask[0] = 1.0
    keys = keyframe_layers(edited, unedited, [None, mask, None], (2, 2))
    np.testing.assert_array_equal(keys.unedited, [edited[0], unedited[1], edited[2]])  # unmasked: its picture
    np.testing.assert_array_equal(keys.masks, [np.ones((2, 2)), mask, np.ones((2, 2))])
    larger = keyframe_layers(edited, unedited, [None, np.full((4, 4), 0.25, np.float32), None], (2, 2))
    np.testing.assert_allclose(larger.masks[1], np.full((2, 2), 0.25))  # at the first keyframe's size
    frames = morph_layers(keys, 5, "linear")
    np.testing.assert_array_equal(frames.edited[[0, 2, 4]], edited)
    np.testing.assert_array_equal(frames.unedited[2], unedited[1])
    np.testing.assert_allclose(frames.masks[1], [[1, 1], [0.5, 0.5]])
    masks, bases = frames.frame_masks()
    assert masks[0] is None and bases[0] is None  # all edit: no unedited decode needed
    np.testing.assert_array_equal(masks[2], mask)
    np.testing.assert_array_equal(morph_layers(keys, 5, "linear", only=1).masks[0], frames.masks[1])
    plain = keyframe_layers(edited, unedited, [None] * 3, (2, 2))
    assert plain.unedited is None and morph_layers(plain, 4).frame_masks() == ((), ())


@pytest.mark.parametrize("suffix", [".gif", ".webp", ".mp4"])
def test_animations_have_the_asked_frame_count(tmp_path, suffix):
    rng = np.random.default_rng(0)
    ramp = np.linspace(0, 255, 64)
    a = np.stack(np.broadcast_arrays(ramp[:, None], ramp[None, :], 128.0), -1).astype(np.uint8)
    a[::7, ::5] = rng.integers(0, 255, (10, 13, 3))  # a few odd colours for the palette
    frames = [a, a, 255 - a] + [np.full((64, 64, 3), 200, np.uint8)] * 3 + [a] * 4  # repeats must survive
    path = write_animation(frames, tmp_path / f"morph{suffix}", fps=12).path
    assert count_frames(path) == len(frames) and sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    if suffix != ".mp4":
        with Image.open(path) as im:
            assert im.info.get("loop") == 0 and im.size == (64, 64)
            im.seek(2)
            assert np.abs(np.asarray(im.convert("RGB")).astype(int) - (255 - a)).mean() < 4
    assert video_frame(a).shape == (64, 64, 3) and video_frame(a[:33, :45]).shape[:2] == (34, 46)
    assert video_frame(np.zeros((257, 301, 3), np.uint8)).shape[:2] == (258, 302)  # H.264 4:2:0 needs even sides


def emoji_frames(count: int = 24, side: int = 64) -> list[np.ndarray]:
    """A morph-like run of distinct frames, as of a 64-px model."""
    rng = np.random.default_rng(1)
    a = rng.integers(0, 255, (side, side, 3), dtype=np.uint8)
    return [np.roll(a, i, axis=1) for i in range(count)]


def test_every_format_is_written_at_one_size_the_asked_scale(tmp_path):
    suffixes = (".gif", ".webp", ".mp4")
    for suffix in suffixes:
        write_animation(emoji_frames(6), tmp_path / f"m{suffix}", 12)
    assert {frame_size(tmp_path / f"m{s}") for s in suffixes} == {(64, 64)}  # the MP4 was 256 px, unasked
    for suffix in suffixes:
        written = write_animation(emoji_frames(6), tmp_path / f"x4{suffix}", 12, scale=4)
        assert frame_size(written.path) == written.size == (256, 256)
        assert written.frames == count_frames(written.path) == 6
    odd = [np.zeros((33, 45, 3), np.uint8)] * 2
    assert frame_size(write_animation(odd, tmp_path / "odd.mp4", 12).path) == output_size((45, 33), 1, ".mp4") \
        == (46, 34)  # the one difference: H.264 in 4:2:0 needs even sides
    assert frame_size(write_animation(odd, tmp_path / "odd.gif", 12).path) == output_size((45, 33), 1, ".gif")


def test_a_scale_or_fps_the_writer_cannot_honour_is_refused_before_any_frame_is_enlarged(tmp_path):
    big = [np.zeros((1024, 600, 3), np.uint8)] * 2  # a photo under a spatial VAE
    assert max_scale((600, 1024)) == 4 and default_scale((600, 1024)) == 1
    with pytest.raises(ValueError, match="from 1 to 4 for 600×1024 frames"):
        write_animation(big, tmp_path / "m.mp4", 12, scale=8)  # 8192 px a side: GiBs, the window frozen
    with pytest.raises(ValueError, match="fps must be between 0.1 and 100"):
        write_animation(emoji_frames(2), tmp_path / "m.gif", 0.001)  # a GIF delay tops out at 655 s
    assert not list(tmp_path.iterdir())


def durations_ms(path: Path) -> list[int]:
    with Image.open(path) as im:
        found = []
        for i in range(im.n_frames):
            im.seek(i)
            im.load()  # WebP reads a frame's duration when it decodes it
            found.append(im.info["duration"])
    return found


@pytest.mark.parametrize("suffix, unit_ms", [(".gif", 10), (".webp", 1)])
@pytest.mark.parametrize("fps", [12, 24, 7.5])
def test_a_gif_or_webp_plays_for_frames_over_fps(tmp_path, suffix, unit_ms, fps):
    written = write_animation(emoji_frames(24), tmp_path / f"m{suffix}", fps)
    durations = durations_ms(tmp_path / f"m{suffix}")
    assert len(durations) == 24 and abs(sum(durations) - 24 * 1000 / fps) <= unit_ms  # 12 fps was 24 × 80 ms
    assert written.seconds == sum(durations) / 1000
    assert all(d % unit_ms == 0 for d in durations) and max(durations) - min(durations) <= unit_ms


def test_a_gif_faster_than_browsers_play_one_says_how_long_it_really_plays(tmp_path):
    written = write_animation(emoji_frames(6), tmp_path / "m.gif", 60)
    assert durations_ms(tmp_path / "m.gif") == [20] * 6  # browsers slow a 10 ms delay to 100 ms; 60 fps wrote 10s
    assert written.seconds == 0.12


def test_animation_errors_are_clear(tmp_path):
    frame = np.zeros((8, 8, 3), np.uint8)
    with pytest.raises(ValueError, match=r"\.avi"):
        write_animation([frame], tmp_path / "x.avi", 10)
    with pytest.raises(ValueError, match="same size"):
        write_animation([frame, np.zeros((4, 4, 3), np.uint8)], tmp_path / "x.gif", 10)
    with pytest.raises(ValueError, match="uint8"):
        write_animation([frame.astype(np.float32)], tmp_path / "x.gif", 10)
    assert not list(tmp_path.iterdir())


def test_an_mp4_that_ffmpeg_could_not_finish_is_an_error_about_the_file_asked_for(tmp_path, monkeypatch, capfd):
    """imageio never looked at ffmpeg's exit: on a full disk a truncated MP4 was reported as written, and ffmpeg's
    own lines on stderr named the temp file. A stand-in ffmpeg fails as the real one did on a full tmpfs."""
    import imageio_ffmpeg

    fake = tmp_path / "bin" / "ffmpeg"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\ncat > /dev/null\n"
                    "echo '[out#0/mp4 @ 0x55e] Error closing file: No space left on device' >&2\nexit 228\n")
    fake.chmod(0o755)
    monkeypatch.setattr(imageio_ffmpeg, "get_ffmpeg_exe", lambda: str(fake))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(OSError, match="No space left on device") as failed:
        write_animation(emoji_frames(4), out / "m.mp4", 12)
    assert failed.value.filename == str(out / "m.mp4") and failed.value.errno == errno.ENOSPC
    assert not list(out.iterdir())  # neither the truncated file nor the temp one
    assert ".tmp" not in capfd.readouterr().err
