"""Which section a question names (services/section_naming.py, resources/section_naming.yaml): one ablation per
feature — a question whose features put a long heading just over the threshold is answered from that section with
the shipped weights, and not with the feature neutral (weight 0); a negative feature keeps a section from being
named that would be without it. A feature added to the table without a case fails the first test. The end-to-end
reading (a real outline, the real model) is in tests/qa_service/intent/test_sections_by_meaning.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qa_service.services.asked import kinds
from qa_service.services.section_naming import FEATURES, AskedAs, HeadingCandidate, load_section_naming, naming_features

TABLE = load_section_naming()
# a heading of nine content syllables in three clauses; the question says its first clause and one word more
TITLE = frozenset(f"t{i}" for i in range(9))
CLAUSES = (frozenset({"t0", "t1", "t2"}), frozenset({"t3", "t4", "t5"}), frozenset({"t6", "t7", "t8"}))
ASKED = frozenset({"t0", "t1", "t2", "x"})
OTHER = frozenset({"u0", "u1", "u2", "u3"})
QUESTION = np.array([1.0, 0.0, 0.0])


def _heading(title: frozenset[str], clauses: tuple[frozenset[str], ...], cosine: float, axis: int) -> HeadingCandidate:
    vector = np.zeros(3)
    vector[0], vector[axis] = cosine, math.sqrt(1 - cosine**2)
    return HeadingCandidate(title, clauses, vector)


# the heading asked about is nearer the question by three hundredths of cosine than the other
HEADINGS = [_heading(TITLE, CLAUSES, 0.90, 1), _heading(OTHER, (OTHER,), 0.87, 2)]
CONTENTS = ["Tăng cường kiểm tra, giám sát việc thực hiện.", "Rà soát quy hoạch."]


def named(asked: AskedAs, table=TABLE) -> int | None:  # type: ignore[no-untyped-def]
    rows = naming_features(asked, QUESTION, HEADINGS, CONTENTS)
    p = [table.probability(r)[0] for r in rows]
    best = int(np.argmax(p))
    return best if p[best] >= table.threshold else None


def test_every_feature_has_an_ablation_case() -> None:
    assert sorted(CASES) == sorted(FEATURES)


def test_the_shipped_table_names_the_long_heading_by_its_first_clause() -> None:
    assert named(AskedAs(ASKED)) == 0


def test_no_section_for_a_question_about_none_of_the_headings() -> None:
    assert named(AskedAs(frozenset({"y0", "y1", "y2"}))) is None


CASES: dict[str, AskedAs] = {
    # positive features: named with the weight, not without it
    "clause_share": AskedAs(ASKED),
    "title_share": AskedAs(ASKED),
    "question_share": AskedAs(ASKED),
    "meaning_margin": AskedAs(ASKED),
    "meaning_top": AskedAs(ASKED),
    # negative features: not named with the weight, named without it
    "figure_asked": AskedAs(ASKED, figure=True),
    "kind_missing": AskedAs(ASKED, kind=kinds()["date"]),
}


@pytest.mark.parametrize("feature", FEATURES)
def test_feature_decides_its_case(feature: str) -> None:
    weight = next(r.weight for r in TABLE.features if r.name == feature)
    neutral = TABLE.with_weights({feature: 0.0})
    with_it, without = named(CASES[feature]), named(CASES[feature], neutral)
    if weight > 0:
        assert (with_it, without) == (0, None)
    else:
        assert (with_it, without) == (None, 0)


def test_kind_held_by_the_section_is_no_missing_kind() -> None:
    """A date asked of a section that states one: the feature is off, the section may be named."""
    rows = naming_features(AskedAs(ASKED, kind=kinds()["date"]), QUESTION, HEADINGS, ["Hoàn thành trước ngày 30/6/2024.", ""])
    assert rows[0]["kind_missing"] == 0.0 and rows[1]["kind_missing"] == 1.0


def test_margin_is_read_against_the_best_other_heading() -> None:
    rows = naming_features(AskedAs(ASKED), QUESTION, HEADINGS, CONTENTS)
    assert rows[0]["meaning_margin"] == pytest.approx(3.0, abs=1e-6)
    assert rows[1]["meaning_margin"] == pytest.approx(-3.0, abs=1e-6)
    assert (rows[0]["meaning_top"], rows[1]["meaning_top"]) == (1.0, 0.0)


def test_the_shipped_table_is_a_fit() -> None:
    assert TABLE.fit.method == "logistic-regression"
    p, contributions = TABLE.probability(naming_features(AskedAs(ASKED), QUESTION, HEADINGS, CONTENTS)[0])
    assert p == pytest.approx(1 / (1 + math.exp(-sum(contributions.values()))))


def test_an_unknown_feature_cannot_be_overridden() -> None:
    with pytest.raises(ValueError):
        TABLE.with_weights({"no_such_feature": 1.0})


def test_the_document_title_words_a_heading_does_not_say_leave_the_question_share() -> None:
    """«… quan điểm chỉ đạo về phát triển công nghiệp …» of the programme on industrial development: «phát triển công
    nghiệp» says which document; of its heading «Quan điểm chỉ đạo» the question says all it asks."""
    document = frozenset({"x"})
    plain = naming_features(AskedAs(ASKED), QUESTION, [_heading(TITLE, CLAUSES, 0.9, 1)], CONTENTS[:1])[0]
    titled = naming_features(AskedAs(ASKED), QUESTION, [HeadingCandidate(TITLE, CLAUSES, HEADINGS[0].vector, document)], CONTENTS[:1])[0]
    assert plain["question_share"] == 0.75 and titled["question_share"] == 1.0
    # a title word the heading says stays the question's («định hướng» of «Định hướng đến năm 2030»)
    said = naming_features(AskedAs(ASKED), QUESTION, [HeadingCandidate(TITLE, CLAUSES, HEADINGS[0].vector, frozenset({"t0"}))], CONTENTS[:1])[0]
    assert said["question_share"] == 0.75
