"""The generative report's re-check of stored generations (no model: fast tier)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval.run_generative import _halves, calibrate
from qa_service.settings import GeneratorSettings

QUESTION = "Khu, cụm công nghiệp nào sẽ bị đưa ra khỏi quy hoạch?"
SOURCE = "Kiên quyết đưa ra khỏi quy hoạch các khu, cụm công nghiệp không có dự án đầu tư, vị trí không thuận lợi."
EXTRACTIVE = f"- «{SOURCE}» [1]"


def row(raw: str, fallback: bool) -> dict[str, Any]:
    return {
        "answerable": True,
        "must": ["đưa ra khỏi quy hoạch"],
        "standalone": QUESTION,
        "raw": raw,
        "sources": [{"n": 1, "heading": "2. Quy hoạch", "text": SOURCE}],
        "extractive_answer": EXTRACTIVE,
        "fallback": fallback,
        "extractive": {"answered": True, "fact": True, "support": True},
        "generative": {"answered": True, "fact": not fallback, "support": True},
    }


def test_recheck_follows_the_service_rules() -> None:
    faithful = row("Kiên quyết đưa ra khỏi quy hoạch các khu, cụm công nghiệp không có dự án đầu tư [1].", False)
    headless = row("Các khu, cụm công nghiệp không có dự án đầu tư, vị trí không thuận lợi [1].", True)
    table = calibrate([faithful, headless], GeneratorSettings())  # type: ignore[call-arg]
    at_06 = next(r for r in table["min_coverage"] if r["min_coverage"] == 0.6)
    # the headless copy is dropped (dropped_lead) and its question falls back to the quote
    assert at_06["sentences_kept"] == 0.5 and at_06["fallback_rate"] == 0.5
    assert at_06["key_facts_of_generated"] == 1.0
    assert {r["min_question_focus"] for r in table["min_question_focus"]} >= {0.0, 0.6}


def test_halves_split_chosen_and_held_out_questions() -> None:
    rows = [row("x [1].", i % 2 == 1) for i in range(4)]
    halves = _halves(rows)
    chosen, held_out = halves.values()
    assert chosen["questions"] == held_out["questions"] == 2
    assert chosen["fallback_rate"] == 0.0 and held_out["fallback_rate"] == 1.0


def test_report_is_written_under_the_name_asked_for(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    import eval.run_generative as run_generative

    report = json.loads((Path(run_generative.HERE) / "report_generative.json").read_text(encoding="utf-8"))
    assert report["halves"]  # the table whose loop once renamed the output file
    monkeypatch.setattr(run_generative, "HERE", tmp_path)
    text = run_generative.write_report(report, "named")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["named.json", "named.md"]
    assert text.startswith("# Generative vs extractive answers") and "held_out" in text
