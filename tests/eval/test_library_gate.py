"""Library-mode gate (real model): the programme beside ten Gazette documents — two versions of three laws, a code
in its consolidated text, a consolidated decree, two short decisions whose articles sit on their heading lines.
Every article named by number must come first; the programme's own questions must not fall below the floor
measured on this sample (eval/README.md, «Library mode on a sample»). Documents are read in place from ../shared."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eval.run_eval import evaluate_ours, load_questions
from eval.run_library import article_questions, article_scores
from tests.conftest import CORPUS, DATASET, ingested, require_shared

pytestmark = pytest.mark.slow
SAMPLE = [
    "uu_dai_dt/luat-so-61-2020-qh14-31682",
    "uu_dai_dt/luat-so-67-2014-qh13-6861",
    "bhxh/luat-so-41-2024-qh15-42576",
    "bhxh/luat-so-58-2014-qh13-15355",
    "cong_doan/luat-so-12-2012-qh13-4823",
    "cong_doan/luat-so-50-2024-qh15-43589",
    "hdld/bo-luat-lao-dong-so-45-2019-qh14-29268",
    "chinh_sach_dn/van-ban-hop-nhat-so-19-vbhn-btc-469710",
    "bhxh/quyet-dinh-so-798-qd-ttg-469485",
    "bhxh/quyet-dinh-so-844-qd-ttg-469526",
]
FLOOR = json.loads((Path(__file__).resolve().parents[2] / "eval" / "library_gate.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[tuple[TestClient, object]]:  # type: ignore[no-untyped-def]
    from qa_service.app import create_app

    require_shared()
    paths = [CORPUS] + [DATASET / "docs" / f"{name}.txt" for name in SAMPLE]
    components, report = ingested(tmp_path_factory.mktemp("library-gate"), real_embedder, paths)
    assert not report.skipped and components.registry.counts()[0] == len(SAMPLE) + 1
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
    """The library question set (eval/library_questions_*.jsonl), on the laws this sample loads, both halves."""
    from eval.run_library import ArticleGold, library_set_scores, load_library_set, ours_search

    client, components = library
    loaded = {d.doc_number for d in components.registry.documents()}
    items = [i for i in load_library_set() if all(g["doc_number"] in loaded for g in i["gold"])]
    assert len(items) >= 60
    scores = library_set_scores({"ours": ours_search(client)}, items, ArticleGold(components.registry, items))["ours"]["all"]
    print({k: round(v, 3) for k, v in scores.items()})
    for key in ("recall@1", "recall@5"):
        assert scores[key] >= FLOOR["library_set"][key] - FLOOR["tolerance"], (key, scores[key])
