"""collapse_copies: which passages of other documents are listed on a hit instead of taking a place of their own."""

from __future__ import annotations

from qa_service.models import Chunk, ScoredChunk
from qa_service.services.passages import collapse_copies

# 53 words, 47 distinct word 3-grams: a footnote mark adds one (Jaccard 47/48 = 0.979); one word replaced
# in the middle takes three away and brings three (44/50 = 0.88)
ARTICLE = (
    "Nhà đầu tư được hưởng ưu đãi đầu tư khi thực hiện dự án đầu tư thuộc ngành, nghề ưu đãi đầu tư hoặc tại địa bàn "
    "ưu đãi đầu tư theo quy định của Luật này và quy định khác của pháp luật có liên quan, trừ trường hợp bị hạn chế."
)


def hit(doc_id: str, text: str, score: float) -> ScoredChunk:
    chunk = Chunk(chunk_id=f"{doc_id}:1", doc_id=doc_id, ordinal=0, text=text, citation_label="Điều 15, khoản 1", start=0, end=len(text))
    return ScoredChunk(chunk=chunk, score=score)


def test_word_for_word_and_near_copies_are_listed_on_the_better_hit() -> None:
    footnoted = ARTICLE + " [1]"
    kept = collapse_copies([hit("luat", ARTICLE, 3.0), hit("vbhn", footnoted, 2.0), hit("ban-sao", ARTICLE, 1.0)], 0.9)
    assert [h.chunk.doc_id for h in kept] == ["luat"]
    assert [(c.chunk.doc_id, c.similarity) for c in kept[0].copies] == [("vbhn", 0.979), ("ban-sao", 1.0)]


def test_the_threshold_decides_a_one_word_change() -> None:
    amended = ARTICLE.replace("đầu tư khi thực hiện", "đầu tư lúc thực hiện")
    assert len(collapse_copies([hit("a", ARTICLE, 2.0), hit("b", amended, 1.0)], 0.9)) == 2
    [one] = collapse_copies([hit("a", ARTICLE, 2.0), hit("b", amended, 1.0)], 0.85)
    assert one.copies[0].chunk.doc_id == "b" and one.copies[0].similarity == 0.88


def test_word_for_word_only_at_one_and_never_within_one_document() -> None:
    footnoted = ARTICLE + " [1]"
    assert len(collapse_copies([hit("a", ARTICLE, 2.0), hit("b", footnoted, 1.0)], 1.0)) == 2
    same_doc = [hit("a", ARTICLE, 2.0), hit("a", ARTICLE.replace("Luật này", "Luật"), 1.0)]
    same_doc[1].chunk.chunk_id = "a:2"
    assert len(collapse_copies(same_doc, 0.5)) == 2


def test_short_passages_are_never_folded() -> None:
    kept = collapse_copies([hit("a", "Điều 1. Phạm vi", 2.0), hit("b", "Điều 1. Phạm vi", 1.0)], 0.9)
    assert len(kept) == 2


def test_a_changed_figure_is_never_folded() -> None:
    """A long passage alike but for one rate (a law and the version that changed it): both keep their places, so
    the reader sees both figures; a footnote mark is not a figure."""
    changed = ARTICLE.replace("trừ trường hợp bị hạn chế.", "trừ trường hợp bị hạn chế 0,03%/ngày.")
    other = ARTICLE.replace("trừ trường hợp bị hạn chế.", "trừ trường hợp bị hạn chế 0,05%/ngày.")
    assert len(collapse_copies([hit("a", changed, 2.0), hit("b", other, 1.0)], 0.5)) == 2
    [one] = collapse_copies([hit("a", changed, 2.0), hit("b", changed + " [12]", 1.0)], 0.9)
    assert one.copies[0].chunk.doc_id == "b"


def test_copies_are_folded_before_neighbours_are_merged() -> None:
    """The original Labour Code and its consolidated text cut one article at different khoản: khoản 1 is the same
    words in both, but merged with khoản 2 of its own document it is no longer like the other's khoản 1 alone. It is
    folded before the merge, and the copies travel with the merged passage."""
    from qa_service.services.passages import passages

    second = "2. Nhà đầu tư có dự án đầu tư quy mô lớn được hưởng thêm ưu đãi theo quy định của Chính phủ về điều kiện áp dụng."
    first = hit("vbhn", ARTICLE, 3.0)
    neighbour = hit("vbhn", second, 1.0)
    neighbour.chunk = neighbour.chunk.model_copy(update={"chunk_id": "vbhn:2", "ordinal": 1, "start": len(ARTICLE) + 1, "end": len(ARTICLE) + 1 + len(second)})
    original = hit("luat", ARTICLE, 2.0)
    kept = passages([first, original, neighbour], 0.95)
    assert [h.chunk.doc_id for h in kept] == ["vbhn"] and second in kept[0].chunk.text
    assert [c.chunk.doc_id for c in kept[0].copies] == ["luat"]
    # merged first, the two would be two hits (what the retriever did before)
    from qa_service.services.passages import merge_adjacent

    merged_first = collapse_copies(merge_adjacent([hit("vbhn", ARTICLE, 3.0), hit("luat", ARTICLE, 2.0), neighbour]), 0.95)
    assert len(merged_first) == 2
