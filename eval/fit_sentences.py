"""Fit the extractive answer's sentence table (resources/sentences.yaml) with scikit-learn, on dev questions only.

    python -m eval.fit_sentences            # writes eval/sentences_fitted.yaml and eval/report_sentences.md
    python -m eval.fit_sentences --ship     # …and copies it over the shipped table when dev is no worse

Dev: eval/questions.jsonl's answerable programme questions (no history), the answerable questions of eval/added's
«dev» documents and the dev wordings of eval/meaning (no history), all asked of one index holding the programme and those documents, through the real
parse and retrieval. A sentence is relevant when it holds one of the question's `must` facts. The held-out halves are
never read here: measure them after with `python -m eval.run_eval --questions eval/questions_heldout.jsonl` and
`python -m eval.run_added --split heldout`.

Model: the ranking fit's (eval/fit_ranking.fit_table): pairwise logistic regression over the candidate sentences of
one question, fusion first (coverage weighs 1), then the priors against log relevance.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from eval.fit_ranking import fit_table
from eval.run_eval import HERE, load_questions, norm
from eval.run_meaning import ITEM_FILES
from qa_service.resources import RESOURCES
from qa_service.services.answer.sentences import SENTENCE_FUSION, SENTENCE_PRIORS, load_sentence_table
from qa_service.services.ranking.table import RankingTable

Group = list[tuple[dict[str, float], bool]]
# features added since the shipped weights were chosen (at weight 0 in resources/sentences.yaml until fitted here)
NEW_FEATURES = ("contrast_other", "contrast_turn")


def dev_items() -> list[dict[str, Any]]:
    from eval.run_added import load_items

    programme = [i for i in load_questions(HERE / "questions.jsonl") if i["corpus"] == "programme"]
    added = [i for i in load_items() if i["split"] == "dev" and i["corpus"] == "added"]
    # the dev wordings of eval/meaning (paraphrases in several styles, questions generated from structure)
    meaning = [i for name in ITEM_FILES if (HERE / "meaning" / name).exists()
               for i in load_questions(HERE / "meaning" / name) if i["split"] == "dev"]
    return [i for i in programme + added + meaning if i["answerable"] and i.get("must") and not i.get("history")]


def open_index(tmp: Path) -> Any:
    """The programme and the dev documents of eval/added, ingested through the pipeline."""
    from eval.added_docs import build_all
    from eval.run_added import open_service
    from qa_service.ingestion.pipeline import IngestPipeline

    names = sorted({i["doc"] for i in dev_items() if i["corpus"] == "added"})
    files = build_all(tmp / "made", names)
    c = open_service(tmp / "service")
    IngestPipeline(c.settings, c.embedder, c.store, c.registry, c.segmenter).run(list(files.values()))
    c.refresh_lexical()
    return c


def collect(answerer: Any, items: list[dict[str, Any]]) -> list[Group]:
    """Per question: its candidate sentences' (features, holds a must?)."""
    groups = []
    top_k = answerer.c.settings.retrieval.top_k
    for item in items:
        query = answerer.read(item["question"])
        sentences = answerer.composer.sentences(query, answerer.retriever.rank(query, top_k).hits)
        musts = [norm(m) for m in item["must"]]
        groups.append([(c.values, any(m in norm(c.text) for m in musts)) for c in sentences])
    return groups


def first_right(answerer: Any, items: list[dict[str, Any]], table: RankingTable) -> float:
    """Share of questions whose best sentence under `table` holds a must (the sentence the answer leads with)."""
    weights = {n: table.weight(n) for n in (*SENTENCE_FUSION, *SENTENCE_PRIORS)}
    answerer.settings.sentence_weights = weights
    try:
        right = 0
        for item in items:
            query = answerer.read(item["question"])
            sentences = answerer.composer.sentences(query, answerer.retriever.rank(query, answerer.c.settings.retrieval.top_k).hits)
            right += bool(sentences) and any(norm(m) in norm(sentences[0].text) for m in item["must"])
        return right / max(len(items), 1)
    finally:
        answerer.settings.sentence_weights = {}


def main() -> None:
    from qa_service.services.answer import ExtractiveAnswerer
    from qa_service.services.retrieval import HybridRetriever

    parser = argparse.ArgumentParser()
    parser.add_argument("--ship", action="store_true")
    args = parser.parse_args()
    items = dev_items()
    hand = load_sentence_table()
    with tempfile.TemporaryDirectory(prefix="fit-sentences-") as tmp:
        components = open_index(Path(tmp))
        answerer = ExtractiveAnswerer(components, HybridRetriever(components))
        groups = collect(answerer, items)
        fitted = fit_table(groups, hand, SENTENCE_FUSION, SENTENCE_PRIORS, "coverage")
        # the feature the hand-set table never fitted takes its fitted weight, the rest stay (as eval/fit_ranking.py)
        # the priors of kinds of sentence take their fitted weights, the hand-set fusion stays
        priors = {n: fitted.weight(n) for n in ("kind_missing", "basis_line", "contrast_other", "contrast_turn")}
        # the features new to the shipped table (at 0 there) take their fitted weights, the rest stay
        new = {n: fitted.weight(n) for n in NEW_FEATURES}
        tables = {"hand-set": hand, "fitted": fitted, "hand-set + priors fitted": hand.with_weights(priors),
                  "shipped + new fitted": hand.with_weights(new)}
        scores = {name: first_right(answerer, items, table) for name, table in tables.items()}
    best = max(("fitted", "hand-set + priors fitted", "shipped + new fitted"), key=lambda n: scores[n])
    note = (
        f"eval/fit_sentences.py ({best}), seed of eval/fit_ranking, {len(items)} dev questions ({sum(len(g) for g in groups)}"
        " sentences); first sentence holds a must: " + ", ".join(f"{n} {v:.3f}" for n, v in scores.items())
    )
    chosen = tables[best].model_copy(update={"fit": tables[best].fit.model_copy(update={"method": "logistic-regression", "note": note})})
    (HERE / "sentences_fitted.yaml").write_text(chosen.dump(), encoding="utf-8")
    rows = "\n".join(f"| {n} | " + " | ".join(f"{t.weight(n):.4f}" for t in tables.values()) + " |" for n in (*SENTENCE_FUSION, *SENTENCE_PRIORS))
    head = "| feature | " + " | ".join(tables) + " |\n|---|" + "---|" * len(tables)
    report = f"# Sentence table fit (dev only)\n\n{note}\n\n{head}\n{rows}\n"
    (HERE / "report_sentences.md").write_text(report, encoding="utf-8")
    print(report)
    if args.ship and scores[best] >= scores["hand-set"]:
        (RESOURCES / "sentences.yaml").write_text(chosen.dump(), encoding="utf-8")
        print(f"shipped ({best}): resources/sentences.yaml")


if __name__ == "__main__":
    main()
