"""Document listing, cited-but-not-loaded documents, full text with outline."""

from __future__ import annotations

from dataclasses import dataclass

from qa_service.components.bundle import Components
from qa_service.models import CrossRef, DocumentMeta, OutlineEntry
from qa_service.references import normalize_number, ref_key
from qa_service.text import fold


@dataclass
class CitedEntry:
    ref: CrossRef
    loaded_doc_id: str | None
    cited_from: list[str]


class DocumentService:
    def __init__(self, components: Components) -> None:
        self.c = components

    def loaded(self) -> list[tuple[DocumentMeta, int]]:
        counts = self.c.registry.chunk_counts()
        return [(d, counts.get(d.doc_id, 0)) for d in self.c.registry.documents()]

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
