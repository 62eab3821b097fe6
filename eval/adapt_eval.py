"""Base vs adapted embedder on held-out documents and questions, each measured by the evaluations that already exist.

    python -m eval.adapt_eval [--adapter legal-vi]

For each model (the base, then the adapter merged at setup): eval/run_eval.py (the programme alone: retrieval and key
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

from eval.run_eval import HERE, ROOT


def _run(module: str, args: list[str], adapter: str) -> float:
    env = {**os.environ, "QA__EMBEDDING__ADAPTER": adapter}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


def measure(adapter: str) -> dict[str, Any]:
    name = adapter or "base"
    _run("qa_service.components.embedder_setup", [], adapter)
    _run("eval.run_eval", ["--no-peers", "--out", f"out/adapt/programme-{name}"], adapter)
    _run("eval.run_library", ["--out", f"out/adapt/library-{name}"], adapter)
    programme = json.loads((HERE / "out" / "adapt" / f"programme-{name}.json").read_text(encoding="utf-8"))
    library = json.loads((HERE / "out" / "adapt" / f"library-{name}.json").read_text(encoding="utf-8"))
    return {"programme": programme["systems"]["ours"], "library": library}


def _row(label: str, r: dict[str, Any]) -> str:
    return f"| {label} | {r['recall@1']:.3f} | {r['recall@5']:.3f} | {r['mrr@10']:.3f} | {r.get('key_facts') or 0:.3f} |"


def report(results: dict[str, dict[str, Any]]) -> str:
    lines = ["# Base vs adapted embedder (eval/adapt_eval.py)", "",
             "| questions | model | recall@1 | recall@5 | MRR@10 | key facts |", "|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(_row(f"programme alone | {name}", r["programme"]))
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
    args = parser.parse_args()
    results = {"base": measure(""), args.adapter: measure(args.adapter)}
    (HERE / "report_adapt.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    text = report(results)
    (HERE / "report_adapt.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
