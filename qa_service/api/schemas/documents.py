"""GET /documents and a document's text, outline and articles."""

from __future__ import annotations

from pydantic import BaseModel, Field

from qa_service.api.schemas.common import NewerTextOut, ReplacedByOut


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    number: str | None
    type: str | None
    issuer: str | None
    date: str | None
    signer: str | None = None
    chunk_count: int
    source_file: str
    pages: int | None = None
    replaced_by: ReplacedByOut | None = Field(None, description="no longer in force: the loaded act that ended it")
    newer_text: NewerTextOut | None = Field(None, description="a newer consolidated text of the same act that is loaded")


class CitedDocument(BaseModel):
    key: str
    kind: str
    number: str | None
    title: str | None
    date: str | None
    issuer: str | None
    loaded: bool
    loaded_doc_id: str | None = None
    cited_from: list[str] = Field(..., description="citation labels where the programme cites it")


class DocumentsResponse(BaseModel):
    loaded: list[DocumentOut]
    cited_not_loaded: list[CitedDocument]
    cited_loaded: list[CitedDocument]


class OutlineItem(BaseModel):
    level: int
    label: str
    title: str
    start: int
    end: int


class DocumentDetail(BaseModel):
    document: DocumentOut
    text: str
    outline: list[OutlineItem]


class ClauseOut(BaseModel):
    label: str = Field(..., description="«Điều 15, khoản 2», «Điều 15, khoản 2, điểm a»")
    start: int
    end: int


class ArticleOut(BaseModel):
    doc_id: str
    doc_title: str
    doc_number: str | None
    label: str = Field(..., description="«Điều 15»")
    title: str = Field(..., description="the article's heading without its number")
    text: str = Field(..., description="the whole article as in the document's cleaned text")
    start: int = Field(..., description="offset of the article in the document's cleaned text")
    clauses: list[ClauseOut]


class SectionOut(BaseModel):
    """A section of a document by its label (MCP `get_document_section`): its whole text, verbatim."""

    doc_id: str
    doc_title: str
    doc_number: str | None
    label: str = Field(..., description="«Mục II.3», «Điều 15»: the section found for the label asked")
    title: str = Field(..., description="its heading without the enumerator")
    text: str = Field(..., description="the section, heading included, as in the document's cleaned text")
    start: int = Field(..., description="offset of the section in the document's cleaned text")
    end: int
    children: list[str] = Field(default_factory=list, description="labels of its subsections, in order")
