"""This browser's client key: a random token the page keeps in a cookie of its own (never in the URL), sent to the
service with every call, so each browser lists, continues, pins and deletes only its own conversations. A shared
link (`?c=<id>`) carries no key: whoever opens it in another browser reads the conversation, and what they ask
starts a conversation of their own."""

from __future__ import annotations

import re
import secrets

import streamlit as st
import streamlit.components.v1 as components

COOKIE = "qa_client_key"
KEY = re.compile(r"^[A-Za-z0-9_-]{16,128}$")  # what the service accepts as X-Client-Key
YEAR_S = 365 * 86400


def client_key() -> str:
    """The key of this browser: the session's, else its cookie's, else a new one (then kept in the cookie)."""
    key = st.session_state.get("client_key")
    if isinstance(key, str) and KEY.match(key):
        return key
    sent = st.context.cookies.get(COOKIE)
    key = sent if isinstance(sent, str) and KEY.match(sent) else secrets.token_urlsafe(24)
    st.session_state.client_key = key
    if key != sent:
        _keep(key)
    return key


def _keep(key: str) -> None:
    """Set the cookie from the page (the component runs in an iframe of the page's own origin): a reload or a new
    tab of this browser sends it back."""
    components.html(
        f"<script>window.parent.document.cookie='{COOKIE}={key}; path=/; max-age={YEAR_S}; SameSite=Strict';</script>",
        height=0,
    )
