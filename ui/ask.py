"""«Hỏi đáp»: the chat, kept by the service as a conversation (URL `?c=<id>`), and the briefing of pinned answers."""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from ui.briefing import answer_text, to_docx, to_markdown
from ui.client import MAX_QUESTION, ApiUnavailable, QaClient
from ui.feedback import unavailable
from ui.render import also_in_line, excerpt, highlight, label, literal, newer_line, replaced_line
from ui.strings import S


# -- conversation state: the service holds it; the session keeps a copy of what is on screen -----------
def _reset() -> None:
    for key in ("conversation_id", "history", "briefing", "conversation_owned", "delete_asked"):
        st.session_state.pop(key, None)


def _owned() -> bool:
    """This browser made the conversation on screen (else it came by a shared link: read only)."""
    return bool(st.session_state.get("conversation_owned", True))


def _load(conversation: dict[str, Any]) -> None:
    history: list[dict[str, Any]] = []
    for turn in conversation["history"]:
        history.append({"role": "user", "content": turn["question"]})
        history.append({"role": "assistant", "content": turn["response"]["answer"], "body": turn["response"]})
    st.session_state.conversation_id = conversation["id"]
    st.session_state.history = history
    st.session_state.briefing = conversation["pinned"]
    st.session_state.conversation_owned = bool(conversation.get("owned", True))


def sync_conversation(client: QaClient) -> None:
    """Open the conversation the URL names (a reload or a shared link), once per change of the URL."""
    wanted = st.query_params.get("c")
    if not wanted or wanted == st.session_state.get("conversation_id"):
        return
    try:
        status, conversation = client.conversation(wanted)
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    if status != 200:
        st.warning(S["conversation_missing"])
        del st.query_params["c"]
        _reset()
        return
    _load(conversation)


def _new_conversation() -> None:
    _reset()
    st.query_params.clear()


def _open_conversation(conversation_id: str) -> None:
    _reset()
    st.query_params["c"] = conversation_id


def _ensure_conversation(client: QaClient) -> str:
    cid: str | None = st.session_state.get("conversation_id")
    if cid is None:
        cid = str(client.new_conversation()["id"])
        st.session_state.conversation_id = cid
        st.query_params["c"] = cid
    return cid


# -- one answer ----------------------------------------------------------------------------------------
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
            if replaced := cit.get("replaced_by"):
                st.caption(replaced_line(replaced))
            if newer := cit.get("newer_text"):
                st.caption(newer_line(newer))
            if copies := cit.get("also_in"):
                st.caption(also_in_line(copies))
            st.markdown(highlight(cit), unsafe_allow_html=True)
            st.button(
                S["open_in_reader"],
                key=f"open-{key}-{cit['n']}",
                on_click=open_reader,
                args=(cit["doc_id"], cit["quote_start"], len(cit["quote"])),
            )


def open_reader(doc_id: str, start: int, length: int) -> None:
    # runs before the next script run, so the page selector can still be changed
    st.session_state.reader = {"doc_id": doc_id, "start": start, "end": start + length}
    st.session_state.page = S["page_reader"]


def _set_pins(client: QaClient, turn: int, pin: bool) -> None:
    cid = st.session_state.get("conversation_id")
    if cid is None:
        return
    try:
        status, conversation = client.pin(cid, turn) if pin else client.unpin(cid, turn)
    except ApiUnavailable:
        st.session_state.pin_error = True
        return
    if status == 200:
        st.session_state.briefing = conversation["pinned"]


