"""The MCP server, through the official `mcp` SDK's own client: in process over the app's services, over
streamable HTTP at the served app's /mcp, and over stdio (`python -m tests.fixtures.mcp_stdio`, the stdio server
of qa_service.mcp_server over a fake-embedded index). Fast tier: hashed embeddings."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult, TextContent

from qa_service.api.mcp import build_server
from qa_service.app import create_app
from tests.conftest import ROOT
from tests.fixtures.net import serve

TOOLS = {"search", "ask", "get_document_section", "list_documents"}
PROGRAMME = "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025"
GRDP = "Mục tiêu tỷ trọng công nghiệp trong GRDP đến năm 2025 là bao nhiêu?"
T = TypeVar("T")


def run(server: Any, use: Callable[[Client], Awaitable[T]]) -> T:
    async def connected() -> T:
        async with Client(server) as mcp_client:
            return await use(mcp_client)

    return anyio.run(connected)


def call(server: Any, tool: str, arguments: dict[str, Any]) -> CallToolResult:
    return run(server, lambda c: c.call_tool(tool, arguments))


def text_of(result: CallToolResult) -> str:
    assert len(result.content) == 1 and isinstance(result.content[0], TextContent)
    return result.content[0].text


@pytest.fixture(scope="module")
def server(client: TestClient) -> Any:
    """The tools over the running app's services, in process."""
    services = client.app.state.services  # type: ignore[attr-defined]
    return build_server(lambda: services)


