"""HTTP client for the QA service: the UI reaches the service only through this."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from typing import Any

import httpx

from ui.http_cache import ResponseCache

# the service's limit on a question (POST /ask `question.maxLength`; tests/ui/test_app.py checks they agree)
MAX_QUESTION = 2000


class ApiUnavailable(Exception):
    def __init__(self, slow: bool) -> None:
        super().__init__("slow" if slow else "down")
        self.slow = slow


class QaClient:
    def __init__(
        self, base_url: str | None = None, timeout: float = 30.0, client_key: str | None = None,
        http: httpx.Client | None = None, cache: ResponseCache | None = None,
    ) -> None:
        """`client_key`: this browser's own token (ui/identity.py); the service keeps its conversations apart by it.
        `http`: a pooled client shared by the UI's sessions (a new `httpx.Client` builds an SSL context: ~20 ms a
        call); `cache`: what the service sent with an ETag, reused while it answers 304."""
        self.base_url = (base_url or os.environ.get("QA__API_URL") or "http://127.0.0.1:8000").rstrip("/")
        self.timeout = timeout
        self.headers = {"X-Client-Key": client_key} if client_key else {}
        self.http = http or httpx.Client()
        self.cache = cache

    # -- accounts (QA__AUTH__MODE=accounts): a session token sent with every call -------------------------
    def use_session(self, token: str) -> None:
        self.headers["Authorization"] = f"Bearer {token}"

    def auth_mode(self) -> str:
        """«accounts» or «none» (a service older than accounts answers 404: «none»)."""
        return str(self._call("GET", "/auth/mode").get("mode") or "none")

    def login(self, name: str, password: str) -> tuple[int, dict[str, Any]]:
        return self._status("POST", "/auth/login", json={"name": name, "password": password})

    def me(self) -> tuple[int, dict[str, Any]]:
        return self._status("GET", "/auth/me")

    def logout(self) -> None:
        self._status("POST", "/auth/logout")

    def _send(self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, self.base_url + path, timeout=self.timeout, headers=headers or self.headers, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiUnavailable(slow=isinstance(exc, httpx.TimeoutException)) from exc

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._send(method, path, **kwargs)
        if response.status_code >= 500:
            raise ApiUnavailable(slow=False)
        return response.json()

    def _get_tagged(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """A GET the service tags with the library's version: sent with the tag of the copy kept, answered 304 while
        the library is unchanged. The caller gets its own copy (the kept one is shared by every session)."""
        if self.cache is None:
            return self._call("GET", path, params=params)
        query = str(httpx.QueryParams(params or {}))
        key = (self.base_url + path, query, self.headers.get("Authorization", ""))
        kept = self.cache.get(key)
        headers = {**self.headers, "If-None-Match": kept.tag} if kept else self.headers
        response = self._send("GET", path, headers=headers, params=params)
        if response.status_code == 304 and kept is not None:
            return copy.deepcopy(kept.body)
        if response.status_code >= 500:
            raise ApiUnavailable(slow=False)
        body = response.json()
        if response.status_code == 200 and (tag := response.headers.get("ETag")):
            self.cache.put(key, tag, copy.deepcopy(body), len(response.content))
        return body

    def ask(self, question: str, doc_ids: list[str] | None, conversation_id: str | None = None) -> dict[str, Any]:
        """The answer; with a conversation, the service reads a follow-up against it and records the turn."""
        payload = {"question": question, "doc_ids": doc_ids or None, "conversation_id": conversation_id}
        return self._call("POST", "/ask", json=payload)  # type: ignore[no-any-return]

    def health(self) -> dict[str, Any]:
        return self._call("GET", "/health")  # type: ignore[no-any-return]

    def ask_stream(
        self, question: str, doc_ids: list[str] | None, conversation_id: str | None = None, mode: str = "generative"
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """Server-sent events of POST /ask/stream as (event, data); an HTTP error comes as ("error", body)."""
        payload = {"question": question, "doc_ids": doc_ids or None, "conversation_id": conversation_id, "mode": mode}
        # a written-out answer takes tens of seconds on the CPU: wait for it, but not forever
        timeout = httpx.Timeout(self.timeout, read=180.0)
        try:
            with self.http.stream("POST", self.base_url + "/ask/stream", json=payload, timeout=timeout, headers=self.headers) as response:
                if response.status_code != 200:
                    response.read()
                    yield "error", response.json()
                    return
                event = ""
                for line in response.iter_lines():
                    if line.startswith("event: "):
                        event = line[7:]
                    elif line.startswith("data: "):
                        yield event, json.loads(line[6:])
        except httpx.TimeoutException as exc:
            raise ApiUnavailable(slow=True) from exc
        except httpx.HTTPError as exc:
            raise ApiUnavailable(slow=False) from exc

    # -- conversations: kept by the service, so a reload or a shared link reopens them ----------------
    def new_conversation(self) -> dict[str, Any]:
        return self._call("POST", "/conversations")  # type: ignore[no-any-return]

    def conversations(self, limit: int = 12) -> list[dict[str, Any]]:
        return self._call("GET", "/conversations", params={"limit": limit})["conversations"]  # type: ignore[no-any-return]

    def conversation(self, conversation_id: str) -> tuple[int, dict[str, Any]]:
        """(status, body): 404 for a deleted or expired conversation, 422 for a malformed id in the URL."""
        return self._status("GET", f"/conversations/{conversation_id}")

    def delete_conversation(self, conversation_id: str) -> None:
        self._status("DELETE", f"/conversations/{conversation_id}")

    def pin(self, conversation_id: str, turn: int) -> tuple[int, dict[str, Any]]:
        return self._status("PUT", f"/conversations/{conversation_id}/pinned/{turn}")

    def unpin(self, conversation_id: str, turn: int) -> tuple[int, dict[str, Any]]:
        return self._status("DELETE", f"/conversations/{conversation_id}/pinned/{turn}")

    def _status(self, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
        response = self._send(method, path, **kwargs)
        if response.status_code >= 500:
            raise ApiUnavailable(slow=False)
        return response.status_code, response.json() if response.content else {}

    # -- what the documents assign and set, read at ingest -----------------------------------------------
    def actors(self, doc_ids: list[str] | None = None) -> list[dict[str, Any]]:
        return self._get_tagged("/actors", params={"doc_id": doc_ids or []})["actors"]  # type: ignore[no-any-return]

    def actor(self, actor_id: str, doc_ids: list[str] | None = None) -> dict[str, Any]:
        return self._get_tagged(f"/actors/{actor_id}", params={"doc_id": doc_ids or []})  # type: ignore[no-any-return]

    def targets(self, doc_ids: list[str] | None = None) -> dict[str, Any]:
        return self._get_tagged("/targets", params={"doc_id": doc_ids or []})  # type: ignore[no-any-return]

    def training_pack(self, doc_id: str, sections: list[str], conversation_id: str | None) -> tuple[int, dict[str, Any]]:
        payload = {"doc_id": doc_id, "sections": sections, "conversation_id": conversation_id}
        return self._status("POST", "/training-pack", json=payload)

    def documents(self) -> dict[str, Any]:
        return self._get_tagged("/documents")  # type: ignore[no-any-return]

    def document(self, doc_id: str) -> dict[str, Any]:
        return self._get_tagged(f"/documents/{doc_id}")  # type: ignore[no-any-return]

    def _admin(self, method: str, path: str, token: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
        """An admin call: the status and body are the caller's to read (409 and 404 are answers, not failures)."""
        response = self._send(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
        return response.status_code, response.json()

    def upload(
        self, token: str, name: str, data: bytes, number: str | None, replace: bool = False
    ) -> tuple[int, dict[str, Any]]:
        form = {"number": number} if number else {}
        if replace:
            form["replace"] = "true"
        return self._admin("POST", "/documents", token, files={"file": (name, data)}, data=form or None)

    def job(self, job_id: str) -> dict[str, Any]:
        return self._call("GET", f"/jobs/{job_id}")  # type: ignore[no-any-return]

    def delete(self, token: str, doc_id: str, force: bool = False) -> tuple[int, dict[str, Any]]:
        return self._admin("DELETE", f"/documents/{doc_id}", token, params={"force": "true"} if force else None)

    def previous_versions(self, token: str) -> tuple[int, dict[str, Any]]:
        return self._admin("GET", "/previous-versions", token)

    def restore(self, token: str, doc_id: str) -> tuple[int, dict[str, Any]]:
        return self._admin("POST", f"/previous-versions/{doc_id}/restore", token)
