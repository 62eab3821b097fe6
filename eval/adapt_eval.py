"""Base vs adapted embedder on held-out documents and questions, each measured by the evaluations that already exist.

    python -m eval.adapt_eval [--adapter legal-vi]

First the adapter's calibration (`calibration.json` beside it, fit_calibration): the answer layer's dense
similarity range moved to the adapted model's scale, on dev questions. Then for each model (the base, then the
adapter merged at setup): eval/run_eval.py (the programme alone: retrieval and key
facts) and eval/run_library.py (the programme among 27 Gazette documents, and the library question set, dev and
held-out, with the gold article in a law none of the adapter's training pairs came from: eval/adapt_data.held_out).
Each model gets its own index (run_eval / run_library add the adapter's name to the data dir). Writes
eval/report_adapt.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

import numpy as np

from eval.run_eval import HERE, ROOT, load_questions


def _run(module: str, args: list[str], adapter: str) -> float:
    env = {**os.environ, "QA__EMBEDDING__ADAPTER": adapter}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def measure(adapter: str, reuse: bool = False) -> dict[str, Any]:
    name = adapter or "base"
    runs = {
        "programme": ("eval.run_eval", ["--no-peers", "--out", f"out/adapt/programme-{name}"]),
        "programme_heldout": ("eval.run_eval", ["--no-peers", "--questions", "eval/questions_heldout.jsonl",
                                                "--out", f"out/adapt/programme-heldout-{name}"]),
        "library": ("eval.run_library", ["--out", f"out/adapt/library-{name}"]),
    }
    _run("qa_service.components.embedder_setup", [], adapter)
    out: dict[str, Any] = {}
    for key, (module, args) in runs.items():
        path = HERE / f"{args[-1]}.json"
        if not (reuse and path.exists()):
            _run(module, args, adapter)
        report = json.loads(path.read_text(encoding="utf-8"))
        out[key] = report if key == "library" else report["systems"]["ours"]
    return out


CALIBRATED = ("dense_floor", "dense_ceiling", "cross_lingual_dense_floor", "cross_lingual_dense_ceiling")


def top1_similarities(adapter: str, questions: list[str]) -> np.ndarray:
    """Each dev question's best cosine over the programme's passages, with the model `adapter` names ("" = base)."""
    from qa_service.components.embedder import make_embedder
    from qa_service.ingestion.prepare import prepare
    from qa_service.ingestion.readers import load
    from qa_service.settings import EmbeddingSettings, Settings, get_settings

    base = get_settings()
    settings = Settings(data_dir=base.data_dir, embedding=EmbeddingSettings(adapter=adapter))
    embedder = make_embedder(settings.embedding)
    chunks = [c.embed_text for path in sorted((ROOT / "corpus").glob("*.md")) for c in prepare(load(path), settings).chunks]
    passages = np.asarray(embedder.embed_batch(chunks))
    return np.asarray([float((passages @ embedder.embed_query(q)).max()) for q in questions])


def fit_calibration(adapter: str) -> dict[str, Any]:
    """The answer layer's dense similarity range, moved to the adapted model's scale: the base model's p10 and p90 of
    each dev question's best similarity are mapped onto the adapted model's (a line through the two), so a floor or
    ceiling sits at the same place in the distribution. Dev questions only (eval/questions.jsonl)."""
    from qa_service.settings import EvidenceSettings

    questions = [i["question"] for i in load_questions() if i["corpus"] == "programme"]
    base, adapted = top1_similarities("", questions), top1_similarities(adapter, questions)
    (b10, b90), (a10, a90) = np.percentile(base, [10, 90]), np.percentile(adapted, [10, 90])
    slope = (a90 - a10) / (b90 - b10)
    defaults = EvidenceSettings()
    values = {name: round(float(np.clip(a10 + (getattr(defaults, name) - b10) * slope, 0.0, 1.0)), 3) for name in CALIBRATED}
    return {**values, "fitted_on": "eval/questions.jsonl (programme, dev)", "base_p10_p90": [round(b10, 3), round(b90, 3)],
            "adapted_p10_p90": [round(a10, 3), round(a90, 3)]}


def _row(label: str, r: dict[str, Any]) -> str:
    refusals = f"{r['refusal_rate']:.3f} | {r['false_refusal_rate']:.3f}" if r.get("refusal_rate") is not None else "– | –"
    return f"| {label} | {r['recall@1']:.3f} | {r['recall@5']:.3f} | {r['mrr@10']:.3f} | {r.get('key_facts') or 0:.3f} | {refusals} |"


def report(results: dict[str, dict[str, Any]]) -> str:
    lines = ["# Base vs adapted embedder (eval/adapt_eval.py)", "",
             "| questions | model | recall@1 | recall@5 | MRR@10 | key facts | near misses refused | false refusals |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(_row(f"programme alone, dev | {name}", r["programme"]))
    for name, r in results.items():
        lines.append(_row(f"programme alone, held-out | {name}", r["programme_heldout"]))
    for name, r in results.items():
        lines.append(_row(f"programme in the library | {name}", r["library"]["programme_questions"]))
    lines += ["", "Library question set (gold: the article in the law in force; held-out laws for the adapter):", "",
              "| system | model | dev r@1 | dev r@5 | held-out r@1 | held-out r@5 | held-out MRR@10 |", "|---|---|---|---|---|---|---|"]
    for system in ("ours (hybrid, /search)", "ours, dense only"):
        for name, r in results.items():
            s = r["library"]["library_set"].get(system)
            if s:
                d, h = s["dev"], s["heldout"]
                lines.append(f"| {system} | {name} | {d['recall@1']:.3f} | {d['recall@5']:.3f} | {h['recall@1']:.3f} | "
                             f"{h['recall@5']:.3f} | {h['mrr@10']:.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--adapter", default="legal-vi")
    parser.add_argument("--reuse", action="store_true", help="keep the reports of runs already made (eval/out/adapt)")
    args = parser.parse_args()
    from qa_service.components.adapter import adapter_dir

    _run("qa_service.components.embedder_setup", [], args.adapter)
    calibration = fit_calibration(args.adapter)
    (adapter_dir(args.adapter) / "calibration.json").write_text(json.dumps(calibration, indent=1), encoding="utf-8")
    results = {"base": measure("", args.reuse), args.adapter: measure(args.adapter, args.reuse)}
    (HERE / "report_adapt.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    text = report(results)
    (HERE / "report_adapt.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
