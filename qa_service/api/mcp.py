"""MCP server (the official `mcp` SDK): tools `search`, `ask`, `get_document_section`, `list_documents` over the
service's own use cases, on the API's /mcp (streamable HTTP, `mount`) and over stdio (`python -m
qa_service.mcp_server`).

Each tool answers as the HTTP routes do (it calls them): its text keeps every quote verbatim between «» with its
label and document (api/plain.py), and its structured content is the route's response model.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from typing import Annotated, Any, Literal

from fastapi import FastAPI
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from qa_service.api import plain
from qa_service.api.routers.ask import ask as ask_route
from qa_service.api.routers.documents import list_documents as list_documents_route
from qa_service.api.routers.search import search as search_route
from qa_service.api.schemas import (
    MAX_QUESTION,
    AskRequest,
    AskResponse,
    DocumentsResponse,
    SearchRequest,
    SearchResponse,
)
from qa_service.api.schemas.documents import SectionOut
from qa_service.api.state import Services, services_of
from qa_service.errors import QAError, ServiceNotReady, UnknownSection
from qa_service.services.conversations import owner_of
from qa_service.settings import McpSettings

INSTRUCTIONS = """Hỏi đáp văn bản chính sách Việt Nam, có trích dẫn kiểm chứng / Vietnamese policy documents, with
verified citations. `ask` answers a question with numbered citations; `search` finds passages; `get_document_section`
reads a section whole by its label («Mục II.3», «Điều 15»: the labels the other tools show); `list_documents` lists
what is loaded. Text between «» is the documents' own words: quote it as it is, with its label."""
READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
SECTION_LABELS_SHOWN = 40  # labels an unknown-label error lists

ServicesGetter = Callable[[], Services]
Query = Annotated[str, Field(min_length=1, max_length=MAX_QUESTION, description="câu hỏi / question (Vietnamese or English)")]
DocIds = Annotated[list[str] | None, Field(max_length=100, description="only these documents (doc_id of list_documents)")]
DocId = Annotated[str, Field(min_length=1, max_length=200, description="doc_id, as list_documents and every source line show it")]
Mode = Literal["extractive", "generative"]


@contextmanager
def _as_tool_error() -> Iterator[None]:
    """A failure the caller can act on, in both languages, as the tool's error result (never a traceback)."""
    try:
        yield
    except QAError as exc:
        raise ToolError(f"{exc.message_vi} / {exc.message_en}") from None
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
        raise ToolError(f"Dữ liệu không hợp lệ / invalid arguments: {fields}") from None


def _result(text: str, structured: BaseModel) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=structured.model_dump(mode="json"))


