"""The admin page: add, replace, remove and restore documents. Every change that takes something away
says what it takes before it happens, and what was taken stays restorable."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

import streamlit as st

from ui.client import ApiUnavailable, QaClient
from ui.feedback import unavailable
from ui.login import session
from ui.render import literal
from ui.strings import S

UPLOADER_CSS = (Path(__file__).parent / "uploader.css").read_text(encoding="utf-8")


def _refused(body: dict[str, Any], status: int) -> None:
    st.error(S["admin_error"].format(reason=literal(str(body.get("message_vi", status)))))


def _wait_for(client: QaClient, job: dict[str, Any]) -> dict[str, Any]:
    bar = st.progress(0.0, text=S["admin_progress"])
    for _ in range(7200):
        job = client.job(job["job_id"])
        bar.progress(float(job.get("progress", 0.0)), text=S["admin_progress"])
        if job["status"] in {"done", "failed"}:
            break
        time.sleep(0.5)
    return job


def _submit(client: QaClient, token: str, name: str, data: bytes, number: str | None, replace: bool) -> None:
    try:
        status, body = client.upload(token, name, data, number, replace=replace)
        if status == 409:
            # nothing happened yet: keep the file and ask before replacing
            st.session_state.admin_conflict = {"name": name, "data": data, "number": number, **body["details"][0],
                                               "message": body["message_vi"]}
            return
        if status != 202:
            _refused(body, status)
            return
        st.session_state.pop("admin_conflict", None)
        job = body if body.get("status") == "done" else _wait_for(client, body)
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    if job.get("status") != "done":
        st.error(S["admin_failed"].format(reason=literal(str(job.get("message_vi")))))
    elif job.get("action") == "unchanged":
        st.info(literal(str(job.get("message_vi"))))
    elif job.get("action") == "replaced":
        st.success(S["admin_replaced"].format(old=literal(job.get("replaced_title") or ""), doc_id=job["doc_id"]))
    else:
        st.success(S["admin_done"].format(doc_id=job["doc_id"]))


def _conflict(client: QaClient, token: str) -> None:
    pending = st.session_state.get("admin_conflict")
    if not pending:
        return
    st.warning(S["admin_conflict"].format(existing=literal(pending["existing_title"]), incoming=literal(pending["incoming_title"])))
    if pending.get("protected"):
        st.caption(S["admin_conflict_protected"])
    replace, cancel = st.columns(2)
    if replace.button(S["admin_replace"], key="admin-replace", disabled=not token):
        _submit(client, token, pending["name"], pending["data"], pending["number"], replace=True)
    if cancel.button(S["admin_cancel"], key="admin-cancel"):
        st.session_state.pop("admin_conflict", None)
        st.rerun()


def _documents(client: QaClient, token: str) -> None:
    try:
        docs = client.documents()["loaded"]
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    st.subheader(S["admin_documents"])
    for doc in docs:
        cols = st.columns([5, 1])
        cols[0].markdown(S["admin_doc_line"].format(
            title=literal(doc["title"]), number=f" ({literal(doc['number'])})" if doc.get("number") else "", chunks=doc["chunk_count"]
        ) + (S["replaced_mark"] if doc.get("replaced_by") else ""))
        if cols[1].button(S["admin_delete"], key=f"del-{doc['doc_id']}", disabled=not token):
            _delete(client, token, doc, force=False)
        if st.session_state.get("admin_force") == doc["doc_id"]:
            st.warning(S["admin_force_warning"].format(title=literal(doc["title"])))
            if st.button(S["admin_force"], key=f"force-{doc['doc_id']}", disabled=not token):
                _delete(client, token, doc, force=True)


def _delete(client: QaClient, token: str, doc: dict[str, Any], force: bool) -> None:
    try:
        status, body = client.delete(token, doc["doc_id"], force=force)
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    if status == 409 and body.get("error") == "protected_delete":
        st.session_state.admin_force = doc["doc_id"]  # ask once more, on the next run, beside the document
        st.rerun()
    elif status == 200:
        st.session_state.pop("admin_force", None)
        st.success(S["admin_deleted"].format(title=literal(body["title"]), until=_day(body["restorable_until"])))
    else:
        _refused(body, status)


def _day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%d/%m/%Y %H:%M")


def _previous(client: QaClient, token: str) -> None:
    st.subheader(S["admin_previous"])
    if not token:
        st.caption(S["admin_previous_need_token"])
        return
    try:
        status, body = client.previous_versions(token)
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    if status != 200:
        _refused(body, status)
        return
    if not body["versions"]:
        st.caption(S["admin_previous_none"])
    for version in body["versions"]:
        cols = st.columns([5, 1])
        reason = S["admin_reason_" + version["reason"]]
        cols[0].markdown(S["admin_previous_line"].format(
            title=literal(version["title"]), reason=reason, at=_day(version["at"]), until=_day(version["restorable_until"]),
            chunks=version["chunk_count"],
        ))
        if version.get("current_title"):
            cols[0].caption(S["admin_previous_current"].format(title=literal(version["current_title"])))
        if cols[1].button(S["admin_restore"], key=f"restore-{version['doc_id']}"):
            try:
                status, restored = client.restore(token, version["doc_id"])
            except ApiUnavailable as exc:
                unavailable(exc)
                return
            if status == 200:
                st.success(S["admin_restored"].format(title=literal(restored["title"])))
            else:
                _refused(restored, status)


def _health(client: QaClient) -> dict[str, Any]:
    try:
        return client.health()
    except ApiUnavailable:
        return {}


def _reembed_warning(health: dict[str, Any]) -> None:
    """The index was embedded with another model (an adapter added or removed): say so and how to re-embed."""
    if health.get("reembed_needed"):
        st.warning(S["admin_reembed"].format(
            others=", ".join(map(literal, health.get("other_embedding_models") or [])) or "?",
            missing=int(health.get("chunks", 0)) - int(health.get("vectors", 0)), model=literal(str(health.get("embedding_model"))),
        ))


def _uploader(health: dict[str, Any]) -> Any:
    """Streamlit's uploader with the service's size limit, its own words replaced by Vietnamese (style only:
    Streamlit has no setting for them)."""
    try:
        limit = int(health["limits"]["max_upload_mb"])
    except (KeyError, TypeError):
        limit = 50
    css = UPLOADER_CSS.replace("$button", S["uploader_button"]).replace("$limit", S["uploader_limit"].format(mb=limit))
    st.markdown(f"<style>{css}</style>", unsafe_allow_html=True)
    return st.file_uploader(S["admin_upload"], type=["pdf", "docx", "md", "txt"], max_upload_size=limit)


def admin_page(client: QaClient) -> None:
    st.title(S["page_admin"])
    current = session()
    if current is not None and current["role"] == "admin":
        token = current["token"]  # an admin user's session opens the admin routes: no token to type
        st.caption(S["admin_as_user"])
    else:
        # a reader's account (accounts mode) is told to sign in as an admin; without accounts, where the token comes from
        st.caption(S["admin_reader_help"] if current is not None else S["admin_token_help"])
        token = st.text_input(S["admin_token"], type="password")
    health = _health(client)
    _reembed_warning(health)
    upload = _uploader(health)
    number = st.text_input(S["admin_number"])
    if not token:
        st.info(S["admin_need_token"])
    if st.button(S["admin_submit"], disabled=not (token and upload)) and upload is not None:
        _submit(client, token, upload.name, upload.getvalue(), number or None, replace=False)
    _conflict(client, token)
    _documents(client, token)
    _previous(client, token)
