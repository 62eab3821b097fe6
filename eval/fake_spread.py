"""How the fast tier's fake embedder spreads its cosines beside the real model's: the measurement the fake is
calibrated to (tests/fixtures/fakes.py: `E5_SPREAD` holds e5's figures, the constants below it the fake's; checked by
tests/eval/test_fake_spread.py).

    python -m eval.fake_spread              # e5 (the shipped onnx int8 backend) and the fake, side by side (~10 s)
    python -m eval.fake_spread --only fake  # the fake alone (no model needed)

The sample is fixed: 40 answerable programme questions of eval/questions.jsonl (every `len // QUESTIONS`-th, so the
personas mix) and the programme (corpus/*.md, front matter left out) cut into 187 passages: its lines, long ones cut
at sentence ends to at most `PASSAGE_CHARS` characters, none under `MIN_PASSAGE_CHARS`. A passage is the question's
evidence when it holds the first or last `EVIDENCE_PROBE` characters of one of the question's `evidence` strings, or
lies inside one; every other pair is unrelated (same programme, other subject: not a foreign text).

Printed per embedder, as JSON, each as median, p5 and p95: the question-passage cosine of unrelated pairs, of each
question's best passage, of its best evidence passage, and the lead of the best passage over the second. The store
reports exp(cosine - 1) (llama-index's Chroma store), which the dense floor and ceiling and the province margin are
read on; it is monotone, so the bands map one to one.

Measured (2026-12-07, this machine): e5 unrelated 0.829 (0.778-0.864), best 0.895 (0.821-0.922), evidence 0.889
(0.802-0.922), lead 0.014 (0.001-0.046); the fake unrelated 0.833, best 0.887, evidence 0.884, lead 0.011.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any, Protocol

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS_FILE = ROOT / "eval" / "questions.jsonl"
CORPUS = ROOT / "corpus"
QUESTIONS = 40
PASSAGE_CHARS = 160
MIN_PASSAGE_CHARS = 40
EVIDENCE_PROBE = 30


class _Embeds(Protocol):
    def embed_batch(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip().lower()


def passages(corpus: Path = CORPUS) -> list[str]:
    """The programme's lines, long ones cut at sentence ends, in order."""
    out: list[str] = []
    for path in sorted(corpus.glob("*.md")):
        if path.name == "README.md":
            continue
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]  # past the front matter
        for line in body.splitlines():
            line = line.strip().lstrip("#").strip()
            if len(line) < MIN_PASSAGE_CHARS:
                continue
            current = ""
            for sentence in re.split(r"(?<=[.;:])\s+", line):
                # a numbering («5.») or a short sentence never stands alone: it goes with what follows
                if len(current) >= MIN_PASSAGE_CHARS and len(current) + len(sentence) > PASSAGE_CHARS:
                    out.append(current)
                    current = sentence
                else:
                    current = f"{current} {sentence}".strip()
            if len(current) >= MIN_PASSAGE_CHARS:
                out.append(current)
    return out


def questions(path: Path = QUESTIONS_FILE, count: int = QUESTIONS) -> list[dict[str, Any]]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    eligible = [q for q in items if q["corpus"] == "programme" and q["answerable"] and q["evidence"]]
    return eligible[:: max(1, len(eligible) // count)][:count]


def holds_evidence(passage: str, evidence: list[str]) -> bool:
    text = _norm(passage)
    for piece in map(_norm, evidence):
        if text in piece or piece[:EVIDENCE_PROBE] in text or piece[-EVIDENCE_PROBE:] in text:
            return True
    return False


def _band(values: np.ndarray) -> dict[str, float]:
    p5, median, p95 = np.percentile(values, [5, 50, 95])
    return {"median": round(float(median), 4), "p5": round(float(p5), 4), "p95": round(float(p95), 4)}


def spread(embedder: _Embeds, items: list[dict[str, Any]], texts: list[str]) -> dict[str, Any]:
    """The figures of one embedder on the sample: bands of unrelated, best, evidence cosines and the best-second gap."""
    passage_vectors = np.asarray(embedder.embed_batch(texts), dtype=np.float64)
    passage_vectors /= np.linalg.norm(passage_vectors, axis=1, keepdims=True)
    unrelated: list[np.ndarray] = []
    best, evidence, gap = [], [], []
    for item in items:
        query = np.asarray(embedder.embed_query(item["question"]), dtype=np.float64)
        cosines = passage_vectors @ (query / np.linalg.norm(query))
        related = np.array([holds_evidence(t, item["evidence"]) for t in texts])
        unrelated.append(cosines[~related])
        top = np.sort(cosines)[::-1]
        best.append(top[0])
        gap.append(top[0] - top[1])
        if related.any():
            evidence.append(cosines[related].max())
    return {
        "questions": len(items), "passages": len(texts), "evidence_found": len(evidence),
        "unrelated": _band(np.concatenate(unrelated)), "best": _band(np.array(best)),
        "evidence": _band(np.array(evidence)), "gap": _band(np.array(gap)),
    }


def _e5() -> _Embeds:
    from qa_service.components.embedder import make_embedder
    from qa_service.settings import EmbeddingSettings, get_settings

    # the shipped backend: onnx int8 (settings' quantization) for passages and questions
    return make_embedder(EmbeddingSettings(model_dir=get_settings().embedding.model_path))


def _fake() -> _Embeds:
    from tests.fixtures.fakes import HashEmbedder

    return HashEmbedder()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["e5", "fake"], help="measure one embedder")
    args = parser.parse_args()
    items, texts = questions(), passages()
    makers = {"e5": _e5, "fake": _fake}
    for name in [args.only] if args.only else list(makers):
        print(name, json.dumps(spread(makers[name](), items, texts)))


if __name__ == "__main__":
    main()
