"""The adapter's training pairs: made from structure, and never from a document the evaluation asks about."""

from __future__ import annotations

import hashlib
import json

import pytest

from eval.adapt_data import FORM, held_out, passages_of, sentence_pairs, title_pairs, training_paths
from eval.make_library_questions import IN_FORCE
from eval.make_library_questions import LIBRARY as LAWS
from eval.run_eval import HERE
from eval.run_library import sample_paths


def _gold_paths() -> set[str]:
    """The laws the library questions' gold articles are in (eval/make_library_questions.py), and every one of them
    is named in a question."""
    named = {json.loads(line)["law"] for line in (HERE / "library_questions_titles.jsonl").read_text(encoding="utf-8").splitlines()}
    assert named == set(IN_FORCE.values())
    return {str((LAWS / path).resolve()) for path in IN_FORCE}


def test_no_pair_comes_from_a_document_the_evaluation_asks_about_or_searches() -> None:
    excluded = {str(p) for p in held_out()}
    training = {str(p) for p in training_paths()}
    assert _gold_paths() <= excluded  # every law a library question is about
    assert {str(p.resolve()) for p in sample_paths(40, False)} <= excluded  # the library sample's other documents
    assert not training & excluded and len(training) + len(excluded) == 412


def test_pairs_name_a_topic_the_passage_does_not_copy() -> None:
    path = sorted(training_paths())[0]
    passages = passages_of(path)
    titles, sentences = title_pairs(passages), sentence_pairs(passages)
    assert titles and sentences
    for pair in titles:
        # the article's heading line is cut from its first passage: matching it would teach copying, not meaning
        assert pair["query"] not in pair["passage"].split("\n", 1)[-1][: len(pair["query"]) + 12]
    for pair in sentences:
        assert pair["query"] not in pair["passage"] and not FORM.search(pair["query"])


@pytest.mark.slow
def test_the_default_build_gives_the_shipped_adapters_pairs() -> None:
    """`make adapt` reproduces the data the shipped adapter was fitted on, byte for byte (its run.json's hash)."""
    from eval.adapt_data import PER_DOC, build, serialised
    from qa_service.components.adapter import adapter_dir

    run = json.loads((adapter_dir("legal-vi") / "run.json").read_text(encoding="utf-8"))
    pairs, manifest = build(PER_DOC)
    assert hashlib.sha256(serialised(pairs).encode()).hexdigest() == run["pairs_sha256"]
    assert manifest["documents"] == run["data_manifest"]["documents"]
