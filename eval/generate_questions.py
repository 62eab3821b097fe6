"""Write eval/meaning/generated.jsonl: questions made from the programme's own structure, read by the project's
ingestion (load -> clean -> structure -> chunks, and the facts read out of the chunks), and near misses made by
perturbing them.

    python -m eval.generate_questions

- overview: every heading with sub-sections or items, three frames (eval/question_families.py) and an unaccented
  form of the first; `must` = the first words of its first two sub-sections or items;
- figure: every figure of the targets and results (the fact reader's; the change after a count written by hand),
  two frames; `must` = the figure («85%»), `evidence` = the words before it;
- duties: every body the fact reader finds given a duty, and the bodies named as given one inside another's
  sentence, two frames; `must` = a key phrase of the duty;
- near_miss_subject / near_miss_period / near_miss_measure: the same frames about a body or place the programme
  never names, a period it sets no figure for, a measure it does not state (`answerable` false, empty `must`).

Deterministic: no model, no service, no randomness. Every `must` and `evidence` string is checked against the
programme (normalised as eval/README.md says; evidence inside one passage) and every perturbation for its
absence: an item that fails is dropped and counted, not written.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field

from eval.meaning_checks import CHAINS, GENERATED, MEANING, ROOT, Programme, check_chains, split_of, under
from eval.question_families import (
    ASKED_BODY,
    DUTY_FRAMES,
    DUTY_KEYS,
    EXTRA_FIGURES,
    FAKE_BODIES,
    FAKE_PERIODS,
    FAKE_PLACES,
    HEADING_FAMILIES,
    MEASURES,
    NAMED_DUTIES,
    RESULT_FRAMES,
    TARGET_FRAMES,
    UNSTATED_MEASURES,
    Measure,
    UnstatedMeasure,
)
from qa_service.models import OutlineEntry
from qa_service.text import BULLET_MARK, fold, normalize_for_match

_PART_NUMBER = re.compile(r"^[IVX]{1,5}[.-]\s*")
_LEAD = re.compile(r"^\D+")  # «trên », «từ », «hơn »: the qualifier before a figure
FIRST_WORDS = 6
WORDS_BEFORE_FIGURE = 16
_CLAUSE_END = re.compile(r"[,;:](?!\d)")  # not the decimal comma of «12,78%»


@dataclass
class Item:
    group: str
    kind: str
    persona: str
    questions: list[tuple[str, str]]  # (question, style)
    must: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    perturbation: str = ""  # the name, period or measure swapped in (near misses)

    @property
    def answerable(self) -> bool:
        return not self.kind.startswith("near_miss")

    def lines(self) -> list[dict[str, object]]:
        return [
            {"id": f"{self.group}#{n}", "group": self.group, "persona": self.persona, "question": question,
             "answerable": self.answerable, "evidence": self.evidence, "must": self.must, "kind": self.kind,
             "style": style, "corpus": "programme", "split": split_of(self.group)}
            for n, (question, style) in enumerate(self.questions, start=1)
        ]


@dataclass
class Generated:
    items: list[Item]
    dropped: Counter[str]

    def lines(self) -> list[str]:
        return [json.dumps(line, ensure_ascii=False) for item in self.items for line in item.lines()]


# -- wording helpers ------------------------------------------------------------------------------------------
def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    # «Tăng cường…», «Mục tiêu…»: the first word is a common word in every heading of this programme; a proper name
    # («Ủy ban…») keeps its capital
    return text if text.startswith(("Ủy ban", "Ban ", "UBND", "Văn phòng")) else text[:1].lower() + text[1:]


def _fill(frame: str, **values: str) -> str:
    filled = dict(values) | {_upper_first(k): _upper_first(v) for k, v in values.items()}
    return frame.format(**filled)


def first_words(text: str, limit: int = FIRST_WORDS) -> str:
    """The opening words of an item, without its list marker: up to the first comma or stop when that leaves
    three words or more, at most `limit` words."""
    text = BULLET_MARK.sub("", _PART_NUMBER.sub("", text.strip())).replace("*", "")
    clause = re.split(r"[,;:.(]", text, maxsplit=1)[0]
    words = (clause if len(clause.split()) >= 3 else text).split()[:limit]
    return " ".join(words).rstrip(",;:.")


def heading_title(entry: OutlineEntry) -> str:
    """«II. QUAN ĐIỂM VÀ MỤC TIÊU» -> «Quan điểm và mục tiêu»; «b) Mục tiêu cụ thể…» -> «Mục tiêu cụ thể…»."""
    title = BULLET_MARK.sub("", _PART_NUMBER.sub("", entry.title.strip())).strip(" *")
    return title[:1] + title[1:].lower() if title.upper() == title else title


def period_phrase(period: str) -> str:
    return f"giai đoạn {period}" if "-" in period else f"đến năm {period}"


# -- overview questions from the outline ------------------------------------------------------------------------
def _children(outline: list[OutlineEntry], entry: OutlineEntry) -> list[OutlineEntry]:
    if entry.level == 0:
        return [o for o in outline if o.level == 1 and o.label.startswith("Mục ")]
    return [o for o in outline if o.level == entry.level + 1 and o.label.startswith(entry.label + ".")]


def _heading_role(entry: OutlineEntry) -> str:
    if entry.level <= 1:
        return "document" if entry.level == 0 else "part"
    return "task" if entry.label.startswith("Mục III.") else "section"


def heading_items(prog: Programme) -> list[Item]:
    items = []
    for entry in prog.outline:
        if entry.level > 0 and not entry.label.startswith("Mục "):
            continue  # «Nơi nhận», «Phần ký»: not sections
        children = _children(prog.outline, entry)
        if children:
            must = [first_words(heading_title(c)) for c in children[:2]]
            # a heading line is in no passage (it is the passages' context): the evidence is their first items
            evidence = [first_words(u.text) for c in children[:2] for u in prog.units if under(u.group, c.label)][:1]
        else:
            must = [first_words(u.text) for u in prog.units if u.group == entry.label][:2]
            evidence = must[:1]
        if not must:
            continue
        title = _lower_first(heading_title(entry))
        first_clause = title.split(",")[0]
        short = first_clause if len(first_clause.split()) >= 5 else title
        questions = [_fill(frame, title=title, short=short) for frame in HEADING_FAMILIES[_heading_role(entry)]]
        group = "heading:Chương trình" if entry.level == 0 else f"heading:{entry.label}"
        persona = "cadre" if entry.label.startswith(("Mục III", "Mục IV")) else "trainer"
        phrasings = [(q, "original") for q in questions] + [(fold(questions[0]), "unaccented")]
        items.append(Item(group, "overview", persona, phrasings, must, evidence))
    return items


# -- figure questions from the targets and results --------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    measure_id: str
    measure: Measure
    figure: str  # the `must`: «85%», «5.314 tỷ đồng»
    evidence: str
    period: str
    kind: str  # target | result
    section: str  # «Mục II.3.c»

    @property
    def source(self) -> str:
        return f"{self.section.removeprefix('Mục ')}:{self.figure}"


def _words_before(sentence: str, value: str) -> str:
    """The figure with the words of its clause before it: «tỷ lệ lấp đầy các khu công nghiệp đạt trên 85%»."""
    before = _CLAUSE_END.split(sentence[: sentence.index(value)])[-1].strip(" .")
    return " ".join(before.split()[-WORDS_BEFORE_FIGURE:] + [value])


def figures(prog: Programme, dropped: Counter[str]) -> list[Figure]:
    found = []
    by_hand = {extra.measure_id for extra in EXTRA_FIGURES}
    for fact in prog.facts_targets:
        if fact.measure_id in by_hand:
            continue  # asked from EXTRA_FIGURES, with fuller evidence
        measure = MEASURES.get(fact.measure_id)
        if measure is None:
            dropped["figure: measure without a hand-written name"] += 1
            continue
        evidence = _words_before(fact.quote, fact.value_text)
        figure = _LEAD.sub("", fact.value_text).replace("%/năm", "%")
        found.append(Figure(fact.measure_id, measure, figure, evidence, fact.period, fact.kind, prog.section_of(evidence)))
    for extra in EXTRA_FIGURES:
        found.append(Figure(extra.measure_id, extra.measure, extra.figure, extra.evidence, extra.period, extra.kind,
                            prog.section_of(extra.evidence)))
    return found


def _figure_questions(fig: Figure, index: int, period: str, measure: str) -> list[tuple[str, str]]:
    frames = (TARGET_FRAMES if fig.kind == "target" else RESULT_FRAMES)[index % 2]
    return [(_fill(frame, measure=measure, period=period), "original") for frame in frames]


def figure_item(fig: Figure, index: int) -> Item:
    questions = _figure_questions(fig, index, period_phrase(fig.period), fig.measure.asked)
    return Item(f"figure:{fig.source}", "figure", fig.measure.persona, questions, [fig.figure], [fig.evidence])


def period_near_miss(prog: Programme, fig: Figure, index: int, used: set[tuple[str, str]], dropped: Counter[str]) -> Item | None:
    """The figure's question for a period its section sets nothing for."""
    candidates = FAKE_PERIODS.get(fig.period, ())
    section = prog.section_text(fig.section)
    for k in range(len(candidates)):
        period, asked = candidates[(index + k) % len(candidates)]
        if any(year in section for year in re.findall(r"(?:19|20)\d\d", period)):
            dropped["near_miss_period: period named in the section"] += 1
            continue
        if (fig.measure_id, period) in used:
            continue
        used.add((fig.measure_id, period))
        questions = _figure_questions(fig, index, asked, fig.measure.asked)
        return Item(f"near_miss_period:{fig.source}>{period}", "near_miss_period", fig.measure.persona, questions,
                    perturbation=period)
    dropped["near_miss_period: no period left for the figure"] += 1
    return None


