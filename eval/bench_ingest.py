"""Ingest throughput: documents/s, chunks/s, embedded passages/s.

    python -m eval.bench_ingest [--library | --library-sample N]
    # --library adds ../shared/datasets/congbao-8-chu-de/docs (412 documents); --library-sample N its first N
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from qa_service.components.bundle import open_components
from qa_service.ingestion.pipeline import IngestPipeline
from qa_service.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT.parent / "shared" / "datasets" / "congbao-8-chu-de" / "docs"


def _tokens(registry, settings: Settings) -> int:  # type: ignore[no-untyped-def]
    """Model tokens of what was embedded (prefix included), counted with the model's own tokenizer."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(settings.embedding.model_path / "tokenizer.json"))
    tokenizer.enable_truncation(settings.embedding.max_seq_length)
    chunks = registry.chunks(registry.chunk_ids())
    texts = [settings.embedding.passage_prefix + c.embed_text for c in chunks.values()]
    return sum(len(e.ids) for e in tokenizer.encode_batch(texts))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", action="store_true")
    parser.add_argument("--library-sample", type=int, default=0, help="only the first N library documents (sorted by path)")
    args = parser.parse_args()
    base = get_settings()
    from qa_service.components.cpu import describe

    print(f"{describe()}; embedding {base.embedding.backend} ({base.embedding.quantization})")
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), embedding=base.embedding.model_copy())  # backends from QA__EMBEDDING__*
        c = open_components(settings)
        pipeline = IngestPipeline(settings, c.embedder, c.store, c.registry, c.segmenter)
        paths = [base.corpus_dir] + ([LIBRARY] if args.library else [])
        if args.library_sample:
            paths += sorted(p for p in LIBRARY.rglob("*") if p.is_file())[: args.library_sample]
        report = pipeline.run(paths)
        docs = len(report.added)
        print(f"documents {docs}, chunks {report.chunks}, embedded {report.embedded}, skipped {len(report.skipped)}")
        print(f"total {report.seconds:.1f} s: {docs / report.seconds:.2f} docs/s, {report.chunks / report.seconds:.1f} chunks/s")
        print(f"embedding: {report.passages_per_second:.1f} passages/s ({report.embed_seconds:.1f} s)")
        tokens = _tokens(c.registry, settings)
        if report.embed_seconds:
            print(f"embedding: {tokens / report.embed_seconds:,.0f} tokens/s ({tokens / max(report.embedded, 1):.0f} tokens per passage)")
        t0 = time.perf_counter()
        again = pipeline.run(paths)
        print(f"unchanged re-run: {time.perf_counter() - t0:.2f} s, embedded {again.embedded}")


if __name__ == "__main__":
    main()
