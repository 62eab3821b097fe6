"""eval/added (issue 30): the added documents and their questions are what eval/added/README.md says they are.

Fast tier: reads the files and makes the DOCX and PDF documents; no model, no service."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from eval.added_docs import build, document_names, plain_text
from eval.run_added import QUESTIONS, load_items, split_of
from qa_service.ingestion.readers import load
from qa_service.text import normalize_for_match as norm
from tests.conftest import PROGRAMME


def _added() -> list[dict]:  # type: ignore[type-arg]
    return [i for i in load_items() if i["corpus"] == "added"]


def test_every_line_is_one_json_object_with_the_eval_fields() -> None:
    lines = [line for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = [json.loads(line) for line in lines]
    assert len({i["id"] for i in items}) == len(items)
    for item in items:
        assert {"id", "persona", "question", "answerable", "evidence", "must", "doc", "kind", "split", "corpus"} <= set(item)
        assert item["persona"] in {"cadre", "business", "trainer"}
        assert bool(item["must"]) == item["answerable"] == bool(item["evidence"])


def test_at_least_ten_documents_in_three_formats_a_docx_with_a_table() -> None:
    names = document_names()
    assert len(names) >= 10
    assert {Path(n).suffix for n in names} >= {".md", ".docx", ".pdf"}
    assert any("|" in plain_text(n) for n in names if n.endswith(".docx"))
    assert {i["doc"] for i in _added()} == set(names)


def test_each_document_has_four_answerable_two_near_misses_two_follow_ups() -> None:
    for name in document_names():
        items = [i for i in _added() if i["doc"] == name]
        kinds = Counter("followup" if i["kind"] == "followup" else "answerable" if i["answerable"] else "near_miss" for i in items)
        assert kinds == {"answerable": 4, "near_miss": 2, "followup": 2}, name
        for item in items:
            if item["kind"] == "followup":
                assert item["history"][0]["role"] == "user" and item["history"][0]["content"]
            if not item["answerable"]:
                assert item["kind"] == "near_miss" and item["missing"]


def test_must_and_evidence_are_in_the_document_they_are_about() -> None:
    for item in load_items():
        text = norm(PROGRAMME.read_text(encoding="utf-8") if item["corpus"] == "programme" else plain_text(item["doc"]))
        for needle in item["must"] + item["evidence"]:
            assert norm(needle) in text, (item["id"], needle)


def test_split_is_the_hash_of_the_file_name_about_half_each() -> None:
    by_doc = {i["doc"]: i["split"] for i in _added()}
    assert all(split == split_of(doc) for doc, split in by_doc.items())
    counts = Counter(by_doc.values())
    assert abs(counts["dev"] - counts["heldout"]) <= 2, counts
    programme = [i for i in load_items() if i["corpus"] == "programme"]
    assert len(programme) == 5 and all(i["split"] == "both" for i in programme)


@pytest.mark.parametrize("suffix", [".docx", ".pdf"])
def test_made_documents_read_back_with_their_diacritics(tmp_path: Path, suffix: str) -> None:
    name = next(n for n in document_names() if n.endswith(suffix))
    raw = load(build(name, tmp_path))
    text = " ".join(t for t, _ in raw.lines)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text or "Kính gửi" in text
    if suffix == ".pdf":
        assert raw.pages and raw.pages >= 1
        # a text PDF wraps its lines: compare with the spaces folded
        assert norm("Độc lập - Tự do - Hạnh phúc") in norm(text)
