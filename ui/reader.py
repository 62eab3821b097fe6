"""«Đọc văn bản»: a document with its outline, the cited place marked and scrolled to."""

from __future__ import annotations

import html

import streamlit as st
import streamlit.components.v1 as components

from ui.client import ApiUnavailable, QaClient
from ui.strings import S


def reader_page(client: QaClient) -> None:
    try:
        listing = client.documents()
    except ApiUnavailable as exc:
        st.error(S["api_slow"] if exc.slow else S["api_down"])
        return
    docs = listing["loaded"]
    if not docs:
        return
    target = st.session_state.get("reader") or {}
    ids = [d["doc_id"] for d in docs]
    index = ids.index(target["doc_id"]) if target.get("doc_id") in ids else 0
    doc_id = st.selectbox(S["reader_choose"], ids, index=index, format_func=lambda d: next(x["title"] for x in docs if x["doc_id"] == d))
    detail = client.document(doc_id)
    text = detail["text"]
    with st.sidebar:
        st.subheader(S["reader_outline"])
        for entry in detail["outline"]:
            st.markdown(("&nbsp;" * 3 * entry["level"]) + f"[{html.escape(entry['title'][:70])}](#o{entry['start']})", unsafe_allow_html=True)
    start = target.get("start") if target.get("doc_id") == doc_id else None
    end = target.get("end", start) if start is not None else None
    anchors = sorted({e["start"] for e in detail["outline"]})
    cuts = sorted(set(anchors) | ({start, end} if start is not None else set()))
    parts, last = [], 0
    for pos in cuts:
        piece = html.escape(text[last:pos])
        parts.append(f"<mark>{piece}</mark>" if start is not None and last == start else piece)
        if pos in anchors:
            parts.append(f"<span id='o{pos}'></span>")
        if pos == start:
            parts.append("<span id='cited'></span>")
        last = pos
    parts.append(html.escape(text[last:]))
    st.markdown(f"<div style='white-space:pre-wrap;overflow-wrap:anywhere'>{''.join(parts)}</div>", unsafe_allow_html=True)
    if start is not None:
        # scroll the page (the component runs in an iframe of the same origin) to the cited place
        components.html(
            "<script>setTimeout(function(){var e=window.parent.document.getElementById('cited');"
            "if(e){e.scrollIntoView({block:'center'});}},400);</script>",
            height=0,
        )
    st.subheader(S["cited_docs"])
    for ref in listing["cited_not_loaded"] + listing["cited_loaded"]:
        status = S["cited_loaded"] if ref["loaded"] else S["cited_not_loaded"]
        name = ref["number"] or ref["title"]
        st.markdown(f"- **{ref['kind']} {name}** {ref.get('date') or ''} — {status}")
