"""The quality gate's baseline comes from the measured spread between embedding configurations (eval/spread.py):
no figure above the lower of the configurations, a tolerance no narrower than their widest gap. A baseline edited
by hand to a better run on one CPU fails here before it fails on another machine."""

from __future__ import annotations

import json
from pathlib import Path

from eval.run_eval import QUALITY_KEYS

EVAL = Path(__file__).resolve().parents[2] / "eval"


def test_the_baseline_sits_at_the_lower_run_with_a_tolerance_covering_the_spread() -> None:
    baseline = json.loads((EVAL / "baseline.json").read_text(encoding="utf-8"))
    spread = json.loads((EVAL / "report_spread.json").read_text(encoding="utf-8"))
    assert spread["cpu"]["flags"], "the spread report says which CPU it was measured on"
    assert len(spread["scores"]) >= 2
    assert baseline["tolerance"] >= spread["gate"]["widest_gap"]
    floor = spread["gate"]["floor"]
    for key in QUALITY_KEYS:
        expected, lowest = baseline["ours"][key], floor.get(key)
        if expected is None or lowest is None:
            continue
        if key == "false_refusal_rate":  # lower is better
            assert expected >= lowest, key
        else:
            assert expected <= lowest, key
