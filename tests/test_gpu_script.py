"""scripts/gpu_train_gan.py: what can be checked without a GPU (its CPU rehearsal trains for minutes)."""
from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

from genimg_gui.cli import build_parser
from genimg_gui.train.command import parse_settings
from genimg_gui.train.latent_gan_recipe import LatentGANRecipe

SCRIPT = Path(__file__).parents[1] / "scripts" / "gpu_train_gan.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("gpu_train_gan", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture()
def script():
    return _load_script()


@pytest.mark.parametrize("name", sorted(_load_script().EMOJI_CANDIDATES))
def test_every_candidate_is_a_valid_train_command(script, name, tmp_path):
    """A typo in a flag would only show on the lent GPU, in minutes that cannot be had back."""
    args = _parsed(script.command(name, tmp_path / "data", tmp_path / "runs", 6.0, "cuda"), name, tmp_path)
    assert "Noto Emoji" in args.data_name and "7572 images" in args.data_name  # for the card, from emoji-gan's
    settings = parse_settings(args.set, LatentGANRecipe.settings)
    assert settings["r1_gamma"] == (0.1 if name.endswith("ada") else 1.0)  # a candidate's own setting wins
    assert settings.get("augment_p", 1) == ("auto" if name.endswith("ada") else 1)
    assert settings.get("styles", False) == ("styled" in name)
    assert args.holdout == 512 and not args.mirror  # the all-emoji GAN's split, that of its VAE


@pytest.mark.parametrize("name", sorted(_load_script().FACE_CANDIDATES))
def test_every_face_candidate_trains_as_the_default_gan_did(script, name, tmp_path):
    """The face candidates keep the bundled face run's split, mirrors, ADA and decoder training, so their
    held-out figures compare with its card's; only the network and batch differ."""
    cmd = script.command(name, tmp_path / "data", tmp_path / "runs", 6.0, "cuda", "faces")
    args = _parsed(cmd, name, tmp_path)
    assert "260 face emoji" in args.data_name  # from emoji-faces-gan's card
    assert args.holdout == 26 and args.mirror
    settings = parse_settings(args.set, LatentGANRecipe.settings)
    assert settings["augment_p"] == "auto" and settings["r1_gamma"] == 1.0
    assert settings["decoder_noise"] == 0.4  # the bundled model's decoder is trained so; a candidate's must be too
    assert settings.get("styles", False) == ("styled" in name)
    assert args.batch_size == (32 if "-b32" in name else 128)


def test_a_candidate_of_the_other_data_set_is_refused_before_anything_runs(script, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["gpu_train_gan.py", "--set-of", "faces", "--only", "w512-b256",
                                     "--data", str(tmp_path / "faces"), "--out", str(tmp_path / "out")])
    with pytest.raises(SystemExit) as stopped:
        script.main()
    assert stopped.value.code == 2
    assert "no faces candidate named w512-b256; there are faces-w256-b128" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def _parsed(cmd: list[str], name: str, tmp_path: Path):
    """cmd parsed by genimg's own parser, with what every candidate shares checked."""
    assert cmd[1:3] == ["-m", "genimg_gui.cli"]
    args = build_parser().parse_args(cmd[3:])
    assert (args.kind, args.device, args.minutes, args.keep_best) == ("gan", "cuda", 6.0, True)
    assert args.labels == str(tmp_path / "data" / "labels.csv") and args.out == tmp_path / "runs" / name
    assert Path(args.latent_of) == Path("weights/emoji-vae")
    assert (SCRIPT.parents[1] / args.latent_of).is_dir()  # the script runs from the repository root
    assert "CC BY 4.0" in args.licence
    assert parse_settings(args.set, LatentGANRecipe.settings)["mode_seeking"] == 1  # against a class collapsing
    assert args.label_column == "subcategory" and not args.init  # from scratch on the finer classes
    assert args.overwrite and not args.resume  # a --work folder used before (and the preflight's) holds a run
    return args


