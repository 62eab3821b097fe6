"""Ingest throughput: documents/s, passages/s end to end, where the time goes, and the model alone on the same
passages in the same run.

    python -m eval.bench_ingest [--library | --library-sample N] [--prepare-ahead K]
    # --library adds ../shared/datasets/congbao-8-chu-de/docs (412 documents); --library-sample N its first N

Prints the seconds of each stage (qa_service/ingestion/stages.py), then embeds every ingested passage again through
the embedder alone — per document, in calls of `ingestion.embed_batch` chunks, as the pipeline hands them over, with
nothing else running — and prints end-to-end passages/s as a share of that model-only rate: the share of the run
that is the model. Then the BM25 rebuild the service does on its next question, and an unchanged re-run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from itertools import groupby
from pathlib import Path

from qa_service.components.bundle import open_components
from qa_service.ingestion.pipeline import IngestPipeline, IngestReport
from qa_service.ingestion.stages import STAGES
from qa_service.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = ROOT.parent / "shared" / "datasets" / "congbao-8-chu-de" / "docs"


def _passages(registry) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Each document's chunk texts as embedded (prefix added by the embedder), in document and chunk order."""
    chunks = sorted(registry.chunks(registry.chunk_ids()).values(), key=lambda c: (c.doc_id, c.ordinal))
    return [[c.embed_text for c in group] for _, group in groupby(chunks, key=lambda c: c.doc_id)]


