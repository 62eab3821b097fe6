"""Accounts mode (the service's `QA__AUTH__MODE=accounts`): a login page before any other, the session token kept in
the Streamlit session (never in the URL, nor a cookie), sent by the client with every call; the user and a logout
button in the sidebar. In mode «none» nothing of this shows."""

from __future__ import annotations

from typing import Any

import streamlit as st

from ui.client import ApiUnavailable, QaClient
from ui.render import literal
from ui.strings import S

SESSION = "auth_session"  # {"token", "name", "role"} of the logged-in user, in st.session_state


def session() -> dict[str, Any] | None:
    found = st.session_state.get(SESSION)
    return found if isinstance(found, dict) else None


def accounts_mode(client: QaClient) -> bool:
    """Asked of the service once per browser session; when it cannot be reached, the pages say so themselves."""
    mode = st.session_state.get("auth_mode")
    if mode is None:
        try:
            mode = client.auth_mode()
        except ApiUnavailable:
            return False
        st.session_state.auth_mode = mode
    return bool(mode == "accounts")


def signed_in(client: QaClient) -> bool:
    """True when a user is logged in: the client then sends its token, the sidebar shows who and a logout button.
    Otherwise the login page is shown (and nothing else)."""
    current = session()
    if current is not None:
        client.use_session(current["token"])
        try:
            status = client.me()[0]
        except ApiUnavailable:
            status = 200  # the pages report the outage; a blip must not log the user out
        if status == 200:
            _sidebar(client, current)
            return True
        del st.session_state[SESSION]  # expired, or ended elsewhere
        st.info(S["login_expired"])
    login_page(client)
    return False


def _sidebar(client: QaClient, current: dict[str, Any]) -> None:
    role = S["role_admin"] if current["role"] == "admin" else S["role_reader"]
    st.sidebar.markdown(S["signed_in_as"].format(name=literal(current["name"]), role=role))
    if st.sidebar.button(S["logout"], key="logout"):
        try:
            client.logout()
        except ApiUnavailable:
            pass  # the token is dropped here either way; it expires on the service
        del st.session_state[SESSION]
        st.rerun()


def login_page(client: QaClient) -> None:
    st.title(S["login_title"])
    st.caption(S["login_help"])
    with st.form("login"):
        name = st.text_input(S["login_name"], max_chars=64)
        password = st.text_input(S["login_password"], type="password", max_chars=1024)
        submitted = st.form_submit_button(S["login_submit"])
    if not submitted or not (name and password):
        return
    try:
        status, body = client.login(name.strip(), password)
    except ApiUnavailable:
        st.error(S["api_down"])
        return
    if status == 200:
        st.session_state[SESSION] = {"token": body["token"], "name": body["name"], "role": body["role"]}
        st.rerun()
    elif status == 429:
        st.error(str(body.get("message_vi") or S["login_failed"]))
    else:
        st.error(S["login_failed"])