def test_the_four_tools_are_listed_read_only_with_their_schemas(server: Any) -> None:
    tools = {t.name: t for t in run(server, lambda c: c.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description and tool.output_schema and tool.annotations and tool.annotations.read_only_hint
    assert tools["ask"].input_schema["required"] == ["question"]
    assert set(tools["get_document_section"].input_schema["required"]) == {"doc_id", "label"}


def test_ask_gives_the_answer_with_labels_and_verbatim_quotes(server: Any, client: TestClient) -> None:
    result = call(server, "ask", {"question": GRDP})
    asked = client.post("/ask", json={"question": GRDP}).json()
    assert not result.is_error and result.structured_content is not None
    assert result.structured_content["citations"] == asked["citations"] and result.structured_content["answered"]
    text = text_of(result)
    assert text.startswith(asked["answer"].strip())
    for cit in asked["citations"]:
        assert f"«{cit['quote']}»" in text and cit["citation_label"] in text and cit["quote"] in cit["text"]


def test_search_gives_each_passage_verbatim_with_its_label(server: Any, client: TestClient) -> None:
    result = call(server, "search", {"query": "tỷ lệ lấp đầy khu công nghiệp", "top_k": 3})
    hits = client.post("/search", json={"query": "tỷ lệ lấp đầy khu công nghiệp", "top_k": 3}).json()["hits"]
    assert result.structured_content is not None and result.structured_content["hits"] == hits
    text = text_of(result)
    for i, hit in enumerate(hits, 1):
        assert f"[{i}] {hit['doc_title']} — {hit['citation_label']} · doc_id={hit['doc_id']}\n«{hit['text'].strip()}»" in text


def test_a_section_is_read_whole_and_verbatim_by_its_label(server: Any, client: TestClient) -> None:
    document = client.get(f"/documents/{PROGRAMME}").json()
    # a citation's label finds the section holding it, in any case
    for label in ("Mục II.3.b", "Mục II.3.b, ý 1", "mục ii.3.b"):
        result = call(server, "get_document_section", {"doc_id": PROGRAMME, "label": label})
        section = result.structured_content
        assert section is not None and section["label"] == "Mục II.3.b" and section["title"] == "Mục tiêu cụ thể giai đoạn 2021-2025"
        assert section["text"] == document["text"][section["start"] : section["end"]]
        assert section["text"].startswith("b) Mục tiêu cụ thể") and "Tỷ trọng công nghiệp trong GRDP của tỉnh đạt trên 15%" in section["text"]
        assert f"«{section['text']}»" in text_of(result)
    parent = call(server, "get_document_section", {"doc_id": PROGRAMME, "label": "Mục II.3"}).structured_content
    assert parent is not None and parent["children"] == ["Mục II.3.a", "Mục II.3.b", "Mục II.3.c"]


def test_a_wrong_label_or_document_is_an_error_the_caller_can_act_on(server: Any) -> None:
    unknown = call(server, "get_document_section", {"doc_id": PROGRAMME, "label": "Mục IX"})
    assert unknown.is_error and "Mục IX" in text_of(unknown) and "Mục II.3.b" in text_of(unknown)  # the labels it has
    missing = call(server, "get_document_section", {"doc_id": "khong-co", "label": "Mục I"})
    assert missing.is_error and "Không tìm thấy văn bản" in text_of(missing) and "Unknown document" in text_of(missing)
    empty = call(server, "ask", {"question": ""})
    assert empty.is_error


def test_list_documents_is_get_documents(server: Any, client: TestClient) -> None:
    result = call(server, "list_documents", {})
    listed = client.get("/documents").json()
    assert result.structured_content == listed
    assert f"- {PROGRAMME}: {listed['loaded'][0]['title']}" in text_of(result)


def test_a_refusal_says_what_is_missing(server: Any, client: TestClient) -> None:
    question = "Giá vé máy bay đi Đà Nẵng là bao nhiêu?"
    result = call(server, "ask", {"question": question})
    asked = client.post("/ask", json={"question": question}).json()
    assert not result.is_error and result.structured_content is not None and not result.structured_content["answered"]
    assert asked["answer"].startswith("Các văn bản hiện có không") and text_of(result).startswith(asked["answer"])


# -- over the wire: streamable HTTP on the served app, and stdio --------------------------------------


@pytest.fixture(scope="module")
def served(corpus_components) -> Iterator[str]:  # type: ignore[no-untyped-def]
    yield from serve(create_app(corpus_components.settings, corpus_components))


def test_streamable_http_on_the_apps_own_port(served: str, server: Any) -> None:
    url = f"{served}/mcp"
    assert {t.name for t in run(url, lambda c: c.list_tools()).tools} == TOOLS
    arguments = {"doc_id": PROGRAMME, "label": "Mục II.3.b"}
    over_http = call(url, "get_document_section", arguments)
    assert not over_http.is_error and text_of(over_http) == text_of(call(server, "get_document_section", arguments))


def test_mcp_refuses_a_host_it_does_not_serve(served: str) -> None:
    # DNS rebinding: a page whose name resolves to this machine must not reach the tools
    listing = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    headers = {"Host": "evil.example", "Accept": "application/json, text/event-stream"}
    assert httpx.post(f"{served}/mcp", json=listing, headers=headers).status_code == 421
    headers = {"Origin": "http://evil.example", "Accept": "application/json, text/event-stream"}
    assert httpx.post(f"{served}/mcp", json=listing, headers=headers).status_code == 403


def test_mcp_before_startup_is_told_the_service_is_starting(corpus_components) -> None:  # type: ignore[no-untyped-def]
    unstarted = TestClient(create_app(corpus_components.settings, corpus_components), raise_server_exceptions=False)
    response = unstarted.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert response.status_code == 503 and response.json()["error"] == "not_ready"


def test_stdio_server_in_its_own_process(tmp_path: Path) -> None:
    process = StdioServerParameters(
        command=sys.executable, args=["-m", "tests.fixtures.mcp_stdio", str(tmp_path)], cwd=ROOT, env={"PYTHONPATH": str(ROOT)}
    )

    async def use(mcp_client: Client) -> tuple[set[str], CallToolResult]:
        tools = await mcp_client.list_tools()
        return {t.name for t in tools.tools}, await mcp_client.call_tool("ask", {"question": GRDP})

    names, answer = run(process, use)
    assert names == TOOLS
    assert not answer.is_error and answer.structured_content is not None and answer.structured_content["answered"]
    assert all(f"«{c['quote']}»" in text_of(answer) for c in answer.structured_content["citations"])
