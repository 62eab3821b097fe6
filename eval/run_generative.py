"""Generative mode beside extractive mode on eval/questions.jsonl (needs `make setup-llm`).

    python -m eval.run_generative [--every K] [--offset I] [--limit N] [--out NAME]

Goes through the real app over the HTTP contract: POST /ask (extractive) and
POST /ask/stream (generative), timing the first token and the whole answer as a
client sees them. Then re-checks the raw generated texts at other thresholds
(no new generation) to show how `generator.min_coverage` and
`generator.min_question_focus` were chosen. `--every 2` and `--every 2 --offset 1`
are disjoint halves: choose on one, report on the other.
Writes eval/NAME.md and eval/NAME.json (NAME defaults to report_generative).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from eval.run_eval import HERE, ROOT, _open, _pct, load_questions
from qa_service.resources import msg
from qa_service.services.verify import (
    FIGURE,
    MARKER,
    Source,
    fallback_reason,
    split_answer,
    strip_markers,
    verify_answer,
)
from qa_service.text import normalize_for_match as norm

THRESHOLDS = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
FOCUS_THRESHOLDS = [0.0, 0.4, 0.5, 0.6, 0.7, 0.8]


def _sse(response: Any, t0: float) -> tuple[list[tuple[str, dict[str, Any]]], float | None, float]:
    """Events of a streamed answer, the time from `t0` (request sent) to the first token and to the end (ms)."""
    events: list[tuple[str, dict[str, Any]]] = []
    first: float | None = None
    event = ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: "):
            if event == "token" and first is None:
                first = (time.perf_counter() - t0) * 1000
            events.append((event, json.loads(line[6:])))
    return events, first, (time.perf_counter() - t0) * 1000


def unverified_figures(body: dict[str, Any]) -> int:
    """Sentences shown with a figure that is not in the passage they cite, headings included (must be 0)."""
    if body.get("mode") != "generative" or body.get("fallback") or not body.get("answered"):
        return 0
    cited = {c["n"]: "\n".join([*c["section_path"], c["text"]]) for c in body["citations"]}
    answer = body["answer"]
    for key in ("not_loaded_vi", "not_loaded_en"):  # the service's own note about a cited document, not generated
        lead = msg("refusal", key).split("{number}")[0]
        if answer.startswith(lead):
            answer = answer.split("\n\n", 1)[-1]
    bad = 0
    for sentence in split_answer(answer):
        numbers = [int(n) for m in MARKER.finditer(sentence) for n in re.split(r"\s*[,;]\s*", m.group(1))]
        evidence = " ".join(cited.get(n, "") for n in numbers)
        bad += int(any(f not in evidence for f in FIGURE.findall(strip_markers(sentence))))
    return bad


def _quality(rows: list[dict[str, Any]], key: str) -> dict[str, float | None]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    n = max(len(answerable), 1)
    return {
        "key_facts": sum(r[key]["fact"] for r in answerable) / n,
        "citation_support": sum(r[key]["support"] for r in answerable) / n,
        "refusal_rate": (sum(not r[key]["answered"] for r in unanswerable) / len(unanswerable)) if unanswerable else None,
        "false_refusal_rate": sum(not r[key]["answered"] for r in answerable) / n,
    }


def _score(item: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    evidence = [norm(e) for e in item["evidence"]]
    answer = norm(body["answer"])
    return {
        "answered": body["answered"],
        "fact": item["answerable"] and all(norm(m) in answer for m in item["must"]),
        "support": item["answerable"] and any(any(e in norm(c["text"]) for e in evidence) for c in body["citations"]),
    }


def calibrate(rows: list[dict[str, Any]], settings: Any) -> dict[str, list[dict[str, float]]]:
    """Re-verify the stored generations at other thresholds, one setting varied at a time."""
    generated = [r for r in rows if r.get("raw") is not None]
    n_ans = max(sum(1 for r in generated if r["answerable"]), 1)

    def recheck(min_coverage: float, min_focus: float) -> dict[str, float]:
        kept = total = fallbacks = facts = 0
        for row in generated:
            sources = [Source(s["n"], f"{s.get('heading', '')}\n{s['text']}") for s in row["sources"]]  # as the service checks
            check = verify_answer(row["raw"], sources, min_coverage, question=row["standalone"])
            kept += len(check.kept)
            total += len(check.sentences)
            answer = " ".join(strip_markers(s.text) for s in check.kept)
            evidence = "\n".join(s.text for s in sources)
            fell_back = bool(fallback_reason(check, row["standalone"], evidence, settings.min_kept_share, min_focus))
            fallbacks += int(fell_back)
            if row["answerable"]:
                shown = row["extractive_answer"] if fell_back else answer
                facts += int(all(norm(m) in norm(shown) for m in row["must"]))
        return {
            "sentences_kept": kept / total if total else 0.0,
            "fallback_rate": fallbacks / len(generated) if generated else 0.0,
            "key_facts_of_generated": facts / n_ans,
        }

    return {
        "min_coverage": [{"min_coverage": t, **recheck(t, settings.min_question_focus)} for t in THRESHOLDS],
        "min_question_focus": [{"min_question_focus": t, **recheck(settings.min_coverage, t)} for t in FOCUS_THRESHOLDS],
    }


def run(every: int, limit: int | None, offset: int = 0, questions: Path | None = None) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from qa_service.app import create_app
    from qa_service.components.generator import load_generator
    from qa_service.settings import get_settings

    items = [i for i in load_questions(questions or HERE / "questions.jsonl") if i["corpus"] == "programme"]
    items = items[offset::every][:limit]
    components = _open(HERE / "out" / "programme", ROOT / "corpus")
    generator = load_generator(get_settings().generator)
    if generator[0] is None:
        raise SystemExit(f"generator unavailable ({generator[1].reason}): run `make setup-llm`")
    rows: list[dict[str, Any]] = []
    with TestClient(create_app(components.settings, components, generator=generator)) as client:
        for k, item in enumerate(items, 1):
            payload = {"question": item["question"], "history": item.get("history")}
            t0 = time.perf_counter()
            extractive = client.post("/ask", json=payload).json()
            extractive_ms = (time.perf_counter() - t0) * 1000
            t0 = time.perf_counter()
            with client.stream("POST", "/ask/stream", json={**payload, "mode": "generative"}) as response:
                events, first_ms, total_ms = _sse(response, t0)
            final = events[-1][1]
            sources = next((d["sources"] for e, d in events if e == "sources"), None)
            raw = "".join(d["text"] for e, d in events if e == "token") if sources is not None else None
            rows.append(
                {
                    "id": item["id"],
                    "kind": item["kind"],
                    "answerable": item["answerable"],
                    "must": item.get("must", []),
                    "standalone": final["standalone_question"],
                    "extractive": _score(item, extractive),
                    "generative": _score(item, final),
                    "extractive_answer": extractive["answer"],
                    "answer": final["answer"],
                    "citations": [{k: c[k] for k in ("n", "section_path", "text", "quote")} for c in final["citations"]],
                    "fallback": final["fallback"],
                    "fallback_reason": final.get("fallback_reason"),
                    "retracted": final["retracted"],
                    "raw": raw,
                    "sources": [{"n": s["n"], "heading": s["heading"], "text": s["text"]} for s in sources or []],
                    "first_token_ms": first_ms,
                    "total_ms": total_ms,
                    "extractive_ms": extractive_ms,
                    "unverified_figures_shown": unverified_figures(final),
                }
            )
            print(f"[{k}/{len(items)}] {item['id']} first token {first_ms and round(first_ms)} ms, total {round(total_ms)} ms, "
                  f"fallback={final['fallback']}, dropped={len(final['retracted'])}", flush=True)
    generated = [r for r in rows if r["raw"] is not None]
    sentences = sum(len(split_answer(r["raw"])) for r in generated)
    dropped = sum(len(r["retracted"]) for r in generated)
    ttft = [r["first_token_ms"] for r in generated if r["first_token_ms"] is not None]
    totals = [r["total_ms"] for r in generated]
    reasons = Counter(x["reason"] for r in generated for x in r["retracted"])
    settings = get_settings().generator
    return {
        "questions": len(rows),
        "every": every,
        "offset": offset,
        "question_file": f"eval/{(questions or HERE / 'questions.jsonl').name}",
        "extractive": {**_quality(rows, "extractive"), "ms_p50": statistics.median(r["extractive_ms"] for r in rows)},
        "generative": {
            **_quality(rows, "generative"),
            "model_called": len(generated),
            "sentences_generated": sentences,
            "sentences_dropped_share": dropped / sentences if sentences else 0.0,
            "fallback_rate": sum(r["fallback"] for r in generated) / len(generated) if generated else 0.0,
            "unverified_figures_shown": sum(r["unverified_figures_shown"] for r in rows),
            "first_token_ms_p50": statistics.median(ttft) if ttft else None,
            "first_token_ms_p95": _pct(ttft, 0.95) if ttft else None,
            "total_ms_p50": statistics.median(totals) if totals else None,
            "total_ms_p95": _pct(totals, 0.95) if totals else None,
            "drop_reasons": dict(reasons),
            "fallback_reasons": dict(Counter(r["fallback_reason"] for r in generated if r["fallback"])),
        },
        "settings": {"min_coverage": settings.min_coverage, "min_kept_share": settings.min_kept_share,
                     "min_question_focus": settings.min_question_focus,
                     "max_source_tokens": settings.max_source_tokens, "max_new_tokens": settings.max_new_tokens},
        "calibration": calibrate(rows, settings),
        "halves": _halves(rows) if every == 1 and offset == 0 and questions is None else None,
        "rows": rows,
    }


def _halves(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The verification thresholds were chosen on the even-numbered half (`--every 2`); the odd half is unseen."""
    out = {}
    for name, part in (("chosen_on (--every 2)", rows[0::2]), ("held_out (--every 2 --offset 1)", rows[1::2])):
        generated = [r for r in part if r["raw"] is not None]
        out[name] = {
            "questions": len(part),
            "key_facts_extractive": _quality(part, "extractive")["key_facts"],
            "key_facts_generative": _quality(part, "generative")["key_facts"],
            "fallback_rate": sum(r["fallback"] for r in generated) / len(generated) if generated else 0.0,
        }
    return out


