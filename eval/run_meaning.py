"""Questions understood by their meaning (issue 29): fresh wordings, generated questions, near misses and follow-up
chains, through the HTTP contract (/ask), per split.

    python -m eval.run_meaning                      # both splits; rows of the dev split only
    python -m eval.run_meaning --split heldout      # report held-out figures (never tune on them)

Reads eval/meaning/*.jsonl (format: eval/meaning/README.md). Writes eval/report_meaning.md and .json; with
`--rows FILE`, one row per dev question (what was asked, answered, which `must` is missing) for error analysis —
held-out rows are never written, so nobody tunes on them by accident.

Figures (each per split):
- facts: answerable questions whose answer holds every `must` string;
- near-miss refusal: questions the programme does not answer that are refused;
- false refusal: answerable questions refused;
- paraphrase consistency: groups of wordings of one request whose every wording gets the facts;
- English / unaccented ratio: facts of those wordings over facts of their accented Vietnamese twins (same groups);
- chains: three-turn follow-up chains whose every turn is right (facts, or refused when not answerable).
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from eval.run_eval import HERE, ROOT, _open
from qa_service.text import normalize_for_match as norm

MEANING = HERE / "meaning"
ACCENTED = ("original", "formal", "spoken")
# the sets of single questions (chains.jsonl holds the follow-up chains): every script that reads eval/meaning reads these
ITEM_FILES = ("paraphrases.jsonl", "generated.jsonl", "near_misses.jsonl")


def load(name: str) -> list[dict[str, Any]]:
    path = MEANING / name
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def judge(body: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """Right: an answerable question answered with every `must`; a near miss refused."""
    row: dict[str, Any] = {"answered": bool(body.get("answered"))}
    if item["answerable"]:
        answer = norm(body.get("answer", ""))
        missing = [m for m in item["must"] if norm(m) not in answer]
        row.update(fact=row["answered"] and not missing, missing=missing)
        row["right"] = row["fact"]
    else:
        row["right"] = not row["answered"]
    return row


def ask(client: Any, question: str, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    response = client.post("/ask", json={"question": question, "history": history})
    if response.status_code != 200:
        raise RuntimeError(f"/ask answered {response.status_code}: {response.text[:300]}")
    return response.json()  # type: ignore[no-any-return]


def run_items(client: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        body = ask(client, item["question"])
        rows.append({**judge(body, item), "item": item, "lead": body.get("answer", "").split("\n")[0][:200]})
    return rows


def run_chains(client: Any, chains: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each turn asked with the earlier turns and our own earlier answers as history, as the UI asks."""
    out = []
    for chain in chains:
        history: list[dict[str, Any]] = []
        turns = []
        for turn in chain["turns"]:
            body = ask(client, turn["question"], history or None)
            turns.append({**judge(body, turn), "standalone": body.get("standalone_question")})
            documents = [c["doc_id"] for c in body.get("citations", [])]
            history += [{"role": "user", "content": turn["question"]}, {"role": "assistant", "content": body.get("answer", ""), "documents": documents}]
        out.append({"item": chain, "turns": turns, "right": all(t["right"] for t in turns)})
    return out


def _share(rows: list[dict[str, Any]], key: str = "right") -> float | None:
    return sum(1 for r in rows if r.get(key)) / len(rows) if rows else None


def figures(rows: list[dict[str, Any]], chains: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["item"]["answerable"]]
    near = [r for r in rows if not r["item"]["answerable"]]
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        if r["item"].get("source") == "paraphrases" and r["item"]["answerable"]:
            groups[r["item"]["group"]].append(r)
    out: dict[str, Any] = {
        "n": len(rows),
        "facts": _share(answerable),
        "near_miss_refusal": _share(near),
        "false_refusal": (sum(1 for r in answerable if not r["answered"]) / len(answerable)) if answerable else None,
        "paraphrase_consistency": _share([{"right": all(r["right"] for r in g)} for g in groups.values()]),
        "paraphrase_groups": len(groups),
        "chains": _share(chains),
        "chains_n": len(chains),
    }
    accented = _share([r for g in groups.values() for r in g if r["item"]["style"] in ACCENTED])
    for style in ("english", "unaccented"):
        share = _share([r for g in groups.values() for r in g if r["item"]["style"] == style])
        out[f"{style}_ratio"] = share / accented if share is not None and accented else None
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by[f"style:{r['item'].get('style', '?')}"].append(r)
        by[f"kind:{r['item'].get('kind', '?')}"].append(r)
    out["breakdown"] = {k: {"n": len(v), "right": _share(v)} for k, v in sorted(by.items())}
    return out


def run(splits: list[str]) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from qa_service.app import create_app

    items = [{**i, "source": name.removesuffix(".jsonl")} for name in ITEM_FILES for i in load(name)]
    chains = load("chains.jsonl")
    components = _open(HERE / "out" / "programme", ROOT / "corpus")
    report: dict[str, Any] = {}
    with TestClient(create_app(components.settings, components)) as client:
        for split in splits:
            rows = run_items(client, [i for i in items if i["split"] == split])
            done = run_chains(client, [c for c in chains if c["split"] == split])
            report[split] = {"figures": figures(rows, done), "rows": rows if split == "dev" else None, "chains": done if split == "dev" else None}
    return report


KEYS = ["facts", "near_miss_refusal", "false_refusal", "paraphrase_consistency", "english_ratio", "unaccented_ratio", "chains"]


def _fmt(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def write(report: dict[str, Any], name: str) -> str:
    lines = ["# Questions by meaning (eval/run_meaning.py)", "", "| split | n | " + " | ".join(KEYS) + " |", "|---" * (len(KEYS) + 2) + "|"]
    for split, part in report.items():
        f = part["figures"]
        lines.append(f"| {split} | {f['n']} | " + " | ".join(_fmt(f[k]) for k in KEYS) + " |")
    for split, part in report.items():
        lines += ["", f"## {split}: breakdown", "", "| group | n | right |", "|---|---|---|"]
        lines += [f"| {g} | {v['n']} | {_fmt(v['right'])} |" for g, v in part["figures"]["breakdown"].items()]
    text = "\n".join(lines) + "\n"
    (HERE / f"{name}.md").write_text(text, encoding="utf-8")
    summary = {split: part["figures"] for split, part in report.items()}
    (HERE / f"{name}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["dev", "heldout", "both"], default="both")
    parser.add_argument("--out", default="report_meaning", help="report name under eval/")
    parser.add_argument("--rows", type=Path, default=None, help="write the dev split's rows here (JSONL)")
    args = parser.parse_args()
    report = run(["dev", "heldout"] if args.split == "both" else [args.split])
    if args.rows and "dev" in report:
        with args.rows.open("w", encoding="utf-8") as out:
            for r in report["dev"]["rows"] + report["dev"]["chains"]:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(write(report, args.out))


if __name__ == "__main__":
    main()
