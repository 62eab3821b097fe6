"""Ingestion at the speed of the model (issue 33): a text embedded once whatever number of documents hold it, files
prepared ahead of the writer with the same outcome as one after another, and where the time went."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from qa_service.components.bundle import Components, open_components
from qa_service.ingestion.pipeline import IngestPipeline, IngestReport
from qa_service.ingestion.prefetch import Prefetcher
from qa_service.ingestion.stages import STAGES
from tests.conftest import PROGRAMME, make_settings
from tests.fixtures.fakes import HashEmbedder

SHARED = "Các sở, ban, ngành phối hợp triển khai thực hiện kế hoạch này, báo cáo kết quả về Ủy ban nhân dân tỉnh trước ngày 15 tháng 12 hằng năm."


class CountingEmbedder(HashEmbedder):
    """The fake model, keeping every text it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        return super().embed_batch(texts)


def _open(data: Path, embedder: HashEmbedder, **extra: object) -> tuple[Components, IngestPipeline]:
    # small chunks: each paragraph below is a chunk of its own
    settings = make_settings(data, embedder, chunking={"max_tokens": 40, "min_tokens": 0}, **extra)
    components = open_components(settings, embedder)
    return components, IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter)


def _plan(folder: Path, name: str, own: str) -> Path:
    """A plan whose title and closing paragraph are those of another plan (a consolidated text and its act)."""
    path = folder / f"{name}.md"
    path.write_text(f"---\ntitle: Kế hoạch chuyển đổi số năm 2026\n---\n\n{own}\n\n{SHARED}\n", encoding="utf-8")
    return path


