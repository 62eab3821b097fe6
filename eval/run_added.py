"""A document a user adds answers at once, on equal terms (issue 30): the added documents of eval/added/ through
the real upload path, then their questions through /ask and /search.

    python -m eval.run_added --split dev --rows /tmp/added-dev.jsonl     # dev figures; dev rows for error analysis
    python -m eval.run_added --split heldout --out /tmp/added-heldout.json   # held-out figures only

The app runs in process (FastAPI's TestClient) over a temporary data directory: the programme (corpus/) ingested as
eval/run_eval.py ingests it, an admin token made for the run. Every document of the split is uploaded with
`POST /documents` (DOCX and PDF made from their sources first, eval/added_docs.py) and its job polled; right after
each upload its first question is asked (upload → first answer, seconds). With all of them loaded, every question
of the split is asked (`/ask`; a follow-up after its first turn, asked live, as the UI asks) and searched
(`/search`), and the five programme questions are asked again to compare with their answers before the uploads.

Figures (eval/added/README.md): facts, follow-ups, near-miss refusal, false refusal, search first (the question's
document holds the first hit), evidence first (the first hit holds the passage), cited right document, programme
unchanged, upload → first answer seconds. Held-out rows are never written anywhere — only aggregates — so nobody
tunes on them; `--rows` writes the dev split's rows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from eval.added_docs import build_all
from eval.run_eval import HERE, ROOT
from eval.run_meaning import ask, judge
from qa_service.text import normalize_for_match as norm

ADDED = HERE / "added"
QUESTIONS = ADDED / "questions.jsonl"
SPLITS = ("dev", "heldout")


def split_of(name: str) -> str:
    """A document's side, fixed by its file name before any tuning: about half each."""
    return "heldout" if int(hashlib.blake2b(name.encode("utf-8"), digest_size=8).hexdigest(), 16) % 2 == 0 else "dev"


