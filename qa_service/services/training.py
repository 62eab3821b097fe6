"""A training pack for the sections a trainer picks: their outline, key points, figures, the bodies given
work, and review questions whose answers are the text's own words, every item cited."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from qa_service.components.bundle import Components
from qa_service.errors import UnknownDocument, UnknownSection
from qa_service.resources import msg
from qa_service.services.citations import Citation, Citations, QuoteNotVerified
from qa_service.services.facts import Actor, FactsService, TargetTable
from qa_service.services.sections import Section, SectionIndex


@dataclass
class ReviewQuestion:
    question: str
    answer: str
    citations: list[Citation]


@dataclass
class PackSection:
    label: str
    title: str
    outline: list[Citation]
    key_points: list[Citation]
    targets: TargetTable
    actors: list[Actor]
    questions: list[ReviewQuestion] = field(default_factory=list)


@dataclass
class TrainingPack:
    doc_id: str
    title: str
    sections: list[PackSection]
    targets: TargetTable  # the whole document's
    took_ms: float


def _t(key: str, **params: object) -> str:
    return str(msg("training", key)).format(**params)


class TrainingPackService:
    def __init__(self, components: Components, facts: FactsService) -> None:
        self.c = components
        self.facts = facts
        self.sections = SectionIndex(components.registry)
        self.max_points = components.settings.training.max_points
        self.max_questions = components.settings.training.max_questions

    def build(self, doc_id: str, labels: list[str]) -> TrainingPack:
        started = time.perf_counter()
        meta = self.c.registry.document(doc_id)
        if meta is None:
            raise UnknownDocument([doc_id])
        found = {label: self.sections.section(doc_id, label) for label in dict.fromkeys(labels)}
        missing = [label for label, section in found.items() if section is None]
        if missing:
            raise UnknownSection(missing)
        chosen = sorted((s for s in found.values() if s is not None), key=lambda s: s.start)
        actors = self.facts.actors([doc_id])
        packs = [self._section(section, actors) for section in chosen]
        return TrainingPack(doc_id, meta.title, packs, self.facts.targets([doc_id]), (time.perf_counter() - started) * 1000)

    def _section(self, section: Section, actors: list[Actor]) -> PackSection:
        citations = Citations(self.c.registry)
        # a heading or item that reads as an instruction to a model is not teaching material
        headings = self.c.instructions.plain(self.sections.child_headings(section, 30), text=lambda c: c.text)
        outline = [citations.cite(n, chunk, chunk.text) for n, chunk in enumerate(headings, start=1)]
        points: list[Citation] = []
        item_chars = self.c.settings.answer.sections.item_chars
        items = self.sections.items(section, item_chars)[: self.max_points]
        for chunk, a, b in self.c.instructions.plain(items, text=lambda i: i[0].text[i[1] : i[2]]):
            try:
                points.append(citations.cite(len(outline) + len(points) + 1, chunk, chunk.text[a:b]))
            except QuoteNotVerified:
                continue
        inside = [
            Actor(a.actor_id, a.name, a.role, a.doc_ids, [d for d in a.duties if self._within(section, d)])
            for a in actors
            if a.role == "duty"
        ]
        pack = PackSection(
            section.label, section.title, outline, points,
            self.facts.targets([section.doc_id], within=(section.doc_id, section.end, section.stop)),
            [a for a in inside if a.duties],
        )
        pack.questions = self._questions(section, pack, self.max_questions)
        return pack

    @staticmethod
    def _within(section: Section, citation: Citation) -> bool:
        return citation.chunk.doc_id == section.doc_id and section.end <= citation.quote_start < section.stop

    @staticmethod
    def _questions(section: Section, pack: PackSection, limit: int) -> list[ReviewQuestion]:
        """What the section holds, then a question on every figure and on each body's duty in every item (list item
        or paragraph) that states one; past `limit`, every item gets one question before any gets a second."""
        questions: list[ReviewQuestion] = []
        if pack.outline:
            items = "; ".join(f"{i}) {c.quote.strip()}" for i, c in enumerate(pack.outline, start=1))
            questions.append(
                ReviewQuestion(_t("contents_question", where=section.where), _t("contents_answer", n=len(pack.outline), items=items), pack.outline)
            )
        asked = _figure_questions(pack) + _duty_questions(pack)
        questions += _covering(asked, limit - len(questions))
        if not questions and pack.key_points:
            first = pack.key_points[0].quote
            questions.append(
                ReviewQuestion(_t("points_question", where=section.where), _t("points_answer", n=len(pack.key_points), first=first), pack.key_points)
            )
        return questions[:limit]


def _figure_questions(pack: PackSection) -> list[ReviewQuestion]:
    """One per figure: its value as written, cited to its sentence."""
    out = []
    for row in pack.targets.rows:
        for value in row.values:
            fact = value.fact
            key = "target_question_result" if fact.kind == "result" else "target_question_range" if "-" in fact.period else "target_question_year"
            out.append(ReviewQuestion(_t(key, measure=row.measure, period=fact.period), fact.value_text, [value.citation]))
    return out


def _duty_questions(pack: PackSection) -> list[ReviewQuestion]:
    """One per body and item: the body's sentences of that item, cited each."""
    out = []
    for actor in pack.actors:
        name = "các" + actor.name[3:] if actor.name.startswith("Các ") else actor.name  # mid-sentence
        by_item: dict[str, list[Citation]] = {}
        for duty in actor.duties:
            by_item.setdefault(duty.label, []).append(duty)
        for label, duties in by_item.items():
            answer = " ".join(d.quote.strip() for d in duties)
            out.append(ReviewQuestion(_t("actor_question", label=label, actor=name), answer, duties))
    return out


def _place(question: ReviewQuestion) -> tuple[int, int]:
    """Where its answer is in the document: its first citation, then the answer's place in that sentence (a sentence
    may state several figures)."""
    first = question.citations[0]
    return first.quote_start, max(first.quote.find(question.answer), 0)


def _covering(questions: list[ReviewQuestion], limit: int) -> list[ReviewQuestion]:
    """At most `limit` questions, in the document's order, taken in turns one per item (the unit the first citation
    is in): a cut leaves no item without a question while another has several."""
    ordered = sorted(questions, key=_place)
    by_item: dict[str, list[int]] = {}
    for i, question in enumerate(ordered):
        by_item.setdefault(question.citations[0].label, []).append(i)
    turns: list[int] = []
    for depth in range(max((len(ids) for ids in by_item.values()), default=0)):
        turns += [ids[depth] for ids in by_item.values() if depth < len(ids)]
    return [ordered[i] for i in sorted(turns[: max(limit, 0)])]
