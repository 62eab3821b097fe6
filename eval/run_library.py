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

from eval.peers import ours
from eval.run_eval import HERE, ROOT, evaluate_ours, load_questions, retrieval_scores

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
    number = meta.doc_number or ""
    if same_title > 1 and "/VBHN" in number.upper():
        # one of several consolidations of a law: the year a reader gives names the law, not this text; its number does
        return f"Văn bản hợp nhất {number}"
    if (meta.doc_type or "") in ("Luật", "Bộ luật") or title.startswith(("Luật ", "Bộ luật ")):
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


def judged(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The programme's questions with the law passages judged to answer them too (eval/library_judgments.jsonl): in
    a library, «Doanh nghiệp nhỏ và vừa được hỗ trợ những gì?» is answered by the SME law as well as by the
    programme. Judged by reading the first passage of every programme question another document won, on the sample
    and the whole library (session 11); passages never judged count as not relevant, so this is a floor of what a
    reader would accept, beside the strict score (programme evidence only)."""
    extra: dict[str, list[str]] = {}
    for line in (HERE / "library_judgments.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip() and (j := json.loads(line))["relevant"]:
            extra.setdefault(j["id"], []).append(j["evidence"])
    return [{**i, "evidence": i["evidence"] + extra.get(i["id"], [])} for i in items]


def load_library_set() -> list[dict[str, Any]]:
    """The library question set: topic questions from article titles (make_library_questions.py) and hand-written
    ones (business, statements to verify, cadres), gold = an article of the law in force, dev / held-out split."""
    items: list[dict[str, Any]] = []
    for name in ("library_questions_titles.jsonl", "library_questions_hand.jsonl"):
        items += [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return items


# a returned passage: (doc_id or None, citation label or None, text); peers that return text only give (None, None, text)
Result = tuple[str | None, str | None, str]


class ArticleGold:
    """Where each gold article sits, to tell whether a returned passage is part of it: by document and label when
    the system returns our chunks, by text when it returns its own passages (llama-index's nodes)."""

    def __init__(self, registry: Any, items: list[dict[str, Any]]) -> None:
        from qa_service.references import normalize_number
        from qa_service.services.versions import newer_versions
        from qa_service.text import normalize_for_match

        self._norm = normalize_for_match
        by_number = {normalize_number(d.doc_number): d.doc_id for d in registry.documents() if d.doc_number}
        # the gold is the act's article as it stands: where a newer consolidated text of the gold's act is loaded
        # (41/2024/QH15 and 19/VBHN-VPQH of 2026, which keeps its article numbers), the article there
        newest = newer_versions(registry)
        self.doc_ids: dict[str, str] = {}
        self.texts: dict[tuple[str, str], str] = {}
        for item in items:
            for gold in item["gold"]:
                doc_id = by_number.get(normalize_number(gold["doc_number"]))
                if doc_id is None:
                    continue
                doc_id = newest.get(doc_id, doc_id)
                self.doc_ids[gold["doc_number"]] = doc_id
                text, outline = registry.document_text(doc_id)
                entry = next((o for o in outline if o.label == gold["article"]), None)
                if entry is not None:
                    self.texts[(doc_id, gold["article"])] = normalize_for_match(text[entry.start : entry.end])

    def matches(self, result: Result, copies: list[tuple[str, str]], item: dict[str, Any]) -> bool:
        doc_id, label, text = result
        for gold in item["gold"]:
            gold_doc = self.doc_ids.get(gold["doc_number"])
            if gold_doc is None:
                continue
            if label is not None:
                places = [(doc_id, label)] + copies
                if any(d == gold_doc and (lab or "").split(",")[0] == gold["article"] for d, lab in places):
                    return True
            else:
                # a peer's own passage, cut from the raw file: running page headers («CÔNG BÁO/Số …») and line
                # breaks our cleaning removed sit in it, so any 50-character stretch of it found in the article counts
                article = self.texts.get((gold_doc, gold["article"]), "")
                norm = self._norm(text)
                windows = [norm[i : i + 50] for i in range(0, max(len(norm) - 50, 0) + 1, 25)] if len(norm) >= 50 else [norm]
                if article and any(w and w in article for w in windows):
                    return True
        return False


def library_set_scores(systems: dict[str, Any], items: list[dict[str, Any]], gold: ArticleGold) -> dict[str, Any]:
    """recall@1/@5 and MRR@10 of each system, on the dev and held-out halves and on all."""
    out: dict[str, Any] = {}
    for name, search in systems.items():
        ranks: dict[str, list[int | None]] = {"dev": [], "heldout": [], "all": []}
        misses: list[dict[str, Any]] = []
        for item in items:
            results = search(item["question"])
            rank = next((i + 1 for i, (res, copies) in enumerate(results[:10]) if gold.matches(res, copies, item)), None)
            ranks[item["split"]].append(rank)
            ranks["all"].append(rank)
            if rank != 1 and len(misses) < 40:
                misses.append({"id": item["id"], "question": item["question"], "rank": rank,
                               "top": f"{results[0][0][0]} {results[0][0][1]}" if results else None})
        out[name] = {
            split: {
                "n": len(r),
                "recall@1": sum(x == 1 for x in r) / max(len(r), 1),
                "recall@5": sum(x is not None and x <= 5 for x in r) / max(len(r), 1),
                "mrr@10": sum(1 / x for x in r if x) / max(len(r), 1),
            }
            for split, r in ranks.items()
        }
        out[name]["misses"] = misses
    return out


def ours_search(client: Any) -> Any:
    """Ours as a reader gets it: POST /search, top 10, with the copies each hit lists."""

    def search(question: str) -> list[tuple[Result, list[tuple[str, str]]]]:
        hits = client.post("/search", json={"query": question, "top_k": 10}).json()["hits"]
        return [((h["doc_id"], h["citation_label"], h["text"]), [(c["doc_id"], c["citation_label"]) for c in h["also_in"]]) for h in hits]

    return search


def library_systems(client: Any, components: Any, paths: list[Path], peers: bool) -> dict[str, Any]:
    """Ours through /search; ours without the lexical or the dense half; rank_bm25 over our passages; llama-index
    defaults over the same files (with --peers: it embeds everything again)."""
    import re

    from rank_bm25 import BM25Okapi

    from qa_service.services.retrieval import HybridRetriever, RetrievalModes

    def mode(retriever: Any) -> Any:
        def search(question: str) -> list[tuple[Result, list[tuple[str, str]]]]:
            return [((h.chunk.doc_id, h.chunk.citation_label, h.chunk.text), []) for h in retriever.search(question, 10)]
        return search

    registry = components.registry
    chunks = list(registry.chunks(registry.chunk_ids()).values())
    tokens = [re.findall(r"\w+", c.text.lower()) for c in chunks]
    bm25 = BM25Okapi(tokens)

    def plain_bm25(question: str) -> list[tuple[Result, list[tuple[str, str]]]]:
        scores = bm25.get_scores(re.findall(r"\w+", question.lower()))
        order = sorted(range(len(scores)), key=lambda i: -scores[i])[:10]
        return [((chunks[i].doc_id, chunks[i].citation_label, chunks[i].text), []) for i in order]

    systems: dict[str, Any] = {
        "ours (hybrid, /search)": ours_search(client),
        "ours, dense only": mode(HybridRetriever(components, RetrievalModes(lexical=False))),
        "ours, lexical only": mode(HybridRetriever(components, RetrievalModes(dense=False))),
        "BM25 (rank_bm25, our passages)": plain_bm25,
    }
    if peers:
        from eval.peers import LlamaIndexDefaults

        files = [f for p in paths for f in (sorted(x for x in p.rglob("*") if x.is_file() and x.name != "README.md") if p.is_dir() else [p])]
        llama = LlamaIndexDefaults(files, components.embedder)
        systems["llama-index defaults"] = lambda q: [((None, None, t), []) for t in llama.search(q, 10)]
    return systems


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
    from qa_service.settings import Settings, get_settings

    parser = argparse.ArgumentParser()
    parser.add_argument("--others", type=int, default=27, help="documents other than laws and codes, first N by path")
    parser.add_argument("--laws-only", action="store_true")
    parser.add_argument("--out", default="report_library")
    parser.add_argument("--data-dir", default=str(HERE / "out" / "library-sample"), help="index to build or reuse")
    parser.add_argument("--peers", action="store_true", help="also llama-index defaults on the library set (embeds everything again)")
    args = parser.parse_args()

    paths = [ROOT / "corpus"] + sample_paths(args.others, args.laws_only)
    base = get_settings()
    data_dir = Path(args.data_dir)
    if base.embedding.adapter:  # its own index: the base model's registry would call every document unchanged
        data_dir = data_dir.with_name(f"{data_dir.name}-{base.embedding.adapter}")
    settings = Settings(data_dir=data_dir, embedding=base.embedding.model_copy())
    components = open_components(settings)
    started = time.perf_counter()
    report_ingest = IngestPipeline(settings, components.embedder, components.store, components.registry, components.segmenter).run(paths)
    ingest_s = time.perf_counter() - started
    components.refresh_lexical()
    items = load_questions()
    programme = [i for i in items if i["corpus"] == "programme"]
    library = [i for i in items if i["corpus"] == "library"]
    documents, chunks = components.registry.counts()
    library_set = load_library_set()
    with TestClient(create_app(settings, components)) as client:
        retriever = HybridRetriever(components)
        articles = article_questions(components.registry)
        systems = library_systems(client, components, paths, args.peers)
        library_scores = library_set_scores(systems, library_set, ArticleGold(components.registry, library_set))
        report: dict[str, Any] = {
            "documents": documents,
            "chunks": chunks,
            "ingest_seconds": round(ingest_s, 1),
            "embedded_now": report_ingest.embedded,
            "skipped": [str(s.path) for s in report_ingest.skipped],
            "article_questions": article_scores(client, articles),
            "programme_questions": evaluate_ours(client, retriever, programme),
            "programme_questions_judged": retrieval_scores(ours(retriever, "ours"), judged(programme), rewrite_follow_ups=True),
            "library_questions": evaluate_ours(client, retriever, library),
            "search": search_latency(client, [i["question"] for i in items]),
            "library_set": library_scores,
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
    j = report["programme_questions_judged"]
    lines += [
        "",
        f"Programme questions with the law passages judged to answer them too (eval/library_judgments.jsonl): recall@1 "
        f"{j['recall@1']:.3f}, recall@5 {j['recall@5']:.3f}, MRR@10 {j['mrr@10']:.3f}.",
    ]
    lines += [
        "",
        f"Library question set ({len(library_set)} questions: eval/library_questions_titles.jsonl and "
        "library_questions_hand.jsonl; gold = the article in the law in force; any passage of it counts):",
        "",
        "| system | dev r@1 | dev r@5 | held-out r@1 | held-out r@5 | all r@1 | all r@5 | all MRR@10 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, r in report["library_set"].items():
        d, h, a_ = r["dev"], r["heldout"], r["all"]
        lines.append(f"| {name} | {d['recall@1']:.3f} | {d['recall@5']:.3f} | {h['recall@1']:.3f} | {h['recall@5']:.3f} | "
                     f"{a_['recall@1']:.3f} | {a_['recall@5']:.3f} | {a_['mrr@10']:.3f} |")
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
