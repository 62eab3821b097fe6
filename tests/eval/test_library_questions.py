"""The library question set is well formed: ≥150 questions, a dev and a held-out half, and every gold article
exists in its law as our ingestion reads it (laws read in place from ../shared)."""

from __future__ import annotations

import re
from collections import Counter

from eval.make_library_questions import IN_FORCE, LIBRARY
from eval.run_library import load_library_set
from tests.conftest import require_shared


def test_the_set_is_large_enough_and_split() -> None:
    items = load_library_set()
    assert len(items) >= 150
    assert len({i["id"] for i in items}) == len(items)
    splits = Counter(i["split"] for i in items)
    assert set(splits) == {"dev", "heldout"} and min(splits.values()) >= 70
    kinds = Counter(i["kind"] for i in items)
    assert {"topic", "business", "statement", "cadre"} <= set(kinds)
    for item in items:
        assert item["gold"] and all(g["doc_number"] and g["article"].startswith("Điều ") for g in item["gold"])
        assert not re.search(r"\b[Đđ]iều \d", item["question"])  # by topic: the article's number is not given away


def test_every_gold_article_is_in_its_law() -> None:
    from qa_service.ingestion.pipeline import prepare
    from qa_service.ingestion.readers import load
    from qa_service.references import normalize_number
    from qa_service.settings import Settings

    require_shared()
    articles: dict[str, set[str]] = {}
    for rel in IN_FORCE:
        prepared = prepare(load(LIBRARY / rel), Settings())
        articles[normalize_number(prepared.meta.doc_number or "")] = {
            o.label for o in prepared.structured.outline if o.label.startswith("Điều ")
        }
    for item in load_library_set():
        for gold in item["gold"]:
            assert gold["article"] in articles[normalize_number(gold["doc_number"])], item


def test_every_judged_passage_says_what_it_was_judged_on() -> None:
    """eval/library_judgments.jsonl: a judgment names a programme question; a passage judged relevant carries words
    that occur in its document as our ingestion reads it, so the judged score can find it (laws read in place)."""
    import json

    from eval.run_eval import HERE, load_questions, norm
    from eval.run_library import judged
    from qa_service.ingestion.pipeline import prepare
    from qa_service.ingestion.readers import load
    from qa_service.settings import Settings
    from qa_service.text import fold

    require_shared()
    programme = {i["id"]: i for i in load_questions() if i["corpus"] == "programme" and i["answerable"]}
    judgments = [json.loads(line) for line in (HERE / "library_judgments.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert judgments and all(j["id"] in programme and j["why"] and j["doc_number"] for j in judgments)
    texts: dict[str, str] = {}
    for j in (j for j in judgments if j["relevant"]):
        stem = fold(j["doc_number"]).lower().replace("/", "-")
        (path,) = LIBRARY.glob(f"*/*-so-{stem}-*.txt")
        if stem not in texts:
            texts[stem] = norm(prepare(load(path), Settings()).structured.text)
        assert norm(j["evidence"]) in texts[stem], j
    extended = {i["id"]: i for i in judged(list(programme.values()))}
    assert all(j["evidence"] in extended[j["id"]]["evidence"] for j in judgments if j["relevant"])
    assert extended["q-001"]["evidence"] == programme["q-001"]["evidence"]  # not judged: unchanged