def _f(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) and value <= 1.0 else f"{value:,.0f}" if isinstance(value, float) else str(value)


def write_report(report: dict[str, Any], name: str = "report_generative") -> str:
    ext, gen = report["extractive"], report["generative"]
    lines = [
        "# Generative vs extractive answers",
        "",
        f"{report['questions']} programme questions of {report.get('question_file', 'eval/questions.jsonl')} "
        f"(every {report['every']}th from "
        f"#{report.get('offset', 0)}), through the real app; generative mode via POST /ask/stream. "
        f"`python -m eval.run_generative --every {report['every']} --offset {report.get('offset', 0)}`.",
        "",
        "| metric | extractive | generative |",
        "|---|---|---|",
    ]
    for key in ("key_facts", "citation_support", "refusal_rate", "false_refusal_rate"):
        lines.append(f"| {key} | {_f(ext[key])} | {_f(gen[key])} |")
    lines.append(f"| whole answer p50 (ms) | {_f(ext['ms_p50'])} | {_f(gen['total_ms_p50'])} |")
    lines += [
        "",
        "| generative mode | value |",
        "|---|---|",
    ]
    for key in ("model_called", "sentences_generated", "sentences_dropped_share", "fallback_rate", "unverified_figures_shown",
                "first_token_ms_p50", "first_token_ms_p95", "total_ms_p50", "total_ms_p95"):
        lines.append(f"| {key} | {_f(gen[key])} |")
    lines.append(f"| drop reasons | {', '.join(f'{k}: {v}' for k, v in sorted(gen['drop_reasons'].items()))} |")
    lines.append(f"| fallback reasons | {', '.join(f'{k}: {v}' for k, v in sorted(gen.get('fallback_reasons', {}).items()))} |")
    if report.get("halves"):
        lines += ["", "| half | questions | key facts extractive | key facts generative | fallback rate |", "|---|---|---|---|---|"]
        for half_name, half in report["halves"].items():
            lines.append(
                f"| {half_name} | {half['questions']} | {half['key_facts_extractive']:.3f} | {half['key_facts_generative']:.3f} "
                f"| {half['fallback_rate']:.3f} |"
            )
    for setting, table in report["calibration"].items():
        lines += [
            "",
            f"Calibration of `generator.{setting}` (now {report['settings'][setting]}): the same generations re-checked, "
            "other settings as they are.",
            "",
            f"| {setting} | sentences kept | fallback rate | key facts (questions the model was asked) |",
            "|---|---|---|---|",
        ]
        for row in table:
            lines.append(f"| {row[setting]} | {row['sentences_kept']:.3f} | {row['fallback_rate']:.3f} | {row['key_facts_of_generated']:.3f} |")
    text = "\n".join(lines) + "\n"
    (HERE / f"{name}.md").write_text(text, encoding="utf-8")
    (HERE / f"{name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=int, default=1, help="take every k-th programme question")
    parser.add_argument("--offset", type=int, default=0, help="start at this programme question (0-based)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", default="report_generative", help="report name under eval/ (.md and .json)")
    parser.add_argument("--questions", type=Path, default=None, help="another question file (eval/questions_fresh.jsonl)")
    args = parser.parse_args()
    print(write_report(run(args.every, args.limit, args.offset, args.questions), args.out))


if __name__ == "__main__":
    main()
