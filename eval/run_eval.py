"""Answer quality and speed, ours beside the peers, on eval/questions.jsonl.

    python -m eval.run_eval                      # programme mode (builds its index under eval/out/)
    python -m eval.run_eval --library DATA_DIR   # library mode: an index holding programme + 412 documents

    python -m eval.run_eval --questions eval/questions_heldout.jsonl --out report_heldout   # another question set

Prints a table and writes eval/report.md, eval/report.json and eval/report.png (or NAME.* with --out).
Scoring follows ../shared/eval/README.md (NFC, whitespace collapsed, lower case, `*` removed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from qa_service.text import normalize_for_match as norm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUALITY_KEYS = [
    "recall@1",
    "recall@5",
    "recall@10",
    "mrr@10",
    "evidence_within_2000_chars",
    "key_facts",
    "must_fraction",
    "citation_support",
    "quote_verification",
    "refusal_rate",
    "false_refusal_rate",
]


def load_questions(path: Path = HERE / "questions.jsonl") -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _search(system: Any, item: dict[str, Any], follow_ups: bool) -> list[str]:
    """`follow_ups`: a question with history is read as /ask reads it (ours); a peer gets the question alone."""
    if follow_ups and item.get("history"):
        return system.follow_up(item["question"], item["history"], 10)  # type: ignore[no-any-return]
    return system.search(str(item["question"]), 10)  # type: ignore[no-any-return]


def retrieval_scores(system: Any, items: list[dict[str, Any]], rewrite_follow_ups: bool) -> dict[str, float]:
    ranks: list[int | None] = []
    within = 0
    answerable = [i for i in items if i["answerable"]]
    for item in answerable:
        texts = _search(system, item, rewrite_follow_ups)
        evidence = [norm(e) for e in item["evidence"]]
        ranks.append(next((r for r, t in enumerate(texts) if any(e in norm(t) for e in evidence)), None))
        within += int(any(e in norm(" ".join(texts))[:2000] for e in evidence))
    n = max(len(answerable), 1)
    return {
        "recall@1": sum(1 for r in ranks if r is not None and r < 1) / n,
        "recall@5": sum(1 for r in ranks if r is not None and r < 5) / n,
        "recall@10": sum(1 for r in ranks if r is not None and r < 10) / n,
        "mrr@10": sum(1 / (r + 1) for r in ranks if r is not None) / n,
        "evidence_within_2000_chars": within / n,
    }


def answer_scores(client: Any, items: list[dict[str, Any]]) -> tuple[dict[str, float | None], list[dict[str, Any]]]:
    """Through the HTTP contract: /search and /ask, timed."""
    facts = support = quotes = quotes_ok = refused = false_refusals = 0
    must_fraction = 0.0
    search_ms: list[float] = []
    ask_ms: list[float] = []
    rows = []
    for item in items:
        t0 = time.perf_counter()
        client.post("/search", json={"query": item["question"], "top_k": 10})
        search_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        body = client.post("/ask", json={"question": item["question"], "history": item.get("history")}).json()
        ask_ms.append((time.perf_counter() - t0) * 1000)
        for cit in body["citations"]:
            quotes += 1
            quotes_ok += int(cit["quote"] in cit["text"])
        row = {"id": item["id"], "answered": body["answered"]}
        if not item["answerable"]:
            refused += int(not body["answered"])
        else:
            evidence = [norm(e) for e in item["evidence"]]
            answer = norm(body["answer"])
            present = [norm(m) in answer for m in item["must"]]
            row["fact"] = all(present)
            row["must_fraction"] = sum(present) / len(present) if present else 1.0
            must_fraction += row["must_fraction"]
            row["support"] = any(any(e in norm(c["text"]) for e in evidence) for c in body["citations"])
            facts += int(row["fact"])
            support += int(row["support"])
            false_refusals += int(not body["answered"])
        rows.append(row)
    n_ans = max(sum(1 for i in items if i["answerable"]), 1)
    n_un = sum(1 for i in items if not i["answerable"])
    scores = {
        "key_facts": facts / n_ans,  # answers holding every `must` string
        "must_fraction": must_fraction / n_ans,  # share of `must` strings held, averaged
        "citation_support": support / n_ans,
        "quote_verification": quotes_ok / quotes if quotes else 1.0,
        "refusal_rate": refused / n_un if n_un else None,
        "false_refusal_rate": false_refusals / n_ans,
        "search_ms_p50": statistics.median(search_ms),
        "search_ms_p95": _pct(search_ms, 0.95),
        "ask_ms_p50": statistics.median(ask_ms),
        "ask_ms_p95": _pct(ask_ms, 0.95),
    }
    return scores, rows


def evaluate_ours(client: Any, retriever: Any, items: list[dict[str, Any]], rows: list[Any] | None = None) -> dict[str, Any]:
    """`rows`: filled with each question's answer row, for a per-question diff of two runs."""
    from eval.peers import ours

    result: dict[str, Any] = {}
    result.update(retrieval_scores(ours(retriever, "ours"), items, rewrite_follow_ups=True))
    scores, answered = answer_scores(client, items)
    result.update(scores)
    if rows is not None:
        rows.extend(answered)
    return result


