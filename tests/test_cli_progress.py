"""Progress on stderr while a large photo is encoded or decoded tile by tile (an SD VAE file's): a 4000-px photo
through an SD VAE took minutes in tiles with a silent terminal. The tiny SD VAE here has downscale 2, so its tiles are
128 px (spatial.tile_cells): a 256×40 photo is 3 tiles. The clock is a fake one that only the SD VAE's Encoder and
Decoder move, by 1.1 s a tile, so a pass runs past PROGRESS_EVERY_S at its second tile, as a real large photo's
does."""
from __future__ import annotations

import os
import pty
import sys
import time

import pytest
from torch.nn.modules.module import register_module_forward_pre_hook

import foreign_builders as fb
from genimg_gui.cli import main
from genimg_gui.models.sd_vae import Decoder, Encoder
from test_foreign_cli import picture

TILE_S = 1.1  # what each tile takes by the fake clock
WIDE = (256, 40)  # 128×20 latent cells: 3 tiles of 48×20
WIDE_TILES = ["encoding tiles 2/3", "encoding tiles 3/3", "decoding tiles 2/3", "decoding tiles 3/3"]

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def run(*args) -> int:
    return main([str(a) for a in args])


@pytest.fixture()
def sd_file(tmp_path):
    return fb.sd_vae_file(tmp_path / "vae-ft-mse.safetensors")


@pytest.fixture()
def slow_tiles(monkeypatch):
    """time.monotonic runs TILE_S on for each tile the SD VAE encodes or decodes, and stands still otherwise."""
    late = [0.0]

    def one_tile(module, _args):
        if isinstance(module, (Encoder, Decoder)):
            late[0] += TILE_S

    monkeypatch.setattr(time, "monotonic", lambda: late[0])
    handle = register_module_forward_pre_hook(one_tile)
    yield
    handle.remove()


def progress_lines(err: str, prefix: str = "") -> list[str]:
    return [line for line in err.splitlines() if "tiles" in line and line.startswith(prefix)]


def test_a_long_tiled_encode_says_its_tiles_on_stderr_after_the_file_line(tmp_path, sd_file, slow_tiles, capsys):
    wide, small = picture(tmp_path / "wide.png", *WIDE, 0), picture(tmp_path / "small.png", 60, 40, 1)
    assert run("encode", wide, small, "--vae", sd_file, "--latent-scale", "sd", "-o", tmp_path / "out") == 0
    said = capsys.readouterr()
    lines = [line for line in said.err.splitlines() if not line.startswith("genimg: note")]
    assert lines[-6:] == [f"1/2 {wide}", *WIDE_TILES, f"2/2 {small}"], said.err  # the small one: one tile, unsaid
    out = tmp_path / "out"
    assert said.out.split() == [str(out / name) for name in ("wide.npz", "wide_recon.png", "small.npz",
                                                             "small_recon.png")]  # stdout: the files alone


def test_quick_tiles_go_unsaid(tmp_path, sd_file, monkeypatch, capsys):
    """A pass done within PROGRESS_EVERY_S says nothing: a batch of photos a few tiles each stays one line a file."""
    monkeypatch.setattr(time, "monotonic", lambda: 100.0)  # no time passes at all
    wide = picture(tmp_path / "wide.png", *WIDE, 0)
    assert run("encode", wide, "--vae", sd_file, "--latent-scale", "sd", "-o", tmp_path / "out") == 0
    assert progress_lines(capsys.readouterr().err) == []


def test_decode_edit_and_a_morphs_keyframes_say_their_tiles(tmp_path, sd_file, slow_tiles, capsys):
    wide = picture(tmp_path / "wide.png", *WIDE, 0)
    assert run("encode", wide, "--vae", sd_file, "--latent-scale", "sd", "-o", tmp_path / "enc") == 0
    capsys.readouterr()
    assert run("decode", tmp_path / "enc" / "wide.npz", "--vae", sd_file, "--latent-scale", "sd",
               "-o", tmp_path / "dec") == 0
    assert progress_lines(capsys.readouterr().err) == WIDE_TILES[2:]
    assert run("edit", wide, "--edit", "0=1", "--vae", sd_file, "--latent-scale", "sd", "-o", tmp_path / "ed") == 0
    # encoded, then the edit decoded: once (its reconstruction, thrown away, was decoded first)
    assert progress_lines(capsys.readouterr().err) == WIDE_TILES
    other = picture(tmp_path / "other.png", *WIDE, 1)
    assert run("interpolate", wide, other, "--frames", "3", "--vae", sd_file, "--latent-scale", "sd",
               "-o", tmp_path / "m.gif") == 0
    lines = progress_lines(capsys.readouterr().err, "keyframe")
    assert lines == [f"keyframe {i}/2: {line}" for i in (1, 2) for line in WIDE_TILES[:2]]  # encoded, not decoded


