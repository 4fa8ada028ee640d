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