def _tokens(settings: Settings, texts: list[str]) -> int:
    """Model tokens of these passages (prefix included), counted with the model's own tokenizer."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(settings.embedding.model_path / "tokenizer.json"))
    tokenizer.enable_truncation(settings.embedding.max_seq_length)
    return sum(len(e.ids) for e in tokenizer.encode_batch([settings.embedding.passage_prefix + t for t in texts]))


def model_only(embedder, documents: list[list[str]], batch: int) -> float:  # type: ignore[no-untyped-def]
    """Seconds the embedder alone takes on these passages, called as the pipeline calls it."""
    started = time.perf_counter()
    for texts in documents:
        for start in range(0, len(texts), batch):
            embedder.embed_batch(texts[start : start + batch])
    return time.perf_counter() - started


def _print_stages(report: IngestReport) -> None:
    stages = report.stages.as_dict()
    print(f"stages (s, share of the {report.seconds:.1f} s run; read … facts overlap the rest when prepared ahead):")
    print("  " + ", ".join(f"{name} {stages[name]:.1f} ({stages[name] / report.seconds:.0%})" for name in STAGES))
    outside = report.seconds - report.stages.total
    print(f"  sum of stages {report.stages.total:.1f} s; " + (f"outside them {outside:.1f} s" if outside >= 0 else
          f"{-outside:.1f} s more than the run: the stages of the preparing thread ran while the writer's did"))


def _library_files(sample: int) -> list[Path]:
    return sorted(p for p in LIBRARY.rglob("*") if p.is_file())[: sample or None]


def _estimate_library(report: IngestReport, settings: Settings, model_id: str) -> None:
    """The whole library's time from this run's: every file is prepared (no model: ~10 s) to count its passages and
    the distinct texts the model would embed, and the run's seconds per embedded passage are scaled to them (the
    model is nine tenths of a run)."""
    from qa_service.errors import IngestError
    from qa_service.ingestion.pipeline import embedding_key, prepare
    from qa_service.ingestion.readers import load

    passages = 0
    texts: set[str] = set()
    for path in _library_files(0):
        try:
            chunks = prepare(load(path, settings.ingestion), settings).chunks
        except IngestError:
            continue
        passages += len(chunks)
        texts.update(embedding_key(model_id, c.embed_text) for c in chunks)
    minutes = report.seconds / max(report.embedded, 1) * len(texts) / 60
    print(f"whole library ({len(_library_files(0))} documents): {passages:,} passages, {len(texts):,} distinct texts to "
          f"embed ({1 - len(texts) / max(passages, 1):.1%} reused); at this run's pace ~{minutes:.0f} min")


def _bm25(c, pipeline: IngestPipeline, base: Settings, tmp: Path, passages: int) -> None:  # type: ignore[no-untyped-def]
    """The service's BM25 refresh on its next question: built whole, then brought up to one more document (the
    programme again under another name, as an upload would add it; its vectors are reused, not embedded)."""
    import shutil

    t0 = time.perf_counter()
    c.refresh_lexical(force=True)
    whole = time.perf_counter() - t0
    programme = next(p for p in sorted(base.corpus_dir.glob("*.md")) if p.name.lower() != "readme.md")
    copy = tmp / "upload" / f"ban-sao-{programme.name}"
    copy.parent.mkdir()
    shutil.copy(programme, copy)
    pipeline.run([copy])
    t0 = time.perf_counter()
    c.refresh_lexical()
    print(f"BM25 (the service's, on its next question): built whole {whole:.2f} s for {passages} passages; "
          f"after one more document {time.perf_counter() - t0:.2f} s (rows written since)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--library", action="store_true")
    parser.add_argument("--library-sample", type=int, default=0, help="only the first N library documents (sorted by path)")
    parser.add_argument("--prepare-ahead", type=int, default=None, help="ingestion.prepare_ahead (0: one thread)")
    parser.add_argument("--no-model-only", action="store_true", help="skip embedding the passages again")
    args = parser.parse_args()
    base = get_settings()
    from qa_service.components.cpu import describe

    print(f"{describe()}; embedding {base.embedding.backend} ({base.embedding.quantization})")
    with tempfile.TemporaryDirectory() as tmp:
        ingestion = base.ingestion.model_copy(
            update={} if args.prepare_ahead is None else {"prepare_ahead": args.prepare_ahead}
        )
        # backends from QA__EMBEDDING__*
        settings = Settings(data_dir=Path(tmp), embedding=base.embedding.model_copy(), ingestion=ingestion)
        c = open_components(settings, build_lexical=False)
        c.embedder.warm()
        pipeline = IngestPipeline(settings, c.embedder, c.store, c.registry, c.segmenter)
        paths = [base.corpus_dir] + ([LIBRARY] if args.library else [])
        if args.library_sample:
            paths += _library_files(args.library_sample)
        report = pipeline.run(paths)
        docs = len(report.added)
        print(f"documents {docs}, chunks {report.chunks}, embedded {report.embedded}, reused {report.reused}, "
              f"skipped {len(report.skipped)}; prepared ahead: {settings.ingestion.prepare_ahead}")
        end_to_end = report.chunks / report.seconds
        print(f"total {report.seconds:.1f} s: {docs / report.seconds:.2f} docs/s, {end_to_end:.1f} passages/s end to end")
        print(f"embedding in the run: {report.passages_per_second:.1f} passages/s ({report.embed_seconds:.1f} s)")
        _print_stages(report)
        documents = _passages(c.registry)
        texts = [t for doc in documents for t in doc]
        tokens = _tokens(settings, texts)
        print(f"passages: {len(texts)}, {tokens:,} tokens ({tokens / max(len(texts), 1):.0f} per passage)")
        if not args.no_model_only:
            seconds = model_only(c.embedder, documents, settings.ingestion.embed_batch)
            rate = len(texts) / seconds
            print(f"model only, same passages, same calls: {seconds:.1f} s, {rate:.1f} passages/s, {tokens / seconds:,.0f} tokens/s")
            print(f"end to end / model only: {end_to_end / rate:.2f}")
        if args.library_sample or args.library:
            _estimate_library(report, settings, c.embedder.model_id)
        _bm25(c, pipeline, base, Path(tmp), len(texts))
        t0 = time.perf_counter()
        again = pipeline.run(paths)
        print(f"unchanged re-run: {time.perf_counter() - t0:.2f} s, embedded {again.embedded}")


if __name__ == "__main__":
    main()
