"""`genimg` run as a process, as a shell runs it: its stdout's reader gone (`| head -1`), a Ctrl+C (no Qt)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from genimg_gui.cli import main
from test_cli import gan  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parents[1]


def run_with_stdout_closed(*args) -> subprocess.CompletedProcess:
    """genimg with its stdout a pipe whose reader has already closed it: every write is a broken pipe, as for
    `genimg … | head -1` once head has its line, without depending on how fast either side runs."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        return subprocess.run([sys.executable, "-m", "genimg_gui.cli", *map(str, args)], stdout=write_end,
                              stderr=subprocess.PIPE, text=True, timeout=120, env=env)
    finally:
        os.close(write_end)


@pytest.mark.parametrize("command", [["generate", "--seeds", "0-7", "-o", "{out}", "--gan", "{gan}"],
                                     ["info", "{gan}", "{gan}"]])
def test_a_closed_stdout_stops_the_run_quietly_and_keeps_what_was_written(command, gan, tmp_path):
    done = run_with_stdout_closed(*[a.format(out=tmp_path / "out", gan=gan) for a in command])
    assert done.returncode == 141, done.stderr  # 128 + SIGPIPE, as a tool the signal stopped
    assert "Broken pipe" not in done.stderr and "failed" not in done.stderr and "Traceback" not in done.stderr
    if command[0] == "generate":
        assert (tmp_path / "out" / "seed0000.png").is_file()  # written before its name could not be listed


class InterruptedImport:
    """An import finder that raises KeyboardInterrupt for one module: a Ctrl+C while it loads."""

    def __init__(self, name: str):
        self.name = name

    def find_spec(self, name, path=None, target=None):
        if name == self.name:
            raise KeyboardInterrupt
        return None


def test_a_ctrl_c_while_torch_loads_is_answered_as_a_later_one(gan, monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "genimg_gui.cli_commands")  # the import that loads torch runs again
    monkeypatch.setattr(sys, "meta_path", [InterruptedImport("genimg_gui.cli_commands"), *sys.meta_path])
    try:
        code = main(["info", str(gan)])
    except KeyboardInterrupt:  # would stop pytest itself rather than fail the test
        pytest.fail("the Ctrl+C escaped main as a raw KeyboardInterrupt")
    assert code == 130
    assert capsys.readouterr().err == "genimg: interrupted\n"


def test_training_whose_log_reader_closes_saves_its_model_and_checkpoint(tmp_path):
    """`genimg train vae DIR -o X 2>&1 | head -4` exited 141 after some 50 steps and left X empty."""
    from train_helpers import make_shapes
    data, out = make_shapes(tmp_path / "data", 12), tmp_path / "vae"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "genimg_gui.cli", "train", "vae", str(data), "-o", str(out),
                                "--steps", "100000", "--batch-size", "8", "--resolution", "32", "--threads", "1",
                                "--set", "channels=[8,16]", "--set", "latent_channels=2"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    head = [process.stdout.readline() for _ in range(4)]
    process.stdout.close()
    assert process.wait(timeout=120) == 141, head
    assert (out / "card.json").is_file() and (out / "checkpoint.pt").is_file()


# `python -c EARLY_STOP WHEN SIGNAL ARGS…` runs `genimg ARGS…` as its console script does (cli.main imported, then
# called), the signal arriving as the module WHEN is imported (while cli.py's imports load) or, for "reading", while
# the command line is read: before `genimg train` sets its own handlers (train/stopping.py), at a known moment where
# a timed kill would be a race
EARLY_STOP = """
import signal, sys
when, stop, args = sys.argv[1], signal.Signals[sys.argv[2]], sys.argv[3:]

class StopOnImport:
    def find_spec(self, name, path=None, target=None):
        if name == when:
            signal.raise_signal(stop)

sys.meta_path.insert(0, StopOnImport())
import genimg_gui.cli as cli
if when == "reading":
    build_parser = cli.build_parser
    cli.build_parser = lambda: (signal.raise_signal(stop), build_parser())[1]
sys.exit(cli.main(args))
"""


# argparse: cli.py's own first import; datetime: numpy's C code imports it, and turned the stop into an ImportError
@pytest.mark.parametrize("when", ["argparse", "datetime", "genimg_gui.train.command", "reading"])
@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_a_stop_before_training_begins_ends_in_one_line(when, stop, tmp_path):
    """A Ctrl+C while genimg's modules loaded ended in a traceback, and a kill then or while the command line was
    read (the Train… dialog's Stop just after Start) ended the process outright, which the dialog read as a crash.
    A stop in genimg's first tenth of a second still did, cli.py's first imports loading before it took the signals
    over; and one while numpy loaded ended in numpy's "bad install" ImportError, with exit code 1."""
    data, out = tmp_path / "data", tmp_path / "new" / "vae"
    data.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", EARLY_STOP, when, stop, "train", "vae", str(data), "-o", str(out)],
                          capture_output=True, text=True, timeout=120, env=env)
    by = "" if stop == "SIGINT" else f" by {stop}"
    assert (done.returncode, done.stderr) == (128 + signal.Signals[stop], f"genimg: stopped{by} before it began: "
                                              "nothing written\n")  # 130, 143: as a stop at any step
    assert not (tmp_path / "new").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/dev/full and /proc are Linux's")
@pytest.mark.parametrize("redirect", ["2>&-", "2>/dev/full"])
def test_a_closed_or_full_stderr_drops_the_progress_lines_not_the_work(redirect, gan, tmp_path):
    """`genimg generate … 2>&-` (or `2>/dev/full`) exited 1 with nothing written and nothing said anywhere: the first
    progress line could not be printed."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = tmp_path / "out"

    def generate(*args) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "genimg_gui.cli", "generate", "--gan", gan, "--seeds", "0-1", "-o", out, *args]
        return subprocess.run(["sh", "-c", f'exec "$@" {redirect}', "sh", *map(str, command)], stdout=subprocess.PIPE,
                              text=True, timeout=120, env=env)

    done = generate()
    assert done.returncode == 0
    assert done.stdout.split() == [str(out / "seed0000.png"), str(out / "seed0001.png")]
    assert all(Path(p).is_file() for p in done.stdout.split())
    assert generate("--grid", "/proc/g.png").returncode == 1  # a failure keeps its exit code, unsaid as it must be


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/dev/full is Linux's")
def test_training_with_a_full_stderr_writes_its_model(tmp_path):
    """`genimg train … 2>/dev/full` exited 1 with no model written: its log's first line could not be printed."""
    from train_helpers import make_shapes
    data, out = make_shapes(tmp_path / "data", 12), tmp_path / "vae"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "genimg_gui.cli", "train", "vae", str(data), "-o", str(out),
                               "--steps", "2", "--batch-size", "4", "--resolution", "32", "--threads", "1",
                               "--set", "channels=[8,16]", "--set", "latent_channels=2"],
                              stdout=subprocess.PIPE, stderr=full, text=True, timeout=120, env=env)
    assert done.returncode == 0 and done.stdout.startswith(f"wrote {out} after 2 steps")
    assert (out / "card.json").is_file()