def test_the_best_folders_and_the_logs_travel_in_parts_and_come_back_whole(script, tmp_path, monkeypatch):
    files = {"model.safetensors": bytes(range(256)) * 40, "card.json": b"{}", "samples.png": b"png" * 900}
    folders = [tmp_path / "runs" / name for name in ("w512-b256", "w256-b256")]
    for folder in folders:
        folder.mkdir(parents=True)
        for name, blob in files.items():
            (folder / name).write_bytes(blob)
        (folder / "checkpoint.pt").write_bytes(b"x" * 5000)  # resumable state stays behind
        (folder / "best.pt").write_bytes(b"x" * 5000)
    monkeypatch.setattr(script, "PART_BYTES", 4096)
    out = tmp_path / "out"
    out.mkdir()
    logs = [out / "w512-b256.log", out / "w256-b256.log"]
    for log in logs:
        log.write_text(f"the log of {log.stem}")
    parts = script.pack(folders, logs, out)
    assert len(parts) > 3 and all(p.stat().st_size <= 4096 for p in parts)
    assert sorted(out.iterdir()) == sorted(parts)  # the whole tar and the logs, which it holds, are gone
    joined = tmp_path / "joined.tar"
    joined.write_bytes(b"".join(p.read_bytes() for p in parts))  # cat best.tar.part* (part0..9 sort right)
    with tarfile.open(joined) as tar:
        tar.extractall(tmp_path / "back", filter="data")
    for folder in folders:
        assert {f.name: f.read_bytes() for f in (tmp_path / "back" / folder.name).iterdir()} == files
    assert {f.name: f.read_text() for f in (tmp_path / "back" / "logs").iterdir()} == {
        "w512-b256.log": "the log of w512-b256", "w256-b256.log": "the log of w256-b256"}


def test_a_finished_candidate_reports_its_speed_and_kept_model(script, tmp_path):
    kept = {"step": 500, "score": 0.45, "held_out_precision_k3": 0.5, "held_out_recall_k3": 0.41}
    (tmp_path / "card.json").write_text(
        '{"training": {"steps": 1200, "batch_size": 256, "seconds": 360.0, "kept": %s}}' % json.dumps(kept))
    assert script.finished(tmp_path) == {"steps": 1200, "seconds": 360.0, "images_per_s": 853.3, "kept": kept}
    assert script.finished(tmp_path / "crashed") == {}


def test_a_failing_preflight_stops_the_call_with_its_log(script, tmp_path, capsys):
    """A candidate that cannot train shows why within seconds, before minutes of side-by-side runs."""
    (tmp_path / "data").mkdir()  # no images, and a labels file (its absence is refused as a typed mistake first)
    (tmp_path / "data" / "labels.csv").write_text("file,name,category,subcategory\n")
    out = tmp_path / "out"
    out.mkdir()
    assert not script.preflight("w256-b256", tmp_path / "data", tmp_path / "work", "cpu", out)
    err = capsys.readouterr().err
    assert "preflight (w256-b256, 20 steps) failed with exit 1" in err
    assert "genimg train: error:" in err and "holds no image files" in err
    assert (out / "preflight.log").is_file()  # kept for the trip back; a passing preflight's is removed


def test_a_time_limit_still_brings_back_what_the_candidates_wrote(script, tmp_path, monkeypatch, capsys):
    """The device tool's time limit sends SIGTERM to the whole process group: each candidate then writes its model
    (genimg's train/stopping.py), and the script must outlive the signal to rank and pack them."""
    candidate = ("import json, pathlib, signal, sys, time\n"
                 "def stop(*_):\n"
                 "    folder = pathlib.Path(sys.argv[1]); folder.mkdir(parents=True)\n"
                 "    time.sleep(0.5)  # writing the model takes a moment\n"
                 "    training = {'steps': 7, 'batch_size': 2, 'seconds': 1.0, 'kept': {'score': 0.5}}\n"
                 "    (folder / 'card.json').write_text(json.dumps({'training': training})); sys.exit(0)\n"
                 "signal.signal(signal.SIGTERM, stop)\n"
                 "pathlib.Path(sys.argv[1] + '.ready').touch()\n"
                 "time.sleep(60)\n")
    monkeypatch.setattr(script, "command", lambda name, data, work, *_: [sys.executable, "-c", candidate,
                                                                        str(work / name)])
    started = []
    popen = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: started.append(popen(*a, **k)) or started[-1])
    work = tmp_path / "work"
    work.mkdir()

    def time_limit() -> None:  # once both candidates can take the signal (a loaded machine starts them slowly)
        deadline = time.monotonic() + 60
        def ready() -> bool:  # this process too: SIGTERM before its handler is in would end pytest itself
            return len(list(work.glob("*.ready"))) == 2 and signal.getsignal(signal.SIGTERM) is script._waiting_on
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in [r.pid for r in started] + ([os.getpid()] if ready() else []):
            os.kill(pid, signal.SIGTERM)

    before = signal.getsignal(signal.SIGTERM)
    limit = threading.Thread(target=time_limit)
    limit.start()
    out = tmp_path / "out"
    out.mkdir()
    try:
        summary = script.train_side_by_side(["a", "b"], tmp_path, work, 6.0, "cpu", out)
    finally:
        limit.join()
    assert {n: (run["exit"], run["kept"]) for n, run in summary.items()} == {"a": (0, {"score": 0.5}),
                                                                             "b": (0, {"score": 0.5})}
    assert "stopped by SIGTERM: waiting for the candidates" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGTERM) is before  # the handler lasts only while they train