def place_near_miss(prog: Programme, fig: Figure, index: int, dropped: Counter[str]) -> Item | None:
    """The figure's question about one zone or cluster the programme never names."""
    places = FAKE_PLACES.get(fig.measure.place_kind, ())
    generic = {"kcn": "các khu công nghiệp", "ccn": "các cụm công nghiệp"}.get(fig.measure.place_kind, "")
    if not places or generic not in fig.measure.asked:
        return None
    place = places[index % len(places)]
    if prog.names(place):
        dropped["near_miss_subject: place named in the programme"] += 1
        return None
    questions = _figure_questions(fig, index, period_phrase(fig.period), fig.measure.asked.replace(generic, place))
    return Item(f"near_miss_subject:{fig.source}>{place}", "near_miss_subject", fig.measure.persona, questions,
                perturbation=place)


# -- duty questions from the bodies named -------------------------------------------------------------------------
@dataclass(frozen=True)
class Duty:
    body: str  # as the programme writes it
    asked: str
    duty: str
    persona: str


def duties(prog: Programme) -> list[Duty]:
    found: dict[str, Duty] = {}
    subjects = {f.actor for f in prog.facts_actors if f.how in ("subject", "continued")}
    for fact in prog.facts_actors:
        # a body named only as a directive's addressee or in a heading is asked about through NAMED_DUTIES, whose
        # key phrase is its own part of the sentence
        if fact.role != "duty" or fact.actor in found or fact.actor not in subjects:
            continue
        rest = fact.quote[len(fact.actor):] if fact.quote.startswith(fact.actor) else fact.quote
        key = DUTY_KEYS.get(fact.actor) or first_words(rest, limit=8)
        found[fact.actor] = Duty(fact.actor, ASKED_BODY.get(fact.actor, fact.actor), key, "cadre")
    for named in NAMED_DUTIES:
        found.setdefault(named.body, Duty(named.body, named.body, named.duty, named.persona))
    return list(found.values())


