"""Fit a by-example classifier's settings on its bank only, and report it on held-out wordings.

    python -m eval.fit_intents                        # the intents: writes eval/report_intents.md
    python -m eval.fit_intents --bank asked_kinds     # what kind of thing the answer must hold: report_asked_kinds.md
    python -m eval.fit_intents --bank followups       # a follow-up or a question that stands alone: report_followups.md

The bank (`qa_service/resources/intents.yaml`) is the dev split; `eval/intents_heldout.yaml` holds wordings split
off before anything was fitted (eval/README.md, «Intents by meaning») and is only scored. `C` and the embedding's
weight beside the folded words are chosen by stratified 5-fold cross-validation on the bank; `min_confidence` (below it a question is read as plain) on the same
out-of-fold probabilities, maximising accuracy with plain counted right only for plain questions.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np
import yaml
from sklearn.model_selection import StratifiedKFold

from qa_service.components.embedder import make_embedder
from qa_service.components.intents import IntentKind, _unit, classifier, folded_words, load_bank, question_features
from qa_service.settings import get_settings
from qa_service.text import has_diacritics, is_vietnamese

ROOT = Path(__file__).resolve().parent
C_GRID = (4.0, 16.0, 64.0, 256.0)
WEIGHT_GRID = (0.0, 1.0, 2.0, 3.0)
FLOORS = tuple(round(x, 2) for x in np.arange(0.0, 0.81, 0.05))


# bank -> the label a text gets below the confidence floor
FALLBACK = {"intents": IntentKind.PLAIN.value, "asked_kinds": "none", "followups": "standalone"}


def heldout(bank: str = "intents") -> dict[str, tuple[str, ...]]:
    data = yaml.safe_load((ROOT / f"{bank}_heldout.yaml").read_text(encoding="utf-8"))
    return {str(k): tuple(v) for k, v in data["examples"].items()}


def flatten(bank: dict[str, tuple[str, ...]]) -> tuple[list[str], list[str]]:
    return [t for ex in bank.values() for t in ex], [str(k) for k, ex in bank.items() for _ in ex]


def floored(proba: np.ndarray, classes: np.ndarray, floor: float, fallback: str = IntentKind.PLAIN.value) -> list[str]:
    best = proba.argmax(axis=1)
    return [classes[b] if proba[i, b] >= floor else fallback for i, b in enumerate(best)]


def accuracy(predicted: list[str], truth: list[str]) -> float:
    return sum(p == t for p, t in zip(predicted, truth, strict=True)) / max(len(truth), 1)


def script(text: str) -> str:
    return "english" if not is_vietnamese(text) else "accented" if has_diacritics(text) else "unaccented"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bank", choices=sorted(FALLBACK), default="intents")
    parser.add_argument("--out", type=Path, default=None, help="default: eval/report_<bank>.md")
    args = parser.parse_args()
    out = args.out or ROOT / f"report_{args.bank}.md"
    fallback = FALLBACK[args.bank]
    embedder = make_embedder(get_settings().embedding)
    dev_texts, dev_y = flatten(load_bank(args.bank))
    test_texts, test_y = flatten(heldout(args.bank))
    dev_x = _unit(np.stack([embedder.embed_query(t) for t in dev_texts]))
    test_x = _unit(np.stack([embedder.embed_query(t) for t in test_texts]))
    scored = []
    for c in C_GRID:
        for weight in WEIGHT_GRID:
            proba, classes = out_of_fold(dev_texts, dev_x, dev_y, c, weight)
            for floor in FLOORS:
                scored.append((accuracy(floored(proba, classes, floor, fallback), dev_y), -floor, c, weight, floor))
    cv_acc, _, best_c, best_weight, best_floor = max(scored)
    words = folded_words()
    model = classifier(best_c).fit(question_features(words.fit_transform(dev_texts), dev_x, best_weight), dev_y)
    proba = model.predict_proba(question_features(words.transform(test_texts), test_x, best_weight))
    predicted = floored(proba, model.classes_, best_floor, fallback)
    lines = report(args.bank, len(dev_y), cv_acc, f"C = {best_c}, embedding_weight = {best_weight}", best_floor, test_texts, test_y, predicted)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def out_of_fold(texts: list[str], x: np.ndarray, y: list[str], c: float, weight: float) -> tuple[np.ndarray, np.ndarray]:
    classes = np.array(sorted(set(y)))
    proba = np.zeros((len(y), len(classes)))
    labels = np.array(y)
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=13).split(x, labels):
        words = folded_words()
        train_x = question_features(words.fit_transform([texts[i] for i in train]), x[train], weight)
        model = classifier(c).fit(train_x, labels[train])
        proba[np.ix_(test, np.searchsorted(classes, model.classes_))] = model.predict_proba(
            question_features(words.transform([texts[i] for i in test]), x[test], weight)
        )
    return proba, classes


def report(bank: str, n_dev: int, cv_acc: float, chosen: str, floor: float, texts: list[str], truth: list[str], predicted: list[str]) -> list[str]:
    lines = [
        f"# By-example classifier «{bank}»: fitted on the bank, scored on held-out wordings",
        "",
        f"Command: `python -m eval.fit_intents --bank {bank}`. Dev: the bank (`qa_service/resources/{bank}.yaml`), "
        f"{n_dev} questions; held-out: `eval/{bank}_heldout.yaml`, {len(truth)} questions.",
        "",
        f"- chosen on dev (5-fold CV): {chosen}, min_confidence = {floor}; CV accuracy {cv_acc:.3f}",
        f"- **held-out accuracy {accuracy(predicted, truth):.3f}**",
        "",
        "| group | n | held-out accuracy |",
        "|---|---|---|",
    ]
    groups: dict[str, list[int]] = {}
    for i, (text, label) in enumerate(zip(texts, truth, strict=True)):
        groups.setdefault(f"label:{label}", []).append(i)
        groups.setdefault(f"script:{script(text)}", []).append(i)
    for name in sorted(groups):
        idx = groups[name]
        lines.append(f"| {name} | {len(idx)} | {accuracy([predicted[i] for i in idx], [truth[i] for i in idx]):.3f} |")
    confusions = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
    lines += ["", "Most frequent confusions (truth → read as):", ""]
    lines += [f"- {t} → {p}: {n}" for (t, p), n in confusions.most_common(10)]
    return lines


if __name__ == "__main__":
    main()
