"""What every page says when the service cannot be reached."""

from __future__ import annotations

import streamlit as st

from ui.client import ApiUnavailable
from ui.strings import S


def unavailable(exc: ApiUnavailable) -> None:
    st.error(S["api_slow"] if exc.slow else S["api_down"])
