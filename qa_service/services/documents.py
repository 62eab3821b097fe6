"""Document listing, cited-but-not-loaded documents, full text with outline."""

from __future__ import annotations

from dataclasses import dataclass

from qa_service.components.bundle import Components
from qa_service.errors import UnknownDocument
from qa_service.models import CrossRef, DocumentMeta, OutlineEntry
from qa_service.references import normalize_number, ref_key
from qa_service.services.sections import Section, SectionIndex
from qa_service.services.versions import NewerText, Replacement, newer_text, replacements
from qa_service.text import fold


@dataclass
class CitedEntry:
    ref: CrossRef
    loaded_doc_id: str | None
    cited_from: list[str]


@dataclass
class Article:
    meta: DocumentMeta
    section: Section
    text: str  # the whole article, heading included, as in the document's cleaned text
    clauses: list[tuple[str, int, int]]  # (label, start, end) of its khoản and điểm, offsets into the document


@dataclass
class SectionText:
    meta: DocumentMeta
    section: Section
    text: str  # the whole section, heading included, as in the document's cleaned text


def _label_key(label: str) -> str:
    return " ".join(fold(label).lower().split())


class DocumentService:
    def __init__(self, components: Components) -> None:
        self.c = components
        self.sections = SectionIndex(components.registry)

    def article(self, doc_id: str, number: str) -> Article | None:
        """«Điều 15» of a document, whole, with its khoản: None when the document has no such article."""
        meta = self.c.registry.document(doc_id)
        if meta is None:
            raise UnknownDocument([doc_id[:100]])
        section = self.sections.section(doc_id, f"Điều {number}")
        found = self.c.registry.document_text(doc_id)
        if section is None or found is None:
            return None
        chunks = self.c.registry.chunks(self.c.registry.chunk_ids(doc_id)).values()
        clauses = sorted(
            {(u.label, u.start, u.end) for c in chunks for u in c.units if u.label.startswith(section.label + ",")},
            key=lambda x: x[1],
        )
        return Article(meta, section, found[0][section.start : section.stop].rstrip(), clauses)

    def section(self, doc_id: str, label: str) -> SectionText | None:
        """A section by its label, in any case or without marks («muc ii.3.b»); a citation's label («Mục II.3.b,
        ý 1», «Điều 15, khoản 2») finds the section holding it. None when the document has none such."""
        meta = self.c.registry.document(doc_id)
        if meta is None:
            raise UnknownDocument([doc_id[:100]])
        found = self.c.registry.document_text(doc_id)
        sections = {_label_key(s.label): s for s in self.outline(doc_id)}
        parts = label.split(",")
        # the longest leading part of the label that names a section
        keys = (_label_key(",".join(parts[:n])) for n in range(len(parts), 0, -1))
        section = next((sections[k] for k in keys if k in sections), None)
        if section is None or found is None:
            return None
        return SectionText(meta, section, found[0][section.start : section.stop].rstrip())

    def outline(self, doc_id: str) -> list[Section]:
        """The document's sections, in order."""
        return self.sections.all(doc_id)

    def loaded(self) -> list[tuple[DocumentMeta, int]]:
        counts = self.c.registry.chunk_counts()
        return [(d, counts.get(d.doc_id, 0)) for d in self.c.registry.documents()]

    def replaced(self) -> dict[str, Replacement]:
        """Loaded documents a loaded act has ended or replaced (services/versions.py)."""
        return replacements(self.c.registry)

    def newer_text(self, doc_id: str) -> NewerText | None:
        """A newer consolidated text of the document's act, when one is loaded (services/versions.py)."""
        return newer_text(self.c.registry, doc_id)

    def cited(self) -> list[CitedEntry]:
        docs = self.c.registry.documents()
        by_number = {normalize_number(d.doc_number): d.doc_id for d in docs if d.doc_number}
        by_title = {ref_key(None, d.title): d.doc_id for d in docs}
        labels: dict[str, str] = {}
        chunk_ids = list({r.chunk_id for r in self.c.registry.refs()})
        for cid, chunk in self.c.registry.chunks(chunk_ids).items():
            labels[cid] = chunk.citation_label
        merged: dict[str, CitedEntry] = {}
        for ref in self.c.registry.refs():
            if ref.number:
                loaded = by_number.get(normalize_number(ref.number))
            else:
                loaded = by_title.get(ref.key) or next(
                    (doc_id for key, doc_id in by_title.items() if key.startswith(ref.key)), None
                )
            if loaded == ref.doc_id:
                continue  # a document mentioning itself
            entry = merged.setdefault(ref.key, CitedEntry(ref, loaded, []))
            label = labels.get(ref.chunk_id, "")
            where = f"{ref.doc_id}: {label}" if label else ref.doc_id
            if where not in entry.cited_from:
                entry.cited_from.append(where)
            # keep the most informative mention (with date and issuer)
            if not entry.ref.date and ref.date:
                entry.ref = ref
        return sorted(merged.values(), key=lambda e: fold(e.ref.number or e.ref.title or ""))

    def detail(self, doc_id: str) -> tuple[DocumentMeta, int, str, list[OutlineEntry]] | None:
        meta = self.c.registry.document(doc_id)
        found = self.c.registry.document_text(doc_id)
        if meta is None or found is None:
            return None
        text, outline = found
        return meta, self.c.registry.chunk_counts().get(doc_id, 0), text, outline
