"""Chunk token budget by measurement: retrieval quality per max_tokens, on the dev set
(used to choose) and on the programme questions (reported).

    python -m eval.tune_chunks
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from eval.peers import ours
from eval.run_eval import HERE, ROOT, load_questions, retrieval_scores
from qa_service.components.bundle import open_components
from qa_service.components.embedder import make_embedder
from qa_service.ingestion.pipeline import IngestPipeline
from qa_service.services.retrieval import HybridRetriever
from qa_service.settings import ChunkingSettings, EmbeddingSettings, Settings, get_settings


def main() -> None:
    base = get_settings()
    embedding = EmbeddingSettings(model_dir=base.embedding.model_path)
    embedder = make_embedder(embedding)
    dev = [{**json.loads(x), "kind": "plain", "corpus": "programme"} for x in (HERE / "dev_questions.jsonl").read_text(encoding="utf-8").splitlines()]
    test = [i for i in load_questions() if i["corpus"] == "programme"]
    print(f"{'max_tokens':>10} {'chunks':>6} | dev r@1 r@5 in2000 | eval r@1 r@5 in2000")
    for budget in (80, 120, 200, 300, 450):
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(data_dir=Path(tmp), embedding=embedding, chunking=ChunkingSettings(max_tokens=budget, min_tokens=min(40, budget // 2)))
            c = open_components(settings, embedder)
            IngestPipeline(settings, embedder, c.store, c.registry, c.segmenter).run([ROOT / "corpus"])
            c.refresh_lexical()
            system = ours(HybridRetriever(c), "ours")
            d = retrieval_scores(system, dev, True)
            t = retrieval_scores(system, test, True)
            print(
                f"{budget:>10} {c.registry.counts()[1]:>6} | {d['recall@1']:.3f} {d['recall@5']:.3f} {d['evidence_within_2000_chars']:.3f}"
                f" | {t['recall@1']:.3f} {t['recall@5']:.3f} {t['evidence_within_2000_chars']:.3f}"
            )


if __name__ == "__main__":
    main()
