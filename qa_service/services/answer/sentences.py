"""Sentence scoring: the sentences of the best passages that may be quoted, each scored by named features from one
table (resources/sentences.yaml, the ranking table's form), and the ones chosen to quote."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

from qa_service.models import Chunk, ScoredChunk
from qa_service.resources import RESOURCES
from qa_service.services.answer.named_back import Span, named_words, without_name
from qa_service.services.asked import names_other_side, turns_to_asked_side
from qa_service.services.intent import BODY_START
from qa_service.services.query import Query
from qa_service.services.ranking.score import score
from qa_service.services.ranking.table import RankingTable
from qa_service.settings import AnswerSettings
from qa_service.text import BULLET_MARK, fold, split_sentences

DIGIT = re.compile(r"\d")
# «những khu, cụm công nghiệp nào …?» (asked for named things): sentences that name several rank higher
PLACE_NAME = re.compile(r"(?<![.:;!?]\s)(?<!^)\b[A-ZÀ-ỸĐ][a-zà-ỹđ]+(?:[ -][A-ZÀ-ỸĐ][a-zà-ỹđ]+)+")
_WORD = re.compile(r"\w+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# a decision's legal basis, «Căn cứ Luật … ngày 19 tháng 6 năm 2015;», «Xét đề nghị của Giám đốc Sở …»: its names and
# dates are the acts it rests on, not what the document itself decides, sets or dates
BASIS_LINE = re.compile(r"^\W*(?:Căn cứ|Xét đề nghị|Theo đề nghị)\b")

SENTENCE_FUSION = ("coverage", "passage_rank", "place_names")
SENTENCE_PRIORS = ("figure_missing", "kind_missing", "basis_line", "contrast_other", "contrast_turn")


class SentenceTable(RankingTable):
    FUSION_NAMES: ClassVar[tuple[str, ...]] = SENTENCE_FUSION
    PRIOR_NAMES: ClassVar[tuple[str, ...]] = SENTENCE_PRIORS
    HEADER: ClassVar[str] = (
        "# Every decision that orders the sentences an extractive answer may quote, in one table\n"
        "# (qa_service/services/answer/sentences.py): score = relevance × exp(Σ prior weight × value), relevance = Σ fusion\n"
        "# weight × value (the ranking table's form, kept on the linear scale because further quotes are taken while they\n"
        "# score a share of the best). A prior's weight is a log-factor: ln 0.6 = -0.511 makes a sentence score 0.6 times.\n"
        "# `fit` says which run wrote the weights (eval/fit_sentences.py, report in eval/report_sentences.md).\n"
    )


@lru_cache(maxsize=1)
def load_sentence_table() -> SentenceTable:
    import yaml

    return SentenceTable.model_validate(yaml.safe_load((RESOURCES / "sentences.yaml").read_text(encoding="utf-8")))


@dataclass
class SentenceCandidate:
    hit_rank: int
    chunk: Chunk
    start: int  # offset in chunk.text
    end: int
    score: float
    coverage: float = 0.0  # share of the question's idf mass the sentence holds
    contributions: dict[str, float] = field(default_factory=dict)
    values: dict[str, float] = field(default_factory=dict)  # the features before weights (what a fit reads)

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end]

    @property
    def folded(self) -> str:
        return fold(self.text).lower()

    @property
    def with_previous(self) -> str:
        """The sentence with the one before it in its item (unit): «Hoàn thiện hồ sơ …; thời hạn …. Phòng Nông
        nghiệp … chủ trì, phối hợp … thực hiện.» — the second sentence's task is the first's. Only the one before: a
        long paragraph holds many subjects."""
        unit = self.chunk.unit_at(self.start)
        if unit is None:
            return self.text
        start = max(0, unit.start - self.chunk.start)
        before = [a for a, _ in split_sentences(self.chunk.text[start : self.start], semicolons=False)]
        return self.chunk.text[start + before[-1] : self.end] if before and start < self.start else self.text


def coverage(idf: dict[str, float], text: str, held: frozenset[str] = frozenset()) -> float:
    """Share of the question's idf mass whose (folded) tokens occur in `text` or are `held` by it (through the title
    of its document, when the question names the document by that title)."""
    total = sum(idf.values())
    if not total:
        return 0.0
    present = {fold(w).lower() for w in _WORD.findall(text)} | held
    return sum(v for t, v in idf.items() if t in present) / total


def sentence_features(
    query: Query, sentence: str, rank: int, idf: dict[str, float], previous: str = "", held: frozenset[str] = frozenset()
) -> dict[str, float]:
    """The features of one sentence of the passage ranked `rank` (`previous`: the sentence before it in its item;
    `held`: the question's words its document's title holds for it), on the table's scales."""
    contrast = query.intent.contrast
    return {
        "coverage": coverage(idf, without_name(sentence), held),
        "passage_rank": 1.0 / (1 + rank),
        "place_names": float(query.intent.names and len(PLACE_NAME.findall(sentence)) >= 2),
        "figure_missing": float(query.intent.figure and not DIGIT.search(sentence)),
        # as sure as the reading of the kind: an unsure reading barely moves the order
        "kind_missing": query.intent.asked_confidence if query.intent.asked and not query.intent.asked.holds(sentence, query.intent.asked_unit) else 0.0,
        "basis_line": float(bool(BASIS_LINE.match(sentence))),
        "contrast_other": float(bool(contrast) and names_other_side(contrast, sentence)),
        "contrast_turn": float(turns_to_asked_side(contrast, sentence, previous)),
    }


