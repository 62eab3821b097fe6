"""HTTP client for the QA service: the UI reaches the service only through this."""

from __future__ import annotations

import os
from typing import Any

import httpx


class ApiUnavailable(Exception):
    def __init__(self, slow: bool) -> None:
        super().__init__("slow" if slow else "down")
        self.slow = slow


class QaClient:
    def __init__(self, base_url: str | None = None, timeout: float = 30.0) -> None:
        self.base_url = (base_url or os.environ.get("QA__API_URL") or "http://127.0.0.1:8000").rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = httpx.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except httpx.TimeoutException as exc:
            raise ApiUnavailable(slow=True) from exc
        except httpx.HTTPError as exc:
            raise ApiUnavailable(slow=False) from exc
        if response.status_code >= 500:
            raise ApiUnavailable(slow=False)
        return response.json()

    def ask(self, question: str, history: list[dict[str, str]], doc_ids: list[str] | None) -> dict[str, Any]:
        return self._call("POST", "/ask", json={"question": question, "history": history or None, "doc_ids": doc_ids or None})  # type: ignore[no-any-return]

    def documents(self) -> dict[str, Any]:
        return self._call("GET", "/documents")  # type: ignore[no-any-return]

    def document(self, doc_id: str) -> dict[str, Any]:
        return self._call("GET", f"/documents/{doc_id}")  # type: ignore[no-any-return]

    def upload(self, token: str, name: str, data: bytes, number: str | None) -> tuple[int, dict[str, Any]]:
        try:
            response = httpx.post(
                self.base_url + "/documents",
                files={"file": (name, data)},
                data={"number": number} if number else None,
                headers={"Authorization": f"Bearer {token}"},
                timeout=self.timeout,
            )
        except httpx.HTTPError as exc:
            raise ApiUnavailable(slow=isinstance(exc, httpx.TimeoutException)) from exc
        return response.status_code, response.json()

    def job(self, job_id: str) -> dict[str, Any]:
        return self._call("GET", f"/jobs/{job_id}")  # type: ignore[no-any-return]

    def delete(self, token: str, doc_id: str) -> tuple[int, dict[str, Any]]:
        try:
            response = httpx.delete(
                self.base_url + f"/documents/{doc_id}", headers={"Authorization": f"Bearer {token}"}, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            raise ApiUnavailable(slow=isinstance(exc, httpx.TimeoutException)) from exc
        return response.status_code, response.json()
