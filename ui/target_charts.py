"""The figures of GET /targets drawn so a reader can read them: one chart per unit (shares in %, growth in %/năm,
each count in its own unit, never two units on one axis), a marker on every point (a measure with one figure still
shows), the periods in order on the x axis, results filled and targets hollow, the whole legend under the chart.
Pure: the page (ui/targets.py) only hands the charts to Streamlit."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd

from ui.exports import several_documents

ROW_PX = 35  # a row of st.dataframe, the header's too
TABLE_BORDER_PX = 3
CHAR_PX = 7.5  # about one character of the table's font
CELL_PADDING_PX = 24
# the units drawn first, in this order: shares, then growth rates; counts follow in the table's order
RATE_UNITS = ("%", "%/năm")
LEGEND_LINE_CHARS = 36  # a legend label longer than this goes on several lines (a narrow column or a phone)
TITLE_LINE_CHARS = 26  # a one-measure chart's title, its name: the chart may be half the page wide
PLOT_HEIGHT_PX = 220  # the plot's own height: the legend and title are added below and above it
# an axis label as Vietnamese writes numbers: «.» groups thousands, «,» marks decimals
VIETNAMESE_NUMBER = (
    "replace(replace(replace(format(datum.value, ',~f'), regexp(',', 'g'), ' '), regexp('[.]', 'g'), ','), regexp(' ', 'g'), '.')"
)


def table_height(rows: int) -> int:
    """The height of an st.dataframe (rows of ROW_PX) showing the header and every row, so nothing scrolls inside."""
    return (rows + 1) * ROW_PX + TABLE_BORDER_PX


def column_width(header: str, cells: list[str]) -> int:
    """Pixels for a column to show its longest text whole («khoảng 100 doanh nghiệp» is not cut)."""
    return round(max(len(t) for t in [header, *cells]) * CHAR_PX) + CELL_PADDING_PX


@dataclass
class UnitChart:
    unit: str
    title: str
    chart: alt.LayerChart


def period_labels(table: dict[str, Any]) -> dict[int, str]:
    """Year -> the column's label («2016-2020», not «2020»), in the table's order; a value for 2025 sits under
    «2021-2025» as it does in the table."""
    return {p["year"]: p["label"] for p in sorted(table["periods"], key=lambda p: p["year"])}


def series(row: dict[str, Any], several: bool) -> str:
    """A row's line: its measure, and with figures of several documents whose («Lao động được giải quyết việc làm» of
    the province and of a district are two lines), by the document's number or else its title."""
    return f"{row['measure']} ({row.get('doc_number') or row.get('doc_title', '')})" if several else str(row["measure"])


def chart_points(table: dict[str, Any], s: dict[str, Any]) -> pd.DataFrame:
    """One row per figure with a number and a period: what every chart draws."""
    labels = period_labels(table)
    kinds = {"result": s["targets_kind_result"], "target": s["targets_kind_target"]}
    several = several_documents(table)
    rows = [
        {
            "measure": series(row, several), "unit": row["unit"], "period": labels[v["year"]], "value": v["value"],
            "value_high": v["value_high"], "value_text": v["value_text"], "kind": kinds[v["kind"]],
        }
        for row in table["rows"]
        for v in row["values"]
        if v["value"] is not None and v["year"] in labels
    ]
    return pd.DataFrame(rows, columns=["measure", "unit", "period", "value", "value_high", "value_text", "kind"])


def _title(unit: str, s: dict[str, Any]) -> str:
    return {"%": s["targets_chart_share"], "%/năm": s["targets_chart_growth"]}.get(unit) or s["targets_chart_unit"].format(unit=unit)


