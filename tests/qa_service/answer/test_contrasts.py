"""One side of a distinction asked for: «nguyên nhân chủ quan?» is answered by the causes the programme gives after
«Nhưng chủ yếu là do: …», not by the sentence naming the objective ones (resources/contrasts.yaml)."""

from __future__ import annotations

import pytest

from qa_service.services.asked import contrast_asked, names_other_side, turns_to_asked_side
from tests.fixtures.answers import ask_weighted

CHU_QUAN = ((("chủ quan", "chủ yếu"), ("khách quan",)),)


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Chương trình nêu những nguyên nhân chủ quan nào?", CHU_QUAN),
        ("vi sao cong nghiep yeu, xet ve nguyen nhan chu quan", CHU_QUAN),  # typed without diacritics
        ("Nguyên nhân chủ quan và khách quan là gì?", ()),  # both sides: neither alone
        ("Cơ quan chủ quản của dự án là ai?", ()),  # «chủ quản» is no «chủ quan»
        ("Ưu đãi cho các khu, cụm công nghiệp?", ()),  # «khu, cụm công nghiệp» names both
        ("Thuận lợi của tỉnh là gì?", ((("thuận lợi",), ("khó khăn",)),)),
        ("Đâu là nguyên nhân chủ yếu?", CHU_QUAN),  # the main causes, set against the objective ones
    ],
)
def test_the_side_a_question_asks_for(question: str, asked: tuple[tuple[str, str], ...]) -> None:
    assert contrast_asked(question) == asked


def test_every_side_named_alone_is_asked_for() -> None:
    """«… nguyên nhân chủ quan … của các hạn chế?»: the subjective side, and the shortcomings rather than what was
    achieved."""
    asked = contrast_asked("Chương trình nêu những nguyên nhân chủ quan nào của các hạn chế?")
    assert set(CHU_QUAN) | {(("hạn chế",), ("ưu điểm",)), (("hạn chế",), ("kết quả đạt được",))} == set(asked)


def test_a_sentence_naming_only_the_other_side_and_the_one_turning_from_it() -> None:
    objective = "Những hạn chế nêu trên có nguyên nhân khách quan: tỉnh nằm xa trung tâm kinh tế của cả nước,..."
    assert names_other_side(CHU_QUAN, objective)
    assert not names_other_side(CHU_QUAN, "Nguyên nhân khách quan và chủ quan đều có.")
    assert turns_to_asked_side(CHU_QUAN, "Nhưng chủ yếu là do: một số cấp ủy chưa quan tâm.", objective)
    assert not turns_to_asked_side(CHU_QUAN, "Những doanh nghiệp còn nhỏ.", objective)  # «Những» is no «Nhưng»
    assert not turns_to_asked_side(CHU_QUAN, "Nhưng chủ yếu là do: …", "Giá trị sản xuất còn thấp.")
    assert not turns_to_asked_side((), "Nhưng chủ yếu là do: …", objective)  # no side asked for


QUESTION = "Chương trình nêu những nguyên nhân chủ quan nào của các hạn chế?"


def _ask(components, weights: dict[str, float] | None = None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return ask_weighted(components, QUESTION, weights)


@pytest.mark.slow
def test_the_subjective_causes_lead(real_corpus_components) -> None:  # type: ignore[no-untyped-def]
    body = _ask(real_corpus_components)
    lead = body["answer"].split("\n")[0]
    assert body["answered"] and "khách quan" not in lead and "chưa quan tâm lãnh đạo" in body["answer"]


@pytest.mark.slow
def test_ablation_with_the_contrast_features_neutral_the_objective_causes_lead(real_corpus_components) -> None:  # type: ignore[no-untyped-def]
    body = _ask(real_corpus_components, {"contrast_other": 0.0, "contrast_turn": 0.0})
    assert "khách quan" in body["answer"].split("\n")[0]


def test_a_paragraph_opening_with_a_turn_turns_from_the_paragraph_before_it() -> None:
    """«Nhưng chủ yếu là do: …» opens its own paragraph (its own unit): the sentence it turns from is the last of the
    paragraph before, in the same chunk."""
    from qa_service.models import Chunk, ScoredChunk, Unit
    from qa_service.services.answer.sentences import candidates
    from qa_service.services.intent import Intent
    from qa_service.services.query import Query
    from qa_service.settings import AnswerSettings

    first = "Những hạn chế nêu trên có nguyên nhân khách quan: hạ tầng giao thông chưa đồng bộ."
    second = "Nhưng chủ yếu là do: một số cấp ủy chưa quan tâm lãnh đạo phát triển công nghiệp."
    text = f"{first}\n{second}"
    units = [Unit(label="đoạn 1", start=0, end=len(first)), Unit(label="đoạn 2", start=len(first) + 1, end=len(text))]
    chunk = Chunk(chunk_id="c", doc_id="d", ordinal=0, text=text, citation_label="Mục I", start=0, end=len(text), units=units)
    question = "Nguyên nhân chủ yếu là gì?"
    query = Query(
        question=question, standalone=question, text=question, expanded=question, vietnamese=True, diacritics=True,
        intent=Intent(contrast=CHU_QUAN),
    )
    found = candidates(query, [ScoredChunk(chunk=chunk, score=1.0)], {"nguyen": 1.0, "nhan": 1.0}, AnswerSettings())
    turning = next(c for c in found if c.text.startswith("Nhưng"))
    assert turning.values["contrast_turn"] == 1.0 and found[0] is turning


def test_a_chunk_opening_with_a_turn_turns_from_the_sentence_before_the_chunk() -> None:
    """The same when «Nhưng chủ yếu là do: …» opens its chunk: the sentence it turns from is read from the document
    (`before`), and without it the turn is not seen."""
    from qa_service.models import Chunk, ScoredChunk, Unit
    from qa_service.services.answer.sentences import candidates
    from qa_service.services.intent import Intent
    from qa_service.services.query import Query
    from qa_service.settings import AnswerSettings

    text = "Nhưng chủ yếu là do: một số cấp ủy chưa quan tâm lãnh đạo phát triển công nghiệp."
    chunk = Chunk(chunk_id="c2", doc_id="d", ordinal=1, text=text, citation_label="Mục I, đoạn 3", start=900, end=900 + len(text),
                  units=[Unit(label="đoạn 3", start=900, end=900 + len(text))])
    question = "Nguyên nhân chủ yếu là gì?"
    query = Query(
        question=question, standalone=question, text=question, expanded=question, vietnamese=True, diacritics=True,
        intent=Intent(contrast=CHU_QUAN),
    )
    before = {"c2": "Những hạn chế nêu trên có nguyên nhân khách quan: hạ tầng giao thông chưa đồng bộ."}
    hits = [ScoredChunk(chunk=chunk, score=1.0)]
    assert candidates(query, hits, {"nguyen": 1.0}, AnswerSettings(), before=before)[0].values["contrast_turn"] == 1.0
    assert candidates(query, hits, {"nguyen": 1.0}, AnswerSettings())[0].values["contrast_turn"] == 0.0
