"""`python -m qa_service.server`: the API under uvicorn with the limits a public service needs (qa_service/wire.py:
headers, header-read and keep-alive timeouts, connections, trusted proxies). The body limits and the admin token are
the app's own (qa_service/api/limits.py, admin_gate.py), so they hold under any server.

uvicorn's default HTTP parser (httptools) accepts request headers of any size (8 MB were taken); h11 is used here.
"""

from __future__ import annotations

import argparse
import sys

import uvicorn
from uvicorn.supervisors import Multiprocess

from qa_service.settings import get_settings
from qa_service.wire import WireConfig, wire_config

STARTUP_FAILURE = 3  # uvicorn's exit status when the app did not start


def run(config: WireConfig) -> None:
    """What uvicorn.run does with a Config of ours: one process, or `workers` processes sharing the socket."""
    server = uvicorn.Server(config)
    if config.workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Hỏi đáp chính sách API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="processes sharing the same index (one per core)")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    settings = get_settings()  # validated here, at start, not at import
    run(wire_config(
        "qa_service.app:create_app", settings.api, factory=True, host=args.host, port=args.port,
        workers=args.workers, log_level=args.log_level,
    ))


if __name__ == "__main__":
    main()
