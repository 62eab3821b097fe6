"""Our own domain types. Library types (llama-index nodes, Chroma rows) are
converted to these at the component edge."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DocumentMeta(BaseModel):
    doc_id: str
    title: str
    doc_number: str | None = None
    doc_type: str | None = None
    issuer: str | None = None
    issued: str | None = None
    signer: str | None = None
    signer_position: str | None = None
    recipients: list[str] = Field(default_factory=list)
    language: str = "vi"
    source_path: str = ""
    source_hash: str = ""
    pages: int | None = None


class OutlineEntry(BaseModel):
    level: int
    label: str
    title: str
    start: int
    end: int


class Unit(BaseModel):
    """Smallest citable piece inside a chunk (bullet, khoản, điểm, paragraph)."""

    label: str
    start: int
    end: int
    page: int | None = None


class CrossRef(BaseModel):
    key: str
    kind: str
    number: str | None = None
    title: str | None = None
    date: str | None = None
    issuer: str | None = None
    raw: str
    doc_id: str = ""
    chunk_id: str = ""


class Chunk(BaseModel):
    chunk_id: str
    doc_id: str
    ordinal: int
    text: str
    context: str = Field("", description="headings prepended to the text for embedding only")
    section_path: list[str] = Field(default_factory=list)
    section_ids: list[str] = Field(default_factory=list)
    citation_label: str
    start: int
    end: int
    page: int | None = None
    units: list[Unit] = Field(default_factory=list)
    refs: list[str] = Field(default_factory=list)
    content_hash: str = ""

    @property
    def embed_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text

    def unit_at(self, offset_in_chunk: int) -> Unit | None:
        """The unit covering a character offset relative to the chunk text."""
        absolute = self.start + offset_in_chunk
        for unit in self.units:
            if unit.start <= absolute < unit.end:
                return unit
        return self.units[-1] if self.units else None


class Copy(BaseModel):
    """A passage of another document with the same words as a hit, or nearly (a consolidated text's footnote marks,
    an amended word): listed on the hit instead of taking a place of its own."""

    chunk: Chunk
    similarity: float = Field(description="Jaccard overlap of the two passages' word 3-grams; 1.0 = word for word")


class ScoredChunk(BaseModel):
    chunk: Chunk
    score: float
    copies: list[Copy] = Field(default_factory=list, description="the same or nearly the same words in other documents")
    dense_score: float | None = None
    lexical_score: float | None = None
    dense_rank: int | None = None
    lexical_rank: int | None = None
    contributions: dict[str, float] = Field(
        default_factory=dict, description="feature -> weighted value (resources/ranking.yaml); they sum to `score`"
    )
    features: dict[str, float] = Field(default_factory=dict, description="feature -> its value before weights")
    relevance_terms: dict[str, float] = Field(default_factory=dict, description="the fusion terms whose sum's log is `relevance`")
    pins: list[str] = Field(default_factory=list, description="the pin that placed this passage whatever its score («article», «section» …)")
