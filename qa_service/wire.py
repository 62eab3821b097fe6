"""The connection layer under the app: uvicorn with the h11 parser and every limit a public service needs, from
`QA__API__*` (ApiSettings):

- request line + headers: h11 refuses a head it is still waiting for past `max_header_kb` (400); a whole head that
  arrives in one read is measured by the app (qa_service/api/limits.py, 431), as is the count (`max_headers`);
- `header_timeout_s`: a connection that has not sent a whole head that long after connecting, or after the first
  byte of its next request, is closed (slowloris) — uvicorn has no such timeout, `GuardedH11Protocol` adds it;
- `keep_alive_s`: uvicorn's own timeout for an idle connection between requests;
- `max_connections`: uvicorn's `limit_concurrency` (past it a request gets 503);
- `forwarded_allow_ips`: the only peers whose X-Forwarded-For/-Proto uvicorn believes (none by default; uvicorn
  would otherwise believe loopback, and the wrong-token limiter would count whatever address a client wrote).
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from qa_service.settings import ApiSettings

_TIMED_OUT = b"HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


class WireConfig(uvicorn.Config):
    """uvicorn's Config plus the limit it has no setting for; a plain attribute, so it travels to --workers."""

    def __init__(self, app: Any, *, header_timeout_s: float, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.header_timeout_s = header_timeout_s


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a timeout on reading a request's head."""

    def __init__(
        self, config: uvicorn.Config, server_state: ServerState, app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout_s = float(getattr(config, "header_timeout_s", ApiSettings().header_timeout_s))
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # a stream transport, as uvicorn's own protocol takes it (uvloop's is one without subclassing asyncio's)
        super().connection_made(cast(asyncio.Transport, transport))
        self._time_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._time_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def _time_head(self) -> None:
        """Start the clock while a head is awaited (h11: the client is IDLE), stop it once the head is whole.
        Between requests nothing arrives and uvicorn's keep-alive timeout rules; the first byte of the next
        request cancels that one and starts this clock."""
        awaiting_head = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if awaiting_head and self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_timed_out)
        elif not awaiting_head:
            self._stop_head_timer()

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.write(_TIMED_OUT)
            self.transport.close()


def wire_config(app: Any, api: ApiSettings, **kwargs: Any) -> WireConfig:
    """A uvicorn Config for `app` with the wire's limits; `kwargs`: host, port, workers, log level…"""
    trusted = list(api.forwarded_allow_ips)
    return WireConfig(
        app,
        header_timeout_s=api.header_timeout_s,
        http=GuardedH11Protocol,
        h11_max_incomplete_event_size=api.max_header_kb * 1024,
        timeout_keep_alive=api.keep_alive_s,
        limit_concurrency=api.max_connections,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,
        server_header=False,
        **kwargs,
    )
