"""BM25 over chunks and over whole documents (the chunks of a document summed)."""

from __future__ import annotations

import numpy as np

from qa_service.components.lexical import BM25Index


def _index() -> BM25Index:
    index = BM25Index()
    index.build(
        [
            ("luat-dau-tu:1", ["uu", "dai", "dau", "tu"]),
            ("luat-dau-tu:2", ["dau", "tu", "kinh", "doanh"]),
            ("chuong-trinh:1", ["cong", "nghiep", "lap", "day"]),
            ("chuong-trinh:2", ["cum", "cong", "nghiep", "dau", "tu"]),
        ],
        version=7,
    )
    return index


def test_documents_are_their_chunks_summed() -> None:
    documents = _index().grouped(lambda chunk_id: chunk_id.rsplit(":", 1)[0])
    assert documents.ids == ["luat-dau-tu", "chuong-trinh"] and documents.version == 7
    counts = documents.tf.toarray()
    assert counts.sum() == 17 and counts[0].sum() == 8  # every token of every chunk, once
    assert counts[0, documents.vocab["dau"]] == 2 and counts[1, documents.vocab["dau"]] == 1
    assert np.all(counts[0, [documents.vocab["cong"], documents.vocab["nghiep"]]] == 0)


def test_a_question_ranks_the_document_whose_words_it_uses() -> None:
    documents = _index().grouped(lambda chunk_id: chunk_id.rsplit(":", 1)[0])
    assert [d for d, _ in documents.search(["cong", "nghiep", "dau", "tu"], 2)][0] == "chuong-trinh"
    assert [d for d, _ in documents.search(["uu", "dai", "dau", "tu"], 2)][0] == "luat-dau-tu"
    assert documents.search(["khong", "co"], 2) == []


def test_an_empty_index_groups_to_an_empty_one() -> None:
    empty = BM25Index()
    empty.build([], version=1)
    grouped = empty.grouped(lambda chunk_id: chunk_id)
    assert grouped.ids == [] and grouped.search(["dau"], 3) == []