def _show_answer(client: QaClient, body: dict[str, Any], key: str, question: str = "") -> None:
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
        st.caption(S["understood_as"].format(question=literal(standalone)))  # how a follow-up was read
    st.markdown(literal(body["answer"]))
    if body.get("retracted") and not body.get("fallback"):
        st.caption(S["generative_retracted"].format(n=len(body["retracted"])))
    if body.get("citations"):
        _sources(body["citations"], key)
        turn = body.get("turn")
        left, right, _ = st.columns([2, 1, 3])
        if turn is not None:
            pinned = any(item["turn"] == turn for item in st.session_state.get("briefing", []))
            left.button(
                S["pinned"] if pinned else S["pin"], key=f"pin-{key}", disabled=pinned or not _owned(),
                on_click=_set_pins, args=(client, turn, True),
            )
        with right.popover(S["copy"]):
            st.caption(S["copy_help"])
            st.code(answer_text(body, S), language=None, wrap_lines=True)
    elif body.get("suggestions"):
        with st.expander(S["suggestions"]):
            for hit in body["suggestions"]:
                st.markdown(f"- *{literal(hit['citation_label'])}*: {literal(excerpt(hit['text']))}")


@st.cache_data(ttl=30, show_spinner=False)
def _generative_available(base_url: str, _client: QaClient) -> bool:
    """Whether the service can write answers out: it changes only when the service restarts with a model, so it is
    asked at most every 30 s, not on every question (a failure raises: it is not kept)."""
    return bool(_client.health().get("generative", {}).get("available"))


def _generative_toggle(client: QaClient) -> bool:
    try:
        available = _generative_available(client.base_url, client)
    except ApiUnavailable:
        available = False
    return st.toggle(
        S["generative_toggle"],
        key="generative",
        disabled=not available,
        help=S["generative_help"] if available else S["generative_unavailable"],
    )


def _stream_answer(client: QaClient, question: str, doc_ids: list[str], cid: str) -> dict[str, Any]:
    """Show the model's words as they come, then replace them with the checked answer."""
    body: dict[str, Any] = {}
    with st.chat_message("assistant"):
        status = st.caption(S["generative_reading"])
        draft = st.empty()
        text = ""
        for event, data in client.ask_stream(question, doc_ids, cid):
            if event == "token":
                text += data["text"]
                draft.markdown(literal(text) + " ▌")  # unchecked and unescaped text never renders as Markdown
            elif event == "sources":
                status.caption(S["generative_writing"].format(n=len(data["sources"])))
            elif event in {"final", "error"}:
                body = data
        status.empty()
        draft.empty()  # unchecked text never stays on screen
    return body


def _ask(client: QaClient, question: str, doc_ids: list[str], generative: bool) -> dict[str, Any]:
    """The answer, recorded in this conversation; a conversation deleted or expired meanwhile is started anew."""
    for _ in range(2):
        cid = _ensure_conversation(client)
        body = _stream_answer(client, question, doc_ids, cid) if generative else client.ask(question, doc_ids, cid)
        if body.get("error") != "unknown_conversation":
            return body
        _reset()
        st.query_params.clear()
    return body


def ask_page(client: QaClient) -> None:
    st.title(S["title"])
    st.caption(S["caption"])
    persona = st.radio(S["persona_label"], list(S["personas"]), format_func=lambda p: S["personas"][p], horizontal=True)
    try:
        docs = client.documents()["loaded"]
    except ApiUnavailable as exc:
        unavailable(exc)
        docs = []
    chosen = st.multiselect(
        S["doc_filter"], [d["doc_id"] for d in docs], placeholder=S["doc_filter_placeholder"], select_all=False,
        format_func=lambda d: next((x["title"] for x in docs if x["doc_id"] == d), d),
    )
    cols = st.columns(len(S["starters"][persona]))
    starter = None
    for col, text in zip(cols, S["starters"][persona], strict=False):
        if col.button(text, key=f"starter-{text}"):
            starter = text
    generative = _generative_toggle(client)
    if not _owned():
        st.info(S["conversation_shared"])
    if st.session_state.pop("pin_error", False):
        st.error(S["api_down"])
    history: list[dict[str, Any]] = st.session_state.setdefault("history", [])
    for i, turn in enumerate(history):
        with st.chat_message(turn["role"]):
            if turn["role"] == "assistant" and "body" in turn:
                _show_answer(client, turn["body"], f"h{i}", history[i - 1]["content"])
            else:
                st.markdown(literal(turn["content"]))
    # the limit is the service's: the box counts and stops there, so nothing typed is lost to an error
    question = (st.chat_input(S["ask_placeholder"], max_chars=MAX_QUESTION) or starter or "").strip()
    if not question:
        return  # spaces alone are not a question: no empty bubble, no error
    if not _owned():  # someone else's conversation, opened by its link: what this browser asks is its own
        _new_conversation()
        history = st.session_state.setdefault("history", [])
    with st.chat_message("user"):
        st.markdown(literal(question))
    try:
        body = _ask(client, question, chosen, generative)
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    if "answer" not in body:
        st.error(literal(body.get("message_vi", S["api_down"])))
        if body.get("error") == "conversation_full":
            st.button(S["new_conversation"], key="full-new", on_click=_new_conversation)
        return
    history.append({"role": "user", "content": question})
    history.append({"role": "assistant", "content": body["answer"], "body": body})
    with st.chat_message("assistant"):
        _show_answer(client, body, f"h{len(history) - 1}", question)


