"""«Chỉ tiêu»: every figure the documents set or report, by period, as a table and a chart, each cited."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.client import ApiUnavailable, QaClient
from ui.exports import target_cells
from ui.feedback import unavailable
from ui.render import literal
from ui.strings import S


def targets_page(client: QaClient) -> None:
    st.title(S["page_targets"])
    st.caption(S["targets_intro"])
    try:
        table = client.targets()
    except ApiUnavailable as exc:
        unavailable(exc)
        return
    if not table["rows"]:
        st.info(S["targets_none"])
        return
    header, rows = target_cells(table)
    header[0] = S["targets_measure"]
    header = [h if i == 0 else h + (f" ({S['targets_result']})" if table["periods"][i - 1]["kind"] == "result" else "")
              for i, h in enumerate(header)]
    st.dataframe(pd.DataFrame(rows, columns=header), hide_index=True, use_container_width=True)

    # the percentage measures with two or more periods, as lines over the years
    series = {
        row["measure"]: {v["year"]: v["value"] for v in row["values"] if v["year"] and v["value"] is not None}
        for row in table["rows"]
        if row["unit"].startswith("%")
    }
    series = {name: points for name, points in series.items() if len(points) >= 2}
    if series:
        st.subheader(S["targets_chart"])
        frame = pd.DataFrame(series).sort_index()
        frame.index = frame.index.map(str)
        st.line_chart(frame)

    with st.expander(S["targets_sources"], expanded=False):
        for row in table["rows"]:
            for v in row["values"]:
                cit = v["citation"]
                st.markdown(
                    f"- **{literal(row['measure'])}**, {literal(v['period'])}: {literal(v['value_text'])} — "
                    f"*{literal(cit['citation_label'])}*: «{literal(cit['quote'])}»"
                )