def candidates(
    query: Query,
    hits: list[ScoredChunk],
    idf: dict[str, float],
    settings: AnswerSettings,
    titled: dict[str, frozenset[str]] | None = None,
    before: dict[str, str] | None = None,
    named: dict[str, list[Span]] | None = None,
) -> list[SentenceCandidate]:
    """Every sentence of the passages' units, scored; the best first (equal scores: the longer quote first, so an
    item quoted whole beats its first sentence). `titled`: per document the question names by its title, the
    question's words that title holds — they say which document, so every sentence of it holds them and they do not
    choose between its sentences («… bao nhiêu kinh phí cho kế hoạch phát triển ngành nghề nông thôn năm 2024?»).
    `before`: per chunk, the document's sentence just before it (what a first paragraph opening with «Nhưng …» turns
    from). `named`: per document, the paragraphs a later one names back («Những hạn chế nêu trên …»): their
    sentences hold that name (named_back.py)."""
    table = load_sentence_table().with_weights(settings.sentence_weights)
    min_chars = settings.evidence.min_sentence_chars
    out: list[SentenceCandidate] = []
    for rank, hit in enumerate(hits):
        chunk = hit.chunk
        for unit in chunk.units or []:
            u_start, u_end = unit.start - chunk.start, unit.end - chunk.start
            unit_text = chunk.text[u_start:u_end]
            sentences = split_sentences(unit_text, semicolons=False) or [(0, len(unit_text))]
            # an item whose first sentence names the body that acts: «Ban cán sự đảng … chỉ đạo …. Chỉ đạo các sở …»
            actor_item = bool(BODY_START.match(BULLET_MARK.sub("", unit_text[sentences[0][0] :])))
            for i, (s, e) in enumerate(sentences):
                previous = unit_text[slice(*sentences[i - 1])] if i else _before_unit(chunk, u_start, before)
                if not quotable(unit_text[s:e], min_chars):
                    continue
                # a later sentence of such an item is quoted from the item's start, so it keeps its subject
                if actor_item and s > sentences[0][0] and not BODY_START.match(unit_text[s:e]):
                    s = sentences[0][0]
                held = (titled or {}).get(chunk.doc_id, frozenset()) | named_words((named or {}).get(chunk.doc_id, []), chunk.start + u_start + s)
                values = sentence_features(query, unit_text[s:e], rank, idf, previous, held)
                total, contributions, _ = score(values, table)
                out.append(
                    SentenceCandidate(rank, chunk, u_start + s, u_start + e, math.exp(total), values["coverage"], contributions, values)
                )
    out.sort(key=lambda c: (-c.score, c.start - c.end))
    return out


