"""A run holds its output folder while it trains (train/out_lock.py): a second run into it is refused, whatever it
was told to do with an earlier run there."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from genimg_gui.data_folder import DataFolderWalk
from genimg_gui.earlier_run import LOCK_FILE, earlier_run
from genimg_gui.train.vae_recipe import VAERecipe

from train_helpers import make_shapes, train


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return make_shapes(tmp_path_factory.mktemp("shapes"), 24)


@pytest.fixture(autouse=True)
def restore_threads():
    threads = torch.get_num_threads()
    yield
    torch.set_num_threads(threads)


def write_lock(out: Path, pid: int, host: str | None = None, started: str | None = None) -> None:
    """A lock as a run writes it; without `started`, as runs wrote it before they recorded their start."""
    out.mkdir(parents=True, exist_ok=True)
    lock = {"pid": pid, "host": host or platform.node(), **({"started": started} if started else {})}
    (out / LOCK_FILE).write_text(json.dumps(lock))


def this_process_start() -> str:
    """This boot's id and this process's start time (field 22 of /proc/self/stat), as a run records them."""
    boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    return f"{boot}/{Path('/proc/self/stat').read_text().rpartition(')')[2].split()[19]}"


on_linux = pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="process start times are read on Linux")


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_folder_a_live_run_holds_is_refused_even_with_overwrite_or_resume(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 2) == 0
    files = {f.name: f.stat().st_mtime_ns for f in out.iterdir()}
    write_lock(out, os.getpid())  # as a run in this process, live
    capsys.readouterr()
    for extra in ((), ("--overwrite",), ("--resume",)):
        assert train("vae", data_dir, out, 3, *extra) == 2
        err = capsys.readouterr().err
        assert (f"{out} is being written by another genimg train (process {os.getpid()}); wait for it or choose "
                "another -o") in err
    assert {f.name: f.stat().st_mtime_ns for f in out.iterdir() if f.name != LOCK_FILE} == files  # nothing removed
    assert (out / LOCK_FILE).is_file()  # the refused runs leave the live run's lock alone
    for name in ("card.json", "model.safetensors", "checkpoint.pt"):  # a live run before its first checkpoint:
        (out / name).unlink()  # said as live, not as a folder holding no run
    assert train("vae", data_dir, out, 3, "--resume") == 2
    assert "is being written by another genimg train" in capsys.readouterr().err


def test_a_lock_on_another_host_holds_and_names_it(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    write_lock(out, 1, "elsewhere-host")
    assert train("vae", data_dir, out, 1) == 2
    assert "another genimg train (process 1 on elsewhere-host)" in capsys.readouterr().err


def test_the_run_holds_its_folder_while_it_trains_and_lets_go_when_it_ends(data_dir, tmp_path, monkeypatch,
                                                                           capsys):
    out = tmp_path / "new" / "vae"
    step = VAERecipe.step
    seen = []

    def looking(self, batch, n, labels=None):
        seen.append(json.loads((out / LOCK_FILE).read_text()))
        return step(self, batch, n, labels)

    monkeypatch.setattr(VAERecipe, "step", looking)
    assert train("vae", data_dir, out, 2) == 0
    started = this_process_start() if Path("/proc/self/stat").is_file() else None
    assert seen[0] == {"pid": os.getpid(), "host": platform.node(), "started": started}
    assert not (out / LOCK_FILE).exists()
    assert earlier_run(out).files == ("card.json", "model.safetensors", "checkpoint.pt")


def test_a_refused_or_failed_run_lets_go_and_leaves_no_folder_it_made(data_dir, tmp_path, capsys):
    out = tmp_path / "new" / "vae"
    assert train("vae", data_dir, out, 1, "--set", "nonsense=1") == 2  # refused once the folder is held
    assert not (tmp_path / "new").exists()

    def stopped(self, batch, n, labels=None):
        raise KeyboardInterrupt  # Ctrl+C at the first step
    VAERecipe.step, step = stopped, VAERecipe.step
    try:
        assert train("vae", data_dir, out, 2) == 130
    finally:
        VAERecipe.step = step
    assert not (tmp_path / "new").exists()


def test_a_lock_left_by_a_process_that_is_gone_is_taken_over_with_a_note(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    pid = dead_pid()
    write_lock(out, pid)
    assert train("vae", data_dir, out, 1) == 0
    assert f"taking over from an earlier genimg train (process {pid}) that is no longer running" \
        in capsys.readouterr().err
    assert not (out / LOCK_FILE).exists()


def test_a_refused_run_says_nothing_of_taking_over(data_dir, tmp_path, capsys):
    """"taking over from an earlier genimg train …" came just before the refusal, as if the run were starting."""
    out = tmp_path / "vae"
    assert train("vae", data_dir, out, 1) == 0
    pid = dead_pid()
    write_lock(out, pid)
    capsys.readouterr()
    assert train("vae", data_dir, out, 1) == 2  # neither --resume nor --overwrite: the earlier run is refused
    err = capsys.readouterr().err
    assert err.startswith(f"genimg train: error: {out} already holds an earlier run") and "taking over" not in err
    assert not (out / LOCK_FILE).exists()


@on_linux
@pytest.mark.parametrize("case", ["id reused", "rebooted"])
def test_a_lock_whose_process_id_is_now_another_process_s_is_taken_over(case, data_dir, tmp_path, capsys):
    """After a reboot, or once the id went to another process, the lock's id is alive, yet not its run's."""
    out = tmp_path / "vae"
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])  # started after this one
    try:
        ticks = this_process_start().rpartition("/")[2]
        if case == "id reused":  # the lock's run started when this process did; the process with its id later
            pid, started = other.pid, this_process_start()
        else:  # this process's id and start time, on an earlier boot
            pid, started = os.getpid(), f"{'0' * 8}-0000-0000-0000-{'0' * 12}/{ticks}"
        write_lock(out, pid, started=started)
        assert train("vae", data_dir, out, 1) == 0
    finally:
        other.kill()
        other.wait()
    assert f"taking over from an earlier genimg train (process {pid}) that is no longer running" \
        in capsys.readouterr().err
    assert not (out / LOCK_FILE).exists()


@on_linux
def test_a_lock_whose_process_started_when_it_says_holds(data_dir, tmp_path, capsys):
    out = tmp_path / "vae"
    write_lock(out, os.getpid(), started=this_process_start())
    assert train("vae", data_dir, out, 1) == 2
    assert f"is being written by another genimg train (process {os.getpid()})" in capsys.readouterr().err
    assert (out / LOCK_FILE).is_file()


def test_a_held_folder_is_no_model_folder_and_no_earlier_run(tmp_path):
    write_lock(tmp_path / "data" / "run", os.getpid())
    assert earlier_run(tmp_path / "data" / "run") is None
    walk = DataFolderWalk(tmp_path / "data")
    assert list(walk.images()) == [] and walk.model_folders == []


def test_two_processes_into_one_folder_one_is_refused(data_dir, tmp_path):
    out = tmp_path / "dual"
    command = [sys.executable, "-m", "genimg_gui.cli", "train", "vae", str(data_dir), "-o", str(out), "--steps",
               "100000", "--minutes", "0.5", "--batch-size", "8", "--resolution", "32", "--threads", "1",
               "--set", "channels=[8,16]", "--set", "latent_channels=2"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    first = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        for line in first.stderr:  # once it trains, the folder is held
            if line.startswith("data:"):
                break
        second = subprocess.run([*command, "--overwrite"], env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 2
        assert f"is being written by another genimg train (process {first.pid})" in second.stderr
    finally:
        first.terminate()
        first.communicate(timeout=120)
    assert not (out / LOCK_FILE).exists()