def conversations_panel(client: QaClient) -> None:
    with st.sidebar:
        st.button(S["new_conversation"], key="new-conversation", on_click=_new_conversation, use_container_width=True)
        try:
            recent = client.conversations(limit=12)
        except ApiUnavailable:
            return
        current = st.session_state.get("conversation_id")
        with st.expander(S["conversations"], expanded=False):
            if not recent:
                st.caption(S["conversations_empty"])
            for conv in recent:
                title = conv["title"] or S["conversation_untitled"]
                # the title is a question as typed: a button label renders Markdown, so it is escaped
                shown = label(title if len(title) <= 60 else title[:59] + "…") + f" ({conv['turns']})"
                st.button(
                    shown, key=f"conv-{conv['id']}", disabled=conv["id"] == current,
                    on_click=_open_conversation, args=(conv["id"],), use_container_width=True,
                )
        if current and _owned():
            _delete_control(client, current)


def _delete_control(client: QaClient, current: str) -> None:
    """«Xóa» asks first: the first click only shows «Xóa hẳn» / «Thôi» (a deleted conversation does not come back)."""
    if st.session_state.get("delete_asked") != current:
        st.button(S["delete_conversation"], key="delete-conversation", on_click=_ask_delete, args=(current,))
        return
    st.warning(S["delete_conversation_confirm"])
    confirm, cancel = st.columns(2)
    confirm.button(S["delete_conversation_yes"], key="delete-conversation-yes", type="primary",
                   on_click=_delete_current, args=(client,))
    cancel.button(S["delete_conversation_no"], key="delete-conversation-no", on_click=_keep_current)


def _ask_delete(conversation_id: str) -> None:
    st.session_state.delete_asked = conversation_id  # tied to this conversation: opening another drops the question


def _keep_current() -> None:
    st.session_state.pop("delete_asked", None)


def _delete_current(client: QaClient) -> None:
    st.session_state.pop("delete_asked", None)
    cid = st.session_state.get("conversation_id")
    if cid:
        try:
            client.delete_conversation(cid)
        except ApiUnavailable:
            st.session_state.pin_error = True
            return
    _new_conversation()


def briefing_panel(client: QaClient) -> None:
    items: list[dict[str, Any]] = st.session_state.get("briefing", [])
    with st.sidebar:
        st.subheader(S["briefing"])
        if not items:
            st.caption(S["briefing_empty"])
            return
        for item in items:
            text, unpin = st.columns([5, 1])
            text.markdown(f"- {literal(item['question'])}")
            unpin.button(
                "✕", key=f"unpin-{item['turn']}", help=S["unpin"], disabled=not _owned(), on_click=_set_pins, args=(client, item["turn"], False)
            )
        # written when clicked, not on every question asked while pins exist; the click does not re-run the page
        st.download_button(S["export_md"], partial(to_markdown, items, S), file_name="tom-tat.md", mime="text/markdown",
                           on_click="ignore")
        st.download_button(
            S["export_docx"],
            partial(to_docx, items, S),
            file_name="tom-tat.docx",
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            on_click="ignore",
        )
