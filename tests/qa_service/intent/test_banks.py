"""The hand-written example banks for asked kinds and follow-ups, and their held-out halves: each file parses, has
exactly its labels, holds no wording twice, and every wording sits on the side of the split its hash says — so a
held-out figure is never inflated by a wording the classifier was fitted on (eval/README.md, «Intents by meaning»)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
BANKS = {  # bank -> (held-out file, its labels)
    "qa_service/resources/asked_kinds.yaml": (
        "eval/asked_kinds_heldout.yaml",
        {"money", "rate", "count", "date", "contact", "area", "body", "none"},
    ),
    "qa_service/resources/followups.yaml": ("eval/followups_heldout.yaml", {"follow_up", "standalone"}),
}


def folded(wording: str) -> str:
    return " ".join(wording.lower().split())


def held_out_by_hash(wording: str) -> bool:
    """The split rule of every bank's header: blake2b of the folded wording, mod 3 == 0 is held out."""
    return int(hashlib.blake2b(folded(wording).encode("utf-8"), digest_size=8).hexdigest(), 16) % 3 == 0


def examples(relative: str) -> dict[str, list[str]]:
    data = yaml.safe_load((ROOT / relative).read_text(encoding="utf-8"))
    assert isinstance(data, dict) and set(data) == {"examples"}, relative
    found = data["examples"]
    assert all(isinstance(w, str) and w.strip() for ws in found.values() for w in ws), relative
    return found


def eval_questions() -> set[str]:
    paths = sorted((ROOT / "eval").glob("*.jsonl")) + sorted((ROOT / "eval" / "meaning").glob("*.jsonl"))
    rows = [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {folded(row["question"]) for row in rows if isinstance(row.get("question"), str)}


SIDES = [(bank, False) for bank in BANKS] + [(held, True) for held, _ in BANKS.values()]


@pytest.mark.parametrize(("relative", "held"), SIDES)
def test_each_file_has_its_labels_and_sits_on_its_side_of_the_split(relative: str, held: bool) -> None:
    labels = next(lab for bank, (heldout, lab) in BANKS.items() if relative in (bank, heldout))
    found = examples(relative)
    assert set(found) == labels
    assert all(found[label] for label in labels), relative  # no label left empty on either side
    wrong_side = [w for ws in found.values() for w in ws if held_out_by_hash(w) is not held]
    assert not wrong_side, wrong_side


@pytest.mark.parametrize("bank", list(BANKS))
def test_no_wording_twice_across_a_bank_and_its_heldout(bank: str) -> None:
    wordings = [folded(w) for relative in (bank, BANKS[bank][0]) for ws in examples(relative).values() for w in ws]
    repeated = sorted({w for w in wordings if wordings.count(w) > 1})
    assert not repeated, repeated


@pytest.mark.parametrize("bank", list(BANKS))
def test_no_wording_is_an_eval_question(bank: str) -> None:
    questions = eval_questions()
    leaked = [w for relative in (bank, BANKS[bank][0]) for ws in examples(relative).values() for w in ws
              if folded(w) in questions]
    assert not leaked, leaked
