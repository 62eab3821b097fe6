"""eval/run_added.py end to end on the fast tier (hashed embedder): the upload path, the questions, the figures,
and no held-out row in what it returns."""

from __future__ import annotations

from pathlib import Path

import pytest

import eval.run_added as run_added
from tests.fixtures.fakes import HashEmbedder


def _one_document(split: str, suffix: str) -> list[dict]:  # type: ignore[type-arg]
    items = run_added.load_items()
    doc = next(i["doc"] for i in items if i["split"] == split and i["doc"].endswith(suffix))
    return [i for i in items if i["doc"] == doc or i["corpus"] == "programme"]


@pytest.mark.parametrize(("split", "suffix"), [("heldout", ".docx"), ("dev", ".pdf")])
def test_one_document_through_the_upload_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split: str, suffix: str) -> None:
    items = _one_document(split, suffix)
    monkeypatch.setattr(run_added, "load_items", lambda: items)
    result = run_added.evaluate(split, tmp_path, HashEmbedder())
    f = result["figures"]
    assert f["documents"] == 1 and f["uploads_failed"] == 0 and f["questions"] == 8
    assert f["upload_to_answer_s_p50"] is not None and f["upload_to_answer_s_p50"] > 0
    for key in ["facts", "followups", "near_miss_refusal", "false_refusal", "search_first", "programme_unchanged"]:
        assert f[key] is not None and 0.0 <= f[key] <= 1.0, key
    if split == "heldout":
        assert set(result) == {"figures"}  # aggregates only
        assert "rows" not in str(result) and not any(i["question"] in str(result) for i in items)
    else:
        assert len(result["rows"]) == 8 and result["documents"][0]["doc"].endswith(suffix)


def test_rows_are_refused_for_the_held_out_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.argv", ["run_added", "--split", "heldout", "--rows", "/tmp/x.jsonl"])
    with pytest.raises(SystemExit):
        run_added.main()
