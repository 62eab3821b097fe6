"""Does preparing files ahead of the writer pay on this machine? An A/B in one process, interleaved in time.

    python -m eval.bench_overlap [--library-sample 16] [--group 8] [--ahead 1]

The programme and the first N library documents are cut into groups of `group` files. For each group, three arms run
one after another, in an order rotated from group to group so that the machine's drift (other work, this VM's
speed) hits them alike: the pipeline with files prepared one after another (`prepare_ahead` 0) into one index, the
pipeline preparing ahead into another index, and the model alone on the group's passages (per document, in calls of
`embed_batch`). Prints each arm's seconds summed over the groups and end-to-end passages/s as a share of the model
alone, for both pipelines.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from eval.bench_ingest import LIBRARY, model_only
from qa_service.components.bundle import open_components
from qa_service.components.embedder import make_embedder
from qa_service.ingestion.pipeline import IngestPipeline, prepare
from qa_service.ingestion.readers import load
from qa_service.settings import Settings, get_settings


def main() -> None:
    from qa_service.components.cpu import describe

    parser = argparse.ArgumentParser()
    parser.add_argument("--library-sample", type=int, default=16)
    parser.add_argument("--group", type=int, default=8, help="files per group")
    parser.add_argument("--ahead", type=int, default=1, help="prepare_ahead of the second arm")
    args = parser.parse_args()
    base = get_settings()
    print(f"{describe()}; embedding {base.embedding.backend} ({base.embedding.quantization})")
    files = [p for p in sorted(base.corpus_dir.glob("*")) if p.is_file() and p.name.lower() != "readme.md"]
    files += sorted(p for p in LIBRARY.rglob("*") if p.is_file())[: args.library_sample]
    groups = [files[i : i + args.group] for i in range(0, len(files), args.group)]
    # the model arm's passages, per document as the pipeline hands them over (prepared here, outside every timing)
    passages = [[[c.embed_text for c in prepare(load(path), base).chunks] for path in group] for group in groups]
    embedder = make_embedder(base.embedding)  # one model for all arms: same weights, same warm caches
    embedder.warm()
    seconds = {"sequential": 0.0, "ahead": 0.0, "model": 0.0}
    cpu = dict.fromkeys(seconds, 0.0)  # this process's CPU seconds (all threads): what the arm cost, whatever else ran
    chunks = 0
    with tempfile.TemporaryDirectory() as tmp:
        pipelines = {}
        for arm, ahead in (("sequential", 0), ("ahead", args.ahead)):
            ingestion = base.ingestion.model_copy(update={"prepare_ahead": ahead})
            settings = Settings(data_dir=Path(tmp) / arm, embedding=base.embedding.model_copy(), ingestion=ingestion)
            c = open_components(settings, embedder, build_lexical=False)
            pipelines[arm] = IngestPipeline(settings, embedder, c.store, c.registry, c.segmenter)
            c.segmenter.segment("khởi động")  # pyvi's import is not part of any arm
        arms = ["sequential", "ahead", "model"]
        for index, group in enumerate(groups):
            order = arms[index % 3 :] + arms[: index % 3]
            for arm in order:
                used = _cpu_seconds()
                if arm == "model":
                    seconds["model"] += model_only(embedder, passages[index], base.ingestion.embed_batch)
                else:
                    started = time.perf_counter()
                    report = pipelines[arm].run(group)
                    seconds[arm] += time.perf_counter() - started
                    chunks += report.chunks if arm == "sequential" else 0
                cpu[arm] += _cpu_seconds() - used
            print(f"group {index + 1}/{len(groups)} ({', '.join(order)}): " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()), flush=True)
    model_rate = chunks / seconds["model"]
    print(f"{chunks} passages; model alone {model_rate:.1f} passages/s")
    for arm in ("sequential", "ahead"):
        rate = chunks / seconds[arm]
        print(f"{arm}: {seconds[arm]:.1f} s, {rate:.1f} passages/s end to end, {rate / model_rate:.2f} of the model alone")
    print("CPU seconds of this process (all threads): " + ", ".join(f"{k} {v:.1f}" for k, v in cpu.items()))


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
