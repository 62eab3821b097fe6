"""Library mode on a sample: the programme beside laws and decrees from ../shared, with the real model.

    python -m eval.run_library [--laws-only] [--others N] [--out report_library]

Measures, in one run: (1) article-by-number questions made from the loaded documents' own outline («Điều 25 Bộ
luật Lao động quy định gì?», «Nghị định 19/VBHN-BTC, điều 26 nói gì?»): is the named article the first /search hit
and the first quote of /ask; (2) the programme's own questions (eval/questions.jsonl) in the library; (3) the
library questions of eval/questions.jsonl; (4) /search latency. The index is kept in eval/out/library-sample and
reused (an unchanged document is not embedded again).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

from eval.run_eval import HERE, ROOT, evaluate_ours, load_questions

LIBRARY = ROOT.parent / "shared" / "datasets" / "congbao-8-chu-de"
TEMPLATES = ("Điều {n} {doc} quy định gì?", "Nội dung Điều {n} của {doc} là gì?", "{doc}, điều {n} nói gì?")


def sample_paths(others: int, laws_only: bool) -> list[Path]:
    """Every law and code of the dataset, then the first `others` other documents by path: deterministic."""
    index = json.loads((LIBRARY / "index.json").read_text(encoding="utf-8"))
    laws = sorted(LIBRARY / e["path"] for e in index if e["loai"] in ("Luật", "Bộ luật"))
    rest = [] if laws_only else sorted(LIBRARY / e["path"] for e in index if e["loai"] not in ("Luật", "Bộ luật"))[:others]
    return laws + rest


def designator(meta: Any, same_title: int) -> str:
    """How a reader names the document: a law by its title (and year when several versions are loaded), anything
    else by its type and number."""
    title = meta.title.removesuffix(" (văn bản hợp nhất)")
    if (meta.doc_type or "") in ("Luật", "Bộ luật") or title.startswith(("Luật ", "Bộ luật ")):
        number = meta.doc_number or ""
        year = number.split("/")[1] if number.count("/") >= 2 else (meta.issued or "")[:4]
        if same_title > 1 and not year:
            return ""  # several versions and no year to tell this one: a reader could not name it either
        return f"{title} {year}" if same_title > 1 else title
    return f"{meta.doc_type or 'Văn bản'} {meta.doc_number}" if meta.doc_number else ""


def article_questions(registry: Any, per_document: int = 6) -> list[dict[str, Any]]:
    documents = registry.documents()
    titles = [d.title.removesuffix(" (văn bản hợp nhất)") for d in documents]
    out: list[dict[str, Any]] = []
    for meta in documents:
        name = designator(meta, titles.count(meta.title.removesuffix(" (văn bản hợp nhất)")))
        outline, _ = registry.outline(meta.doc_id)
        articles = [o.label for o in outline if o.label.startswith("Điều ")]
        if not name or len(articles) < 3:
            continue
        step = max(1, len(articles) // per_document)
        for i, label in enumerate(articles[::step][:per_document]):
            question = TEMPLATES[(len(out) + i) % len(TEMPLATES)].format(n=label.split()[1], doc=name)
            out.append({"question": question, "doc_id": meta.doc_id, "article": label})
    return out


def article_scores(client: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    search_first = ask_first = 0
    misses = []
    for item in items:
        hits = client.post("/search", json={"query": item["question"], "top_k": 5}).json()["hits"]
        body = client.post("/ask", json={"question": item["question"]}).json()
        ok = bool(hits) and hits[0]["doc_id"] == item["doc_id"] and hits[0]["citation_label"].split(",")[0] == item["article"]
        cited = body.get("citations") or []
        ok_ask = bool(cited) and cited[0]["doc_id"] == item["doc_id"] and cited[0]["citation_label"].split(",")[0] == item["article"]
        search_first += ok
        ask_first += ok_ask
        if not (ok and ok_ask):
            misses.append({**item, "search_top": hits[0]["citation_label"] if hits else None, "ask": body.get("answer", "")[:120]})
    n = max(len(items), 1)
    return {"questions": len(items), "search_first": search_first / n, "ask_first": ask_first / n, "misses": misses[:20]}


def search_latency(client: Any, questions: list[str]) -> dict[str, float]:
    times = []
    for q in questions:
        t0 = time.perf_counter()
        client.post("/search", json={"query": q, "top_k": 10})
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {"p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))], "n": len(times)}


def main() -> None:
    from fastapi.testclient import TestClient

    from qa_service.app import create_app
    from qa_service.components.bundle import open_components
    from qa_service.ingestion.pipeline import IngestPipeline
    from qa_service.services.retrieval import HybridRetriever
    from qa_service.settings import EmbeddingSettings, Settings, get_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--others", type=int, default=27, help="documents other than laws and codes, first N by path")
    parser.add_argument("--laws-only", action="store_true")
    parser.add_argument("--out", default="report_library")
    args = parser.parse_args()

    paths = [ROOT / "corpus"] + sample_paths(args.others, args.laws_only)
    base = get_settings()
    settings = Settings(data_dir=HERE / "out" / "library-sample", embedding=EmbeddingSettings(model_dir=base.embedding.model_path))
    components = open_components(settings)
    started = time.perf_counter()
    report_ingest = IngestPipeline(settings, components.embedder, components.store, components.registry, components.segmenter).run(paths)
    ingest_s = time.perf_counter() - started
    components.refresh_lexical()
    items = load_questions()
    programme = [i for i in items if i["corpus"] == "programme"]
    library = [i for i in items if i["corpus"] == "library"]
    documents, chunks = components.registry.counts()
    with TestClient(create_app(settings, components)) as client:
        retriever = HybridRetriever(components)
        articles = article_questions(components.registry)
        report: dict[str, Any] = {
            "documents": documents,
            "chunks": chunks,
            "ingest_seconds": round(ingest_s, 1),
            "embedded_now": report_ingest.embedded,
            "skipped": [str(s.path) for s in report_ingest.skipped],
            "article_questions": article_scores(client, articles),
            "programme_questions": evaluate_ours(client, retriever, programme),
            "library_questions": evaluate_ours(client, retriever, library),
            "search": search_latency(client, [i["question"] for i in items]),
        }
    (HERE / f"{args.out}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    lines = [
        "# Library mode on a sample (eval/run_library.py)",
        "",
        f"{documents} documents ({', '.join(p.name for p in paths[:1])} + {len(paths) - 1} from ../shared), {chunks} chunks, real model.",
        "",
        "| | n | recall@1 | recall@5 | MRR@10 | key facts |",
        "|---|---|---|---|---|---|",
    ]
    for name in ("programme_questions", "library_questions"):
        r = report[name]
        n = len(programme) if name == "programme_questions" else len(library)
        lines.append(f"| {name.replace('_', ' ')} | {n} | {r['recall@1']:.3f} | {r['recall@5']:.3f} | {r['mrr@10']:.3f} | {r.get('key_facts') or 0:.3f} |")
    a = report["article_questions"]
    lines += [
        "",
        f"Article by number ({a['questions']} questions made from the loaded documents' outlines): the named article is "
        f"the first /search hit for {a['search_first']:.3f} and the first quote of /ask for {a['ask_first']:.3f}.",
        "",
        f"/search over {report['search']['n']} questions: p50 {report['search']['p50_ms']:.1f} ms, p95 {report['search']['p95_ms']:.1f} ms.",
    ]
    (HERE / f"{args.out}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
