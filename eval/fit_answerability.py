"""Fit whether the evidence answers (resources/answerability.yaml) on dev questions only.

    python -m eval.fit_answerability            # fit and print; the table is not changed
    python -m eval.fit_answerability --ship     # write the fitted table to qa_service/resources/answerability.yaml

Dev: the programme questions of eval/questions.jsonl (its held-out twins are questions_heldout/fresh.jsonl) and the
dev split of eval/meaning/paraphrases.jsonl, generated.jsonl and near_misses.jsonl. Each question is answered by the real answerer on the
programme's index; the signals it computed at its decision (`AnswerResult.answerability`) are the features, whether
the question is answerable is the label. Questions decided before (a document or body not mentioned, a year the text
does not name, a named section) carry no signals and are left out. scikit-learn's logistic regression (balanced
classes) gives the weights; the threshold is the one of 0.05 … 0.95 with the best balanced accuracy on dev; `--ship`
writes the table only when it is no worse on dev than the one shipped.
Held-out figures come from `python -m eval.run_meaning --split heldout` and `python -m eval.run_eval --questions
eval/questions_heldout.jsonl`, run after shipping.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression

from eval.run_eval import HERE, ROOT, load_questions
from eval.run_meaning import ITEM_FILES
from qa_service.services.answer.strength import SIGNALS, load_answerability

TABLE = ROOT / "qa_service" / "resources" / "answerability.yaml"
HEADER = """\
# Whether the evidence answers at all (services/answer/strength.py): p = 1 / (1 + exp(-(intercept + Σ weight × value))),
# answered when p reaches `threshold`. Written by eval/fit_answerability.py; `fit` says which run.
"""


def dev_items() -> list[dict[str, Any]]:
    """The programme's questions, the dev wordings of eval/meaning and the questions of eval/added's dev documents."""
    from eval.run_added import load_items

    items = [i for i in load_questions(HERE / "questions.jsonl") if i["corpus"] == "programme"]
    for name in ITEM_FILES:
        path = HERE / "meaning" / name
        items += [i for i in load_questions(path) if i["split"] == "dev"] if path.exists() else []
    return items + [i for i in load_items() if i["split"] == "dev" and i["corpus"] == "added"]


def collect(items: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, int]:
    """(features, labels, questions decided before the signals) from the real answerer over the programme and the
    dev documents of eval/added (eval/fit_sentences.py's index)."""
    from eval.fit_sentences import open_index
    from qa_service.services.answer import ExtractiveAnswerer
    from qa_service.services.retrieval import HybridRetriever

    rows, labels, skipped = [], [], 0
    with tempfile.TemporaryDirectory(prefix="fit-answerability-") as tmp:
        components = open_index(Path(tmp))
        answerer = ExtractiveAnswerer(components, HybridRetriever(components))
        for item in items:
            history = item.get("history")
            if item["corpus"] == "added" and history:  # eval/added keeps the user turns: answered live, as run_added asks
                history = _answered_turns(answerer, history)
            result = answerer.answer(item["question"], history=history)
            if not result.answerability:
                skipped += 1
                continue
            rows.append([result.answerability.get(name, 0.0) for name in SIGNALS])
            labels.append(int(item["answerable"]))
    return np.asarray(rows), np.asarray(labels), skipped


def _answered_turns(answerer: Any, turns: list[dict[str, str]]) -> list[dict[str, str]]:
    history: list[dict[str, str]] = []
    for turn in turns:
        result = answerer.answer(turn["content"], history=history or None)
        history += [{"role": "user", "content": turn["content"]}, {"role": "assistant", "content": result.answer}]
    return history


def balanced_accuracy(p: np.ndarray, y: np.ndarray, threshold: float) -> float:
    answered = p >= threshold
    return float((answered[y == 1].mean() + (~answered[y == 0]).mean()) / 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ship", action="store_true", help="write the fitted table when it is no worse than the shipped one on dev")
    args = parser.parse_args()
    x, y, skipped = collect(dev_items())
    np.savez(HERE / "out" / "answerability_dev.npz", x=x, y=y, names=np.asarray(SIGNALS))  # for trying variants offline
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000, random_state=0).fit(x, y)
    p = model.predict_proba(x)[:, 1]
    grid = [round(float(t), 2) for t in np.arange(0.05, 0.96, 0.05)]
    threshold = float(max(grid, key=lambda t: (balanced_accuracy(p, y, t), -abs(t - 0.5))))
    before = load_answerability()
    p_before = np.asarray([before.probability(dict(zip(SIGNALS, row, strict=True)))[0] for row in x])
    summary = {
        "dev_questions": int(len(y)), "answerable": int(y.sum()), "near_misses": int((1 - y).sum()), "decided_before": skipped,
        "balanced_accuracy_fitted": round(balanced_accuracy(p, y, threshold), 4),
        "balanced_accuracy_before": round(balanced_accuracy(p_before, y, before.threshold), 4), "threshold": threshold,
    }
    print(json.dumps(summary, indent=1))
    why = {r.name: r.why for r in before.signals}
    table = {
        "fit": {"method": "logistic-regression", "note": f"eval/fit_answerability.py on dev: {json.dumps(summary)}"},
        "intercept": round(float(model.intercept_[0]), 4),
        "threshold": threshold,
        "signals": [{"name": n, "weight": round(float(w), 4), "why": why[n]} for n, w in zip(SIGNALS, model.coef_[0], strict=True)],
    }
    print(yaml.safe_dump(table, allow_unicode=True, sort_keys=False, width=120))
    if args.ship and summary["balanced_accuracy_fitted"] < summary["balanced_accuracy_before"]:
        print("not written: the shipped table is better on dev")
    elif args.ship:
        TABLE.write_text(HEADER + yaml.safe_dump(table, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        print(f"written: {Path(TABLE).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
