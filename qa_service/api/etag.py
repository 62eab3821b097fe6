"""Conditional GETs of what only the library decides (the document list and texts, who must do what, the figures).

Their bodies change only when the registry does, and the registry stamps every change with a version: the ETag is that
version and this process's boot token (a restart may bring other code, so a tag never outlives its process). A client
that sends the tag back in `If-None-Match` gets `304 Not Modified` without the body being built or sent again; the UI
keeps what it was sent (ui/http_cache.py) and so refetches a page's data only after an ingest, an upload or a delete.
"""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import Depends, FastAPI, Request, Response

from qa_service.api.deps import ComponentsDep

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "Không thay đổi từ lần trước / not modified since the tag sent in If-None-Match"}}


class NotModified(Exception):
    def __init__(self, tag: str) -> None:
        super().__init__(tag)
        self.tag = tag


def _boot(request: Request) -> str:
    return str(request.app.state.etag_boot)  # set once by `install`, never by a request


def _matches(header: str, tag: str) -> bool:
    """RFC 9110 weak comparison: any listed tag equal to ours once «W/» is dropped, or «*»."""
    bare = tag.removeprefix("W/")
    return any(t.strip() == "*" or t.strip().removeprefix("W/") == bare for t in header.split(","))


def library_tag(request: Request, response: Response, components: ComponentsDep) -> None:
    tag = f'W/"{components.registry.version()}-{_boot(request)}"'
    if _matches(request.headers.get("if-none-match", ""), tag):
        raise NotModified(tag)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "no-cache"  # keep it, but ask each time: an upload may change it any moment


LIBRARY_TAG = Depends(library_tag)


def install(app: FastAPI) -> None:
    app.state.etag_boot = secrets.token_hex(4)  # this app's token: a restart never vouches for an older body

    @app.exception_handler(NotModified)
    async def on_not_modified(request: Request, exc: NotModified) -> Response:
        return Response(status_code=304, headers={"ETag": exc.tag, "Cache-Control": "no-cache"})