def test_on_a_terminal_the_tiles_are_a_bar_redrawn_in_place(tmp_path, sd_file, slow_tiles, monkeypatch, capsys):
    main_side, terminal_side = pty.openpty()
    terminal = os.fdopen(terminal_side, "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", terminal)
    wide = picture(tmp_path / "wide.png", *WIDE, 0)
    try:
        assert run("encode", wide, "--vae", sd_file, "--latent-scale", "sd", "-o", tmp_path / "out") == 0
        shown = os.read(main_side, 1 << 16).decode().replace("\r\n", "\n")
    finally:
        terminal.close()
        os.close(main_side)
    bars = [f"\rencoding tiles [{'#' * (10 * done)}{'.' * (30 - 10 * done)}] {done}/3" for done in (2, 3)]
    assert "".join(bars) + "\n" in shown, repr(shown)  # from the second tile, when it has run 2 s
    assert "encoding tiles [" + "." * 30 not in shown  # nothing drawn before
    assert capsys.readouterr().out.split() == [str(tmp_path / "out" / "wide.npz"),
                                               str(tmp_path / "out" / "wide_recon.png")]


def on_a_terminal(monkeypatch, *args) -> tuple[int, str]:
    """run(*args) with stderr a terminal (a pty): its exit code and what the terminal was sent."""
    main_side, terminal_side = pty.openpty()
    terminal = os.fdopen(terminal_side, "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", terminal)
    try:
        code = run(*args)
        terminal.flush()
        return code, os.read(main_side, 1 << 16).decode().replace("\r\n", "\n")
    finally:
        terminal.close()
        os.close(main_side)


def failing_at(module_type: type, rows: int, nth: int, error: BaseException):
    """A forward hook that raises error as the nth module_type runs on an input `rows` high (a picture's tile, a
    frame's; the model's load runs it on its own inputs)."""
    runs = [0]

    def hook(module, args):
        if isinstance(module, module_type) and args[0].shape[-2] == rows:
            runs[0] += 1
            if runs[0] == nth:
                raise error
    return register_module_forward_pre_hook(hook)


def test_a_bar_stopped_by_a_files_error_is_ended_before_the_error(tmp_path, sd_file, slow_tiles, monkeypatch):
    """The error was printed on the bar's own line: "encoding tiles [####....] 2/3genimg: error: …"."""
    wide, small = picture(tmp_path / "wide.png", *WIDE, 0), picture(tmp_path / "small.png", 60, 40, 1)
    handle = failing_at(Encoder, WIDE[1], 3, OSError(5, "Input/output error"))  # the wide photo's third tile
    try:
        code, shown = on_a_terminal(monkeypatch, "encode", wide, small, "--vae", sd_file, "--latent-scale", "sd",
                                    "-o", tmp_path / "out")
    finally:
        handle.remove()
    assert code == 1
    bar = f"\rencoding tiles [{'#' * 20}{'.' * 10}] 2/3"
    assert f"{bar}\ngenimg: error: {wide}: [Errno 5] Input/output error\n2/2 {small}\n" in shown, repr(shown)


def test_a_frames_bar_stopped_by_ctrl_c_is_ended_before_interrupted(tmp_path, sd_file, monkeypatch):
    first, second = picture(tmp_path / "a.png", 60, 40, 0), picture(tmp_path / "b.png", 60, 40, 1)
    # a frame is one tile, 20 latent cells high: at the third, a Ctrl+C
    handle = failing_at(Decoder, 40 // 2, 3, KeyboardInterrupt())
    try:
        code, shown = on_a_terminal(monkeypatch, "interpolate", first, second, "--frames", "4", "--vae", sd_file,
                                    "--latent-scale", "sd", "-o", tmp_path / "m.gif")
    finally:
        handle.remove()
    assert code == 130
    assert shown.endswith(f"\rframes [{'#' * 15}{'.' * 15}] 2/4\ngenimg: interrupted\n"), repr(shown)
