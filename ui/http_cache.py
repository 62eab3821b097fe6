"""What the service sent with an ETag, kept so the next request can ask «changed since?» (If-None-Match) and, on
304, reuse it: the document list, a document's text and outline, the bodies' duties and the figures are fetched
again only after the library changes (qa_service/api/etag.py). Shared by every browser session of this UI process,
keyed by the request and the caller's credentials, bounded in entries and in bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

MAX_ENTRIES = 64
MAX_ENTRY_BYTES = 8 * 1024 * 1024  # a document's full text is a few hundred kB; a larger body is not kept
MAX_TOTAL_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Cached:
    tag: str
    body: Any
    size: int


class ResponseCache:
    """A thread-safe LRU of (key → tag, parsed body); the oldest entries go first when a bound is passed."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_entry_bytes: int = MAX_ENTRY_BYTES,
                 max_total_bytes: int = MAX_TOTAL_BYTES) -> None:
        self.max_entries = max_entries
        self.max_entry_bytes = max_entry_bytes
        self.max_total_bytes = max_total_bytes
        self._entries: OrderedDict[tuple[str, ...], Cached] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> Cached | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[str, ...], tag: str, body: Any, size: int) -> None:
        """Keep `body` (parsed from `size` bytes); too large a body is not kept, and replaces nothing."""
        if size > self.max_entry_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._entries[key] = Cached(tag, body, size)
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_total_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes
