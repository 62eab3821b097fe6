"""Library-mode gate (real model): the programme beside the forty Gazette documents of eval/run_library.py's sample
(every law and code of the dataset — two versions of three laws, the Labour Code in its consolidated text — and the
first 27 other documents by path: decrees, circulars, resolutions, two decisions whose articles sit on their heading
lines). Every article named by number must come first; the programme's own questions and the library question set
must not fall below the floors measured on this same sample (eval/library_gate.json, eval/README.md). Documents are
read in place from ../shared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eval.run_eval import evaluate_ours, load_questions
from eval.run_library import article_questions, article_scores, sample_paths
from tests.conftest import CORPUS, ingested, require_shared

pytestmark = pytest.mark.slow
FLOOR = json.loads((Path(__file__).resolve().parents[2] / "eval" / "library_gate.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[tuple[TestClient, object]]:  # type: ignore[no-untyped-def]
    from qa_service.app import create_app

    require_shared()
    sample = sample_paths(27, laws_only=False)
    assert len(sample) == 40
    components, report = ingested(tmp_path_factory.mktemp("library-gate"), real_embedder, [CORPUS, *sample])
    assert not report.skipped and components.registry.counts()[0] == len(sample) + 1
    with TestClient(create_app(components.settings, components), raise_server_exceptions=False) as client:
        yield client, components


def test_every_article_named_by_number_comes_first(library) -> None:  # type: ignore[no-untyped-def]
    client, components = library
    items = article_questions(components.registry)
    assert len(items) >= 50
    scores = article_scores(client, items)
    assert scores["search_first"] >= FLOOR["article_first"], scores["misses"]
    assert scores["ask_first"] >= FLOOR["article_first"], scores["misses"]


def test_programme_questions_hold_their_floor_in_the_library(library) -> None:  # type: ignore[no-untyped-def]
    from qa_service.services.retrieval import HybridRetriever

    client, components = library
    items = [i for i in load_questions() if i["corpus"] == "programme"]
    scores = evaluate_ours(client, HybridRetriever(components), items)
    print({k: round(scores[k], 3) for k in ("recall@1", "recall@5", "mrr@10", "key_facts")})
    for key in ("recall@1", "recall@5", "key_facts"):
        assert scores[key] >= FLOOR["programme"][key] - FLOOR["tolerance"], (key, scores[key])


def test_library_questions_on_the_laws_loaded_hold_their_floor(library) -> None:  # type: ignore[no-untyped-def]
    """The library question set (eval/library_questions_*.jsonl): every question whose law this sample loads (all of
    them), both halves."""
    from eval.run_library import ArticleGold, library_set_scores, load_library_set, ours_search

    client, components = library
    loaded = {d.doc_number for d in components.registry.documents()}
    items = [i for i in load_library_set() if all(g["doc_number"] in loaded for g in i["gold"])]
    assert len(items) >= 150
    scores = library_set_scores({"ours": ours_search(client)}, items, ArticleGold(components.registry, items))["ours"]["all"]
    print({k: round(v, 3) for k, v in scores.items()})
    for key in ("recall@1", "recall@5"):
        assert scores[key] >= FLOOR["library_set"][key] - FLOOR["tolerance"], (key, scores[key])


def test_a_question_the_laws_fill_still_shows_what_the_province_says(library, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """«ho tro tiep can tin dung cho doanh nghiep nho va vua»: the SME law's articles on credit fill every place; the
    programme's «nâng cao khả năng tiếp cận tài chính, tín dụng» is shown third (eval/README.md, session 12)."""
    client, components = library
    programme = next(d.doc_id for d in components.registry.documents() if d.title.startswith("Chương trình hành động"))
    question = {"query": "ho tro tiep can tin dung cho doanh nghiep nho va vua", "top_k": 5}
    hits = client.post("/search", json=question).json()["hits"]
    assert hits[0]["doc_id"].startswith("luat-so-04-2017-qh14")  # the law says it first
    ours = [h for h in hits[:3] if h["doc_id"] == programme]
    assert len(ours) == 1 and "tiếp cận tài chính, tín dụng" in ours[0]["text"]
    monkeypatch.setattr(components.settings.retrieval, "provincial_slot", 0)
    assert programme not in {h["doc_id"] for h in client.post("/search", json=question).json()["hits"]}


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("Hình thức đối tác công-tư được áp dụng cho dự án nào?", "theo hình thức đối tác công-tư"),
        ("Doanh nghiệp nhỏ và vừa được hưởng những cơ chế khuyến khích nào?", "doanh nghiệp nhỏ và vừa"),
    ],
)
def test_the_provinces_answer_about_as_near_and_as_worded_comes_first(library, question: str, words: str) -> None:  # type: ignore[no-untyped-def]
    """The investment law's and the SME law's articles are a little nearer in meaning; the programme's passage holds
    most of the question's words too and is shown beside them, not below — and a question only a law answers keeps the law's places."""
    client, components = library
    programme = next(d.doc_id for d in components.registry.documents() if d.title.startswith("Chương trình hành động"))
    hits = client.post("/search", json={"query": question, "top_k": 5}).json()["hits"]
    # among the first two, not first: the programme's passage and the law's nearest article are 0.0002 apart (SME)
    # and tied (PPP) in fused score on an AVX2 CPU, below the int8 / fp32 spread, so which of them leads is not a
    # decision a test can pin (eval/README.md, «Quantization that travels»; a deterministic second key is issue 28)
    assert any(h["doc_id"] == programme and words in h["text"].lower() for h in hits[:2])
    assert any(h["doc_id"] != programme for h in hits[:3])  # the laws still follow
    labour = client.post("/search", json={"query": "Thời gian thử việc tối đa là bao lâu?", "top_k": 5}).json()["hits"]
    assert labour[0]["citation_label"].startswith("Điều 25") and programme not in {h["doc_id"] for h in labour}
