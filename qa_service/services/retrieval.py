"""Hybrid retrieval as one ranking function: candidates from every source into one pool (ranking/candidates.py),
named features per passage (ranking/features.py), one score from the table resources/ranking.yaml
(ranking/score.py), the passages shown (passages.py), then the pins (ranking/pins.py). Every hit carries its
score's contributions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from qa_service.components.bundle import Components
from qa_service.models import Chunk, ScoredChunk
from qa_service.services import passages as passage_steps
from qa_service.services.query import Query, search_query
from qa_service.services.ranking import pins
from qa_service.services.ranking.candidates import (
    Candidate,
    Pool,
    gather,
    provincial_documents,
    provincial_pool,
    provincial_vectors,
)
from qa_service.services.ranking.features import index_features, text_features, word_grams
from qa_service.services.ranking.score import score
from qa_service.services.ranking.table import RankingTable, load_table
from qa_service.services.sections import Section, SectionIndex, asked_section
from qa_service.services.versions import newer_versions, replacements

__all__ = ["HybridRetriever", "Ranked", "RetrievalModes", "Retriever", "leaning", "provincial_documents", "provincial_vectors"]


@dataclass
class Ranked:
    """The passages for one question, and the section it names (found once, here; the answer quotes it whole)."""

    hits: list[ScoredChunk]
    section: Section | None = None


class Retriever(Protocol):
    def rank(self, query: Query, top_k: int) -> Ranked: ...


@dataclass
class RetrievalModes:
    dense: bool = True
    lexical: bool = True
    merge_neighbours: bool = True


class HybridRetriever:
    def __init__(self, components: Components, modes: RetrievalModes | None = None, table: RankingTable | None = None) -> None:
        self.c = components
        self.modes = modes or RetrievalModes()
        self.sections = SectionIndex(components.registry)
        self._table = table

    @property
    def table(self) -> RankingTable:
        """The shipped table with the settings' overrides (`retrieval.weights`), unless one was given."""
        return self._table or load_table().with_weights(self.c.settings.retrieval.weights)

    def search(self, text: str, top_k: int, doc_ids: list[str] | None = None) -> list[ScoredChunk]:
        """A search box query (no history); a document or article it names is searched first."""
        return self.retrieve(search_query(text, doc_ids, self.c.registry, self.c.intents, self.c.segmenter), top_k)

    def retrieve(self, query: Query, top_k: int) -> list[ScoredChunk]:
        return self.rank(query, top_k).hits

    def rank(self, query: Query, top_k: int) -> Ranked:
        settings = self.c.settings.retrieval
        self.c.refresh_lexical()
        table = self.table
        pool = gather(self.c, query, max(settings.candidates, top_k * 2), self.modes.dense, self.modes.lexical)
        self._score_index(pool, query, table)
        ordered = sorted(pool.candidates.values(), key=lambda cand: -cand.score)
        short = [cand for cand in ordered if cand.sources != {"pin"}][: top_k * 2]
        best_own = self._province_best(pool, query, table)
        chunks = self.c.registry.chunks([cand.chunk_id for cand in short] + ([best_own.chunk_id] if best_own else []))
        grams = word_grams(query.search_words)
        hits = [self._hit(cand, chunk, query, grams, table) for cand in short if (chunk := chunks.get(cand.chunk_id))]
        hits.sort(key=lambda hit: -hit.score)
        unranked = self._unranked(query, grams, table)
        if query.cited_ref and not query.doc_ids:
            hits = pins.citing(self.c.registry, query.cited_ref, hits, top_k * 2, unranked)
        hits = passage_steps.passages(hits, settings.copy_similarity, self.modes.merge_neighbours)
        section = self._named_section(query, hits)
        hits = self._named_first(query, hits, section, unranked)[:top_k]
        own = chunks.get(best_own.chunk_id) if best_own else None
        best = None
        if best_own and own:
            # scored as the rest are (its contributions comparable), judged by its similarities
            ranked_as = pool.candidates.get(best_own.chunk_id, best_own)
            best = self._hit(ranked_as, own, query, grams, table).model_copy(
                update={"dense_score": best_own.dense_score, "lexical_score": best_own.lexical_score}
            )
        hits = pins.province(pool, query, hits, best, settings.provincial_slot, settings.province_margin, settings.province_words)
        return Ranked(hits, section)

    def _score_index(self, pool: Pool, query: Query, table: RankingTable) -> None:
        """Index features and a first score for every candidate (the text features come with the short list)."""
        settings = self.c.settings.retrieval
        named = set(query.doc_ids or [])
        # the text in force first: a law its successor replaced gives way, and of an act's versions the newest
        replaced = frozenset(set(replacements(self.c.registry)) - named)
        older = frozenset(set(newer_versions(self.c.registry)) - named - replaced)
        for cand in pool.candidates.values():
            cand.values = index_features(
                cand, pool, query, settings.rrf_k, replaced, older, settings.province_margin, settings.province_words
            )
            cand.score, cand.contributions, _ = score(cand.values, table)

    def _province_best(self, pool: Pool, query: Query, table: RankingTable) -> Candidate | None:
        """The province's best passage for its pin: the first of its passages ranked among themselves."""
        if not self.c.settings.retrieval.provincial_slot or query.doc_ids or not pool.own:
            return None
        own = provincial_pool(pool)
        self._score_index(own, query, table)
        return max((cand for cand in own.candidates.values() if cand.doc_id not in query.excluded_doc_ids), key=lambda cand: cand.score, default=None)

    def _hit(self, cand: Candidate, chunk: Chunk, query: Query, grams: frozenset[tuple[str, ...]], table: RankingTable) -> ScoredChunk:
        values = cand.values | text_features(chunk, query, grams, self.c.settings.retrieval.form_placeholder_share)
        total, contributions, terms = score(values, table)
        return ScoredChunk(
            chunk=chunk,
            score=total,
            contributions=contributions,
            features=values,
            relevance_terms=terms,
            dense_score=cand.dense_score,
            lexical_score=cand.lexical_score,
            dense_rank=cand.dense_rank,
            lexical_rank=cand.lexical_rank,
        )

    def _unranked(self, query: Query, grams: frozenset[tuple[str, ...]], table: RankingTable):  # type: ignore[no-untyped-def]
        """A passage a pin places that the search did not return: scored from what its text says alone."""
        k = self.c.settings.retrieval.rrf_k

        def make(chunk: Chunk) -> ScoredChunk:
            empty = Pool({}, None, 0.0, None, {}, frozenset())
            cand = Candidate(chunk.chunk_id, chunk.doc_id)
            cand.values = index_features(cand, empty, query, k, frozenset(), frozenset(), 0.0, 1.0)
            return self._hit(cand, chunk, query, grams, table)

        return make

    def _named_section(self, query: Query, hits: list[ScoredChunk]) -> Section | None:
        if (query.article and query.doc_ids and len(query.doc_ids) == 1) or query.block:
            return None  # an article or a block named: that is what is placed first
        if query.cited_ref or query.not_loaded:
            return None  # about a document not loaded: no section of the loaded ones is what was asked
        return asked_section(self.sections, query, hits, self.c.settings.answer, self.c.embedder, leaning(self.c, query))

    def _named_first(self, query: Query, hits: list[ScoredChunk], section: Section | None, unranked: pins.Unranked) -> list[ScoredChunk]:
        if query.article and query.doc_ids and len(query.doc_ids) == 1:
            return pins.article(self.c.registry, query, hits, unranked)
        if query.block:
            return pins.block(self.c.registry, query.block, hits, unranked)
        if section:
            return pins.section(self.c.registry, section, hits, unranked)
        return hits


def leaning(components: Components, query: Query) -> frozenset[str]:
    """The documents a question naming no document leans to (the province's own), when a lean is on."""
    table = load_table().with_weights(components.settings.retrieval.weights)
    lean = table.weight("province_near") > 0 or (query.about_the_province and table.weight("province_asked") > 0)
    return provincial_documents(components.registry) if lean and not query.doc_ids else frozenset()