class Tools:
    """The tools, over the services of the running app (or of the stdio process)."""

    def __init__(self, services: ServicesGetter) -> None:
        self.services = services

    def search(self, query: Query, top_k: Annotated[int, Field(ge=1, le=50)] = 5, doc_ids: DocIds = None) -> Annotated[CallToolResult, SearchResponse]:
        """Tìm đoạn văn liên quan / find passages: each with its document, its label and its text, verbatim."""
        with _as_tool_error():
            s = self.services()
            found = search_route(SearchRequest(query=query, top_k=top_k, doc_ids=doc_ids), s.components, s.retriever)
            return _result(plain.hits_text(found.hits), found)

    def ask(self, question: Query, mode: Mode | None = None, doc_ids: DocIds = None) -> Annotated[CallToolResult, AskResponse]:
        """Hỏi và nhận câu trả lời có trích dẫn / a checked answer with numbered citations: each with its document,
        its label and its verbatim quote. When the documents do not answer, it says what is missing and lists the
        nearest passages. mode: extractive (quotes, fast; the default) or generative (written out by the local
        model and checked, when it is installed)."""
        with _as_tool_error():
            s = self.services()
            body = AskRequest(question=question, mode=mode, doc_ids=doc_ids)
            answer = ask_route(body, s.components, s.answerer, s.generative, s.conversations, owner_of(None))  # no conversation: nobody's
            return _result(plain.answer_text(answer), answer)

    def get_document_section(
        self, doc_id: DocId, label: Annotated[str, Field(min_length=1, max_length=200, description="«Mục II.3.b», «Điều 15»; a citation label finds its section")]
    ) -> Annotated[CallToolResult, SectionOut]:
        """Đọc nguyên văn một mục của văn bản / a section of a document, whole and verbatim, by its label."""
        with _as_tool_error():
            documents = self.services().documents
            found = documents.section(doc_id, label)
            if found is None:  # the document's labels, so the caller can pick one
                unknown, labels = UnknownSection([label]), [s.label for s in documents.outline(doc_id)]
                listed = "; ".join(labels[:SECTION_LABELS_SHOWN])
                raise ToolError(f"{unknown.message_vi} / {unknown.message_en} Các mục / sections: {listed}")
            meta, section = found.meta, found.section
            out = SectionOut(
                doc_id=meta.doc_id, doc_title=meta.title, doc_number=meta.doc_number, label=section.label, title=section.title,
                text=found.text, start=section.start, end=section.start + len(found.text), children=list(section.children),
            )
            return _result(plain.section_text(out), out)

    def list_documents(self) -> Annotated[CallToolResult, DocumentsResponse]:
        """Văn bản đã nạp (doc_id, tiêu đề, số hiệu, ngày) và văn bản được dẫn chiếu / loaded and cited documents."""
        with _as_tool_error():
            listed = list_documents_route(self.services().documents)
            return _result(plain.documents_text(listed), listed)


def build_server(services: ServicesGetter, lifespan: Callable[[MCPServer[Any]], AbstractAsyncContextManager[Any]] | None = None) -> MCPServer[Any]:
    server: MCPServer[Any] = MCPServer(
        "hoi-dap-chinh-sach", title="Hỏi đáp chính sách", instructions=INSTRUCTIONS, version="0.1.0", lifespan=lifespan
    )
    tools = Tools(services)
    for tool in (tools.search, tools.ask, tools.get_document_section, tools.list_documents):
        server.add_tool(tool, annotations=READ_ONLY)
    return server


def transport_security(settings: McpSettings) -> TransportSecuritySettings:
    hosts = settings.allowed_hosts
    origins = [f"{scheme}://{host}" for host in hosts for scheme in ("http", "https")]
    return TransportSecuritySettings(enable_dns_rebinding_protection=bool(hosts), allowed_hosts=hosts, allowed_origins=origins)


class _Endpoint:
    """/mcp: hands requests to the session manager the app's lifespan runs (a new one each run: one runs once)."""

    def __init__(self) -> None:
        self.handle: Callable[[Scope, Receive, Send], Any] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.handle is None:  # before the lifespan: «starting», as every route says it
            raise ServiceNotReady()
        await self.handle(scope, receive, send)


def mount(app: FastAPI, path: str = "/mcp") -> None:
    """Serve the MCP tools at `path` of the app, over the services its lifespan opens."""

    def services() -> Services:
        found = services_of(app)
        if found is None:
            raise ServiceNotReady()
        return found

    server = build_server(services)
    endpoint = _Endpoint()
    app.router.routes.append(Route(path, endpoint=endpoint, methods=["GET", "POST", "DELETE"]))
    opened = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[Any]:
        async with opened(a) as state:
            # stateless, plain JSON replies: each call stands alone, so nothing is kept between requests
            server.streamable_http_app(
                streamable_http_path=path, stateless_http=True, json_response=True,
                transport_security=transport_security(services().settings.mcp),
            )
            manager = server.session_manager
            async with manager.run():
                endpoint.handle = manager.handle_request
                try:
                    yield state
                finally:
                    endpoint.handle = None

    app.router.lifespan_context = lifespan
