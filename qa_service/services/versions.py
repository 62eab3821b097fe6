"""Which loaded documents are no longer in force, and what replaced them.

A document says what it ends in its closing provisions («Luật Đầu tư số 67/2014/QH14 … hết hiệu lực kể từ ngày
Luật này có hiệu lực thi hành», «Nghị định này thay thế Nghị định số 50/2013/NĐ-CP»); ingestion keeps those
sentences (ingestion/facts.py, `ended`). Here the numbers are matched to the documents loaded now, so a law added
later is marked replaced by the law already there and the other way round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qa_service.components.protocols import DocumentReader
from qa_service.models import DocumentMeta
from qa_service.references import _KIND, NUMBER, normalize_number
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


def replacements(registry: DocumentReader) -> dict[str, Replacement]:
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


def _replacements(registry: DocumentReader) -> dict[str, Replacement]:
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
    # an act's consolidated texts go with it: Luật Bảo hiểm xã hội 2014 ended, so did 50/VBHN-VPQH consolidating it
    for family in registry.memo("version_families", _families):
        ended_by = next((out[m.doc_id] for m in family if m.doc_id in out), None)
        if ended_by is not None:
            for meta in family:
                if meta.doc_id not in out and meta.doc_id != ended_by.by_doc_id:
                    out[meta.doc_id] = replace(ended_by, doc_id=meta.doc_id)
    return out


# a consolidated text opens by naming the act it consolidates: «Bộ luật Lao động số 45/2019/QH14 ngày 20 tháng 11 năm
# 2019 của Quốc hội, có hiệu lực kể từ …, được sửa đổi, bổ sung bởi:» (the first number followed by its date; a
# title may cite another act without one: «Sửa đổi … Thông tư số 38/2025/TT-BCT của …»)
CONSOLIDATION_STATEMENT = re.compile(r"được sửa đổi, bổ sung (?:bởi|theo)")
DATED_NUMBER = re.compile(rf"(?:số\s+)?({NUMBER})\s+ngày\s+\d")


def consolidated_act(text: str) -> str | None:
    """The number of the act a consolidated text consolidates, from its opening statement; None if it has none."""
    statement = CONSOLIDATION_STATEMENT.search(text, 0, 12_000)
    if statement is None:
        return None
    for m in DATED_NUMBER.finditer(text, max(0, statement.start() - 700), statement.start()):
        if "VBHN" not in normalize_number(m.group(1)):
            return m.group(1)
    return None


def newer_versions(registry: DocumentReader) -> dict[str, str]:
    """doc_id -> doc_id of a newer text of the same act, for each loaded document that has one: an act and the
    consolidated texts of it (which keep its article numbers), the newest of them being the text to answer from.
    Computed once per registry version."""
    return dict(registry.memo("newer_versions", _newer_versions))


def _newer_versions(registry: DocumentReader) -> dict[str, str]:
    out: dict[str, str] = {}
    for family in registry.memo("version_families", _families):
        # the newest consolidation; undated ones (an authentication block not read) count as old as the act
        newest = max(family, key=lambda m: (m.issued or "", _consolidated(m), m.doc_id))
        for meta in family:
            if meta.doc_id != newest.doc_id:
                out[meta.doc_id] = newest.doc_id
    return out


def _families(registry: DocumentReader) -> list[list[DocumentMeta]]:
    """The loaded texts of one act, for each act with more than one: the act (if loaded) and its consolidations."""
    documents = registry.documents()
    by_number = {number_key(m.doc_number): m for m in documents if m.doc_number}
    families: dict[str, list[DocumentMeta]] = {}
    for meta in documents:
        if not _consolidated(meta):
            continue
        found = registry.document_text(meta.doc_id)
        act = consolidated_act(found[0]) if found else None
        if act is None:
            continue
        family = families.setdefault(number_key(act), [])
        if not family and (base := by_number.get(number_key(act))) is not None and base.doc_id != meta.doc_id:
            family.append(base)
        family.append(meta)
    return [family for family in families.values() if len(family) > 1]


@dataclass(frozen=True)
class NewerText:
    """A newer text of the same act than the one quoted: its consolidated text as amended since."""

    doc_id: str
    title: str
    number: str | None
    issued: str | None


def newer_text(registry: DocumentReader, doc_id: str) -> NewerText | None:
    """The newest loaded text of `doc_id`'s act, when it is not `doc_id` itself (and `doc_id` is still in force)."""
    newer = newer_versions(registry).get(doc_id)
    meta = registry.document(newer) if newer and doc_id not in replacements(registry) else None
    return NewerText(meta.doc_id, meta.title, meta.doc_number, meta.issued) if meta else None


def newer_note(cited: list[Citation], vietnamese: bool) -> str | None:
    """One line per quoted text that a newer consolidated text of its act supersedes («Bộ luật Lao động 45/2019/QH14»
    asked for by number: its wording may since have been amended)."""
    lang = "vi" if vietnamese else "en"
    lines: list[str] = []
    seen: set[str] = set()
    for cit in cited:
        newer = cit.newer_text
        if newer is None or cit.chunk.doc_id in seen:
            continue
        seen.add(cit.chunk.doc_id)
        numbers = ", ".join(f"[{c.n}]" for c in cited if c.chunk.doc_id == cit.chunk.doc_id)
        lines.append(msg("answer", f"newer_{lang}").format(
            refs=numbers, title=cit.doc_title, number=f" {cit.doc_number}" if cit.doc_number else "",
            new_title=newer.title, new_number=f" {newer.number}" if newer.number else "",
            date=f" ({newer.issued})" if newer.issued else "",
        ))
    return "\n".join(lines) or None


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
