"""`python -m qa_service.mcp_server`: the MCP tools over stdio, for an assistant that starts the server itself
(README «Dùng từ trợ lý AI (MCP)»). The same tools answer over streamable HTTP at the API's /mcp.

The index, the models and the services open in the server's lifespan, once the SDK has taken stdout for the
protocol, so nothing a library prints while loading reaches the wire.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from mcp.server.mcpserver import MCPServer

from qa_service.api.mcp import build_server
from qa_service.api.state import Services
from qa_service.errors import ServiceNotReady
from qa_service.settings import get_settings


def open_from_settings() -> Services:
    from qa_service.app import open_services  # the app's own assembly of the services
    from qa_service.components.bundle import open_components

    return open_services(open_components(get_settings()), None)


def close(services: Services) -> None:
    services.uploads.wait_idle()
    services.conversations.close()
    services.components.registry.close()
    services.components.jobs.close()


def stdio_server(open_services: Callable[[], Services]) -> MCPServer[Any]:
    """The MCP server whose lifespan opens the services with `open_services` (tests: over a fake embedder)."""
    opened: list[Services] = []

    def services() -> Services:
        if not opened:
            raise ServiceNotReady()
        return opened[0]

    def open_warm() -> Services:
        found = open_services()
        # as the app does: the first question does not pay for warming the query path and fitting the readers
        found.retriever.search("khởi động", 1)
        found.components.readers.warm()
        return found

    @asynccontextmanager
    async def lifespan(_: MCPServer[Any]) -> AsyncIterator[None]:
        opened.append(await anyio.to_thread.run_sync(open_warm))
        try:
            yield
        finally:
            close(opened.pop())

    return build_server(services, lifespan)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Hỏi đáp chính sách: MCP server over stdio")
    parser.add_argument("--log-level", default="WARNING", help="written to stderr")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    stdio_server(open_from_settings).run("stdio")


if __name__ == "__main__":
    main()
