"""The noise floor of every threshold and gate: the same questions answered with each embedding configuration, on one
machine, in one run, and what changes between them.

    python -m eval.spread                                   # int8 (shipped scheme) against onnx fp32
    python -m eval.spread --configs onnx-int8:qint8,onnx-int8:quint8,onnx-fp32,torch

A configuration is `backend[:scheme]` (both sides of the index use it). Each gets a fresh index of the programme
in a temporary folder; every programme question of eval/questions.jsonl, questions_heldout.jsonl and
questions_fresh.jsonl goes through `/search` (top 10) and `/ask` (extractive). Printed, and written to
eval/report_spread.md / .json: the CPU's flags, each configuration's quality figures (run_eval's), and for each pair of
configurations how many questions changed their first hit, their top-5 set, their answered/refused decision and their
answer text — the spread any gate's tolerance must cover.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from itertools import combinations
from pathlib import Path
from typing import Any

from eval.run_eval import HERE, ROOT, evaluate_ours, load_questions
from qa_service.components.cpu import cpu_summary, describe

QUESTION_SETS = ("questions.jsonl", "questions_heldout.jsonl", "questions_fresh.jsonl")
GATE_SET = "questions/"


def _settings(data_dir: Path, config: str) -> Any:
    from qa_service.settings import EmbeddingSettings, Settings, get_settings

    backend, _, scheme = config.partition(":")
    embedding = EmbeddingSettings(
        model_dir=get_settings().embedding.model_path, backend=backend, query_backend="same",  # type: ignore[arg-type]
        **({"quantization": scheme} if scheme else {}),
    )
    return Settings(data_dir=data_dir, embedding=embedding)


def answers(config: str, items: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(quality figures, per question: top-10 chunk ids, answered, answer text) with one configuration."""
    from fastapi.testclient import TestClient

    from qa_service.app import create_app
    from qa_service.components.bundle import open_components
    from qa_service.ingestion.pipeline import IngestPipeline
    from qa_service.services.retrieval import HybridRetriever

    with tempfile.TemporaryDirectory() as tmp:
        settings = _settings(Path(tmp), config)
        components = open_components(settings)
        IngestPipeline(settings, components.embedder, components.store, components.registry, components.segmenter).run(
            [ROOT / "corpus"]
        )
        components.refresh_lexical()
        with TestClient(create_app(settings, components)) as client:
            # quality on the gate's own set (tests/eval/test_gate.py: eval/questions.jsonl's programme questions)
            gate = [i for i in items if i["id"].startswith(GATE_SET)]
            scores = evaluate_ours(client, HybridRetriever(components), gate)
            rows = {}
            for item in items:
                hits = client.post("/search", json={"query": item["question"], "top_k": 10}).json()["hits"]
                body = client.post("/ask", json={"question": item["question"], "history": item.get("history")}).json()
                rows[item["id"]] = {
                    "top": [h["chunk_id"] for h in hits],
                    "answered": body["answered"],
                    "answer": body["answer"],
                }
    return scores, rows


def compare(a: dict[str, dict[str, Any]], b: dict[str, dict[str, Any]]) -> dict[str, Any]:
    ids = sorted(a.keys() & b.keys())
    changed = {
        "first_hit": [i for i in ids if a[i]["top"][:1] != b[i]["top"][:1]],
        "top5_set": [i for i in ids if set(a[i]["top"][:5]) != set(b[i]["top"][:5])],
        "answered": [i for i in ids if a[i]["answered"] != b[i]["answered"]],
        "answer_text": [i for i in ids if a[i]["answer"] != b[i]["answer"]],
    }
    return {"questions": len(ids), **{k: {"n": len(v), "ids": v} for k, v in changed.items()}}


def gate_proposal(scores: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The quality gate's floor per figure: the lower of the configurations (the higher for false refusals), and the
    widest gap between them — a tolerance below it would fail a machine for its arithmetic, not for a change."""
    keys = [k for k in next(iter(scores.values())) if all(s.get(k) is not None for s in scores.values())]
    floor = {k: (max if k == "false_refusal_rate" else min)(s[k] for s in scores.values()) for k in keys}
    spread = max((max(s[k] for s in scores.values()) - min(s[k] for s in scores.values()) for k in keys), default=0.0)
    return {"floor": {k: round(v, 4) for k, v in floor.items()}, "widest_gap": round(spread, 4)}


def run(configs: list[str]) -> dict[str, Any]:
    items = [
        {**item, "id": f"{name.removesuffix('.jsonl')}/{item['id']}"}
        for name in QUESTION_SETS
        for item in load_questions(HERE / name)
        if item["corpus"] == "programme"
    ]
    results = {config: answers(config, items) for config in configs}
    scores = {c: {k: v for k, v in s.items() if not k.endswith(("_ms_p50", "_ms_p95"))} for c, (s, _) in results.items()}
    return {
        "cpu": cpu_summary(),
        "scores": scores,
        "gate": gate_proposal(scores),
        "questions": len(items),
        "pairs": {f"{x} vs {y}": compare(results[x][1], results[y][1]) for x, y in combinations(configs, 2)},
    }


def write_report(report: dict[str, Any], name: str = "report_spread") -> str:
    keys = ["recall@1", "recall@5", "mrr@10", "key_facts", "must_fraction", "refusal_rate", "false_refusal_rate"]
    lines = [
        "# Spread between embedding configurations",
        "",
        f"{describe()}. {report['questions']} programme questions (questions, heldout, fresh). Command: `python -m eval.spread`.",
        "",
        "| configuration | " + " | ".join(keys) + " |",
        "|---" * (len(keys) + 1) + "|",
    ]
    for config, scores in report["scores"].items():
        lines.append(f"| {config} | " + " | ".join("–" if scores.get(k) is None else f"{scores[k]:.3f}" for k in keys) + " |")
    lines += ["", "| pair | first hit changed | top-5 set changed | answered/refused changed | answer text changed |",
              "|---|---|---|---|---|"]
    for pair, diff in report["pairs"].items():
        cells = [f"{diff[k]['n']} / {diff['questions']}" for k in ("first_hit", "top5_set", "answered", "answer_text")]
        lines.append(f"| {pair} | " + " | ".join(cells) + " |")
    gate = report["gate"]
    lines += ["", f"Gate set (eval/questions.jsonl, programme): the lower of the configurations per figure "
              f"{json.dumps(gate['floor'])}; widest gap between them {gate['widest_gap']:.4f}."]
    for pair, diff in report["pairs"].items():
        lines += ["", f"{pair}: answered/refused changed for {', '.join(diff['answered']['ids']) or 'none'}; "
                  f"first hit changed for {', '.join(diff['first_hit']['ids']) or 'none'}."]
    text = "\n".join(lines) + "\n"
    (HERE / f"{name}.md").write_text(text, encoding="utf-8")
    (HERE / f"{name}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    return text


def main() -> None:
    from qa_service.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", default=f"onnx-int8:{get_settings().embedding.quantization},onnx-fp32")
    parser.add_argument("--out", default="report_spread")
    args = parser.parse_args()
    print(write_report(run(args.configs.split(",")), args.out))


if __name__ == "__main__":
    main()
