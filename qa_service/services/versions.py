"""Which loaded documents are no longer in force, and what replaced them.

A document says what it ends in its closing provisions («Luật Đầu tư số 67/2014/QH14 … hết hiệu lực kể từ ngày
Luật này có hiệu lực thi hành», «Nghị định này thay thế Nghị định số 50/2013/NĐ-CP»); ingestion keeps those
sentences (ingestion/facts.py, `ended`). Here the numbers are matched to the documents loaded now, so a law added
later is marked replaced by the law already there and the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa_service.components.registry import Registry
from qa_service.models import DocumentMeta
from qa_service.references import _KIND, normalize_number
from qa_service.resources import msg

if TYPE_CHECKING:  # citations.py imports this module
    from qa_service.services.citations import Citation


@dataclass(frozen=True)
class Replacement:
    doc_id: str  # the document no longer in force
    by_doc_id: str
    by_title: str
    by_number: str | None
    chunk_id: str  # where the replacing document says so
    label: str  # «Điều 76, khoản 3»
    quote: str


def number_key(number: str) -> str:
    """«67/2014/QH14» and «67/2014/QH13» are one law: texts cite the National Assembly's term loosely (Luật Đầu tư
    2020 itself misprints its predecessor's), so the term's digits are dropped."""
    return re.sub(r"((?:UBTV)?QH)\d+$", r"\1", normalize_number(number))


def _consolidated(meta: DocumentMeta) -> bool:
    # a consolidated text repeats the closing provisions of every law it merges, footnotes included: it is a copy
    # of what it consolidates, not the act that ended anything
    return (
        (meta.doc_type or "") == "Văn bản hợp nhất"
        or "VBHN" in normalize_number(meta.doc_number or "")
        or meta.title.lower().endswith("(văn bản hợp nhất)")
        or meta.title.lower().startswith("văn bản hợp nhất")
    )


def replacements(registry: Registry) -> dict[str, Replacement]:
    """doc_id of each loaded document that a loaded act ends -> that act. Read on every question; computed once per
    registry version."""
    return dict(registry.memo("replacements", _replacements))


def _named(quote: str, number: str) -> tuple[str, str] | None:
    """(title, year) of «Luật Công đoàn số 12/2012/QH13» in the quote: for a loaded document whose own number was
    not read (an old Gazette scan), its title and year of issue identify it."""
    m = re.search(rf"\b((?:{_KIND})\s[^,;:()]{{0,120}}?)\s+số\s+{re.escape(number)}", quote)
    year = re.search(r"/(\d{4})/", number)
    if m is None or year is None:
        return None
    title = m.group(1)
    last = [k.start() for k in re.finditer(rf"\b(?:{_KIND})\b", title)][-1]  # «Nghị định này thay thế Nghị định …»
    return title[last:].strip().lower(), year.group(1)


def _replacements(registry: Registry) -> dict[str, Replacement]:
    documents = registry.documents()
    by_number: dict[str, list[DocumentMeta]] = {}
    by_title: dict[tuple[str, str], list[DocumentMeta]] = {}
    for meta in documents:
        if meta.doc_number:
            by_number.setdefault(number_key(meta.doc_number), []).append(meta)
        elif meta.issued:
            by_title.setdefault((meta.title.lower(), meta.issued[:4]), []).append(meta)
    metas = {m.doc_id: m for m in documents}
    ended = registry.ended()
    chunks = registry.chunks([i["chunk_id"] for items in ended.values() for i in items])
    out: dict[str, Replacement] = {}
    for doc_id, items in ended.items():
        act = metas.get(doc_id)
        if act is None or _consolidated(act):
            continue
        for item in items:
            chunk = chunks.get(item["chunk_id"])
            named = _named(item["quote"], item["number"])
            found = by_number.get(number_key(item["number"])) or (by_title.get(named, []) if named else [])
            for old in found:
                if old.doc_id == act.doc_id or old.doc_id in out or chunk is None:
                    continue
                out[old.doc_id] = Replacement(
                    doc_id=old.doc_id, by_doc_id=act.doc_id, by_title=act.title, by_number=act.doc_number,
                    chunk_id=chunk.chunk_id, label=chunk.citation_label, quote=item["quote"],
                )
    return out


def replaced_note(cited: list[Citation], vietnamese: bool) -> str | None:
    """One line per quoted document that is no longer in force, saying which act ended it and where (the act's own
    words travel with each citation as `replaced_by`)."""
    lang = "vi" if vietnamese else "en"
    lines: list[str] = []
    seen: set[str] = set()
    for cit in cited:
        rep = cit.replaced_by
        if rep is None or rep.doc_id in seen:
            continue
        seen.add(rep.doc_id)
        numbers = ", ".join(f"[{c.n}]" for c in cited if c.chunk.doc_id == rep.doc_id)
        lines.append(msg("answer", f"replaced_{lang}").format(
            refs=numbers, title=cit.doc_title, number=f" {cit.doc_number}" if cit.doc_number else "",
            by_title=rep.by_title, by_number=f" {rep.by_number}" if rep.by_number else "", label=rep.label,
        ))
    return "\n".join(lines) or None