def test_a_text_in_two_documents_is_embedded_once_and_outlives_either(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    first = _plan(folder, "ke-hoach-a", "Tỉnh đầu tư hạ tầng số cho các khu công nghiệp và cụm công nghiệp.")
    _plan(folder, "ke-hoach-b", "Tỉnh đào tạo kỹ năng số cho cán bộ, công chức cấp xã trên địa bàn.")
    embedder = CountingEmbedder()
    components, pipeline = _open(tmp_path / "data", embedder)

    report = pipeline.run([folder])
    chunks = components.registry.chunks(components.registry.chunk_ids())
    shared = sorted(cid for cid, c in chunks.items() if c.text == SHARED)
    assert len(shared) == 2 and {c.split(":")[0] for c in shared} == {"ke-hoach-a", "ke-hoach-b"}
    assert chunks[shared[0]].embed_text == chunks[shared[1]].embed_text
    assert sum(SHARED in t for t in embedder.texts) == 1  # the model saw it once
    assert report.embedded == len(embedder.texts) == len(chunks) - 1 and report.reused == 1
    ids, vectors = components.store.vectors(shared)
    assert sorted(ids) == shared and np.allclose(vectors[0], vectors[1])
    assert components.store.count() == len(chunks)

    first.unlink()  # the document whose vector was embedded goes: the other keeps its own copy
    assert pipeline.run([folder]).removed == ["ke-hoach-a"]
    left = [cid for cid in shared if cid.startswith("ke-hoach-b")]
    ids, kept = components.store.vectors(left)
    assert ids == left and np.allclose(kept[0], vectors[0])
    hits = components.store.query(embedder.embed_query(SHARED), 1)
    assert [h.chunk_id for h in hits] == left


def test_a_rebuild_embeds_again_and_another_model_reuses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    _plan(folder, "ke-hoach-a", "Tỉnh đầu tư hạ tầng số cho các khu công nghiệp và cụm công nghiệp.")
    embedder = CountingEmbedder()
    components, pipeline = _open(tmp_path / "data", embedder)
    pipeline.run([folder])
    _plan(folder, "ke-hoach-b", "Tỉnh đào tạo kỹ năng số cho cán bộ, công chức cấp xã trên địa bàn.")
    again = pipeline.run([folder], rebuild=True)
    assert again.reused == 1  # within the run the shared text is still embedded once
    assert sum(SHARED in t for t in embedder.texts) == 2  # but not taken from before the rebuild

    other = CountingEmbedder()
    other.model_id = "another-model"
    twin = IngestPipeline(components.settings, other, components.store, components.registry, components.segmenter)
    _plan(folder, "ke-hoach-c", "Tỉnh số hóa hồ sơ thủ tục hành chính.")
    report = twin.run([folder])
    assert report.added == ["ke-hoach-c"] and report.reused == 0  # a vector of another model is not this one's


def _library(folder: Path) -> None:
    folder.mkdir()
    shutil.copy(PROGRAMME, folder / PROGRAMME.name)
    _plan(folder, "ke-hoach-a", "Tỉnh đầu tư hạ tầng số cho các khu công nghiệp và cụm công nghiệp.")
    (folder / "rong.txt").write_bytes(b"")  # fails to read: skipped, the others go on
    (folder / "bang.xlsx").write_bytes(b"PK\x03\x04")
    _plan(folder, "ke-hoach-b", "Tỉnh đào tạo kỹ năng số cho cán bộ, công chức cấp xã trên địa bàn.")
    (folder / "sub").mkdir()
    # the same document id from two files: the second replaces the first, in file order
    (folder / "sub" / "ke-hoach-a.md").write_text("Kế hoạch thay thế.\n\nTỉnh phát triển kinh tế số.\n", encoding="utf-8")


def _ingest(data: Path, folder: Path, ahead: int) -> tuple[Components, list[IngestReport], list[tuple[str, int]]]:
    components, pipeline = _open(data, HashEmbedder(), ingestion={"prepare_ahead": ahead})
    calls: list[tuple[str, int]] = []
    reports = [pipeline.run([folder], progress=lambda name, i, n, r: calls.append((name, i)))]
    (folder / "ke-hoach-b.md").write_text((folder / "ke-hoach-b.md").read_text(encoding="utf-8") + "\nTỉnh bổ sung nhiệm vụ.\n", encoding="utf-8")
    reports.append(pipeline.run([folder], progress=lambda name, i, n, r: calls.append((name, i))))
    components.refresh_lexical()
    return components, reports, calls


def test_files_prepared_ahead_give_the_index_one_after_another_gives(tmp_path: Path) -> None:
    from qa_service.services.retrieval import HybridRetriever

    results = {}
    for ahead in (0, 2):
        folder = tmp_path / f"docs-{ahead}"
        _library(folder)
        components, reports, calls = _ingest(tmp_path / f"data-{ahead}", folder, ahead)
        registry = components.registry
        ids = registry.chunk_ids()
        stored_ids, vectors = components.store.vectors(ids)
        results[ahead] = {
            "reports": [(r.added, r.updated, r.unchanged, r.removed, [Path(s.path).name for s in r.skipped], r.chunks,
                         r.embedded, r.reused) for r in reports],
            "progress": calls,
            "documents": [d.model_dump(exclude={"source_path"}) for d in registry.documents()],
            "chunks": {cid: c.model_dump() for cid, c in registry.chunks(ids).items()},
            "tokens": dict(registry.iter_tokens()),
            "vectors": dict(zip(stored_ids, vectors.round(6).tolist(), strict=True)),
            "facts": registry.facts(),
            "search": [(h.chunk.chunk_id, round(h.score, 6)) for h in
                       HybridRetriever(components).search("tỷ lệ lấp đầy khu công nghiệp", 8)],
        }
    sequential, ahead = results[0], results[2]
    assert sequential["reports"][0][4] == ["bang.xlsx", "rong.txt"]  # the failing files skipped, in file order
    assert sequential["reports"][1][1] == ["ke-hoach-a", "ke-hoach-b", "ke-hoach-a"]  # a, b changed, a again
    for key in sequential:
        assert ahead[key] == sequential[key], key


def test_every_stage_is_timed_and_reported(tmp_path: Path) -> None:
    from ingest.__main__ import _summary

    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(PROGRAMME, folder / PROGRAMME.name)
    _, pipeline = _open(tmp_path / "data", HashEmbedder())
    report = pipeline.run([folder])
    stages = report.stages.as_dict()
    assert list(stages) == list(STAGES)
    assert all(stages[name] > 0 for name in STAGES), stages
    assert report.stages.total <= report.seconds * 1.05  # prepared one file at a time here: nothing overlaps
    summary = _summary(report)
    assert summary["stages"] == stages and summary["reused"] == 0


def test_prefetcher_keeps_order_bounds_its_lead_and_stops_with_the_writer() -> None:
    started: list[int] = []
    gate = threading.Event()

    def work(item: int) -> int:
        started.append(item)
        if item == 3:
            raise ValueError("three")
        return item * 10

    with Prefetcher(list(range(6)), work, ahead=1) as ahead:
        assert ahead.next() == 0
        gate.wait(0.3)  # give the thread time to run ahead as far as it may
        assert len(started) <= 3  # the one handed over, one waiting in the queue, one being prepared
        assert [ahead.next(), ahead.next()] == [10, 20]
        with pytest.raises(ValueError, match="three"):  # an error reaches the writer at its item's turn
            ahead.next()
    assert not any(t.name == "ingest-prepare" and t.is_alive() for t in threading.enumerate())

    with Prefetcher([1, 2], lambda item: item, ahead=0) as inline:  # ahead 0: on the caller's thread
        assert [inline.next(), inline.next()] == [1, 2]


def test_a_writer_that_stops_midway_stops_the_preparing_thread(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in "abcd":
        _plan(folder, f"ke-hoach-{name}", f"Tỉnh thực hiện nhiệm vụ {name}.")
    components, pipeline = _open(tmp_path / "data", HashEmbedder(), ingestion={"prepare_ahead": 1})

    def cancel(name: str, index: int, total: int, report: IngestReport) -> None:
        if index == 2:
            raise KeyboardInterrupt("stopped")

    with pytest.raises(KeyboardInterrupt):
        pipeline.run([folder], progress=cancel)
    assert not any(t.name == "ingest-prepare" and t.is_alive() for t in threading.enumerate())
    assert [d.doc_id for d in components.registry.documents()] == ["ke-hoach-a", "ke-hoach-b"]
    assert pipeline.run([folder]).added == ["ke-hoach-c", "ke-hoach-d"]


def test_the_service_brings_bm25_up_to_an_ingest_without_counting_it_all_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from qa_service.components.lexical import BM25Index

    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(PROGRAMME, folder / PROGRAMME.name)
    components, pipeline = _open(tmp_path / "data", HashEmbedder())
    pipeline.run([folder])
    components.refresh_lexical()
    _plan(folder, "ke-hoach-a", "Tỉnh đầu tư hạ tầng số cho các khu công nghiệp và cụm công nghiệp.")
    pipeline.run([folder])

    def whole_build(*args: object) -> None:
        raise AssertionError("built whole")

    monkeypatch.setattr(components.lexical, "build", whole_build)
    components.refresh_lexical()
    built = BM25Index()
    built.build(components.registry.iter_tokens(), components.registry.version())
    assert components.lexical.ids == built.ids and components.lexical.version == built.version
    query = ["cong", "nghiep", "ha", "tang", "so"]
    found = [i for i, _ in components.lexical.search(query, 10)]
    assert found == [i for i, _ in built.search(query, 10)] and any(i.startswith("ke-hoach-a:") for i in found)
    assert sorted(components.document_lexical.ids) == sorted(d.doc_id for d in components.registry.documents())
