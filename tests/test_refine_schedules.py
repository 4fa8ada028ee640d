"""benchmarks/refine_schedules.py: two refining schedules compared seed by seed, the differing seeds written as
pairs to judge blind, and the judge's answers counted for each schedule."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import refine_schedules  # noqa: E402

from genimg_gui.models import refine  # noqa: E402

FACES = ROOT / "weights" / "emoji-faces-gan"


def test_differing_seeds_become_blind_pairs_and_answers_count_for_each_schedule(tmp_path, monkeypatch, capsys):
    # schedule b does not move z at all, so a seed's two samples differ wherever refining changes it
    monkeypatch.setattr(sys, "argv", ["refine_schedules.py", "make", "--seeds", "4", "--first-seed", "5",
                                      "--b", "1,0", "--pairs", str(tmp_path / "pairs"), "--device", "cpu"])
    app_step_size = refine.STEP_SIZE
    refine_schedules.main()
    assert refine.STEP_SIZE == app_step_size  # each schedule is passed to refine(), not set on the module
    out = capsys.readouterr().out
    assert "schedule a: 30 steps of 0.01" in out and "schedule b: 1 steps of 0" in out
    key = json.loads((tmp_path / "pairs" / "key.json").read_text())
    assert 1 <= len(key) <= 4 and f"{len(key)} of 4 seeds differ" in out
    assert all({k["L"], k["R"]} == {"a", "b"} and 5 <= k["seed"] < 9 for k in key)
    assert (tmp_path / "pairs" / "grid.png").is_file()
    answers = ["L"] * len(key)  # always the left side: counts follow the shuffled sides
    monkeypatch.setattr(sys, "argv", ["refine_schedules.py", "score", str(tmp_path / "pairs"),
                                      "--answers", ",".join(answers)])
    refine_schedules.main()
    lefts = [k["L"] for k in key]
    assert (f"preferred schedule a {lefts.count('a')}, schedule b {lefts.count('b')}, no preference 0"
            in capsys.readouterr().out)
    monkeypatch.setattr(sys, "argv", ["refine_schedules.py", "score", str(tmp_path / "pairs"), "--answers", "L"
                                      + ",SAME" * len(key)])
    with pytest.raises(SystemExit, match="answers"):
        refine_schedules.main()


def test_b_can_refine_with_another_discriminator_of_the_same_gan(tmp_path, monkeypatch, capsys):
    from safetensors.torch import load_file, save_file

    # a judge that prefers what the GAN's own rejects: its head and class projection negated
    state = load_file(str(FACES / refine.DISCRIMINATOR_FILE))
    for name in ("head.weight", "head.bias", "project.weight"):
        state[name] = -state[name]
    contrary = tmp_path / "contrary"
    contrary.mkdir()
    save_file(state, str(contrary / refine.DISCRIMINATOR_FILE))

    def make(judge: Path) -> str:
        monkeypatch.setattr(sys, "argv", ["refine_schedules.py", "make", "--seeds", "3", "--first-seed", "5",
                                          "--a", "10,0.03", "--b", "10,0.03", "--b-judge", str(judge),
                                          "--device", "cpu"])
        refine_schedules.main()
        return capsys.readouterr().out

    assert "0 of 3 seeds differ" in make(FACES)  # the same discriminator read again refines the same
    out = make(contrary)
    assert f"schedule b: 10 steps of 0.03, the discriminator of {contrary}" in out
    assert "0 of 3 seeds differ" not in out
    monkeypatch.setattr(sys, "argv", ["refine_schedules.py", "make", "--seeds", "1", "--b-judge", str(tmp_path)])
    with pytest.raises(SystemExit, match="holds no discriminator"):
        refine_schedules.main()