def _duty_questions(body: str, index: int) -> list[tuple[str, str]]:
    return [(_fill(frame, body=body), "original") for frame in DUTY_FRAMES[index % 2]]


def duty_item(duty: Duty, index: int) -> Item:
    return Item(f"duty:{duty.body}", "duties", duty.persona, _duty_questions(duty.asked, index), [duty.duty], [duty.duty])


def body_near_miss(prog: Programme, duty: Duty, index: int, used: set[str], dropped: Counter[str]) -> Item | None:
    """The body's duty question about a body or company the programme never names."""
    for k in range(len(FAKE_BODIES)):
        fake = FAKE_BODIES[(index + k) % len(FAKE_BODIES)]
        if fake in used:
            continue
        used.add(fake)
        if prog.names(fake):
            dropped["near_miss_subject: body named in the programme"] += 1
            continue
        persona = "business" if fake.startswith(("Công ty", "Tập đoàn", "Hiệp hội", "Ngân hàng")) else duty.persona
        return Item(f"near_miss_subject:duty:{duty.body}>{fake}", "near_miss_subject", persona,
                    _duty_questions(fake, index), perturbation=fake)
    return None


# -- measures the programme does not state --------------------------------------------------------------------------
def _occurs(key: str, text: str) -> bool:
    key = normalize_for_match(key)
    if re.match(r"\w", key) and re.search(r"\w$", key):
        return re.search(rf"(?<!\w){re.escape(key)}(?!\w)", text) is not None
    return key in text