def quotable(sentence: str, min_chars: int) -> bool:
    """Long enough to say something, and not a line in capitals: «QUYẾT ĐỊNH:», «CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM»
    head or enact a text; they never say what it asks for."""
    text = sentence.strip()
    return len(text) >= min_chars and any(ch.islower() for ch in text)


def _before_unit(chunk: Chunk, start: int, before: dict[str, str] | None) -> str:
    """The sentence before the unit at `start` of the chunk: in the chunk, else the document's before the chunk."""
    return last_sentence(chunk.text[:start]) if start > 0 else (before or {}).get(chunk.chunk_id, "")


def last_sentence(text: str) -> str:
    """The last sentence of the text before a unit in its chunk: a paragraph that opens with «Nhưng …» turns from
    the one before it («… có nguyên nhân khách quan: …» / «Nhưng chủ yếu là do: …»)."""
    found = split_sentences(text, semicolons=False)
    return text[slice(*found[-1])] if found else ""


def same_period(asked: frozenset[str], cand: SentenceCandidate) -> bool:
    """False when the question names years and the candidate (with its heading) names only other years."""
    if not asked:
        return True
    named = set(_YEAR.findall(" ".join(cand.chunk.section_path[-1:]) + " " + cand.text))
    return not named or bool(asked & named)


def choose(query: Query, found: list[SentenceCandidate], settings: AnswerSettings) -> list[SentenceCandidate]:
    """The sentences quoted: a named body's own items; a list's items in document order; else the best and those
    close to it that hold as much of the question and speak of its period."""
    ev = settings.evidence
    best = found[0]
    body = query.intent.body
    if body and any(body in c.folded for c in found):
        # «Ban cán sự đảng Ủy ban nhân dân tỉnh có nhiệm vụ gì?»: that body's items, not its neighbours'
        found = [c for c in found if body in c.folded]
        best = found[0]
    if query.intent.enumerates:
        return _items(best, found, max(settings.max_citations, ev.list_items), ev.list_floor)
    chosen = [best]
    for cand in found[1:]:
        if len(chosen) >= settings.max_citations:
            break
        if cand.score < ev.follow_ratio * best.score:
            break
        if cand.coverage < ev.follow_coverage * best.coverage:
            continue  # ranked close, but holds little of what was asked
        if not same_period(query.intent.years, cand):
            continue  # «đến 2025?»: a 2030 target is not shown beside the 2025 one
        if any(c.chunk.chunk_id == cand.chunk.chunk_id and abs(c.start - cand.start) < 2 for c in chosen):
            continue
        chosen.append(cand)
    return chosen


def _items(best: SentenceCandidate, found: list[SentenceCandidate], limit: int, floor: float) -> list[SentenceCandidate]:
    """The items of the best passage's section, one sentence each (its best), in document order."""
    same = [c for c in found if c.chunk.doc_id == best.chunk.doc_id and c.chunk.section_ids == best.chunk.section_ids]
    firsts: dict[tuple[str, int], SentenceCandidate] = {}
    for cand in same:
        unit = cand.chunk.unit_at(cand.start)
        key = (cand.chunk.chunk_id, unit.start if unit else cand.start)
        if key not in firsts or cand.score > firsts[key].score:
            firsts[key] = cand
    # items that bear on the question: «Ban Tuyên giáo … có nhiệm vụ gì?» lists that body's items, not the section's
    relevant = [c for c in firsts.values() if c.coverage >= floor * best.coverage]
    items = sorted(relevant, key=lambda c: -c.score)[:limit]
    return sorted(items, key=lambda c: (c.chunk.start + c.start))