def breakdown(client: Any, retriever: Any, items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        groups[f"persona:{item['persona']}"].append(item)
        # q-*: the original 143; s-*: the question shapes added with sections, leads and near-miss refusals
        groups["set:original" if item["id"].startswith("q-") else "set:shapes"].append(item)
        if item["kind"] != "plain":
            groups[f"kind:{item['kind']}"].append(item)
    return {name: {**evaluate_ours(client, retriever, group), "n": len(group)} for name, group in sorted(groups.items())}


def _open(data_dir: Path, corpus: Path | None) -> Any:
    from qa_service.components.bundle import open_components
    from qa_service.ingestion.pipeline import IngestPipeline
    from qa_service.settings import Settings, get_settings

    base = get_settings()
    # an adapted model's index lives beside the base model's: its registry would call every document unchanged
    if base.embedding.adapter:
        data_dir = data_dir.with_name(f"{data_dir.name}-{base.embedding.adapter}")
    settings = Settings(data_dir=data_dir, embedding=base.embedding.model_copy())
    components = open_components(settings)
    if corpus is not None:
        IngestPipeline(settings, components.embedder, components.store, components.registry, components.segmenter).run([corpus])
        components.refresh_lexical()
    return components


def run(library_dir: Path | None = None, with_peers: bool = True, questions: Path = HERE / "questions.jsonl") -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from eval.peers import LlamaIndexDefaults, PlainBM25, ours
    from qa_service.app import create_app
    from qa_service.services.retrieval import HybridRetriever, RetrievalModes

    items = load_questions(questions)
    programme_items = [i for i in items if i["corpus"] == "programme"]
    programme_file = ROOT / "corpus" / "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025.md"
    components = _open(HERE / "out" / "programme", ROOT / "corpus")
    source = questions.relative_to(ROOT) if questions.is_relative_to(ROOT) else questions
    report: dict[str, Any] = {"questions": len(programme_items), "source": str(source), "systems": {}}
    with TestClient(create_app(components.settings, components)) as client:
        full = HybridRetriever(components)
        systems: list[Any] = []
        if with_peers:
            systems += [LlamaIndexDefaults([programme_file], components.embedder), PlainBM25([programme_file])]
        systems += [
            ours(HybridRetriever(components, RetrievalModes(lexical=False)), "ours: dense only"),
            ours(HybridRetriever(components, RetrievalModes(dense=False)), "ours: lexical only"),
        ]
        for system in systems:
            rewritten = system.name.startswith("ours")
            report["systems"][system.name] = retrieval_scores(system, programme_items, rewrite_follow_ups=rewritten)
        report["answers"] = []
        report["systems"]["ours"] = evaluate_ours(client, full, programme_items, report["answers"])
        report["breakdown"] = breakdown(client, full, programme_items)
    if library_dir is not None:
        lib = _open(library_dir, None)
        with TestClient(create_app(lib.settings, lib)) as client:
            retriever = HybridRetriever(lib)
            report["library_mode"] = {
                "documents": lib.registry.counts()[0],
                "chunks": lib.registry.counts()[1],
                "programme_questions": evaluate_ours(client, retriever, programme_items),
                "library_questions": evaluate_ours(client, retriever, [i for i in items if i["corpus"] == "library"]),
            }
    return report


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def write_report(report: dict[str, Any], name: str = "report") -> str:
    systems = report["systems"]
    keys = ["recall@1", "recall@5", "recall@10", "mrr@10", "evidence_within_2000_chars"]
    lines = [
        "# Evaluation report",
        "",
        f"Programme questions: {report['questions']} ({report.get('source', 'eval/questions.jsonl')}). Command: `make eval`.",
        "",
        "## Retrieval, same questions, same embedding model",
        "",
        "| system | " + " | ".join(keys) + " |",
        "|---" * (len(keys) + 1) + "|",
    ]
    for system, scores in systems.items():
        lines.append(f"| {system} | " + " | ".join(_fmt(scores.get(k)) for k in keys) + " |")
    ours = systems["ours"]
    lines += ["", f"![comparison]({name}.png)", "", "## Answers (ours, through the HTTP API)", ""]
    for key in ["key_facts", "must_fraction", "citation_support", "quote_verification", "refusal_rate", "false_refusal_rate", "search_ms_p50", "search_ms_p95", "ask_ms_p50", "ask_ms_p95"]:
        lines.append(f"- {key}: {_fmt(ours[key])}")
    lines += ["", "## Breakdown (ours)", "", "| group | n | recall@1 | recall@5 | key_facts | must_fraction | refusal_rate | false_refusal_rate |", "|---|---|---|---|---|---|---|---|"]
    for group, scores in report["breakdown"].items():
        lines.append(
            f"| {group} | {scores['n']} | "
            + " | ".join(_fmt(scores[k]) for k in ["recall@1", "recall@5", "key_facts", "must_fraction", "refusal_rate", "false_refusal_rate"])
            + " |"
        )
    if "library_mode" not in report:
        lines += ["", "Library mode was not run for this report (it needs an index at var/library: README, «Library mode»)."]
    if "library_mode" in report:
        lib = report["library_mode"]
        lines += ["", f"## Library mode ({lib['documents']} documents, {lib['chunks']} chunks)", ""]
        for part in ["programme_questions", "library_questions"]:
            s = lib[part]
            lines.append(f"- {part}: " + ", ".join(f"{k} {_fmt(s[k])}" for k in ["recall@1", "recall@5", "mrr@10", "key_facts", "search_ms_p50", "ask_ms_p50"]))
    text = "\n".join(lines) + "\n"
    (HERE / f"{name}.md").write_text(text, encoding="utf-8")
    (HERE / f"{name}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    _chart(systems, name)
    return text


def _chart(systems: dict[str, dict[str, float]], name: str = "report") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = ["recall@1", "recall@5", "mrr@10", "evidence_within_2000_chars"]
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / len(systems)
    for i, (system, scores) in enumerate(systems.items()):
        ax.bar([k + i * width for k in range(len(keys))], [scores[k] for k in keys], width, label=system)
    ax.set_xticks([k + 0.4 - width / 2 for k in range(len(keys))], keys)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("Retrieval on the programme questions")
    fig.tight_layout()
    fig.savefig(HERE / f"{name}.png", dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", type=Path, default=None, help="data dir of an index with the 412-document library")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--questions", type=Path, default=HERE / "questions.jsonl", help="JSONL questions (programme items are used)")
    parser.add_argument("--out", default="report", help="report name under eval/: NAME.md, NAME.json, NAME.png")
    args = parser.parse_args()
    report = run(args.library, with_peers=not args.no_peers, questions=args.questions)
    print(write_report(report, args.out))


if __name__ == "__main__":
    main()
