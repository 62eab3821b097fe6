"""Shared fixtures: the real embedding model, a real Chroma and registry in
temporary folders, the real FastAPI app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qa_service.settings import EmbeddingSettings, GeneratorSettings, Settings

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATASET = SHARED / "datasets" / "congbao-8-chu-de"
CORPUS = ROOT / "corpus"
PROGRAMME = CORPUS / "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025.md"
LLM_MODEL = ROOT / "var" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
LUAT_DAU_TU = DATASET / "docs" / "uu_dai_dt" / "luat-so-61-2020-qh14-31682.txt"


def require_shared() -> None:
    if not DATASET.exists():
        pytest.fail(f"../shared dataset missing at {DATASET}: tests read it in place")


@pytest.fixture(scope="session")
def model_dir() -> Path:
    from qa_service.components.embedder_setup import convert, export_onnx

    path = ROOT / "var" / "models" / "e5-small"
    convert(path)
    export_onnx(path)
    return path


def make_settings(data_dir: Path, model_dir: Path, **extra: object) -> Settings:
    return Settings(data_dir=data_dir, embedding=EmbeddingSettings(model_dir=model_dir), **extra)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def embedder(model_dir: Path):  # type: ignore[no-untyped-def]
    from qa_service.components.embedder import make_embedder

    return make_embedder(EmbeddingSettings(model_dir=model_dir))  # the default backend (onnx-int8)


@pytest.fixture(scope="session")
def corpus_components(tmp_path_factory: pytest.TempPathFactory, embedder, model_dir: Path):  # type: ignore[no-untyped-def]
    from qa_service.components.bundle import open_components
    from qa_service.ingestion.pipeline import IngestPipeline

    settings = make_settings(tmp_path_factory.mktemp("index"), model_dir)
    components = open_components(settings, embedder)
    pipeline = IngestPipeline(settings, embedder, components.store, components.registry, components.segmenter)
    report = pipeline.run([CORPUS])
    assert report.added and not report.skipped
    components.refresh_lexical()
    return components


@pytest.fixture(scope="session")
def client(corpus_components) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    from qa_service.app import create_app

    app = create_app(corpus_components.settings, corpus_components)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


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
def gen_client(corpus_components, llm) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    from qa_service.app import create_app

    app = create_app(corpus_components.settings, corpus_components, generator=llm)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
