"""What a ranking change changes: every labelled question's top-10 passages, before and after, side by side.

    python -m eval.rank_snapshot --out /tmp/before.json            # programme index (fresh) + library sample (reused)
    python -m eval.rank_snapshot --diff /tmp/before.json /tmp/after.json

Questions: the programme sets (eval/questions*.jsonl) on a fresh index of the programme, and the library set
(eval/library_questions_*.jsonl) plus the programme questions on the library sample index of eval/run_library.py
(eval/out/library-sample, built there once). Rows: chunk ids of /search's top 10 and whether the gold passage is
first; the diff counts first hits and top-5 sets changed, and gold-first won and lost, per set.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from eval.run_eval import HERE, ROOT, load_questions, norm

PROGRAMME_SETS = ("questions.jsonl", "questions_heldout.jsonl", "questions_fresh.jsonl")


def holds_evidence(hit: dict[str, Any], item: dict[str, Any]) -> bool:
    return any(norm(e) in norm(hit["text"]) for e in item.get("evidence", []))


def _rows(client: Any, items: list[dict[str, Any]], is_gold: Any = holds_evidence) -> dict[str, dict[str, Any]]:
    rows = {}
    for item in items:
        hits = client.post("/search", json={"query": item["question"], "top_k": 10}).json()["hits"]
        gold = next((r for r, h in enumerate(hits) if is_gold(h, item)), None)
        rows[item["id"]] = {"top": [h["chunk_id"] for h in hits], "gold": gold}
    return rows


def programme_rows() -> dict[str, dict[str, Any]]:
    from fastapi.testclient import TestClient

    from eval.run_eval import _open
    from qa_service.app import create_app

    items = [
        {**i, "id": f"{name.removesuffix('.jsonl')}/{i['id']}"}
        for name in PROGRAMME_SETS
        for i in load_questions(HERE / name)
        if i["corpus"] == "programme" and i.get("answerable", True) and not i.get("history")
    ]
    with tempfile.TemporaryDirectory() as tmp:
        components = _open(Path(tmp), ROOT / "corpus")
        with TestClient(create_app(components.settings, components)) as client:
            return _rows(client, items)


def library_rows(data_dir: Path) -> dict[str, dict[str, Any]]:
    from fastapi.testclient import TestClient

    from eval.run_eval import _open
    from eval.run_library import ArticleGold, load_library_set, sample_paths
    from qa_service.app import create_app

    components = _open(data_dir, None)
    if components.registry.counts()[0] < 41:
        from qa_service.ingestion.pipeline import IngestPipeline

        IngestPipeline(components.settings, components.embedder, components.store, components.registry, components.segmenter).run(
            [ROOT / "corpus", *sample_paths(27, laws_only=False)]
        )
        components.refresh_lexical()
    programme = [{**i, "id": f"library-programme/{i['id']}"} for i in load_questions() if i["corpus"] == "programme" and i["answerable"] and not i.get("history")]
    lib = [{**i, "id": f"library-set/{i['id']}"} for i in load_library_set()]
    articles = ArticleGold(components.registry, lib)

    def in_article(hit: dict[str, Any], item: dict[str, Any]) -> bool:
        copies = [(c["doc_id"], c["citation_label"]) for c in hit.get("also_in", [])]
        return bool(articles.matches((hit["doc_id"], hit["citation_label"], hit["text"]), copies, item))

    with TestClient(create_app(components.settings, components)) as client:
        return _rows(client, programme) | _rows(client, lib, in_article)


def diff(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for qid in sorted(before.keys() & after.keys()):
        group = qid.split("/", 1)[0]
        a, b = before[qid], after[qid]
        row = out.setdefault(group, {"n": 0, "first_changed": 0, "top5_changed": 0, "gold_first_won": 0, "gold_first_lost": 0})
        row["n"] += 1
        row["first_changed"] += a["top"][:1] != b["top"][:1]
        row["top5_changed"] += set(a["top"][:5]) != set(b["top"][:5])
        row["gold_first_won"] += a["gold"] != 0 and b["gold"] == 0
        row["gold_first_lost"] += a["gold"] == 0 and b["gold"] != 0
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out")
    parser.add_argument("--diff", nargs=2)
    parser.add_argument("--library-dir", default=str(HERE / "out" / "library-sample"))
    parser.add_argument("--no-library", action="store_true")
    args = parser.parse_args()
    if args.diff:
        a, b = (json.loads(Path(p).read_text(encoding="utf-8")) for p in args.diff)
        for group, row in diff(a, b).items():
            print(group, row)
        return
    rows = programme_rows()
    if not args.no_library:
        rows |= library_rows(Path(args.library_dir))
    Path(args.out).write_text(json.dumps(rows, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"{len(rows)} questions -> {args.out}")


if __name__ == "__main__":
    main()
