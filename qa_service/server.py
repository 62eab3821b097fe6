"""`python -m qa_service.server`: the API under uvicorn with the limits a public service needs.

uvicorn's default HTTP parser (httptools) accepts request headers of any size (8 MB were taken);
h11 refuses a request line + headers larger than `QA__API__MAX_HEADER_KB` before the app sees it.
The body limits are the app's own (qa_service/api/limits.py), so they hold under any server.
"""

from __future__ import annotations

import argparse

import uvicorn

from qa_service.settings import get_settings


def server_options(max_header_kb: int) -> dict[str, object]:
    return {"http": "h11", "h11_max_incomplete_event_size": max_header_kb * 1024, "server_header": False}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Hỏi đáp chính sách API")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="processes sharing the same index (one per core)")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    settings = get_settings()  # validated here, at start, not at import
    uvicorn.run(
        "qa_service.app:create_app",
        host=args.host,
        port=args.port,
        factory=True,
        workers=args.workers,
        log_level=args.log_level,
        **server_options(settings.api.max_header_kb),  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    main()
