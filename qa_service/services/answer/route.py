"""Extractive answers with verified citations (the default; needs no LLM): the routing.

The question is parsed once (`Query`), retrieved once (`Ranked`: the passages and the section it names), then
answered by the first route that applies: a document named that is not loaded (refused, saying so), an article
asked for, a section named (quoted whole), the documents a document cites, else the best sentences (compose.py).
Every quote is checked by code to occur in its chunk; an answer left without quotes is a refusal.
"""

from __future__ import annotations

import time

from qa_service.components.bundle import Components
from qa_service.components.intents import IntentKind
from qa_service.models import ScoredChunk
from qa_service.resources import msg
from qa_service.services.answer.compose import Composer
from qa_service.services.citations import Citations
from qa_service.services.entities import documents_naming
from qa_service.services.query import Query, parse_question
from qa_service.services.results import AnswerResult
from qa_service.services.retrieval import Retriever
from qa_service.services.sections import Section, SectionIndex, names_only_document
from qa_service.services.structured import StructuredAnswers
from qa_service.services.topic import keep_to_topic
from qa_service.services.versions import newer_note, replaced_note


class ExtractiveAnswerer:
    def __init__(self, components: Components, retriever: Retriever) -> None:
        self.c = components
        self.retriever = retriever
        self.settings = components.settings.answer
        self.sections = SectionIndex(components.registry)
        self.structured = StructuredAnswers(components, self.sections)
        self.composer = Composer(components.registry, components.lexical, self.settings, components.instructions)

    def read(self, question: str, doc_ids: list[str] | None = None, history: list[dict[str, str]] | None = None) -> Query:
        """The question parsed once: follow-up rewritten, documents resolved, intent read, words segmented, and the
        conversation's document when it is a follow-up."""
        c = self.c
        c.refresh_lexical()  # the document-level index the topic is read from, current with the registry
        query = parse_question(question, c.registry, history, doc_ids, segmenter=c.segmenter, readers=c.readers)
        return keep_to_topic(query, history, c.document_lexical)

    def answer(
        self,
        question: str,
        top_k: int | None = None,
        doc_ids: list[str] | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> AnswerResult:
        """`top_k`: how many passages are retrieved and weighed (default: settings.retrieval.top_k)."""
        started = time.perf_counter()
        query = self.read(question, doc_ids, history)
        ranked = self.retriever.rank(query, top_k or self.c.settings.retrieval.top_k)
        hits = ranked.hits
        if query.cited_ref:
            hits = [h for h in hits if query.cited_ref in h.chunk.refs] or hits
        result = self._route(query, hits, ranked.section, Citations(self.c.registry))
        result.answer = self._with_notes(query, result)
        result.standalone_question = query.text
        result.query = query
        result.hits = hits
        result.took_ms = (time.perf_counter() - started) * 1000
        return result

    def _route(self, query: Query, hits: list[ScoredChunk], named: Section | None, citations: Citations) -> AnswerResult:
        if query.not_loaded:  # a document named that is not here: say so, quote nothing in its place
            return AnswerResult(query.not_loaded, False, [], suggestions=[], strength=0.0)
        result: AnswerResult | None = None
        if query.article and query.doc_ids:
            return self._article(query, query.doc_ids[0], hits, citations)
        if unnamed := [
            e.surface
            for e in query.intent.entities
            if not self.c.lexical.together(e.tokens) and not documents_naming(self.c.registry, (e,))
        ]:
            # a body or place no loaded document mentions: nothing the documents say is about it
            text = msg("refusal", f"not_named_{'vi' if query.vietnamese else 'en'}").format(name=", ".join(unnamed))
            return AnswerResult(text, False, [], suggestions=hits[: self.settings.evidence.suggestions], strength=0.0)
        section = named or self._whole_document(query, hits)
        if section:
            result = self.structured.section(query, section, citations)
        if result is None and hits and query.intent.references_kind:
            result = self.structured.references(query, hits[0].chunk.doc_id, query.intent.references_kind, citations)
        return result or self.composer.compose(query, hits, citations)

    def _with_notes(self, query: Query, result: AnswerResult) -> str:
        """A replaced or amended text quoted, and the documents the question left out, said after the answer."""
        text = result.answer
        if result.answered and (note := replaced_note(result.citations, query.vietnamese)):
            text = f"{text}\n\n{note}"
        if result.answered and (note := newer_note(result.citations, query.vietnamese)):
            text = f"{text}\n\n{note}"
        if query.excluded_doc_ids:
            metas = [m for m in (self.c.registry.document(d) for d in query.excluded_doc_ids) if m is not None]
            titles = ", ".join(f"{m.title}{' ' + m.doc_number if m.doc_number else ''}" for m in metas)
            left_out = msg("answer", f"left_out_{'vi' if query.vietnamese else 'en'}").format(titles=titles)
            text = f"{text}\n\n{left_out}"
        return text

    def _article(self, query: Query, doc_id: str, hits: list[ScoredChunk], citations: Citations) -> AnswerResult:
        """«Điều 25 Bộ luật Lao động quy định gì?»: the article (or the khoản asked for), whole, each item cited."""
        section = self.sections.section(doc_id, query.article or "")
        result = self.structured.section(query, section, citations, clause=query.clause) if section else None
        if result is None:
            lang = "vi" if query.vietnamese else "en"
            text = msg("refusal", f"article_missing_{lang}").format(title=citations.title(doc_id), article=query.article)
            return AnswerResult(text, False, [], suggestions=hits[: self.settings.evidence.suggestions], strength=0.0)
        return result

    def _whole_document(self, query: Query, hits: list[ScoredChunk]) -> Section | None:
        """An overview question that names nothing but the document («Chương trình gồm những phần nào?»): the
        document's top-level parts."""
        if query.intent.kind is not IntentKind.OVERVIEW or not (query.doc_ids or hits):
            return None
        doc_id = query.doc_ids[0] if query.doc_ids else hits[0].chunk.doc_id
        meta = self.c.registry.document(doc_id)
        if meta is None or not names_only_document(query.subject_words, meta.title):
            return None
        return self.sections.root(doc_id, meta.title)
