"""Ingest throughput: documents/s, chunks/s, embedded passages/s.

    python -m eval.bench_ingest [--library]   # --library adds ../shared/datasets/congbao-8-chu-de/docs
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from qa_service.components.bundle import open_components
from qa_service.ingestion.pipeline import IngestPipeline
from qa_service.settings import EmbeddingSettings, Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT.parent / "shared" / "datasets" / "congbao-8-chu-de" / "docs"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", action="store_true")
    args = parser.parse_args()
    base = get_settings()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), embedding=EmbeddingSettings(model_dir=base.embedding.model_path))
        c = open_components(settings)
        pipeline = IngestPipeline(settings, c.embedder, c.store, c.registry, c.segmenter)
        paths = [base.corpus_dir] + ([LIBRARY] if args.library else [])
        report = pipeline.run(paths)
        docs = len(report.added)
        print(f"documents {docs}, chunks {report.chunks}, embedded {report.embedded}, skipped {len(report.skipped)}")
        print(f"total {report.seconds:.1f} s: {docs / report.seconds:.2f} docs/s, {report.chunks / report.seconds:.1f} chunks/s")
        print(f"embedding: {report.passages_per_second:.1f} passages/s ({report.embed_seconds:.1f} s)")
        t0 = time.perf_counter()
        again = pipeline.run(paths)
        print(f"unchanged re-run: {time.perf_counter() - t0:.2f} s, embedded {again.embedded}")


if __name__ == "__main__":
    main()
