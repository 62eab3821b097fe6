"""«Chỉ tiêu»: every figure the documents set or report, by period, as a table and charts, each cited."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui.client import ApiUnavailable, QaClient
from ui.exports import several_documents, target_cells
from ui.feedback import unavailable
from ui.render import literal
from ui.strings import S
from ui.target_charts import RATE_UNITS, ROW_PX, column_width, table_height, target_charts

COUNT_CHARTS_PER_ROW = 2  # room for three period labels and a measure's name


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
    _table(table)
    _charts(table)
    several = several_documents(table)
    with st.expander(S["targets_sources"], expanded=False):
        for row in table["rows"]:
            for v in row["values"]:
                cit = v["citation"]
                where = f"{row['doc_title']}, {cit['citation_label']}" if several else cit["citation_label"]
                st.markdown(
                    f"- **{literal(row['measure'])}**, {literal(v['period'])}: {literal(v['value_text'])} — "
                    f"*{literal(where)}*: «{literal(cit['quote'])}»"
                )


def _table(table: dict[str, Any]) -> None:
    """Every row at once: the height fits the rows, so the last one never hides under an inner scroll. Figures of
    several documents: a first column names each row's document."""
    header, rows = target_cells(table, S)
    lead = len(header) - len(table["periods"])  # the document's column, if any, and the measure's
    header[lead - 1] = S["targets_measure"]
    header = [h if i < lead else h + (f" ({S['targets_result']})" if table["periods"][i - lead]["kind"] == "result" else "")
              for i, h in enumerate(header)]
    # the periods' columns as wide as their texts; the document's of a middling width (a title is long); the
    # measure's takes the rest
    widths: dict[str, Any] = {h: st.column_config.TextColumn(width=column_width(h, [r[i] for r in rows])) for i, h in enumerate(header) if i >= lead}
    if lead > 1:
        widths[header[0]] = st.column_config.TextColumn(width="medium")
    st.dataframe(
        pd.DataFrame(rows, columns=header), hide_index=True, height=table_height(len(rows)), row_height=ROW_PX, column_config=widths,
    )


@st.cache_data(max_entries=16, show_spinner=False)
def chart_specs(table: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(unit, Vega-Lite spec) of each chart: building and validating them takes ~0.25 s, and the table changes only
    with the library, so each table's charts are drawn once per UI process."""
    return [(c.unit, c.chart.to_dict()) for c in target_charts(table, S)]


def _charts(table: dict[str, Any]) -> None:
    charts = chart_specs(table)
    if not charts:
        return
    st.subheader(S["targets_chart"])
    st.caption(S["targets_chart_note"])
    for _, spec in (c for c in charts if c[0] in RATE_UNITS):
        st.vega_lite_chart(spec=spec, width="stretch")
    counts = [spec for unit, spec in charts if unit not in RATE_UNITS]
    for start in range(0, len(counts), COUNT_CHARTS_PER_ROW):
        for column, spec in zip(st.columns(COUNT_CHARTS_PER_ROW), counts[start : start + COUNT_CHARTS_PER_ROW], strict=False):
            with column:
                st.vega_lite_chart(spec=spec, width="stretch")
