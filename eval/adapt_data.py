"""Training pairs for adapting the embedder, made from the documents' own structure (no labels).

    python -m eval.adapt_data [--out eval/out/adapt/pairs.jsonl] [--per-doc 40]

Every passage under a heading gives (the heading's title, the passage with its context minus that heading); a long
passage gives (its first sentence, the rest). Each pair carries a hard negative: a passage of the neighbouring article
of the same document, or of the same article number in another document. Whole documents are held out, never pairs:
every law and code of the dataset with its consolidations (the library questions are about them), the 40 other
documents of the library sample (eval/run_library.py), the programme and the added-document set (eval/added). Pairs
are sampled per document with a fixed seed; the manifest lists the documents used and the hash of the pairs file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.run_eval import HERE
from eval.run_library import LIBRARY, sample_paths

SEED = 20261207
PER_DOC = 40  # pairs sampled from one document at most (two thirds titles, one third sentences)
OUT = HERE / "out" / "adapt"
# a title two documents share says nothing of either one's content: such pairs teach nothing and collide in a batch
AMENDING = re.compile(r"^(sửa đổi|bổ sung|bãi bỏ|thay thế)\b", re.I)  # «Sửa đổi, bổ sung Điều 39» names no topic
GENERIC = {"phạm vi điều chỉnh", "đối tượng áp dụng", "giải thích từ ngữ", "hiệu lực thi hành", "điều khoản thi hành",
           "quy định chuyển tiếp", "tổ chức thực hiện", "hiệu lực", "trách nhiệm thi hành", "phần đầu", "căn cứ ban hành"}
ARTICLE = re.compile(r"^Điều\s+(\d+[a-zđ]?)\b")
LABEL = re.compile(r"^(?:(?:Điều\s+\d+[a-zđ]?|Chương\s+[IVXLC\d]+|Mục\s+\d+)[.:]?\s+|(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s+)")
# form fields and appendix templates («Mã số thuế: ......», «(số/ngày)») are not prose a question is answered from
FORM = re.compile(r"\.{4,}|…{2,}|_{4,}|\((?:số|ngày|tên)[^)]{0,20}\)")
SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-ZĐÀ-Ỹ“\"(])")


@dataclass
class Passage:
    doc: str
    article: str  # «Điều 5» or the heading's label; "" outside any
    query: str  # the title the passage sits under, without its number
    context: str  # the headings above, without the one the query names
    text: str

    @property
    def passage(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text


def held_out() -> set[Path]:
    """Documents no pair may come from."""
    index = json.loads((LIBRARY / "index.json").read_text(encoding="utf-8"))
    out = {p.resolve() for p in sample_paths(40, False)}
    for entry in index:
        described = f"{entry['loai']} {entry.get('mo_ta', '')}".lower()
        if entry["loai"] in ("Luật", "Bộ luật") or re.search(r"\b(bộ )?luật\b", described) and "VB" in entry["loai"].upper():
            out.add((LIBRARY / entry["path"]).resolve())
    return out


def training_paths() -> list[Path]:
    index = json.loads((LIBRARY / "index.json").read_text(encoding="utf-8"))
    excluded = held_out()
    return sorted(p for e in index if (p := (LIBRARY / e["path"]).resolve()) not in excluded)


def passages_of(path: Path) -> list[Passage]:
    from qa_service.ingestion.prepare import prepare
    from qa_service.ingestion.readers import load
    from qa_service.settings import get_settings

    prepared = prepare(load(path), get_settings())
    out = []
    for chunk in prepared.chunks:
        if not chunk.section_path:
            continue
        heading = chunk.section_path[-1]
        # footnote marks glued to a heading («đào tạo nghề6») and all-capitals headings are not how anyone asks
        title = re.sub(r"(?<=[^\W\d])\d+$", "", LABEL.sub("", heading).strip(" .:,;"))
        title = title.capitalize() if title.isupper() else title
        parts = [p.strip() for p in chunk.context.split(" > ")]
        context = " > ".join(p for p in parts if p != heading.strip())
        match = ARTICLE.match(heading)
        # an article's first passage opens with its heading line: the pair would be matched by copying the title
        text = chunk.text.removeprefix(heading.strip()).strip() if chunk.text.startswith(heading.strip()) else chunk.text
        out.append(Passage(path.name, match.group(0) if match else heading[:40], title, context, text))
    return out


def prose(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(text.split()) >= 12 and sum(c.isupper() for c in letters) < 0.3 * len(letters)


def title_pairs(passages: list[Passage]) -> list[dict[str, str]]:
    pairs = []
    for p in passages:
        if not prose(p.text):
            continue
        words = p.query.split()
        if FORM.search(p.text) or FORM.search(p.query) or AMENDING.match(p.query) or p.query.lower() in GENERIC or len(words) < 3 or len(p.text.split()) < 12:
            continue
        pairs.append({"kind": "title", "query": p.query, "passage": p.passage, "doc": p.doc, "article": p.article})
    return pairs


def sentence_pairs(passages: list[Passage]) -> list[dict[str, str]]:
    pairs = []
    for p in passages:
        if FORM.search(p.text):
            continue
        sentences = SENTENCE_END.split(LABEL.sub("", p.text, count=1))
        if len(sentences) < 2:
            continue
        first, rest = sentences[0], " ".join(sentences[1:])
        if not 6 <= len(first.split()) <= 40 or len(rest.split()) < 15:
            continue
        passage = f"{p.context}\n{rest}" if p.context else rest
        pairs.append({"kind": "sentence", "query": first, "passage": passage, "doc": p.doc, "article": p.article})
    return pairs


def with_negatives(pairs: list[dict[str, str]], by_doc: dict[str, list[Passage]], rng: random.Random) -> None:
    """A hard negative per pair: the neighbouring article of the same document, else the same article number in
    another document."""
    by_article: dict[str, list[Passage]] = {}
    for passages in by_doc.values():
        for p in passages:
            by_article.setdefault(p.article, []).append(p)
    for pair in pairs:
        own = [p for p in by_doc[pair["doc"]] if p.article != pair["article"]]
        order = [p.article for p in by_doc[pair["doc"]]]
        here = order.index(pair["article"]) if pair["article"] in order else 0
        neighbours = [p for p in own if abs(order.index(p.article) - here) <= 3]
        same_number = [p for p in by_article.get(pair["article"], []) if p.doc != pair["doc"]]
        pool = neighbours if neighbours and (rng.random() < 0.5 or not same_number) else same_number or own
        pair["negative"] = rng.choice(pool).passage if pool else ""


def build(per_doc: int, seed: int = SEED) -> tuple[list[dict[str, str]], dict[str, Any]]:
    rng = random.Random(seed)
    by_doc: dict[str, list[Passage]] = {}
    pairs: list[dict[str, str]] = []
    for path in training_paths():
        try:
            passages = passages_of(path)
        except Exception as exc:  # a document the reader cannot split gives no pairs; the manifest says so
            print(f"skipped {path.name}: {type(exc).__name__}")
            continue
        by_doc[path.name] = passages
        titles, sentences = title_pairs(passages), sentence_pairs(passages)
        rng.shuffle(titles)
        rng.shuffle(sentences)
        pairs += titles[: per_doc * 2 // 3] + sentences[: per_doc // 3]
    seen: set[str] = set()
    unique = [p for p in pairs if not (p["query"].lower() in seen or seen.add(p["query"].lower()))]  # type: ignore[func-returns-value]
    with_negatives(unique, by_doc, rng)
    rng.shuffle(unique)
    manifest = {"seed": seed, "per_doc": per_doc, "documents": sorted(by_doc), "held_out": sorted(p.name for p in held_out()),
                "pairs": len(unique), "kinds": {k: sum(p["kind"] == k for p in unique) for k in ("title", "sentence")}}
    return unique, manifest


def serialised(pairs: list[dict[str, str]]) -> str:
    """The pairs file's text: what its sha256 (in the adapter's run.json) is of."""
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=OUT / "pairs.jsonl")
    parser.add_argument("--per-doc", type=int, default=PER_DOC)
    args = parser.parse_args()
    pairs, manifest = build(args.per_doc)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = serialised(pairs)
    args.out.write_text(text, encoding="utf-8")
    manifest["sha256"] = hashlib.sha256(text.encode()).hexdigest()
    args.out.with_suffix(".manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(pairs)} pairs from {len(manifest['documents'])} documents ({manifest['kinds']}); "
          f"{len(manifest['held_out'])} documents held out; sha256 {manifest['sha256'][:12]}")


if __name__ == "__main__":
    main()
