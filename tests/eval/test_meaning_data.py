"""The «questions by meaning» sets (eval/meaning/*.jsonl, issue 29) are well formed and answerable from the programme.

Every file there whose lines carry a `style` is checked; a file without one is another kind of data and skipped.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from qa_service.text import fold
from qa_service.text import normalize_for_match as norm
from tests.conftest import PROGRAMME

EVAL = Path(__file__).resolve().parents[2] / "eval"
MEANING = EVAL / "meaning"
PARAPHRASES = MEANING / "paraphrases.jsonl"

FIELDS = {"id", "persona", "question", "answerable", "evidence", "must", "corpus", "group", "style", "kind", "split"}
PERSONAS = {"cadre", "business", "trainer"}
STYLES = {"original", "formal", "spoken", "unaccented", "english"}
KINDS = {"overview", "list", "figure", "duties", "date", "names", "plain",
         "near_miss_subject", "near_miss_period", "near_miss_measure"}
# what every wording of one request shares: the same answer, the same place in the split
SHARED_IN_GROUP = ("answerable", "evidence", "must", "kind", "split", "corpus")


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _meaning_files() -> list[Path]:
    files = sorted(MEANING.glob("*.jsonl"))
    return [p for p in files if (rows := _lines(p)) and all("style" in row for row in rows)]


def _split_of(group: str) -> str:
    digest = hashlib.blake2b(group.encode("utf-8"), digest_size=8).hexdigest()
    return "heldout" if int(digest, 16) % 3 == 0 else "dev"


def _groups(rows: list[dict]) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["group"]].append(row)
    return groups


FILES = _meaning_files()


def test_the_paraphrase_set_is_there_and_checked() -> None:
    assert PARAPHRASES in FILES
    rows = _lines(PARAPHRASES)
    assert len(_groups(rows)) >= 60 and len(rows) >= 300


def test_ids_are_unique_across_every_meaning_file() -> None:
    ids = [row["id"] for path in FILES for row in _lines(path)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_line_has_the_fields_and_allowed_values(path: Path) -> None:
    for row in _lines(path):
        assert FIELDS <= row.keys(), (row.get("id"), FIELDS - row.keys())
        assert row["persona"] in PERSONAS and row["style"] in STYLES and row["kind"] in KINDS, row["id"]
        assert row["corpus"] == "programme" and isinstance(row["answerable"], bool), row["id"]
        assert isinstance(row["evidence"], list) and isinstance(row["must"], list), row["id"]
        assert row["question"].strip() and row["question"] == unicodedata.normalize("NFC", row["question"]), row["id"]
        assert row["answerable"] or not row["must"], row["id"]  # a near miss has nothing the answer must say


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_split_follows_the_hash_of_the_group(path: Path) -> None:
    wrong = [row["id"] for row in _lines(path) if row["split"] != _split_of(row["group"])]
    assert wrong == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_must_and_evidence_string_is_in_the_programme(path: Path) -> None:
    programme = norm(PROGRAMME.read_text(encoding="utf-8"))
    missing = [(row["id"], s) for row in _lines(path) for s in row["evidence"] + row["must"] if norm(s) not in programme]
    assert missing == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_wording_of_a_request_asks_for_the_same_answer(path: Path) -> None:
    for group, rows in _groups(_lines(path)).items():
        for field in SHARED_IN_GROUP:
            assert len({json.dumps(row[field], ensure_ascii=False) for row in rows}) == 1, (group, field)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_request_worded_several_ways_has_each_style_once(path: Path) -> None:
    """The paraphrase set words every request in each style; generated items have their own phrasings."""
    groups = _groups(_lines(path))
    if path != PARAPHRASES:
        pytest.skip("only paraphrases.jsonl words each request in every style")
    assert all(len(rows) > 1 for rows in groups.values())
    for group, rows in groups.items():
        assert sorted(row["style"] for row in rows) == sorted(STYLES), group


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_unaccented_wordings_carry_no_diacritics(path: Path) -> None:
    accented = [row["id"] for row in _lines(path) if row["style"] == "unaccented" and fold(row["question"]) != row["question"]]
    assert accented == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_new_wordings_are_not_questions_of_the_eval_set(path: Path) -> None:
    """Only `original` lines may repeat eval/questions.jsonl; a new wording that is one (or one stripped of its
    accents) would measure what was tuned on, not a new user's words."""
    asked = _lines(EVAL / "questions.jsonl")
    seen = {norm(q["question"]) for q in asked} | {fold(norm(q["question"])) for q in asked}
    repeats = [row["id"] for row in _lines(path) if row["style"] != "original"
               and (norm(row["question"]) in seen or fold(norm(row["question"])) in seen)]
    assert repeats == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_an_original_line_is_its_eval_question_verbatim(path: Path) -> None:
    by_id = {q["id"]: q for q in _lines(EVAL / "questions.jsonl")}
    for row in _lines(path):
        source = by_id.get(row["group"])
        if row["style"] != "original" or source is None:
            continue  # a generated item's original has no question in the eval set to match
        assert row["id"] == f"{row['group']}-orig", row["id"]
        for field in ("question", "evidence", "must", "answerable"):
            assert row[field] == source[field], (row["id"], field)
