"""Written-out answers from the local LLM, shown only after verification.

Retrieval, the refusal decision and the fallback all come from the
extractive answerer: the model is asked only when the extractive path found
enough evidence, it sees only a few trimmed passages (so the first token
comes quickly on 2 cores), and every sentence it writes is checked by
`verify.verify_answer` before it is shown. Too little left -> the extractive
answer, with `fallback=True`.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from string import Template

from qa_service.components.bundle import Components
from qa_service.components.generator import Generator, GeneratorStatus
from qa_service.errors import GeneratorBusy, GeneratorUnavailable
from qa_service.models import Chunk
from qa_service.resources import msg, prompt
from qa_service.services.answer import ExtractiveAnswerer
from qa_service.services.citations import Citation, Citations
from qa_service.services.results import AnswerResult, Retracted
from qa_service.services.verify import (
    MARKER,
    Source,
    best_supporting_sentence,
    content_words,
    fallback_reason,
    strip_markers,
    verify_answer,
)
from qa_service.services.versions import replaced_note
from qa_service.text import split_sentences


@dataclass
class PromptSource:
    n: int
    chunk: Chunk
    label: str
    spans: list[tuple[int, int]]  # sentence spans of chunk.text shown to the model, in order
    # «b) Giai đoạn 2021-2025» tells the model which period a figure belongs to (empty when it reads as an instruction)
    heading: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.chunk.text[s:e].strip() for s, e in self.spans)


@dataclass
class SourcesEvent:
    sources: list[PromptSource]


@dataclass
class TokenEvent:
    text: str


@dataclass
class FinalEvent:
    result: AnswerResult


Event = SourcesEvent | TokenEvent | FinalEvent


@dataclass
class _HeldStream:
    """Iterates a generation while holding the model; releases it however the stream ends."""

    lock: threading.Lock
    events: Iterator[Event]
    _released: bool = field(default=False, init=False)

    def __iter__(self) -> _HeldStream:
        return self

    def __next__(self) -> Event:
        try:
            return next(self.events)
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        if not self._released:
            self._released = True
            self.lock.release()

    def close(self) -> None:
        close = getattr(self.events, "close", None)
        if close:
            close()
        self.release()

    def __del__(self) -> None:  # a client that left before the first event
        self.release()


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences and list lines of a chunk, as spans of its text."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        for s, e in split_sentences(line.group(0), semicolons=False) or [(0, len(line.group(0)))]:
            if line.group(0)[s:e].strip():
                spans.append((line.start() + s, line.start() + e))
    return spans


class GenerativeAnswerer:
    def __init__(
        self,
        components: Components,
        extractive: ExtractiveAnswerer,
        generator: Generator | None,
        status: GeneratorStatus,
    ) -> None:
        self.c = components
        self.extractive = extractive
        self.generator = generator
        self.status = status
        self.settings = components.settings.generator

    @property
    def available(self) -> bool:
        return self.generator is not None

    # -- public ----------------------------------------------------------
    def stream(
        self,
        question: str,
        top_k: int | None = None,
        doc_ids: list[str] | None = None,
        history: list[dict[str, str]] | None = None,
    ) -> Iterator[Event]:
        """Retrieve and take the model now (errors raise here, before any event); generate lazily."""
        if self.generator is None:
            raise GeneratorUnavailable(self.status.reason)
        started = time.perf_counter()
        base = self.extractive.answer(question, top_k, doc_ids, history)
        base.mode = "generative"
        if not base.answered:
            # weak evidence: refuse without asking the model (it answers even from nothing)
            return iter([FinalEvent(base)])
        if base.query is not None and not base.query.vietnamese:
            # the checks read the question's own terms against Vietnamese sources; an English question gives
            # them nothing to read (and cross-lingual similarity cannot tell right from unrelated here), so
            # the model is not asked: the original quotes stand, and the answer says why
            note = msg("answer", "generative_needs_vietnamese_en")
            return iter(
                [
                    FinalEvent(
                        dataclasses.replace(
                            base, answer=f"{note}\n\n{base.answer}", fallback=True, fallback_reason="question_language"
                        )
                    )
                ]
            )
        if self.c.instructions.instruction_like(base.standalone_question):
            # a question that reads as an instruction to a model is never put in a prompt: the checked quotes stand
            return iter([FinalEvent(dataclasses.replace(base, fallback=True, fallback_reason="question_instruction"))])
        if not self.generator.lock.acquire(timeout=self.settings.queue_timeout_s):
            raise GeneratorBusy()
        return _HeldStream(self.generator.lock, self._generate(self.generator, base, started))

    def warm(self) -> None:
        """Read the fixed prompt prefix (rules + worked example) once, so the first user does not pay for it."""
        if self.generator is None:
            return
        with self.generator.lock:
            for _ in self.generator.generate(self._messages("khởi động", []), 1):
                break

    # -- generation ------------------------------------------------------
    def _generate(self, generator: Generator, base: AnswerResult, started: float) -> Iterator[Event]:
        documents = Citations(self.c.registry)  # document metadata read once for this answer
        sources = self._sources(generator, base, documents)
        if not sources:  # nothing fit to show the model (e.g. only instruction-like text): the quotes stand
            yield FinalEvent(dataclasses.replace(base, fallback=True, fallback_reason="no_sources"))
            return
        yield SourcesEvent(sources)
        messages = self._messages(base.standalone_question, sources)
        settings = self.settings
        pieces: list[str] = []
        first_token: float | None = None
        complete = True
        t0 = time.perf_counter()
        for piece in generator.generate(messages, settings.max_new_tokens):
            elapsed = time.perf_counter() - t0
            if first_token is None:
                first_token = elapsed
                if elapsed > settings.first_token_timeout_s:
                    complete = False
                    break
            pieces.append(piece)
            yield TokenEvent(piece)
            if elapsed > settings.total_timeout_s:
                complete = False
                break
        if len(pieces) >= settings.max_new_tokens:
            complete = False
        generation_s = time.perf_counter() - t0
        result = self._checked(base, sources, "".join(pieces), complete, documents)
        result.first_token_ms = None if first_token is None else first_token * 1000
        result.generation_ms = generation_s * 1000
        result.took_ms = (time.perf_counter() - started) * 1000
        yield FinalEvent(result)

    def _messages(self, question: str, sources: list[PromptSource]) -> list[dict[str, str]]:
        system = prompt("generative_system")
        source_tpl = Template(prompt("source"))
        block = "\n".join(source_tpl.substitute(n=s.n, label=s.label, heading=s.heading, text=s.text).strip() for s in sources)
        # a lone source: the 1.5B model otherwise numbers its sentences like footnotes, [1] [2] [3]
        reminder = prompt("reminder_one_source" if len(sources) == 1 else "reminder_sources").strip()
        user = Template(prompt("generative_user")).substitute(sources=block, question=question, reminder=reminder)
        # one worked example (fictional, not from any document) shows the citation format; it is part of
        # the fixed prefix, so llama.cpp reads it once and reuses it
        return [
            {"role": "system", "content": system.strip()},
            {"role": "user", "content": prompt("example_user").strip()},
            {"role": "assistant", "content": prompt("example_answer").strip()},
            {"role": "user", "content": user.strip()},
        ]

    def _sources(self, generator: Generator, base: AnswerResult, documents: Citations) -> list[PromptSource]:
        """The extractive answer's passages first, then the next hits; trimmed to the token budget."""
        settings = self.settings
        chunks: list[Chunk] = []
        quotes: dict[str, list[str]] = {}
        for cit in base.citations:
            if cit.chunk.chunk_id not in quotes:
                chunks.append(cit.chunk)
                quotes[cit.chunk.chunk_id] = []
            quotes[cit.chunk.chunk_id].append(cit.quote)
        for hit in base.hits if settings.add_retrieved_sources else []:
            if len(chunks) >= settings.max_sources:
                break
            if hit.chunk.chunk_id not in quotes:
                chunks.append(hit.chunk)
                quotes[hit.chunk.chunk_id] = []
        chunks = chunks[: settings.max_sources]
        question_words = set(content_words(base.standalone_question))
        budget = settings.max_source_tokens
        out: list[PromptSource] = []
        for i, chunk in enumerate(chunks):
            if budget <= 20:
                break
            # the best evidence may use most of the budget; the others share what is left
            cap = budget if i == len(chunks) - 1 else max(budget // (len(chunks) - i), int(budget * 0.6) if i == 0 else 0)
            # text that reads as an instruction to the model is data to quote, never prompt material
            spans = _sentence_spans(chunk.text)
            flags = self.c.instructions.flags([chunk.text[a:b] for a, b in spans])
            spans = [sp for sp, flagged in zip(spans, flags, strict=True) if not flagged]

            def rank(span: tuple[int, int], chunk: Chunk = chunk) -> tuple[int, int, int]:
                text = chunk.text[span[0] : span[1]]
                quoted = [k for k, q in enumerate(quotes[chunk.chunk_id]) if q in text or text.strip() in q]
                # quoted sentences in the extractive answer's order, then the ones sharing the question's words
                return (quoted[0] if quoted else 99, -len(question_words & set(content_words(text))), span[0])

            if quotes[chunk.chunk_id]:
                # a passage the extractive answer quoted: show the model just the quoted sentences, so it
                # neither wanders to the chunk's other topics nor pays for reading them
                spans = [sp for sp in spans if rank(sp)[0] < 99] or spans
            chosen: list[tuple[int, int]] = []
            used = 0
            for span in sorted(spans, key=rank):
                cost = generator.count_tokens(chunk.text[span[0] : span[1]]) + 1
                if used + cost > cap:
                    continue
                chosen.append(span)
                used += cost
            if not chosen:
                continue
            budget -= used
            label = self._label(chunk, sorted(chosen)[0][0], len({c.doc_id for c in chunks}) > 1, documents)
            heading = chunk.section_path[-1][:120] if chunk.section_path else ""
            heading = "" if self.c.instructions.instruction_like(heading) else heading
            out.append(PromptSource(len(out) + 1, chunk, label, sorted(chosen), heading))
        return out

    @staticmethod
    def _label(chunk: Chunk, offset: int, several_documents: bool, documents: Citations) -> str:
        unit = chunk.unit_at(offset)
        label = unit.label if unit else chunk.citation_label
        if not several_documents:
            return label
        meta = documents.document(chunk.doc_id)
        name = (meta.doc_number or meta.title) if meta else chunk.doc_id
        return f"{name}, {label}"

    # -- verification ----------------------------------------------------
    def _checked(
        self, base: AnswerResult, sources: list[PromptSource], text: str, complete: bool, documents: Citations
    ) -> AnswerResult:
        settings = self.settings
        seen = [Source(s.n, f"{s.heading}\n{s.text}") for s in sources]  # all the model saw of them
        verification = verify_answer(
            text,
            seen,
            settings.min_coverage,
            complete=complete,
            question=base.standalone_question,
        )
        retracted = [Retracted(s.text, s.reason or "") for s in verification.dropped]
        kept = verification.kept
        # every kept sentence is true to its source; together they must still answer what was asked
        reason = fallback_reason(
            verification,
            base.standalone_question,
            "\n".join(s.text for s in seen),
            settings.min_kept_share,
            settings.min_question_focus,
        )
        if reason:
            return dataclasses.replace(
                base,
                fallback=True,
                fallback_reason=reason,
                retracted=retracted,
                generated_sentences=len(verification.sentences),
            )
        by_n = {s.n: s for s in sources}
        renumber: dict[int, int] = {}
        claims: dict[int, list[str]] = {}
        for sentence in kept:
            for n in sentence.cited:
                renumber.setdefault(n, len(renumber) + 1)
                claims.setdefault(n, []).append(strip_markers(sentence.text))

        def new_marker(m: re.Match[str]) -> str:
            numbers = [int(x) for x in re.split(r"\s*[,;]\s*", m.group(1))]
            return "".join(f"[{renumber[n]}]" for n in numbers)

        sentences = [MARKER.sub(new_marker, s.text) for s in kept]
        citations: list[Citation] = []
        copies = {h.chunk.chunk_id: h.copies for h in base.hits}
        for old, new in sorted(renumber.items(), key=lambda kv: kv[1]):
            source = by_n[old]
            quote = best_supporting_sentence(" ".join(claims[old]), [source.chunk.text[a:b] for a, b in source.spans])
            # the shown text is made of the chunk's own sentences: a quote that is not there raises
            citations.append(documents.cite(new, source.chunk, quote, copies.get(source.chunk.chunk_id)))
        answer = " ".join(sentences)
        if replaced := replaced_note(citations, base.query.vietnamese if base.query else True):
            answer = f"{answer}\n\n{replaced}"
        return dataclasses.replace(
            base,
            answer=f"{base.note}\n\n{answer}" if base.note else answer,
            citations=citations,
            retracted=retracted,
            generated_sentences=len(verification.sentences),
        )
