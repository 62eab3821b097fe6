"""Quality gate: the suite fails when a quality figure falls below eval/baseline.json.

Timings are reported by `make eval`, never asserted here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eval.run_eval import QUALITY_KEYS, evaluate_ours, load_questions
from qa_service.services.retrieval import HybridRetriever

pytestmark = pytest.mark.slow
BASELINE = Path(__file__).resolve().parents[2] / "eval" / "baseline.json"


def test_quality_not_below_baseline(real_client: TestClient, real_corpus_components) -> None:  # type: ignore[no-untyped-def]
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    items = [i for i in load_questions() if i["corpus"] == "programme"]
    scores = evaluate_ours(real_client, HybridRetriever(real_corpus_components), items)
    worse = {}
    for key in QUALITY_KEYS:
        expected = baseline["ours"][key]
        if expected is None or scores[key] is None:
            continue
        # false refusals: lower is better
        drop = scores[key] - expected if key == "false_refusal_rate" else expected - scores[key]
        if drop > baseline["tolerance"]:
            worse[key] = (round(scores[key], 4), expected)
    assert worse == {}, f"quality fell below eval/baseline.json: {worse}"
