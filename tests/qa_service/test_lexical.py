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


# -- the index brought up to the registry: only rows written since are counted (issue 33) -------------------------


def _chunk(doc_id: str, ordinal: int, text: str):  # type: ignore[no-untyped-def]
    from qa_service.models import Chunk

    return Chunk(chunk_id=f"{doc_id}:{ordinal}", doc_id=doc_id, ordinal=ordinal, text=text, citation_label="", start=0, end=len(text))


def _put(registry, doc_id: str, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    from qa_service.models import DocumentMeta

    chunks = [_chunk(doc_id, k, t) for k, t in enumerate(texts)]
    meta = DocumentMeta(doc_id=doc_id, title=doc_id, source_path=f"/x/{doc_id}.txt", source_hash=doc_id + str(texts))
    registry.replace_document(meta, " ".join(texts), [], chunks, {c.chunk_id: c.text.split() for c in chunks}, [])


def _same(updated: BM25Index, built: BM25Index) -> None:
    assert updated.ids == built.ids and updated.version == built.version
    terms = sorted(built.vocab)
    assert np.array_equal(updated.tf[:, [updated.vocab[t] for t in terms]].toarray(), built.tf[:, [built.vocab[t] for t in terms]].toarray())
    for query in (["dau", "tu"], ["cong", "nghiep", "moi"], ["uu", "dai"], ["khong", "co"]):
        got, want = updated.search(query, 10), built.search(query, 10)
        assert [i for i, _ in got] == [i for i, _ in want]
        assert np.allclose([s for _, s in got], [s for _, s in want], rtol=1e-6)
        assert updated.idf(query) == built.idf(query) and updated.together(query) == built.together(query)


def test_an_update_gives_what_a_whole_build_gives(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from qa_service.components.registry import Registry

    registry = Registry(tmp_path / "registry.sqlite")
    _put(registry, "luat-dau-tu", ["uu dai dau tu", "dau tu kinh doanh"])
    _put(registry, "chuong-trinh", ["cong nghiep lap day", "cum cong nghiep dau tu"])
    index = BM25Index()
    index.build(registry.iter_tokens(), registry.version())

    _put(registry, "chuong-trinh", ["cong nghiep moi", "cum cong nghiep dau tu", "uu dai moi"])  # replaced, longer
    _put(registry, "a-ke-hoach", ["ke hoach dau tu cong"])  # added, sorts first
    registry.delete_document("luat-dau-tu")
    order, fresh = registry.tokens_since(index.version)
    assert sorted(fresh) == ["a-ke-hoach:0", "chuong-trinh:0", "chuong-trinh:1", "chuong-trinh:2"]
    assert index.update(order, fresh, registry.version())
    built = BM25Index()
    built.build(registry.iter_tokens(), registry.version())
    _same(index, built)
    assert index.unused_share > 0  # «lap», «day», «kinh», «doanh» are held by no row any more

    rebuilt_under_the_same_id = BM25Index()
    rebuilt_under_the_same_id.build(registry.iter_tokens(), registry.version())
    _put(registry, "a-ke-hoach", ["ke hoach chuyen doi so"])  # same chunk id, other words: read again
    assert rebuilt_under_the_same_id.update(*registry.tokens_since(rebuilt_under_the_same_id.version), registry.version())
    built.build(registry.iter_tokens(), registry.version())
    _same(rebuilt_under_the_same_id, built)


def test_an_update_missing_a_row_leaves_the_index_alone() -> None:
    index = _index()
    assert not index.update(["luat-dau-tu:1", "khac:9"], {}, 8)
    assert index.version == 7 and len(index.ids) == 4


def test_an_update_to_no_rows_answers_every_query_with_nothing() -> None:
    """Every document removed: the index keeps its vocabulary (an update never shrinks it), so a question's words are
    still known columns of an empty matrix — idf, search and «together» answer, none raises."""
    index = _index()
    assert index.update([], {}, 8)
    known = next(iter(index.vocab))
    assert index.search([known], 5) == [] and not index.together([known])
    assert index.idf([known, "khong-co"])[known] > 0
    assert index.grouped(lambda cid: cid.split(":")[0]).search([known], 5) == []


def test_a_registry_from_before_the_stamp_gains_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from qa_service.components.registry import SCHEMA, Registry

    path = tmp_path / "registry.sqlite"
    with sqlite3.connect(path) as db:
        # the chunks table as it was before the stamp; the schema's CREATE ... IF NOT EXISTS then leaves it be
        db.execute("CREATE TABLE chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) "
                   "ON DELETE CASCADE, ordinal INTEGER NOT NULL, data TEXT NOT NULL, tokens TEXT NOT NULL)")
        db.executescript(SCHEMA)
        assert "written" not in {r[1] for r in db.execute("PRAGMA table_info(chunks)")}
        db.execute("INSERT INTO documents VALUES ('d', '/x', 'h', '{}', '', '[]')")
        db.execute("INSERT INTO chunks(chunk_id, doc_id, ordinal, data, tokens) VALUES ('d:0', 'd', 0, '{}', 'cu')")
    registry = Registry(path)
    Registry(path)  # a second opener finds the column there
    assert registry.tokens_since(-1) == (["d:0"], {"d:0": ["cu"]})
    assert registry.tokens_since(0) == (["d:0"], {})  # written before any stamp: held by any index built since