def unstated(prog: Programme, measure: UnstatedMeasure) -> bool:
    """None of the words that would state the measure occurs where it would be stated."""
    where = prog.section_text(*measure.where) if measure.where else prog.raw
    return not any(_occurs(key, where) for key in measure.absent)


def measure_near_misses(prog: Programme, dropped: Counter[str]) -> list[Item]:
    items = []
    for index, unstated_measure in enumerate(UNSTATED_MEASURES):
        if not unstated(prog, unstated_measure):
            dropped["near_miss_measure: the programme has its words"] += 1
            continue
        questions = [(_fill(frame, measure=unstated_measure.asked, period=unstated_measure.period), "original")
                     for frame in TARGET_FRAMES[index % 2]]
        items.append(Item(f"near_miss_measure:{unstated_measure.slug}", "near_miss_measure", unstated_measure.persona,
                          questions, perturbation=unstated_measure.asked))
    return items


# -- assembly and checks --------------------------------------------------------------------------------------------
def _passes(item: Item, prog: Programme, dropped: Counter[str]) -> bool:
    if not item.answerable:
        return bool(item.perturbation) and not item.must and not item.evidence
    if not item.must or not all(prog.has(m) for m in item.must):
        dropped[f"{item.kind}: must not in the programme"] += 1
        return False
    if not item.evidence or not all(prog.has(e) and prog.in_one_passage(e) for e in item.evidence):
        dropped[f"{item.kind}: evidence not in one passage"] += 1
        return False
    return True


def tuned_wordings() -> set[str]:
    """The questions of eval/questions.jsonl, as asked and without accents."""
    rows = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return {q["question"] for q in rows} | {fold(q["question"]) for q in rows}


def generate(prog: Programme | None = None) -> Generated:
    prog = prog or Programme.read()
    dropped: Counter[str] = Counter()
    found_figures = figures(prog, dropped)
    found_duties = duties(prog)
    answerable = heading_items(prog)
    answerable += [figure_item(fig, i) for i, fig in enumerate(found_figures)]
    answerable += [duty_item(duty, i) for i, duty in enumerate(found_duties)]
    used_bodies: set[str] = set()
    used_periods: set[tuple[str, str]] = set()
    subjects = [body_near_miss(prog, duty, i, used_bodies, dropped) for i, duty in enumerate(found_duties)]
    subjects += [place_near_miss(prog, fig, i, dropped) for i, fig in enumerate(found_figures)]
    periods = [period_near_miss(prog, fig, i, used_periods, dropped) for i, fig in enumerate(found_figures)]
    candidates = answerable + [i for i in subjects + periods if i is not None] + measure_near_misses(prog, dropped)
    kept: list[Item] = []
    # a wording the eval set already asks (or asks without accents) would measure what was tuned on
    asked: set[str] = set(tuned_wordings())
    for item in candidates:
        if not _passes(item, prog, dropped):
            continue
        fresh = [(q, s) for q, s in item.questions if q not in asked and fold(q) not in asked]
        if len(fresh) < len(item.questions):
            dropped["question asked twice"] += len(item.questions) - len(fresh)
        asked.update(q for q, _ in fresh)
        if fresh:
            kept.append(Item(item.group, item.kind, item.persona, fresh, item.must, item.evidence, item.perturbation))
    return Generated(kept, dropped)


def main() -> None:
    prog = Programme.read()
    generated = generate(prog)
    MEANING.mkdir(parents=True, exist_ok=True)
    GENERATED.write_text("".join(line + "\n" for line in generated.lines()), encoding="utf-8")
    lines = [json.loads(line) for line in generated.lines()]
    counts = Counter((line["kind"], line["split"]) for line in lines)
    groups = Counter(item.kind for item in generated.items)
    print(f"{len(lines)} questions in {len(generated.items)} groups -> {GENERATED.relative_to(ROOT)}")
    for kind in sorted(groups):
        print(f"  {kind}: {groups[kind]} groups, {counts[(kind, 'dev')]} dev + {counts[(kind, 'heldout')]} heldout questions")
    for reason, n in sorted(generated.dropped.items()):
        print(f"  dropped: {reason}: {n}")
    if CHAINS.exists():
        problems = check_chains(prog)
        print(f"chains: {len(CHAINS.read_text(encoding='utf-8').splitlines())}, problems: {len(problems)}")
        for problem in problems:
            print(f"  {problem}")
        if problems:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
