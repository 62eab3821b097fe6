"""The UI keeps what the service tagged and asks «changed since?»: the library's data crosses the wire again only
after it changes; the cache is bounded in entries and bytes, and a caller can never alter what another one gets."""

from __future__ import annotations

import httpx
import pytest

from ui.client import QaClient
from ui.http_cache import ResponseCache


def test_the_cache_keeps_the_most_recent_within_its_bounds() -> None:
    cache = ResponseCache(max_entries=3, max_entry_bytes=100, max_total_bytes=250)
    for i in range(5):
        cache.put((f"/k{i}",), f"t{i}", {"i": i}, 10)
    assert len(cache) == 3 and cache.get(("/k0",)) is None and cache.get(("/k4",)) is not None
    cache.get(("/k2",))  # used: the oldest is now k3
    cache.put(("/k5",), "t5", {}, 10)
    assert cache.get(("/k3",)) is None and cache.get(("/k2",)) is not None
    cache.put(("/big",), "t", {}, 101)  # larger than one entry may be: not kept
    assert cache.get(("/big",)) is None
    for i in range(3):
        cache.put((f"/m{i}",), "t", {}, 100)  # 300 bytes > 250: the oldest go until it fits
    assert cache.bytes <= 250 and len(cache) == 2
    cache.put(("/m2",), "t2", {"new": True}, 50)  # replacing an entry counts its bytes once
    assert cache.bytes == 150 and cache.get(("/m2",)).body == {"new": True}  # type: ignore[union-attr]


class Recorder:
    """The statuses the service answered, as the client saw them."""

    def __init__(self) -> None:
        self.statuses: list[tuple[str, int, str]] = []

    def __call__(self, response: httpx.Response) -> None:
        self.statuses.append((response.request.url.path, response.status_code, response.request.headers.get("if-none-match", "")))


@pytest.fixture
def recorded(api_url: str) -> tuple[QaClient, Recorder]:
    recorder = Recorder()
    http = httpx.Client(event_hooks={"response": [recorder]})
    return QaClient(api_url, http=http, cache=ResponseCache()), recorder


def test_a_second_read_of_the_library_is_answered_304(recorded: tuple[QaClient, Recorder]) -> None:
    client, recorder = recorded
    first = client.documents()
    doc_id = first["loaded"][0]["doc_id"]
    text = client.document(doc_id)
    actors, targets = client.actors(), client.targets()
    assert client.documents() == first and client.document(doc_id) == text
    assert client.actors() == actors and client.targets() == targets
    statuses = [s for _, s, _ in recorder.statuses]
    assert statuses == [200, 200, 200, 200, 304, 304, 304, 304]
    assert all(tag.startswith('W/"') for _, status, tag in recorder.statuses if status == 304)


def test_what_a_caller_changes_is_its_own(recorded: tuple[QaClient, Recorder]) -> None:
    client, _ = recorded
    listing = client.documents()
    listing["loaded"].clear()  # a page that edits what it was given
    assert client.documents()["loaded"]


def test_without_a_cache_every_read_is_whole(api_url: str) -> None:
    recorder = Recorder()
    client = QaClient(api_url, http=httpx.Client(event_hooks={"response": [recorder]}))
    client.documents()
    client.documents()
    assert [(s, tag) for _, s, tag in recorder.statuses] == [(200, ""), (200, "")]
