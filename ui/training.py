"""«Soạn tài liệu tập huấn»: pick sections, get a cited pack (outline, key points, figures, review questions)
to download as DOCX, PPTX slides or Markdown. Pinned answers of the current conversation can join it."""

from __future__ import annotations

from functools import partial
from typing import Any

import streamlit as st

from ui.client import ApiUnavailable, QaClient
from ui.exports import DOCX_MIME, pack_docx, pack_markdown, target_cells
from ui.feedback import unavailable
from ui.render import heading_title, label, literal
from ui.slides import PPTX_MIME, pack_pptx
from ui.strings import S

# headings that are not teaching material
_SKIP = {"Tiêu đề", "Nơi nhận", "Phần ký"}


def _preview(pack: dict[str, Any]) -> None:
    header, rows = target_cells(pack["targets"], S)
    for section in pack["sections"]:
        with st.expander(label(f"{section['label']} – {section['title']}"), expanded=False):
            if section["outline"]:
                st.markdown(f"**{S['pack_outline']}**")
                for c in section["outline"]:
                    st.markdown(f"- {literal(c['quote'])} *({literal(c['citation_label'])})*")
            if section["key_points"]:
                st.markdown(f"**{S['pack_key_points']}**")
                for c in section["key_points"]:
                    st.markdown(f"> «{literal(c['quote'])}» — *{literal(c['citation_label'])}*")
            if section["questions"]:
                st.markdown(f"**{S['pack_questions']}**")
                for i, q in enumerate(section["questions"], start=1):
                    st.markdown(f"{i}. {literal(q['question'])}  \n{S['pack_answer']}: {literal(q['answer'])}")
    if rows:
        st.caption(S["pack_targets_count"].format(n=len(rows)))


def training_page(client: QaClient) -> None:
    st.title(S["page_training"])
    st.caption(S["training_intro"])
    try:
        docs = client.documents()["loaded"]
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    if not docs:
        return
    doc_id = st.selectbox(S["training_document"], [d["doc_id"] for d in docs], key="training-doc",
                          format_func=lambda d: next(x["title"] for x in docs if x["doc_id"] == d))
    outline = [e for e in client.document(doc_id)["outline"] if e["label"] not in _SKIP and e["level"] <= 2]
    titles = {e["label"]: heading_title(e["title"]) for e in outline}
    sections = st.multiselect(
        S["training_sections"], list(titles), key="training-sections", placeholder=S["training_sections_placeholder"], select_all=False,
        format_func=lambda label: f"{label} – {titles[label][:80]}",
    )
    pinned = st.session_state.get("briefing", [])
    with_pins = st.checkbox(S["training_pinned"].format(n=len(pinned)), value=bool(pinned), disabled=not pinned, key="training-pins")
    if st.button(S["training_build"], type="primary", key="training-build"):
        if not sections:
            st.warning(S["training_need_sections"])
        else:
            try:
                status, built = client.training_pack(doc_id, sections, st.session_state.get("conversation_id") if with_pins else None)
            except ApiUnavailable as exc:
                unavailable(exc)
                return
            if status != 200:
                st.error(literal(built.get("message_vi", S["api_down"])))
                return
            st.session_state.training_pack = built
    pack = st.session_state.get("training_pack")
    if not pack or pack["doc_id"] != doc_id:
        return
    st.success(S["training_took"].format(n=len(pack["sections"]), ms=pack["took_ms"]))
    _preview(pack)
    cols = st.columns(3)
    # each file is written when its button is clicked, not on every run of the page (the slides take ~0.1 s), and
    # a click downloads without re-running the page
    cols[0].download_button(S["export_pack_docx"], partial(pack_docx, pack, S), file_name="tai-lieu-tap-huan.docx",
                            mime=DOCX_MIME, on_click="ignore")
    cols[1].download_button(S["export_pack_pptx"], partial(pack_pptx, pack, S), file_name="tai-lieu-tap-huan.pptx",
                            mime=PPTX_MIME, on_click="ignore")
    cols[2].download_button(S["export_pack_md"], partial(pack_markdown, pack, S), file_name="tai-lieu-tap-huan.md",
                            mime="text/markdown", on_click="ignore")
