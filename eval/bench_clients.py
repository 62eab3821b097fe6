"""Round trips of the client APIs beside POST /ask's, on one server: the official `openai` client (whole and
streamed) on /v1/chat/completions and the official `mcp` client's `ask` tool on /mcp; then the MCP client's tool
list and one tool call's output. Prints; times nothing in the test suite.

    python -m eval.bench_clients --url http://127.0.0.1:8000   # a running API (`make api`)
    python -m eval.bench_clients --fake                        # the programme indexed with hashed embeddings, no model

Each question is asked once per client before timing (warm), then `--rounds` times per client, interleaved.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import anyio
import httpx

QUESTIONS = [
    "Mục tiêu tỷ trọng công nghiệp trong GRDP đến năm 2025 là bao nhiêu?",
    "Tỷ lệ lấp đầy các khu công nghiệp đến 2025 đạt bao nhiêu?",
    "Doanh nghiệp được hỗ trợ gì khi đầu tư vào khu công nghiệp?",
    "Ai ký chương trình này?",
    "How does the province help small and medium enterprises access credit?",
]
MODEL = "hoi-dap-extractive"


@contextmanager
def fake_server() -> Iterator[str]:
    """The app over the programme indexed with the hashed embedder of the fast tests, served on loopback."""
    from qa_service.app import create_app
    from tests.conftest import CORPUS, ingested
    from tests.fixtures.fakes import HashEmbedder
    from tests.fixtures.net import serve

    with tempfile.TemporaryDirectory() as data_dir:
        components, _ = ingested(Path(data_dir), HashEmbedder(), [CORPUS])
        served = serve(create_app(components.settings, components))
        url = next(served)
        try:
            yield url
        finally:
            next(served, None)
            components.registry.close()
            components.jobs.close()


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


@contextmanager
def clients(url: str) -> Iterator[dict[str, Callable[[str], object]]]:
    """One question -> one round trip, per client; the MCP session stays open, as an assistant keeps it."""
    import openai
    from anyio.from_thread import start_blocking_portal
    from mcp import Client

    http = httpx.Client(base_url=url, timeout=600)
    chat = openai.OpenAI(base_url=f"{url}/v1", api_key="khong-can", max_retries=0)

    def ask(question: str) -> object:
        return http.post("/ask", json={"question": question}).raise_for_status().json()

    def openai_whole(question: str) -> object:
        return chat.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}])

    def openai_stream(question: str) -> object:
        stream = chat.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": question}], stream=True)
        return "".join(c.choices[0].delta.content or "" for c in stream)

    with start_blocking_portal() as portal, portal.wrap_async_context_manager(Client(f"{url}/mcp")) as mcp_client:

        def mcp_ask(question: str) -> object:
            return portal.call(mcp_client.call_tool, "ask", {"question": question})

        yield {"POST /ask (httpx)": ask, "openai chat (whole)": openai_whole, "openai chat (stream)": openai_stream, "mcp tool ask": mcp_ask}
    http.close()
    chat.close()


def round_trips(url: str, rounds: int) -> None:
    with clients(url) as by_client:
        times: dict[str, list[float]] = {name: [] for name in by_client}
        for question in QUESTIONS:
            for call in by_client.values():
                call(question)  # warm: the query embedding cache and the first connection
            for _ in range(rounds):
                for name, call in by_client.items():
                    times[name].append(timed(partial(call, question)))
    base = statistics.median(times["POST /ask (httpx)"])
    print(f"round trip, {len(QUESTIONS)} questions x {rounds} rounds (ms): median, p90, median - /ask's")
    for name, values in times.items():
        p90 = statistics.quantiles(values, n=10)[-1]
        print(f"  {name:22s} {statistics.median(values):7.1f} {p90:7.1f} {statistics.median(values) - base:+7.1f}")


def show_mcp(url: str) -> None:
    from mcp import Client
    from mcp.types import TextContent

    async def listed() -> None:
        async with Client(f"{url}/mcp") as mcp_client:
            tools = (await mcp_client.list_tools()).tools
            print("\nMCP tools:")
            for tool in tools:
                print(f"  {tool.name}({', '.join(tool.input_schema.get('properties', {}))}): {(tool.description or '').splitlines()[0]}")
            result = await mcp_client.call_tool("ask", {"question": QUESTIONS[0]})
            print(f"\nMCP call ask(question={QUESTIONS[0]!r}) -> is_error={result.is_error}, structured keys "
                  f"{sorted(result.structured_content or {})}; its text:")
            print("\n".join(f"  | {line}" for c in result.content if isinstance(c, TextContent) for line in c.text.splitlines()))

    anyio.run(listed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running API, e.g. http://127.0.0.1:8000")
    where.add_argument("--fake", action="store_true", help="serve the programme indexed with hashed embeddings")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if args.url:
        round_trips(args.url.rstrip("/"), args.rounds)
        show_mcp(args.url.rstrip("/"))
        return
    with fake_server() as url:
        round_trips(url, args.rounds)
        show_mcp(url)


if __name__ == "__main__":
    main()
