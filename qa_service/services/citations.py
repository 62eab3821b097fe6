"""Citations as a checked contract.

A citation points at a chunk and quotes it verbatim. `Citations.cite` is the one place that checks the quote
occurs in the chunk and resolves, once, what the reader is shown: the label of the unit the quote sits in
(«Mục II.3.b, ý 1»), its page, the quote's offset in the document's cleaned text, and the document's title
and number. The extractive and generative answerers and the API converter all go through it.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa_service.components.protocols import DocumentReader
from qa_service.models import Chunk, Copy, DocumentMeta
from qa_service.services.versions import NewerText, Replacement, newer_text, replacements
from qa_service.text import BULLET_MARK


class QuoteNotVerified(ValueError):
    pass


@dataclass(frozen=True)
class CopySource:
    """Where else a cited passage stands: the same words, or nearly, in another document (a consolidated text, a
    copy, another version)."""

    doc_id: str
    doc_title: str
    doc_number: str | None
    label: str
    similarity: float  # 1.0 = word for word


@dataclass(frozen=True)
class Citation:
    n: int
    chunk: Chunk
    quote: str  # occurs verbatim in chunk.text
    label: str  # of the unit the quote starts in
    page: int | None
    quote_start: int  # offset of the quote in the document's cleaned text
    doc_title: str
    doc_number: str | None
    replaced_by: Replacement | None = None  # the document is no longer in force: this act ended it
    newer_text: NewerText | None = None  # in force, but a newer consolidated text of its act is loaded
    also_in: tuple[CopySource, ...] = ()


def verify_quote(quote: str, chunk: Chunk) -> int:
    """The quote's offset in the chunk's text; raises when it does not occur there verbatim."""
    offset = chunk.text.find(quote) if quote else -1
    if offset < 0:
        raise QuoteNotVerified(f"quote not found in {chunk.chunk_id}")
    return offset


class Citations:
    """Builds the citations of one answer; document metadata is read from the registry once per document."""

    def __init__(self, registry: DocumentReader) -> None:
        self._registry = registry
        self._documents: dict[str, DocumentMeta | None] = {}
        self._replacements: dict[str, Replacement] | None = None

    def document(self, doc_id: str) -> DocumentMeta | None:
        if doc_id not in self._documents:
            self._documents[doc_id] = self._registry.document(doc_id)
        return self._documents[doc_id]

    def replaced_by(self, doc_id: str) -> Replacement | None:
        if self._replacements is None:
            self._replacements = replacements(self._registry)
        return self._replacements.get(doc_id)

    def newer_text(self, doc_id: str) -> NewerText | None:
        return newer_text(self._registry, doc_id)

    def document_count(self) -> int:
        """How many documents are loaded: a citation names its document only when there is a choice."""
        return self._registry.document_count()

    def title(self, doc_id: str) -> str:
        meta = self.document(doc_id)
        return meta.title if meta else doc_id

    def copy_source(self, copy: Copy) -> CopySource:
        meta = self.document(copy.chunk.doc_id)
        return CopySource(
            doc_id=copy.chunk.doc_id,
            doc_title=meta.title if meta else copy.chunk.doc_id,
            doc_number=meta.doc_number if meta else None,
            label=copy.chunk.citation_label,
            similarity=copy.similarity,
        )

    def cite(self, n: int, chunk: Chunk, text: str, copies: list[Copy] | None = None) -> Citation:
        """Cite `text` (a span of the chunk, list marker and spaces trimmed); QuoteNotVerified if it is not there.
        `copies`: the same passage in other documents, listed with the citation."""
        quote = BULLET_MARK.sub("", text.strip())
        offset = verify_quote(quote, chunk)
        unit = chunk.unit_at(offset)
        meta = self.document(chunk.doc_id)
        return Citation(
            n=n,
            chunk=chunk,
            quote=quote,
            label=unit.label if unit else chunk.citation_label,
            page=unit.page if unit and unit.page else chunk.page,
            quote_start=chunk.start + offset,
            doc_title=meta.title if meta else chunk.doc_id,
            doc_number=meta.doc_number if meta else None,
            replaced_by=self.replaced_by(chunk.doc_id),
            newer_text=self.newer_text(chunk.doc_id),
            also_in=tuple(self.copy_source(c) for c in copies or []),
        )
