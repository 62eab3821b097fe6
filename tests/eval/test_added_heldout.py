"""Regression gate (issue 30): the held-out half of eval/added goes through the real upload path (`POST /documents`,
job polling, then /ask and /search) with the real embedding model, and its figures stay at or above the floors of
eval/added/baseline.json (false refusal: at or below its ceiling).

Aggregates only: no held-out question's row is printed or kept. Timings are reported by `python -m eval.run_added`,
never asserted here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.run_added import ADDED, evaluate

pytestmark = pytest.mark.slow
BASELINE = ADDED / "baseline.json"


def test_added_documents_held_out_not_below_baseline(tmp_path: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    figures = evaluate("heldout", tmp_path, real_embedder)["figures"]
    assert figures["uploads_failed"] == 0
    worse = {key: (round(figures[key], 4), floor) for key, floor in baseline["floor"].items() if figures[key] < floor}
    worse.update(
        {key: (round(figures[key], 4), ceiling) for key, ceiling in baseline["ceiling"].items() if figures[key] > ceiling}
    )
    assert worse == {}, f"added documents (held-out) fell below eval/added/baseline.json: {worse}"
