"""«Nhiệm vụ theo cơ quan»: for a cadre, what the documents give their body to do, verbatim, as a checklist."""

from __future__ import annotations

from functools import partial

import streamlit as st

from ui.ask import open_reader
from ui.client import ApiUnavailable, QaClient
from ui.exports import DOCX_MIME, checklist_docx, checklist_markdown
from ui.feedback import unavailable
from ui.render import label, literal
from ui.strings import S


def actors_page(client: QaClient) -> None:
    st.title(S["page_actors"])
    st.caption(S["actors_intro"])
    try:
        actors = client.actors()
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    if not actors:
        st.info(S["actors_none"])
        return

    def option(actor_id: str) -> str:
        actor = next(a for a in actors if a["id"] == actor_id)
        # a radio option renders Markdown: the body's name as the document writes it is escaped
        line = S["actors_line"].format(name=label(actor["name"]), n=actor["duties"])
        return f"{line} — {S['actors_support']}" if actor["role"] == "support" else line

    chosen = st.radio(S["actors_choose"], [a["id"] for a in actors], format_func=option, key="actor")
    try:
        actor = client.actor(chosen)
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    st.subheader(literal(actor["name"]))
    for i, cit in enumerate(actor["sentences"]):
        st.checkbox(label(cit["quote"]), key=f"duty-{chosen}-{i}")
        left, right = st.columns([4, 1])
        left.caption(f"{literal(cit['doc_title'])} — {literal(cit['citation_label'])}")
        right.button(S["open_in_reader"], key=f"duty-open-{chosen}-{i}", on_click=open_reader,
                     args=(cit["doc_id"], cit["quote_start"], len(cit["quote"])))
    slug = ("nhiem-vu-" if actor["role"] == "duty" else "") + chosen[:60]
    left, right = st.columns(2)
    # written when clicked (not on every tick of a checkbox), and the click does not re-run the page
    left.download_button(S["export_checklist_md"], partial(checklist_markdown, actor, S), file_name=f"{slug}.md",
                         mime="text/markdown", on_click="ignore")
    right.download_button(S["export_checklist_docx"], partial(checklist_docx, actor, S), file_name=f"{slug}.docx",
                          mime=DOCX_MIME, on_click="ignore")
