"""Fit which section a question names (resources/section_naming.yaml) on dev questions only.

    python -m eval.fit_sections            # fit, cross-validate and print; the table is not changed
    python -m eval.fit_sections --ship     # write the fitted table to qa_service/resources/section_naming.yaml

Dev: the programme's questions of eval/questions.jsonl (follow-ups left out; its held-out twins are
questions_heldout/fresh.jsonl) and the dev split of eval/meaning/generated.jsonl, paraphrases.jsonl and near_misses.jsonl (their held-out
halves are reported by `python -m eval.run_meaning --split heldout`, run after shipping). Every content section of the programme is a
candidate for every question; its features are the service's own (services/section_naming.py). The label comes from
the question's gold, never from its wording:
- a question made from a heading (`heading:Mục III.4#…`) names that section;
- an answerable question with two or more `must` strings names the deepest section whose items hold all of them,
  when they fall in at least half of its items (two items at least, or its only one): the whole section is what
  was asked for;
- a question whose one `must` sits in a section of one or two items is left out (quoting that section or its
  sentence are the same answer); every other question names no section.
scikit-learn's logistic regression on (question, section) pairs; C is chosen by 5-fold cross-validation grouped by
question group, the score per question (the best candidate reaching 0.5, else none, against the label).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from eval.run_eval import HERE, ROOT, _open, load_questions
from eval.run_meaning import ITEM_FILES
from qa_service.services.section_naming import FEATURES, load_section_naming
from qa_service.text import normalize_for_match

TABLE = ROOT / "qa_service" / "resources" / "section_naming.yaml"
HEADER = """\
# Which section a question names (services/section_naming.py): p = 1 / (1 + exp(-(intercept + Σ weight × value))) per
# content section of the documents in view; the best is named when p reaches `threshold`. Written by
# eval/fit_sections.py; `fit` says which run.
"""
GRID_C = (0.1, 1.0, 10.0)


def dev_items() -> list[dict[str, Any]]:
    items = [i for i in load_questions(HERE / "questions.jsonl") if i["corpus"] == "programme" and "question" in i and not i.get("history")]
    for name in ITEM_FILES:
        path = HERE / "meaning" / name
        items += [i for i in load_questions(path) if i["split"] == "dev" and "question" in i] if path.exists() else []
    return items


def section_units(components: Any, index: Any, doc_id: str) -> dict[str, list[str]]:
    """Each content section's items as matchable text: its children's spans, else its own units."""
    text = components.registry.document_text(doc_id)[0]
    sections = {s.label: s for s in index._content(doc_id)}
    units: dict[str, list[str]] = {}
    for label, s in sections.items():
        kids = [sections[k] for k in s.children if k in sections]
        spans = [text[k.start : k.stop] for k in kids] or [chunk.text[a:b] for chunk, a, b in index.items(s, 100_000)]
        units[label] = [normalize_for_match(u) for u in spans]
    return units


def gold(item: dict[str, Any], units: dict[str, list[str]], levels: dict[str, int]) -> str | None | bool:
    """The section the question names, None for none, False to leave the question out (module docstring)."""
    group = str(item.get("group", ""))
    if group.startswith("heading:") and group != "heading:Chương trình":
        return group.split(":", 1)[1]
    must = [normalize_for_match(m) for m in item.get("must") or []]
    if not item.get("answerable") or not must:
        return None
    holding = [label for label, us in units.items() if all(any(m in u for u in us) for m in must)]
    if len(must) == 1:
        return False if any(len(units[label]) <= 2 for label in holding) else None
    best = None
    for label in holding:
        hit = {i for i, u in enumerate(units[label]) for m in must if m in u}
        if len(hit) >= min(2, len(units[label])) and len(hit) >= 0.5 * len(units[label]):
            if best is None or levels[label] > levels[best]:
                best = label
    return best


Question = tuple[str, list[str], str | None]  # (group, candidate labels, the label named)


def collect(items: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Question]]:
    """(pair features, pair labels, pair question index, per question: (group, candidate labels, gold))."""
    from qa_service.services.query import parse_question
    from qa_service.services.sections import SectionIndex, asked_as

    c = _open(HERE / "out" / "programme", ROOT / "corpus")
    doc_id = next(d.doc_id for d in c.registry.documents())
    index = SectionIndex(c.registry)
    units = section_units(c, index, doc_id)
    levels = {s.label: s.level for s in index._content(doc_id)}
    x: list[list[float]] = []
    y: list[int] = []
    qi: list[int] = []
    questions: list[Question] = []
    for item in items:
        label = gold(item, units, levels)
        if label is False:
            continue
        query = parse_question(item["question"], c.registry, segmenter=c.segmenter, readers=c.readers)
        vector = c.embedder.embed_query(query.expanded)
        found = index.candidates(asked_as(query), vector, [doc_id], c.embedder)
        for section, _, values in found:
            x.append([values[f] for f in FEATURES])
            y.append(int(section.label == label))
            qi.append(len(questions))
        questions.append((str(item.get("group", item["id"])).split("#")[0], [s.label for s, _, _ in found], label if isinstance(label, str) else None))
    return np.asarray(x), np.asarray(y), np.asarray(qi), questions


def decide(p: np.ndarray, qi: np.ndarray, q: int, labels: list[str], threshold: float = 0.5) -> str | None:
    mine = p[qi == q]
    j = int(np.argmax(mine))
    return labels[j] if mine[j] >= threshold else None


def question_accuracy(p: np.ndarray, qi: np.ndarray, questions: list[Any], only: set[int] | None = None) -> float:
    chosen = [q for q in range(len(questions)) if only is None or q in only]
    return float(np.mean([decide(p, qi, q, questions[q][1]) == questions[q][2] for q in chosen]))


def cross_validate(x: np.ndarray, y: np.ndarray, qi: np.ndarray, questions: list[Any], c: float) -> float:
    groups = np.asarray([questions[q][0] for q in qi])
    p = np.zeros(len(y))
    for train, test in GroupKFold(5).split(x, y, groups):
        model = LogisticRegression(C=c, max_iter=5000).fit(x[train], y[train])
        p[test] = model.predict_proba(x[test])[:, 1]
    return question_accuracy(p, qi, questions)


def word_rule(x: np.ndarray) -> np.ndarray:
    """The rule this table replaced, as a score per pair: heading share ≥ 0.45, question share ≥ 0.5, their harmonic
    mean ≥ 0.6, no figure asked; the best harmonic mean wins (its three thresholds were set by hand)."""
    t, q, fig = (x[:, FEATURES.index(n)] for n in ("title_share", "question_share", "figure_asked"))
    mean = np.where(t + q > 0, 2 * t * q / np.maximum(t + q, 1e-9), 0.0)
    passes = (t >= 0.45) & (q >= 0.5) & (mean >= 0.6) & (fig == 0)
    return np.where(passes, 0.5 + mean / 2, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ship", action="store_true", help="write the fitted table to qa_service/resources/section_naming.yaml")
    args = parser.parse_args()
    x, y, qi, questions = collect(dev_items())
    cv = {c: round(cross_validate(x, y, qi, questions, c), 4) for c in GRID_C}
    best_c = max(GRID_C, key=lambda c: (cv[c], -c))
    model = LogisticRegression(C=best_c, max_iter=5000).fit(x, y)
    summary = {
        "questions": len(questions), "naming_a_section": sum(1 for q in questions if q[2]), "pairs": int(len(y)),
        "cv_accuracy_by_c": cv, "c": best_c, "train_accuracy": round(question_accuracy(model.predict_proba(x)[:, 1], qi, questions), 4),
        "word_rule_accuracy": round(question_accuracy(word_rule(x), qi, questions), 4),
    }
    print(json.dumps(summary, indent=1))
    why = {r.name: r.why for r in load_section_naming().features} if TABLE.exists() else {}
    table = {
        "fit": {"method": "logistic-regression", "note": f"eval/fit_sections.py on dev: {json.dumps(summary)}"},
        "intercept": round(float(model.intercept_[0]), 4),
        "threshold": 0.5,
        "features": [{"name": n, "weight": round(float(w), 4), "why": why.get(n, n)} for n, w in zip(FEATURES, model.coef_[0], strict=True)],
    }
    print(yaml.safe_dump(table, allow_unicode=True, sort_keys=False, width=120))
    if args.ship:
        TABLE.write_text(HEADER + yaml.safe_dump(table, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        print(f"written: {Path(TABLE).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
