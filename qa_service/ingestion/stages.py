"""Where an ingest run spends its time: seconds per stage, summed over documents.

The report carries them so `python -m eval.bench_ingest` and the service's own report can say which stage to work
on. Stages run by the preparing thread (read … facts) overlap the writer's (embed, upsert, registry) when documents
are prepared ahead (`ingestion.prepare_ahead`): then the stages sum to more than the run's wall time.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

# in pipeline order; `embed` is the model alone, `upsert` the vector store's write, `registry` the SQLite commit
STAGES = ("read", "clean", "structure", "chunk", "segment", "facts", "embed", "upsert", "registry", "sweep")


@dataclass
class StageTimes:
    read: float = 0.0
    clean: float = 0.0
    structure: float = 0.0
    chunk: float = 0.0  # chunks and their cross-references
    segment: float = 0.0  # BM25 tokens (pyvi's word segmenter)
    facts: float = 0.0
    embed: float = 0.0
    upsert: float = 0.0  # vectors into Chroma, and looking up the ones it already holds
    registry: float = 0.0  # the commit: registry transaction, vectors set aside as the previous version
    sweep: float = 0.0  # after the last file: strays, expired previous versions, facts of older readers
    # one thread writes the first six fields, the other the rest: no two threads add to the same field

    @contextmanager
    def timing(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            setattr(self, stage, getattr(self, stage) + time.perf_counter() - started)

    def as_dict(self) -> dict[str, float]:
        return {name: round(seconds, 3) for name, seconds in asdict(self).items()}

    @property
    def total(self) -> float:
        return sum(asdict(self).values())
