"""Streamlit app over the QA service (HTTP only)."""

from __future__ import annotations

import html
from typing import Any

import streamlit as st

from ui.admin import admin_page
from ui.briefing import to_docx, to_markdown
from ui.client import MAX_QUESTION, ApiUnavailable, QaClient
from ui.render import excerpt, highlight, literal
from ui.strings import S


def _sources(citations: list[dict[str, Any]], key: str) -> None:
    """Collapsed under the answer, one entry per cited passage: two quotes from one passage do not repeat it."""
    passages: dict[str, list[dict[str, Any]]] = {}
    for cit in citations:
        passages.setdefault(cit["chunk_id"], []).append(cit)
    with st.expander(S["sources_count"].format(n=len(passages)), expanded=False):
        for cits in passages.values():
            cit = cits[0]
            numbers = "".join(f"[{c['n']}]" for c in cits)
            number = f" ({literal(cit['doc_number'])})" if cit.get("doc_number") else ""
            st.markdown(f"**{numbers} {literal(cit['doc_title'])}{number}** — {literal(cit['citation_label'])}")
            st.markdown(highlight(cit), unsafe_allow_html=True)
            st.button(
                S["open_in_reader"],
                key=f"open-{key}-{cit['n']}",
                on_click=_open_reader,
                args=(cit["doc_id"], cit["quote_start"], len(cit["quote"])),
            )


def _open_reader(doc_id: str, start: int, length: int) -> None:
    # runs before the next script run, so the page selector can still be changed
    st.session_state.reader = {"doc_id": doc_id, "start": start, "end": start + length}
    st.session_state.page = S["page_reader"]


def _pin(question: str, body: dict[str, Any]) -> None:
    # a follow-up («còn mục tiêu tổng quát thì sao?») is pinned under the question as it was understood
    heading = body.get("standalone_question") or question
    briefing: list[dict[str, Any]] = st.session_state.setdefault("briefing", [])
    if not any(item["question"] == heading for item in briefing):
        briefing.append({"question": heading, "answer": body["answer"], "citations": body["citations"]})


def _show_answer(body: dict[str, Any], key: str, question: str = "") -> None:
    if not body.get("answered"):
        st.warning(S["refusal_badge"])
    if body.get("mode") == "generative" and body.get("answered"):
        if body.get("fallback"):
            why = {
                "misses_question": "generative_fallback_focus",
                "question_language": "generative_fallback_language",
            }.get(body.get("fallback_reason") or "", "generative_fallback")
            st.caption(S[why])
        else:
            st.caption(S["generative_badge"])
    standalone = body.get("standalone_question") or ""
    if question and standalone and " ".join(standalone.split()).lower() != " ".join(question.split()).lower():
        st.caption(S["understood_as"].format(question=standalone))  # how a follow-up was read
    st.markdown(literal(body["answer"]))
    if body.get("retracted") and not body.get("fallback"):
        st.caption(S["generative_retracted"].format(n=len(body["retracted"])))
    if body.get("citations"):
        _sources(body["citations"], key)
        heading = body.get("standalone_question") or question
        pinned = any(item["question"] == heading for item in st.session_state.get("briefing", []))
        st.button(S["pinned"] if pinned else S["pin"], key=f"pin-{key}", disabled=pinned, on_click=_pin, args=(question, body))
    elif body.get("suggestions"):
        with st.expander(S["suggestions"]):
            for hit in body["suggestions"]:
                st.markdown(f"- *{literal(hit['citation_label'])}*: {literal(excerpt(hit['text']))}")


def _generative_toggle(client: QaClient) -> bool:
    try:
        available = bool(client.health().get("generative", {}).get("available"))
    except ApiUnavailable:
        available = False
    return st.toggle(
        S["generative_toggle"],
        key="generative",
        disabled=not available,
        help=S["generative_help"] if available else S["generative_unavailable"],
    )


