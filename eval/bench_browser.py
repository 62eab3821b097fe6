"""The wait a person has in the browser, page by page, with the service's share beside it.

    python -m eval.bench_browser [--rounds 2] [--against ../other-checkout] [--calls] [--out eval/out/browser_bench.json]

The programme is indexed with the real model in a temporary folder; the service runs in this process behind a
`ServiceClock`, the Streamlit app as `make run` starts it, headless Chromium drives it (`make browser-deps`). Each
round starts a fresh UI process and browser and walks eval/browser_walk.py: a cold and a warm first load, ten
questions, a reload of the conversation, the reader from a citation, the three persona pages, a training pack, back
to the chat. `--against` runs another checkout's UI in turn with this one over the same service: a ratio measured in
one run, on one machine.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from eval.browser_session import chromium, serve, streamlit_ui
from eval.browser_timing import ServiceClock, Stopwatch, Timing, save, table
from eval.browser_walk import TEN_QUESTIONS, walk

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def service(data_dir: Path) -> Iterator[tuple[str, ServiceClock]]:
    """The programme indexed with the real model in `data_dir`, served behind a clock."""
    from qa_service.app import create_app
    from qa_service.components.bundle import open_components
    from qa_service.ingestion.pipeline import IngestPipeline
    from qa_service.settings import Settings, get_settings

    base = get_settings()
    settings = Settings(data_dir=data_dir, embedding=base.embedding.model_copy())
    components = open_components(settings)
    IngestPipeline(settings, components.embedder, components.store, components.registry, components.segmenter).run([base.corpus_dir])
    components.refresh_lexical()
    clock = ServiceClock(create_app(settings, components))
    with contextmanager(serve)(clock, settings.api) as url:
        yield url, clock


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "out" / "browser_bench.json")
    parser.add_argument("--against", type=Path, help="another checkout whose UI runs in turn with this one")
    parser.add_argument("--calls", action="store_true", help="print the service calls of each action")
    args = parser.parse_args()
    from qa_service.components.cpu import describe

    print(describe())
    roots = {"": ROOT} | ({"base: ": args.against.resolve()} if args.against else {})
    timings: list[Timing] = []
    with tempfile.TemporaryDirectory() as tmp, service(Path(tmp)) as (api_url, clock):
        for _ in range(args.rounds):
            for name, root in roots.items():
                with contextmanager(streamlit_ui)(api_url, root) as ui_url, contextmanager(chromium)(Path(tmp) / "downloads") as browser:
                    watch = Stopwatch(browser, clock)
                    walk(watch, ui_url, cold=True)
                    timings += [replace(t, action=name + t.action) for t in watch.timings]
    if args.calls:
        for t in timings:
            print(f"{t.action}: {t.total_s:.3f} s; " + ", ".join(t.calls))
    print(f"{len(TEN_QUESTIONS)} questions × {args.rounds} rounds" + (f", against {args.against}" if args.against else ""))
    print(table(timings))
    save(timings, args.out)


if __name__ == "__main__":
    main()
