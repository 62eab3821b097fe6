"""One writer at a time on an index, across threads and processes (the CLI, every API worker's upload job).

Writers embed into Chroma before they commit to the registry, so a sweep of «vectors the registry does not
know» is only safe when no writer is between those two steps: the sweeper takes this lock without waiting
and skips when someone holds it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WriteLock:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path

    @contextmanager
    def hold(self, wait: bool = True) -> Iterator[bool]:
        """Yields True when held; with wait=False, yields False at once if another writer has it.

        A new descriptor per hold: flock locks belong to the open file, so two threads exclude each other too."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
