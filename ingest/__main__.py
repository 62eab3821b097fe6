"""CLI: `python -m ingest [PATH ...] [--rebuild]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qa_service.ingestion.pipeline import IngestPipeline, IngestReport
from qa_service.resources import msg


def _print_summary(report: IngestReport) -> None:
    from rich.console import Console
    from rich.table import Table

    text = msg("cli", "summary")
    console = Console()
    table = Table(title=text["title"])
    table.add_column(text["item"])
    table.add_column(text["count"], justify="right")
    rows = {
        "added": len(report.added),
        "updated": len(report.updated),
        "unchanged": len(report.unchanged),
        "removed": len(report.removed),
        "skipped": len(report.skipped),
        "chunks": report.chunks,
        "embedded": report.embedded,
        "reused": report.reused,
        "rate": f"{report.passages_per_second:.1f}",
        "seconds": f"{report.seconds:.1f}",
        "stages": ", ".join(f"{name} {seconds:.1f}" for name, seconds in report.stages.as_dict().items()),
    }
    for key, value in rows.items():
        table.add_row(text[key], str(value))
    console.print(table)
    for skipped in report.skipped:
        console.print(text["skipped_line"].format(path=skipped.path, vi=skipped.reason_vi, en=skipped.reason_en))


def _emit(event: dict[str, object]) -> None:
    print(json.dumps(event, ensure_ascii=False), flush=True)


def _emit_file(name: str, done: int, total: int, report: IngestReport) -> None:
    _emit({"event": "file", "name": name, "index": done, "files": total})


def _emit_embedded(doc_id: str, done: int, total: int) -> None:
    _emit({"event": "embedded", "doc_id": doc_id, "done": done, "total": total})


def _summary(report: IngestReport) -> dict[str, object]:
    return {
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "removed": report.removed,
        "skipped": [{"path": s.path, "reason_vi": s.reason_vi, "reason_en": s.reason_en} for s in report.skipped],
        "chunks": report.chunks,
        "embedded": report.embedded,
        "reused": report.reused,
        "seconds": round(report.seconds, 3),
        "stages": report.stages.as_dict(),
    }


def main(argv: list[str] | None = None) -> int:
    from tqdm import tqdm

    from qa_service.components.bundle import LazyEmbedder, open_components
    from qa_service.components.index_model import index_model_state
    from qa_service.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m ingest", description=msg("cli", "description"))
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: corpus/)")
    parser.add_argument("--rebuild", action="store_true", help="re-embed everything")
    parser.add_argument(
        "--events", action="store_true", help="print progress as JSON lines on stdout (for scripts) instead of a progress bar"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    paths = args.paths or [settings.corpus_dir]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(msg("cli", "not_found").format(paths=", ".join(map(str, missing))), file=sys.stderr)
        return 2
    components = open_components(settings, LazyEmbedder(settings), build_lexical=False)
    state = index_model_state(components.registry, components.store, settings.embedding.model_id)
    if state.needs_reembedding and not args.rebuild:
        # another model's vectors: skipping «unchanged» documents would leave this model's collection without them
        print(msg("cli", "reembed").format(chunks=state.chunks, vectors=state.vectors, model=state.model_id,
                                           others=", ".join(state.other_models) or "?"), file=sys.stderr)
        return 2
    pipeline = IngestPipeline(settings, components.embedder, components.store, components.registry, components.segmenter)
    if args.events:
        report = pipeline.run(paths, rebuild=args.rebuild, progress=_emit_file, on_embedded=_emit_embedded)
        _emit({"event": "done", **_summary(report)})
        return 0
    bar = tqdm(total=0, unit="doc", desc=msg("cli", "progress"))

    def progress(name: str, done: int, total: int, report: IngestReport) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(msg("cli", "progress_detail").format(chunks=report.chunks, rate=report.passages_per_second, name=name[:30]))
        bar.refresh()

    report = pipeline.run(paths, rebuild=args.rebuild, progress=progress)
    bar.close()
    _print_summary(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
