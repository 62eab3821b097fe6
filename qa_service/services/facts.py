"""Who must do what, and the figures: the facts read at ingest, served with checked citations.

Facts are stored per document by the ingest step (registry `facts`); here they are grouped across documents
(one body, however many documents name it; one measure, by period) and every sentence is cited through
`Citations.cite`, so a quote that is not in its chunk is never served.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass, field

from qa_service.components.bundle import Components
from qa_service.errors import UnknownActor, UnknownDocument
from qa_service.ingestion.facts import ActorDuty, DocumentFacts, TargetFact
from qa_service.models import Chunk
from qa_service.services.citations import Citation, Citations, QuoteNotVerified

log = logging.getLogger(__name__)


@dataclass
class Actor:
    actor_id: str
    name: str
    role: str  # duty | support
    doc_ids: list[str]
    duties: list[Citation] = field(default_factory=list)


@dataclass
class TargetValue:
    fact: TargetFact
    citation: Citation


@dataclass
class TargetRow:
    measure_id: str
    measure: str
    unit: str
    values: list[TargetValue]
    doc_id: str = ""  # one document's figures a row: a district's «Lao động được giải quyết việc làm» is not the province's
    doc_title: str = ""
    doc_number: str | None = None


@dataclass
class Period:
    year: int
    label: str  # «2016-2020», «2021-2025», «2030»
    kind: str  # result | target | mixed


@dataclass
class TargetTable:
    periods: list[Period]
    rows: list[TargetRow]


class FactsService:
    def __init__(self, components: Components) -> None:
        self.c = components
        self._lock = threading.Lock()
        self._version = -1
        self._facts: dict[str, DocumentFacts] = {}
        # the whole list is read once at a time: a request for it during the start-up read waits for that read's
        # checked quotes instead of checking them all again beside it (a library's 5,113 duties: ~30 s)
        self._whole = threading.Lock()

    def facts(self) -> dict[str, DocumentFacts]:
        """Every document's facts, parsed once per registry version."""
        version = self.c.registry.version()
        with self._lock:
            if version != self._version:
                self._facts = {d: DocumentFacts.model_validate_json(j) for d, j in self.c.registry.facts().items()}
                self._version = version
            return self._facts

    def warm(self) -> None:
        """Read every duty and figure once (each quote is checked for instructions by meaning, ~1 s for the
        programme the first time): started in the background at start-up so the first reader of a page does not wait."""
        try:
            self.actors()  # holds the whole list's lock while it reads
            self.targets()
        except Exception:  # a warm-up that fails costs the first reader its wait, nothing else
            log.exception("facts warm-up failed")

    def _documents(self, doc_ids: list[str] | None) -> dict[str, DocumentFacts]:
        facts = self.facts()
        if doc_ids:
            missing = [d for d in doc_ids if self.c.registry.document(d) is None]
            if missing:
                raise UnknownDocument(missing)
            return {d: f for d, f in facts.items() if d in doc_ids}
        return facts

    def _cite(self, items: list[tuple[str, str]]) -> list[Citation | None]:
        """(chunk_id, quote) -> citation, or None for a quote that is not in its chunk any more, or that reads as an
        instruction to a model (never a duty or a figure of ours)."""
        chunks: dict[str, Chunk] = self.c.registry.chunks(list({cid for cid, _ in items}))
        citations = Citations(self.c.registry)
        flags = self.c.instructions.flags([quote for _, quote in items])
        out: list[Citation | None] = []
        for n, ((chunk_id, quote), flagged) in enumerate(zip(items, flags, strict=True), start=1):
            chunk = chunks.get(chunk_id)
            try:
                out.append(citations.cite(n, chunk, quote) if chunk and not flagged else None)
            except QuoteNotVerified:
                out.append(None)
        return out

    # -- actors ---------------------------------------------------------------------------------------
    def _grouped(self, doc_ids: list[str] | None) -> dict[str, list[tuple[str, ActorDuty]]]:
        grouped: dict[str, list[tuple[str, ActorDuty]]] = {}
        for doc_id, facts in self._documents(doc_ids).items():
            for duty in facts.actors:
                grouped.setdefault(duty.actor_id, []).append((doc_id, duty))
        return grouped

    @staticmethod
    def _actor(actor_id: str, duties: list[tuple[str, ActorDuty]]) -> Actor:
        # the name the documents use most for this body; the first on a tie
        names = Counter(d.actor for _, d in duties)
        name = max(names, key=lambda n: (names[n], -[d.actor for _, d in duties].index(n)))
        roles = {d.role for _, d in duties}
        return Actor(actor_id, name, "duty" if "duty" in roles else "support", list(dict.fromkeys(doc for doc, _ in duties)))

    def actors(self, doc_ids: list[str] | None = None) -> list[Actor]:
        """Bodies with work assigned first (in the order the documents name them), then those offered support."""
        if not doc_ids:
            with self._whole:
                return self._actors(None)
        return self._actors(doc_ids)

    def _actors(self, doc_ids: list[str] | None) -> list[Actor]:
        out = []
        for actor_id, duties in self._grouped(doc_ids).items():
            actor = self._actor(actor_id, duties)
            actor.duties = [c for c in self._cite([(d.chunk_id, d.quote) for _, d in duties]) if c]
            out.append(actor)
        return sorted(out, key=lambda a: a.role != "duty")

    def actor(self, actor_id: str, doc_ids: list[str] | None = None) -> Actor:
        duties = self._grouped(doc_ids).get(actor_id)
        if not duties:
            raise UnknownActor()
        actor = self._actor(actor_id, duties)
        actor.duties = [c for c in self._cite([(d.chunk_id, d.quote) for _, d in duties]) if c]
        return actor

    # -- targets --------------------------------------------------------------------------------------
    def targets(self, doc_ids: list[str] | None = None, within: tuple[str, int, int] | None = None) -> TargetTable:
        """Every figure by document and measure, by period; `within` = (doc_id, start, stop) keeps one section's."""
        found: list[TargetFact] = [t for facts in self._documents(doc_ids).values() for t in facts.targets]
        citations = self._cite([(t.chunk_id, t.quote) for t in found])
        rows: dict[tuple[str, str], TargetRow] = {}
        for fact, citation in zip(found, citations, strict=True):
            if citation is None:
                continue
            doc_id = citation.chunk.doc_id
            if within and not (doc_id == within[0] and within[1] <= citation.quote_start < within[2]):
                continue
            row = rows.setdefault(
                (doc_id, fact.measure_id),
                TargetRow(fact.measure_id, fact.measure, fact.unit, [], doc_id, citation.doc_title, citation.doc_number),
            )
            row.values.append(TargetValue(fact, citation))
        years: dict[int, list[TargetFact]] = {}
        for row in rows.values():
            row.values.sort(key=lambda v: v.fact.year or 0)
            for v in row.values:
                if v.fact.year:
                    years.setdefault(v.fact.year, []).append(v.fact)
        periods = []
        for year in sorted(years):
            facts = years[year]
            ranges = Counter(f.period for f in facts if "-" in f.period)
            kinds = {f.kind for f in facts}
            label = ranges.most_common(1)[0][0] if ranges else str(year)
            periods.append(Period(year, label, kinds.pop() if len(kinds) == 1 else "mixed"))
        return TargetTable(periods, list(rows.values()))
