"""«Đọc văn bản»: a document with its outline, the cited place marked and scrolled to."""

from __future__ import annotations

from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from ui.client import ApiUnavailable, QaClient
from ui.feedback import unavailable
from ui.render import inert, literal, newer_line, replaced_line
from ui.strings import S


def _choice(doc: dict[str, Any]) -> str:
    number = f" ({doc['number']})" if doc.get("number") else ""
    return f"{doc['title']}{number}" + (str(S["replaced_mark"]) if doc.get("replaced_by") else "")


# as soon as the cited place is in the page (checked each frame for up to 5 s), not after a fixed wait
SCROLL_TO_CITED = (
    "<script>var t0=Date.now();(function go(){var e=window.parent.document.getElementById('cited');"
    "if(e){e.scrollIntoView({block:'center'});}else if(Date.now()-t0<5000){requestAnimationFrame(go);}})();</script>"
)


def reader_page(client: QaClient) -> None:
    try:
        listing = client.documents()
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    docs = listing["loaded"]
    if not docs:
        return
    target = st.session_state.get("reader") or {}
    ids = [d["doc_id"] for d in docs]
    index = ids.index(target["doc_id"]) if target.get("doc_id") in ids else 0
    doc_id = st.selectbox(S["reader_choose"], ids, index=index, format_func=lambda d: _choice(next(x for x in docs if x["doc_id"] == d)))
    detail = client.document(doc_id)
    text = detail["text"]
    if replaced := detail["document"].get("replaced_by"):
        st.warning(replaced_line(replaced))
    if newer := detail["document"].get("newer_text"):
        st.info(newer_line(newer))
    with st.sidebar:
        st.subheader(S["reader_outline"])
        for entry in detail["outline"]:
            st.markdown(_outline_entry(entry), unsafe_allow_html=True)
    start = target.get("start") if target.get("doc_id") == doc_id else None
    end = target.get("end", start) if start is not None else None
    st.markdown(_document_html(text, detail["outline"], start, end), unsafe_allow_html=True)
    if start is not None:
        # scroll the page (the component runs in an iframe of the same origin) to the cited place
        components.html(SCROLL_TO_CITED, height=0)
    st.subheader(S["cited_docs"])
    for ref in listing["cited_not_loaded"] + listing["cited_loaded"]:
        status = S["cited_loaded"] if ref["loaded"] else S["cited_not_loaded"]
        name = ref["number"] or ref["title"] or ""
        # «Luật Đầu tư» is already a law's name: no «Luật Luật Đầu tư»
        named = name if name.lower().startswith(ref["kind"].lower()) else f"{ref['kind']} {name}"
        st.markdown(f"- **{literal(named)}** {literal(ref.get('date') or '')} — {status}")


def _outline_entry(entry: dict[str, Any]) -> str:
    """One heading of the outline as an HTML block: our own link to its anchor, its words inert (a heading that holds
    a Markdown link or HTML shows it as text, never as a live link)."""
    indent = 0.8 * int(entry["level"])
    return f"<div style='margin-left:{indent:.1f}em'><a href='#o{int(entry['start'])}' target='_self'>{inert(entry['title'][:70])}</a></div>"


def _document_html(text: str, outline: list[dict[str, Any]], start: int | None, end: int | None) -> str:
    """The document as inert HTML: headings set off, an anchor at each for the outline, the cited span marked."""
    headings = [(e["start"], e["end"], e["level"]) for e in outline]
    cuts = {0, len(text)} | {a for a, _, _ in headings} | {b for _, b, _ in headings}
    if start is not None and end is not None:
        cuts |= {start, end}
    parts = []
    bounds = sorted(c for c in cuts if 0 <= c <= len(text))
    for a, b in zip(bounds, bounds[1:], strict=False):
        piece = inert(text[a:b])
        heading = next((h for h in headings if h[0] <= a < h[1]), None)
        if heading is not None:
            size = max(1.0, 1.3 - 0.1 * heading[2])
            piece = f"<strong style='font-size:{size:.1f}em'>{piece}</strong>"
        if start is not None and end is not None and start <= a < end:
            piece = f"<mark>{piece}</mark>"
        anchors = "".join(f"<span id='o{a}'></span>" for h in headings if h[0] == a)
        cited = "<span id='cited'></span>" if a == start else ""
        parts.append(anchors + cited + piece)
    return f"<div style='overflow-wrap:anywhere;line-height:1.6'>{''.join(parts)}</div>"
