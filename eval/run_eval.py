"""Answer quality and speed over the HTTP contract (in-process app, real index).

    python -m eval.run_eval [--questions eval/dev_questions.jsonl]

Prints a table and writes eval/report.json. Scoring follows ../shared/eval/README.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient

from qa_service.text import normalize_for_match as norm

HERE = Path(__file__).resolve().parent


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def evaluate(client: TestClient, questions: list[dict]) -> dict:
    ranks: list[int | None] = []
    within_2000 = facts = refused_ok = false_refusals = support = quotes_ok = quotes = 0
    answerable = [q for q in questions if q["answerable"]]
    unanswerable = [q for q in questions if not q["answerable"]]
    search_ms: list[float] = []
    ask_ms: list[float] = []
    for q in questions:
        t0 = time.perf_counter()
        hits = client.post("/search", json={"query": q["question"], "top_k": 10}).json()["hits"]
        search_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        body = client.post("/ask", json={"question": q["question"], "history": q.get("history")}).json()
        ask_ms.append((time.perf_counter() - t0) * 1000)
        for cit in body["citations"]:
            quotes += 1
            quotes_ok += int(cit["quote"] in cit["text"])
        if not q["answerable"]:
            refused_ok += int(not body["answered"])
            continue
        evidence = [norm(e) for e in q["evidence"]]
        rank = next((i for i, h in enumerate(hits) if any(e in norm(h["text"]) for e in evidence)), None)
        ranks.append(rank)
        joined = norm(" ".join(h["text"] for h in hits))[:2000]
        within_2000 += int(any(e in joined for e in evidence))
        if not body["answered"]:
            false_refusals += 1
        answer_text = norm(body["answer"])
        facts += int(all(norm(m) in answer_text for m in q["must"]))
        support += int(any(any(e in norm(c["text"]) for e in evidence) for c in body["citations"]))
    n = max(len(answerable), 1)
    return {
        "questions": len(questions),
        "recall@1": sum(1 for r in ranks if r is not None and r < 1) / n,
        "recall@5": sum(1 for r in ranks if r is not None and r < 5) / n,
        "recall@10": sum(1 for r in ranks if r is not None and r < 10) / n,
        "mrr@10": sum(1 / (r + 1) for r in ranks if r is not None) / n,
        "evidence_within_2000_chars": within_2000 / n,
        "key_facts": facts / n,
        "citation_support": support / n,
        "quote_verification": quotes_ok / quotes if quotes else 1.0,
        "refusal_rate_unanswerable": refused_ok / max(len(unanswerable), 1),
        "false_refusal_rate": false_refusals / n,
        "search_ms_p50": statistics.median(search_ms),
        "search_ms_p95": _pct(search_ms, 0.95),
        "ask_ms_p50": statistics.median(ask_ms),
        "ask_ms_p95": _pct(ask_ms, 0.95),
    }


def main() -> None:
    from qa_service.app import create_app

    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path, default=HERE / "dev_questions.jsonl")
    args = parser.parse_args()
    questions = [json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    with TestClient(create_app()) as client:
        report = evaluate(client, questions)
    width = max(len(k) for k in report)
    for key, value in report.items():
        print(f"{key:<{width}}  {value:.3f}" if isinstance(value, float) else f"{key:<{width}}  {value}")
    (HERE / "report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