def load_items(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def open_service(data_dir: Path, embedder: Any = None, token: str | None = None) -> Any:
    """Components over `data_dir` with the programme ingested (as eval/run_eval.py's `_open`) and uploads enabled."""
    from pydantic import SecretStr

    from qa_service.components.bundle import open_components
    from qa_service.ingestion.pipeline import IngestPipeline
    from qa_service.settings import AdminSettings, EmbeddingSettings, Settings, get_settings

    embedding = EmbeddingSettings(model_dir=get_settings().embedding.model_path)
    if embedder is not None:
        embedding.model_id = embedder.model_id  # the collection is named after the embedder actually used
    admin = AdminSettings(token=SecretStr(token or secrets.token_urlsafe(16)))
    settings = Settings(data_dir=data_dir, embedding=embedding, admin=admin)
    components = open_components(settings, embedder)
    IngestPipeline(settings, components.embedder, components.store, components.registry, components.segmenter).run([ROOT / "corpus"])
    components.refresh_lexical()
    return components


def upload(client: Any, path: Path, token: str) -> dict[str, Any]:
    """POST /documents, then poll the job until it ends."""
    headers = {"Authorization": f"Bearer {token}"}
    response = client.post("/documents", files={"file": (path.name, path.read_bytes())}, headers=headers)
    if response.status_code != 202:
        raise RuntimeError(f"upload of {path.name}: {response.status_code} {response.text[:300]}")
    job_id = response.json()["job_id"]
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/jobs/{job_id}").json()
        if job["status"] in {"done", "failed"}:
            return job
        time.sleep(0.05)
    raise RuntimeError(f"upload of {path.name}: job {job_id} did not finish in 600 s")


def ask_item(client: Any, item: dict[str, Any]) -> dict[str, Any]:
    """/ask; a follow-up after its earlier user turns, each asked live, with our answers and documents as history."""
    history: list[dict[str, Any]] = []
    for turn in item.get("history") or []:
        if turn["role"] != "user":
            continue
        body = ask(client, turn["content"], history or None)
        documents = [c["doc_id"] for c in body.get("citations", [])]
        history += [{"role": "user", "content": turn["content"]}, {"role": "assistant", "content": body.get("answer", ""), "documents": documents}]
    return ask(client, item["question"], history or None)


def search_row(client: Any, item: dict[str, Any], doc_id: str) -> dict[str, Any]:
    hits: list[dict[str, Any]] = client.post("/search", json={"query": item["question"], "top_k": 10}).json()["hits"]
    rank = next((r for r, h in enumerate(hits) if h["doc_id"] == doc_id), None)
    first_text = norm(str(hits[0]["text"])) if hits else ""
    return {
        "search_first": rank == 0,
        "evidence_first": any(norm(e) in first_text for e in item["evidence"]),
        "doc_rank": rank,
    }


def row_for(client: Any, item: dict[str, Any], doc_id: str | None) -> dict[str, Any]:
    body = ask_item(client, item)
    cited = [c["doc_id"] for c in body.get("citations", [])]
    row = {**judge(body, item), "item": item, "cited": cited, "lead": body.get("answer", "").split("\n")[0][:300]}
    row["cited_right"] = bool(cited) and cited[0] == doc_id
    if item["answerable"] and item["kind"] != "followup" and doc_id is not None:
        row.update(search_row(client, item, doc_id))
    return row


def upload_all(client: Any, items: list[dict[str, Any]], files: dict[str, Path], token: str) -> dict[str, Any]:
    """Each document uploaded, then its first question asked at once: the doc ids and the seconds it took."""
    doc_ids: dict[str, str] = {}
    seconds: list[float] = []
    at_once: list[bool] = []
    failed: list[str] = []
    for name, path in files.items():
        start = time.perf_counter()
        job = upload(client, path, token)
        if job["status"] != "done":
            failed.append(f"{name}: {job.get('message_en')}")
            continue
        doc_ids[name] = job["doc_id"]
        first = next(i for i in items if i["doc"] == name and i["answerable"] and i["kind"] != "followup")
        right = judge(ask(client, first["question"]), first)["right"]
        seconds.append(time.perf_counter() - start)
        at_once.append(right)
    return {"doc_ids": doc_ids, "seconds": seconds, "at_once": at_once, "failed": failed}


def programme_rows(client: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row_for(client, item, None) for item in items]


def unchanged(before: dict[str, Any], after: dict[str, Any], programme_ids: set[str]) -> bool:
    """Still right if it was, and nothing but the programme cited."""
    return (after["right"] or not before["right"]) and set(after["cited"]) <= programme_ids


def run_split(client: Any, items: list[dict[str, Any]], files: dict[str, Path], token: str) -> dict[str, Any]:
    """The whole path for one split's documents: programme before, uploads, questions, programme after."""
    programme = [i for i in items if i["corpus"] == "programme"]
    added = [i for i in items if i["corpus"] == "added"]
    programme_ids = {d["doc_id"] for d in client.get("/documents").json()["loaded"]}
    before = programme_rows(client, programme)
    uploads = upload_all(client, added, files, token)
    rows = [row_for(client, i, uploads["doc_ids"].get(i["doc"])) for i in added]
    after = programme_rows(client, programme)
    loaded = {d["doc_id"]: d for d in client.get("/documents").json()["loaded"]}
    documents = [
        {"doc": name, "doc_id": doc_id, "title": loaded[doc_id]["title"], "number": loaded[doc_id]["number"], "chunks": loaded[doc_id]["chunk_count"]}
        for name, doc_id in uploads["doc_ids"].items()
    ]
    pairs = list(zip(before, after, strict=True))
    same = [unchanged(b, a, programme_ids) for b, a in pairs]
    return {
        "figures": figures(rows, uploads, same, [b["lead"] == a["lead"] for b, a in pairs]),
        "rows": rows,
        "documents": documents,
        "programme": [{"id": b["item"]["id"], "before": b["lead"], "after": a["lead"], "cited_after": a["cited"]} for b, a in pairs],
    }


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def figures(rows: list[dict[str, Any]], uploads: dict[str, Any], same: list[bool], same_lead: list[bool]) -> dict[str, Any]:
    standalone = [r for r in rows if r["item"]["answerable"] and r["item"]["kind"] != "followup"]
    seconds = uploads["seconds"]
    out: dict[str, Any] = {
        "documents": len(uploads["doc_ids"]) + len(uploads["failed"]),
        "uploads_failed": len(uploads["failed"]),
        "questions": len(rows),
        "facts": _share([r["right"] for r in standalone]),
        "followups": _share([r["right"] for r in rows if r["item"]["kind"] == "followup"]),
        "near_miss_refusal": _share([r["right"] for r in rows if not r["item"]["answerable"]]),
        "false_refusal": _share([not r["answered"] for r in rows if r["item"]["answerable"]]),
        "search_first": _share([r.get("search_first", False) for r in standalone]),
        "evidence_first": _share([r.get("evidence_first", False) for r in standalone]),
        "cited_right_doc": _share([r["cited_right"] for r in standalone]),
        "programme_unchanged": _share(same),
        "programme_same_lead": _share(same_lead),
        "answered_at_once": _share(uploads["at_once"]),
        "upload_to_answer_s_p50": statistics.median(seconds) if seconds else None,
        "upload_to_answer_s_max": max(seconds) if seconds else None,
    }
    groups: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        groups[f"kind:{r['item']['kind']}"].append(r["right"])
        groups[f"format:{Path(r['item']['doc']).suffix}"].append(r["right"])
    out["breakdown"] = {k: {"n": len(v), "right": _share(v)} for k, v in sorted(groups.items())}
    return out


def evaluate(split: str, data_dir: Path, embedder: Any = None) -> dict[str, Any]:
    """One split end to end in `data_dir` (empty or absent): figures, and for dev its rows and documents."""
    from fastapi.testclient import TestClient

    from qa_service.app import create_app

    if split not in SPLITS:
        raise ValueError(f"split: one of {SPLITS}")
    items = [i for i in load_items() if i["split"] in (split, "both")]
    names = sorted({i["doc"] for i in items if i["corpus"] == "added"})
    files = build_all(data_dir / "made", names)
    token = secrets.token_urlsafe(16)
    components = open_service(data_dir / "service", embedder, token)
    with TestClient(create_app(components.settings, components)) as client:
        result = run_split(client, items, files, token)
    if split != "dev":  # held-out: aggregates only, never a row
        result = {"figures": result["figures"]}
    return result


KEYS = ["facts", "followups", "near_miss_refusal", "false_refusal", "search_first", "evidence_first", "cited_right_doc",
        "programme_unchanged", "answered_at_once", "upload_to_answer_s_p50", "upload_to_answer_s_max"]


def _fmt(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def table(split: str, f: dict[str, Any]) -> str:
    lines = [f"# Added documents ({split}): {f['documents']} documents, {f['questions']} questions, {f['uploads_failed']} uploads failed", ""]
    lines += [f"- {k}: {_fmt(f[k])}" for k in KEYS]
    lines += ["", "| group | n | right |", "|---|---|---|"]
    lines += [f"| {g} | {v['n']} | {_fmt(v['right'])} |" for g, v in f["breakdown"].items()]
    return "\n".join(lines) + "\n"


def write_rows(result: dict[str, Any], path: Path) -> None:
    """Dev only: one line per question (what was asked, answered, which `must` is missing), then the documents as the
    service read them, then the programme's answers before and after the uploads."""
    with path.open("w", encoding="utf-8") as out:
        for row in result["rows"]:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        for doc in result["documents"]:
            out.write(json.dumps({"document": doc}, ensure_ascii=False) + "\n")
        for programme in result["programme"]:
            out.write(json.dumps({"programme": programme}, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--out", type=Path, default=None, help="write the figures here (JSON)")
    parser.add_argument("--rows", type=Path, default=None, help="dev only: write each question's row here (JSONL)")
    args = parser.parse_args()
    if args.rows and args.split != "dev":
        parser.error("--rows is for the dev split only: held-out rows are never written")
    with tempfile.TemporaryDirectory(prefix="added-") as tmp:
        result = evaluate(args.split, Path(tmp))
    if args.out:
        args.out.write_text(json.dumps({args.split: result["figures"]}, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.rows:
        write_rows(result, args.rows)
    print(table(args.split, result["figures"]))


if __name__ == "__main__":
    main()
