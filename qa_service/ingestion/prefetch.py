"""Files prepared ahead of the writer, on one thread of its own.

The writer (embedding, Chroma, the registry commit) stays on the caller's thread, in file order; a second thread
runs `work` — everything before the model (qa_service/ingestion/prepare.py) — on the next files meanwhile. The
queue between them holds at most `ahead` results, so memory stays bounded by a few documents. On 2 cores this pays
only where the model leaves a core idle or the preparing code releases the GIL: eval/README.md, «Ingestion at the
speed of the model».
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Failed:
    """What `work` raised (it should return its errors as values; this is the safety net)."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


class Prefetcher(Generic[T, R]):
    """`work(item)` for each of `items` in order, up to `ahead` results before the consumer asks for them; `ahead`
    0 runs each on the caller's thread when asked. Use as a context manager: leaving it stops the thread."""

    def __init__(self, items: list[T], work: Callable[[T], R], ahead: int) -> None:
        self._items, self._work, self._ahead = items, work, ahead
        self._next = 0
        self._results: queue.Queue[R | _Failed] = queue.Queue(maxsize=max(ahead, 1))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Prefetcher[T, R]:
        if self._ahead > 0 and len(self._items) > 1:
            self._thread = threading.Thread(target=self._produce, name="ingest-prepare", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()  # at most the file it is preparing: nothing outlives the writer's lock

    def next(self) -> R:
        """The next item's result, in order."""
        if self._next >= len(self._items):
            raise IndexError("no more items")
        item = self._items[self._next]
        self._next += 1
        if self._thread is None:
            return self._work(item)
        result = self._results.get()
        if isinstance(result, _Failed):
            raise result.error
        return result

    def _produce(self) -> None:
        for item in self._items:
            try:
                result: R | _Failed = self._work(item)
            except BaseException as exc:  # handed to the consumer, raised there at this item's turn
                result = _Failed(exc)
            while not self._stop.is_set():
                try:
                    self._results.put(result, timeout=0.1)
                    break
                except queue.Full:
                    continue
            if self._stop.is_set() or isinstance(result, _Failed):
                return
