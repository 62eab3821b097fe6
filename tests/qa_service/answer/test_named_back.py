"""A report names its own paragraphs back: «Những hạn chế nêu trên có nguyên nhân …» calls the paragraph before it
the shortcomings, though that paragraph never says the word; its sentences hold the name (named_back.py), so
«Những hạn chế … là gì?» quotes the shortcomings, not the sentence that only names them back."""

from __future__ import annotations

from qa_service.models import Chunk, ScoredChunk, Unit
from qa_service.services.answer.named_back import named_paragraphs, named_words, without_name
from qa_service.services.answer.sentences import candidates
from qa_service.services.query import Query
from qa_service.settings import AnswerSettings

REPORT = (
    "Kết quả đạt được: giá trị sản xuất tăng 8%/năm.\n"
    "Tuy nhiên, sản xuất còn nhỏ lẻ, thiếu mặt bằng sạch cho nhà đầu tư.\n"
    "Những tồn tại, hạn chế nêu trên có nguyên nhân khách quan là dịch bệnh kéo dài.\n"
    "Các nhiệm vụ trên đây được giao cụ thể cho từng sở, ngành.\n"
)


def _report_chunk() -> Chunk:
    """REPORT as one chunk, each line a paragraph unit."""
    units, start = [], 0
    for i, line in enumerate(REPORT.splitlines(keepends=True)):
        units.append(Unit(label=f"đoạn {i + 1}", start=start, end=start + len(line.rstrip())))
        start += len(line)
    return Chunk(chunk_id="c", doc_id="d", ordinal=0, text=REPORT, citation_label="Mục I", start=0, end=len(REPORT), units=units)


def _query(question: str = "Những hạn chế là gì?") -> Query:
    return Query(question=question, standalone=question, text=question, expanded=question, vietnamese=True, diacritics=True)


def test_the_paragraph_before_a_naming_one_is_named_by_its_words() -> None:
    spans = named_paragraphs(REPORT)
    weak = REPORT.index("Tuy nhiên")
    causes = REPORT.index("Những tồn tại")
    assert [(REPORT[s:e], words) for s, e, words in spans] == [
        (REPORT[weak : causes - 1], frozenset({"ton", "tai", "han", "che"})),
        (REPORT[causes : REPORT.index("Các nhiệm vụ") - 1], frozenset({"nhiem", "vu"})),
    ]
    assert named_words(spans, weak + 5) == {"ton", "tai", "han", "che"} and named_words(spans, 0) == frozenset()


def test_no_name_without_a_word_pointing_back() -> None:
    assert named_paragraphs("Mở đầu.\nNhững doanh nghiệp trên địa bàn tỉnh còn nhỏ.\nCác cổng trên tường rào.\n") == []


def test_the_named_paragraph_holds_the_name_the_question_asks_by() -> None:
    text, chunk, query = REPORT, _report_chunk(), _query()
    idf = {"han": 1.0, "che": 1.0}
    hits = [ScoredChunk(chunk=chunk, score=1.0)]
    named = candidates(query, hits, idf, AnswerSettings(), named={"d": named_paragraphs(text)})
    plain = candidates(query, hits, idf, AnswerSettings())
    weak = next(c for c in named if c.text.startswith("Tuy nhiên"))
    assert weak.coverage == 1.0 and next(c for c in plain if c.text.startswith("Tuy nhiên")).coverage == 0.0


def test_the_naming_sentence_does_not_hold_its_own_name() -> None:
    assert without_name("Những tồn tại, hạn chế nêu trên có nguyên nhân khách quan.") == "Những nêu trên có nguyên nhân khách quan."
    assert without_name("- Các nhiệm vụ trên đây được giao.") == "- Các trên đây được giao."
    assert without_name("Những hạn chế của tỉnh còn nhiều.") == "Những hạn chế của tỉnh còn nhiều."
    found = candidates(_query(), [ScoredChunk(chunk=_report_chunk(), score=1.0)], {"han": 1.0, "che": 1.0}, AnswerSettings())
    assert next(c for c in found if c.text.startswith("Những tồn tại")).coverage == 0.0
