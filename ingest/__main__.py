"""CLI: `python -m ingest [PATH ...] [--rebuild]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qa_service.ingestion.pipeline import IngestPipeline, IngestReport


def _print_summary(report: IngestReport) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="Kết quả nạp văn bản / Ingest summary")
    table.add_column("Mục / Item")
    table.add_column("Số lượng / Count", justify="right")
    table.add_row("Thêm mới / added", str(len(report.added)))
    table.add_row("Cập nhật / updated", str(len(report.updated)))
    table.add_row("Không đổi / unchanged", str(len(report.unchanged)))
    table.add_row("Gỡ bỏ / removed", str(len(report.removed)))
    table.add_row("Bỏ qua / skipped", str(len(report.skipped)))
    table.add_row("Đoạn (chunk) đã xử lý / chunks", str(report.chunks))
    table.add_row("Đoạn đã nhúng / passages embedded", str(report.embedded))
    table.add_row("Tốc độ nhúng / passages per s", f"{report.passages_per_second:.1f}")
    table.add_row("Thời gian / seconds", f"{report.seconds:.1f}")
    console.print(table)
    for skipped in report.skipped:
        console.print(f"[yellow]Bỏ qua[/yellow] {skipped.path}: {skipped.reason_vi} / {skipped.reason_en}")


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
        "seconds": round(report.seconds, 3),
    }


def main(argv: list[str] | None = None) -> int:
    from tqdm import tqdm

    from qa_service.components.bundle import LazyEmbedder, open_components
    from qa_service.settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m ingest", description="Nạp văn bản vào chỉ mục / ingest documents")
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
        print(f"Không tìm thấy / not found: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    components = open_components(settings, LazyEmbedder(settings), build_lexical=False)
    pipeline = IngestPipeline(settings, components.embedder, components.store, components.registry, components.segmenter)
    if args.events:
        report = pipeline.run(paths, rebuild=args.rebuild, progress=_emit_file, on_embedded=_emit_embedded)
        _emit({"event": "done", **_summary(report)})
        return 0
    bar = tqdm(total=0, unit="doc", desc="Nạp văn bản")

    def progress(name: str, done: int, total: int, report: IngestReport) -> None:
        bar.total = total
        bar.n = done
        bar.set_postfix_str(f"{report.chunks} đoạn, {report.passages_per_second:.1f} đoạn/s nhúng, {name[:30]}")
        bar.refresh()

    report = pipeline.run(paths, rebuild=args.rebuild, progress=progress)
    bar.close()
    _print_summary(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
