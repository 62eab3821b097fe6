"""The questions generated from the programme's structure (eval/generate_questions.py) and the hand-written
follow-up chains: deterministic, committed as generated, well formed, and their strings really are (or, for the
near misses, really are not) in the programme."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter

import pytest

from eval.generate_questions import Generated, generate, unstated
from eval.meaning_checks import CHAINS, GENERATED, PERSONAS, Programme, check_chains, split_of
from eval.question_families import UNSTATED_MEASURES


@pytest.fixture(scope="module")
def programme() -> Programme:
    return Programme.read()


@pytest.fixture(scope="module")
def generated(programme: Programme) -> Generated:
    return generate(programme)


def test_generation_is_deterministic_and_committed(programme: Programme, generated: Generated) -> None:
    again = generate(programme).lines()
    assert generated.lines() == again
    committed = GENERATED.read_text(encoding="utf-8")
    assert committed.splitlines() == again, "run python -m eval.generate_questions"
    assert committed == unicodedata.normalize("NFC", committed)


def test_lines_follow_the_format(generated: Generated) -> None:
    lines = [json.loads(line) for line in generated.lines()]
    assert len({line["id"] for line in lines}) == len(lines)
    assert len({line["question"] for line in lines}) == len(lines)
    for line in lines:
        assert line["id"].startswith(line["group"] + "#")
        assert line["split"] == split_of(line["group"])
        assert line["persona"] in PERSONAS and line["corpus"] == "programme"
        assert line["style"] in {"original", "unaccented"}
        assert line["answerable"] == (not line["kind"].startswith("near_miss"))
        assert bool(line["must"]) == bool(line["evidence"]) == line["answerable"]
    kinds = Counter(line["kind"] for line in lines)
    assert kinds["overview"] >= 60 and kinds["figure"] >= 30 and kinds["duties"] >= 20
    assert sum(n for kind, n in kinds.items() if kind.startswith("near_miss")) >= 60
    assert {"near_miss_subject", "near_miss_period", "near_miss_measure"} <= set(kinds)
    assert set(Counter(line["split"] for line in lines)) == {"dev", "heldout"}


def test_answerable_strings_are_in_the_programme(programme: Programme, generated: Generated) -> None:
    for item in generated.items:
        if item.answerable:
            assert all(programme.has(m) for m in item.must), item.group
            assert all(programme.has(e) and programme.in_one_passage(e) for e in item.evidence), item.group


def test_near_misses_ask_about_what_the_programme_does_not_name(programme: Programme, generated: Generated) -> None:
    assert programme.names("Bộ Công Thương") and not programme.names("sở công thương")  # the check tells them apart
    by_slug = {m.slug: m for m in UNSTATED_MEASURES}
    for item in generated.items:
        if item.answerable:
            continue
        assert item.perturbation and not item.must and not item.evidence
        if item.kind == "near_miss_subject":
            assert not programme.names(item.perturbation), item.perturbation
            assert all(item.perturbation.lower() in q.lower() for q, _ in item.questions)
        elif item.kind == "near_miss_period":
            section = "Mục " + item.group.split(":")[1]
            years = re.findall(r"(?:19|20)\d\d", item.perturbation)
            assert years and not any(y in programme.section_text(section) for y in years), item.group
            assert all(any(y in q for y in years) for q, _ in item.questions)
        else:
            assert unstated(programme, by_slug[item.group.split(":")[1]]), item.group
            assert all(item.perturbation.lower() in q.lower() for q, _ in item.questions)


def test_chains_are_three_turns_with_strings_in_the_programme(programme: Programme) -> None:
    text = CHAINS.read_text(encoding="utf-8")
    assert text == unicodedata.normalize("NFC", text)
    chains = [json.loads(line) for line in text.splitlines()]
    assert len(chains) == 30 and len({c["id"] for c in chains}) == 30
    assert check_chains(programme) == []
    refused = [c for c in chains if not c["turns"][2]["answerable"]]
    assert 6 <= len(refused) <= 10
    assert all(t["answerable"] for c in chains for t in c["turns"][:2])
    assert not programme.names("Sở Nội vụ")  # the body a refused third turn asks about