def unit_chart(points: pd.DataFrame, periods: list[str], title: str, s: dict[str, Any]) -> alt.LayerChart:
    """Lines and markers of one unit's measures over the periods; a range («từ 8,0-8,5%») is a bar from its low
    end to its high end. A chart of one measure is titled with its name instead of a legend."""
    measures = list(dict.fromkeys(points["measure"]))
    unit = str(points["unit"].iloc[0])
    kinds = [s["targets_kind_result"], s["targets_kind_target"]]
    # the legend's symbols drawn as the marks are: a result filled, a target hollow
    filled = alt.ExprRef(f"datum.value === {json.dumps(kinds[0], ensure_ascii=False)} ? 'gray' : 'transparent'")
    single = len(measures) == 1
    header = (
        alt.TitleParams(textwrap.wrap(measures[0], TITLE_LINE_CHARS), subtitle=title, anchor="start") if single
        else alt.TitleParams(title, anchor="start")
    )
    measure_legend = None if single else _legend(labelExpr=wrapped_labels(measures))
    # counts and amounts step by whole numbers; every label in Vietnamese notation («40.000», «2,5»)
    y_axis = alt.Axis(labelExpr=VIETNAMESE_NUMBER) if unit in RATE_UNITS else alt.Axis(labelExpr=VIETNAMESE_NUMBER, tickMinStep=1)
    base = alt.Chart(points).encode(
        x=alt.X("period:O", sort=periods, scale=alt.Scale(domain=periods), title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=unit, scale=alt.Scale(zero=True), axis=y_axis),
        color=alt.Color("measure:N", sort=measures, scale=alt.Scale(domain=measures), legend=measure_legend),
    )
    lines = base.mark_line(strokeWidth=2, opacity=0.7)
    ranges = base.transform_filter("isValid(datum.value_high)").mark_rule(strokeWidth=3).encode(y2="value_high:Q")
    markers = base.mark_point(size=110, strokeWidth=2, opacity=1).encode(
        fill=alt.Fill("measure:N", sort=measures, scale=alt.Scale(domain=measures), legend=None),
        # the kind decides filled (result) or hollow (target), and the shape: one legend «Kết quả» / «Mục tiêu»
        fillOpacity=alt.FillOpacity("kind:N", scale=alt.Scale(domain=kinds, range=[1, 0]), legend=None),
        shape=alt.Shape("kind:N", scale=alt.Scale(domain=kinds, range=["circle", "diamond"]), legend=_legend(symbolFillColor=filled, symbolStrokeColor="gray")),
        tooltip=[
            alt.Tooltip("measure:N", title=s["targets_measure"]), alt.Tooltip("period:N", title=s["targets_period"]),
            alt.Tooltip("value_text:N", title=s["targets_value"]), alt.Tooltip("kind:N", title=s["targets_kind"]),
        ],
    )
    # the height is the plot's: Streamlit's default («fit») would take the legend's lines out of it
    sizing = alt.AutoSizeParams(type="fit-x", contains="padding")
    return alt.LayerChart(layer=[lines, ranges, markers], title=header, height=PLOT_HEIGHT_PX, autosize=sizing)


def _legend(**extra: Any) -> alt.Legend:
    """Below the plot, one entry a line and never cut: a measure's name may be long."""
    return alt.Legend(title=None, orient="bottom", direction="vertical", columns=1, labelLimit=0, **extra)


def wrapped_labels(names: list[str]) -> str:
    """A Vega expression giving each long name as lines (Vega draws a list of strings as lines), others as they are."""
    lines = {name: textwrap.wrap(name, LEGEND_LINE_CHARS) for name in names if len(name) > LEGEND_LINE_CHARS}
    return f"{json.dumps(lines, ensure_ascii=False)}[datum.label] || datum.label"


def target_charts(table: dict[str, Any], s: dict[str, Any]) -> list[UnitChart]:
    """One chart per unit: % first, then %/năm, then each count's unit in the table's order."""
    points = chart_points(table, s)
    periods = list(period_labels(table).values())
    units = list(dict.fromkeys(points["unit"]))
    units.sort(key=lambda u: RATE_UNITS.index(u) if u in RATE_UNITS else len(RATE_UNITS))
    charts = []
    for unit in units:
        title = _title(unit, s)
        charts.append(UnitChart(unit, title, unit_chart(points[points["unit"] == unit], periods, title, s)))
    return charts
