"""Streamlit app over the QA service (HTTP only): one page per task, chosen in the sidebar."""

from __future__ import annotations

import streamlit as st

from ui.admin import admin_page
from ui.ask import ask_page, briefing_panel, conversations_panel
from ui.client import QaClient
from ui.reader import reader_page
from ui.strings import S


def main() -> None:
    st.set_page_config(page_title=S["title"], layout="wide")
    client = QaClient()
    pages = [S["page_ask"], S["page_reader"], S["page_admin"]]
    st.session_state.setdefault("page", pages[0])
    page = st.sidebar.radio(S["pages_label"], pages, key="page", label_visibility="collapsed")
    if page == S["page_ask"]:
        conversations_panel(client)
        ask_page(client)
        briefing_panel(client)
    elif page == S["page_reader"]:
        reader_page(client)
    else:
        admin_page(client)


main()
