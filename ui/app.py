"""Streamlit app over the QA service (HTTP only): one page per task, chosen in the sidebar."""

from __future__ import annotations

import httpx
import streamlit as st

from ui.actors import actors_page
from ui.admin import admin_page
from ui.ask import ask_page, briefing_panel, conversations_panel, sync_conversation
from ui.client import QaClient
from ui.http_cache import ResponseCache
from ui.identity import client_key
from ui.login import accounts_mode, signed_in
from ui.reader import reader_page
from ui.strings import S
from ui.targets import targets_page
from ui.training import training_page


@st.cache_resource
def _shared() -> tuple[httpx.Client, ResponseCache]:
    """One pooled HTTP client and one cache of tagged responses for every session of this UI process."""
    return httpx.Client(limits=httpx.Limits(max_connections=64, max_keepalive_connections=16)), ResponseCache()


def main() -> None:
    st.set_page_config(page_title=S["title"], layout="wide")
    http, cache = _shared()
    client = QaClient(client_key=client_key(), http=http, cache=cache)  # this browser's own conversations
    if accounts_mode(client) and not signed_in(client):
        return  # the login page, before any other (the service refuses them all without a session anyway)
    pages = {
        S["page_ask"]: ask_page,
        S["page_actors"]: actors_page,
        S["page_targets"]: targets_page,
        S["page_training"]: training_page,
        S["page_reader"]: reader_page,
        S["page_admin"]: admin_page,
    }
    st.session_state.setdefault("page", S["page_ask"])
    page = st.sidebar.radio(S["pages_label"], list(pages), key="page", label_visibility="collapsed")
    # the conversation the URL names (a reload, a shared link) is open on every page: its pins join a training pack
    sync_conversation(client)
    if page == S["page_ask"]:
        conversations_panel(client)
        ask_page(client)
        briefing_panel(client)
    else:
        pages[page](client)


main()