def _stream_answer(client: QaClient, question: str, history: list[dict[str, str]], doc_ids: list[str]) -> dict[str, Any]:
    """Show the model's words as they come, then replace them with the checked answer."""
    body: dict[str, Any] = {}
    with st.chat_message("assistant"):
        status = st.caption(S["generative_reading"])
        draft = st.empty()
        text = ""
        for event, data in client.ask_stream(question, history, doc_ids):
            if event == "token":
                text += data["text"]
                draft.markdown(text + " ▌")
            elif event == "sources":
                status.caption(S["generative_writing"].format(n=len(data["sources"])))
            elif event in {"final", "error"}:
                body = data
        status.empty()
        draft.empty()  # unchecked text never stays on screen
    return body


def ask_page(client: QaClient) -> None:
    st.title(S["title"])
    st.caption(S["caption"])
    persona = st.radio(S["persona_label"], list(S["personas"]), format_func=lambda p: S["personas"][p], horizontal=True)
    try:
        docs = client.documents()["loaded"]
    except ApiUnavailable as exc:
        st.error(S["api_slow"] if exc.slow else S["api_down"])
        docs = []
    chosen = st.multiselect(
        S["doc_filter"], [d["doc_id"] for d in docs], placeholder=S["doc_filter_placeholder"],
        format_func=lambda d: next((x["title"] for x in docs if x["doc_id"] == d), d),
    )
    cols = st.columns(len(S["starters"][persona]))
    starter = None
    for col, text in zip(cols, S["starters"][persona], strict=False):
        if col.button(text, key=f"starter-{text}"):
            starter = text
    generative = _generative_toggle(client)
    history: list[dict[str, Any]] = st.session_state.setdefault("history", [])
    for i, turn in enumerate(history):
        with st.chat_message(turn["role"]):
            if turn["role"] == "assistant" and "body" in turn:
                _show_answer(turn["body"], f"h{i}", history[i - 1]["content"])
            else:
                st.markdown(literal(turn["content"]))
    # the limit is the service's: the box counts and stops there, so nothing typed is lost to an error
    question = (st.chat_input(S["ask_placeholder"], max_chars=MAX_QUESTION) or starter or "").strip()
    if not question:
        return  # spaces alone are not a question: no empty bubble, no error
    with st.chat_message("user"):
        st.markdown(literal(question))
    sent_history = [{"role": t["role"], "content": t["content"]} for t in history][-8:]
    try:
        if generative:
            body = _stream_answer(client, question, sent_history, chosen)
        else:
            body = client.ask(question, sent_history, chosen)
    except ApiUnavailable as exc:
        st.error(S["api_slow"] if exc.slow else S["api_down"])
        return
    if "answer" not in body:
        st.error(body.get("message_vi", S["api_down"]))
        return
    history.append({"role": "user", "content": question})
    history.append({"role": "assistant", "content": body["answer"], "body": body})
    with st.chat_message("assistant"):
        _show_answer(body, f"h{len(history) - 1}", question)


def briefing_panel() -> None:
    items: list[dict[str, Any]] = st.session_state.get("briefing", [])
    with st.sidebar:
        st.subheader(S["briefing"])
        if not items:
            st.caption(S["briefing_empty"])
            return
        for item in items:
            st.markdown(f"- {item['question']}")
        st.download_button(S["export_md"], to_markdown(items, S), file_name="tom-tat.md", mime="text/markdown")
        st.download_button(
            S["export_docx"],
            to_docx(items, S),
            file_name="tom-tat.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )


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
        import streamlit.components.v1 as components

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


def main() -> None:
    st.set_page_config(page_title=S["title"], layout="wide")
    client = QaClient()
    pages = [S["page_ask"], S["page_reader"], S["page_admin"]]
    st.session_state.setdefault("page", pages[0])
    page = st.sidebar.radio(S["pages_label"], pages, key="page", label_visibility="collapsed")
    if page == S["page_ask"]:
        ask_page(client)
        briefing_panel()
    elif page == S["page_reader"]:
        reader_page(client)
    else:
        admin_page(client)


main()
