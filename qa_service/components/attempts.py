"""Wrong admin tokens per client, in a sliding window. Within the allowance a wrong token is a plain 403; past it
each further one is answered late (the delay doubles per failure, up to a ceiling) and with 429.

A right token is never held back: failures slow the guesser down, they do not lock the address. A neighbour behind
the same host or proxy can therefore not lock the administrator out, only make its own guesses slow. In memory, per
API process: with N processes a client gets at most N times the allowance.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque


class AttemptLimiter:
    def __init__(
        self, allowed: int, window_s: float, base_delay_s: float = 0.25, max_delay_s: float = 10.0, max_clients: int = 10_000
    ) -> None:
        self.allowed, self.window_s, self.max_clients = allowed, window_s, max_clients
        self.base_delay_s, self.max_delay_s = base_delay_s, max_delay_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        failures = self._failures.setdefault(client, deque())
        while failures and now - failures[0] > self.window_s:
            failures.popleft()
        return failures

    def failed(self, client: str) -> float:
        """Count a wrong token; returns how long to hold its answer back (0 within the allowance)."""
        now = time.monotonic()
        with self._lock:
            if client not in self._failures and len(self._failures) >= self.max_clients:
                self._failures.clear()  # bounded memory: forgetting old failures only makes the limit kinder
            failures = self._recent(client, now)
            failures.append(now)
            past = len(failures) - self.allowed
        if past <= 0:
            return 0.0
        return min(self.max_delay_s, self.base_delay_s * 2.0 ** min(past - 1, 40))

    def retry_after(self, client: str) -> int:
        """Seconds until this client's next wrong token would be within the allowance again (at least 1)."""
        now = time.monotonic()
        with self._lock:
            failures = self._recent(client, now)
            if len(failures) < self.allowed:
                return 1
            # the failure whose expiry brings the count back under the allowance
            leaving = failures[len(failures) - self.allowed]
        return max(1, math.ceil(self.window_s - (now - leaving)))
