"""Failed admin-token attempts per client, in a sliding window: past the allowance, 429 until the window moves on.
In memory, per API process: with N processes a client gets at most N times the allowance."""

from __future__ import annotations

import threading
import time
from collections import deque


class AttemptLimiter:
    def __init__(self, allowed: int, window_s: float, max_clients: int = 10_000) -> None:
        self.allowed, self.window_s, self.max_clients = allowed, window_s, max_clients
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and now - failures[0] > self.window_s:
            failures.popleft()
        return failures

    def retry_after(self, client: str) -> int:
        """Seconds until this client may try again; 0 when it may now."""
        now = time.monotonic()
        with self._lock:
            failures = self._recent(client, now)
            if len(failures) < self.allowed:
                return 0
            return max(1, int(self.window_s - (now - failures[0])) + 1)

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            if client not in self._failures and len(self._failures) >= self.max_clients:
                self._failures.clear()  # bounded memory: forgetting old failures only makes the limit kinder
            self._recent(client, now).append(now)
