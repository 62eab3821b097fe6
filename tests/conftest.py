"""Shared fixtures, in two tiers.

- Fast (`make test-fast`): the real app, a real Chroma and registry in temporary folders, and the
  deterministic `HashEmbedder` in place of the model.
- Slow (`-m slow`, part of `make test`): the same fixtures with the real embedding model; tests that need
  the model's quality ask for `real_*` fixtures. `llm`: the real local LLM.

`embedder` is parametrised over both, so a test written once runs in the fast tier with the fake and in
the full suite with the real model as well. Any test that reaches the real model is marked `slow` here
(`pytest_collection_modifyitems`), whatever its module says.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from qa_service.components.embedder import Embedder
from qa_service.settings import EmbeddingSettings, GeneratorSettings, Settings
from tests.fixtures.fakes import HashEmbedder

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATASET = SHARED / "datasets" / "congbao-8-chu-de"
CORPUS = ROOT / "corpus"
PROGRAMME = CORPUS / "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025.md"
MODEL_DIR = ROOT / "var" / "models" / "e5-small"
LLM_MODEL = ROOT / "var" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
LUAT_DAU_TU = DATASET / "docs" / "uu_dai_dt" / "luat-so-61-2020-qh14-31682.txt"

REAL_MODEL_FIXTURES = {"model_dir", "real_embedder"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if "llm" in names:
            item.add_marker(pytest.mark.llm)
        if names & (REAL_MODEL_FIXTURES | {"llm"}):
            item.add_marker(pytest.mark.slow)


def require_shared() -> None:
    if not DATASET.exists():
        pytest.fail(f"../shared dataset missing at {DATASET}: tests read it in place")


def ingested_markdown(root: Path, embedder: Embedder, documents: list[tuple[str, str, dict[str, str]]], programme: bool = False) -> Any:
    """Components over made-up Markdown documents — (slug, body, front matter) each, written under root/docs — and
    the programme when asked: the index a test of a few documents of its own asks questions of."""
    from tests.fixtures.documents import write_markdown

    folder = root / "docs"
    for slug, body, front in documents:
        write_markdown(folder, slug, body, **front)
    components, _ = ingested(root / "index", embedder, [folder, *([CORPUS] if programme else [])])
    return components


def answerer_over(root: Path, embedder: Embedder, documents: list[tuple[str, str, dict[str, str]]]) -> Any:
    """The extractive answerer over `ingested_markdown`'s index of these documents."""
    from qa_service.services.answer import ExtractiveAnswerer
    from qa_service.services.retrieval import HybridRetriever

    components = ingested_markdown(root, embedder, documents)
    return ExtractiveAnswerer(components, HybridRetriever(components))


def sentence_coverages(answerer: Any, question: str, marks: dict[str, str]) -> dict[str, float]:
    """Per name, the share of the question held by the first sentence that holds the name's mark, as the sentence
    table reads it."""
    query = answerer.read(question)
    found = answerer.composer.sentences(query, answerer.retriever.rank(query, 10).hits)
    return {name: next(c.coverage for c in found if mark in c.text) for name, mark in marks.items()}


def ingested(data_dir: Path, embedder: Embedder, paths: list[Path]) -> tuple[Any, Any]:
    """(components, ingest report) of an index in `data_dir` holding `paths`, BM25 built: the service's view."""
    from qa_service.components.bundle import open_components
    from qa_service.ingestion.pipeline import IngestPipeline

    settings = make_settings(data_dir, embedder)
    components = open_components(settings, embedder)
    report = IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter).run(paths)
    components.refresh_lexical()
    return components, report


def make_settings(data_dir: Path, embedder: Embedder | None = None, **extra: object) -> Settings:
    """Settings for an index in `data_dir`; the collection is named after the embedder actually used."""
    model_id = embedder.model_id if embedder is not None else EmbeddingSettings().model_id
    embedding = EmbeddingSettings(model_dir=MODEL_DIR, model_id=model_id)
    return Settings(data_dir=data_dir, embedding=embedding, **extra)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def model_dir() -> Path:
    from qa_service.components.embedder_setup import convert
    from qa_service.components.onnx_export import export_onnx

    convert(MODEL_DIR)
    export_onnx(MODEL_DIR, EmbeddingSettings().quantization)
    return MODEL_DIR


@pytest.fixture(scope="session")
def real_embedder(model_dir: Path) -> Embedder:
    from qa_service.components.embedder import make_embedder

    # the shipped backend (onnx int8 on both sides); QA_TEST_BACKEND=onnx-fp32 runs the real tier on the float32
    # model, where every rank and refusal the tests assert must hold as well (eval/README.md, «Quantization that travels»)
    backend = os.environ.get("QA_TEST_BACKEND")
    if backend:
        return make_embedder(EmbeddingSettings(model_dir=model_dir, backend=backend, query_backend="same"))  # type: ignore[arg-type]
    return make_embedder(EmbeddingSettings(model_dir=model_dir))


@pytest.fixture(scope="session", params=["fake", pytest.param("real", marks=pytest.mark.slow)])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    if request.param == "fake":
        return HashEmbedder()
    return request.getfixturevalue("real_embedder")  # type: ignore[no-any-return]


@pytest.fixture
def reads_by_meaning(embedder: Embedder) -> None:
    """A test whose outcome turns on what kind of thing a question asks for, read by meaning (the asked-kind and
    follow-up classifiers): the hashed fake has no meaning to read, so it runs on the real model only (the slow
    tier), where the classifiers are the shipped ones."""
    if isinstance(embedder, HashEmbedder):
        pytest.skip("reads the question by meaning: real model only")


def _corpus_components(data_dir: Path, embedder: Embedder):  # type: ignore[no-untyped-def]
    from qa_service.components.bundle import open_components
    from qa_service.ingestion.pipeline import IngestPipeline

    settings = make_settings(data_dir, embedder)
    components = open_components(settings, embedder)
    report = IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter).run([CORPUS])
    assert report.added and not report.skipped
    components.refresh_lexical()
    return components


@pytest.fixture(scope="session")
def corpus_components(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, embedder: Embedder):  # type: ignore[no-untyped-def]
    """The programme indexed with the tier's embedder (the real tier shares `real_corpus_components`)."""
    if not isinstance(embedder, HashEmbedder):
        return request.getfixturevalue("real_corpus_components")
    return _corpus_components(tmp_path_factory.mktemp("index"), embedder)


@pytest.fixture(scope="session")
def real_corpus_components(tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder):  # type: ignore[no-untyped-def]
    """The programme indexed with the real model: for tests of answer quality."""
    return _corpus_components(tmp_path_factory.mktemp("real-index"), real_embedder)


def _client(components) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    from qa_service.app import create_app

    with TestClient(create_app(components.settings, components), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def client(corpus_components) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    yield from _client(corpus_components)


@pytest.fixture(scope="session")
def real_client(real_corpus_components) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    yield from _client(real_corpus_components)


@pytest.fixture(scope="session")
def llm():  # type: ignore[no-untyped-def]
    """The real local LLM, loaded once (`make setup-llm`); `make test` requires it unless LLM=0."""
    from qa_service.components.generator import load_generator

    generator, status = load_generator(GeneratorSettings(model_path=LLM_MODEL))  # type: ignore[call-arg]
    if generator is None:
        if os.environ.get("QA_TEST_REQUIRE_LLM") == "1":
            pytest.fail(f"generator unavailable ({status.reason}) although make test set it up")
        pytest.skip(f"generator unavailable ({status.reason}): run `make setup-llm`")
    return generator, status


@pytest.fixture(scope="session")
def gen_client(real_corpus_components, llm) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    from qa_service.app import create_app

    app = create_app(real_corpus_components.settings, real_corpus_components, generator=llm)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
