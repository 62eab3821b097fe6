"""The «Chỉ tiêu» charts and table as specs (ui/target_charts.py): one chart per unit, a marker on every point, the
periods as ordered categories, the legend under the plot and never cut, results told from targets; the table as tall
as its rows. Issue 32: the growth series was invisible (no markers), the legend cut, %/năm and % on one axis,
2016-2020 plotted as «2020», the last row under an inner scroll."""

from __future__ import annotations

from typing import Any

import altair as alt
import pytest

from ui import targets as targets_page_module
from ui.client import QaClient
from ui.exports import target_cells
from ui.strings import S
from ui.target_charts import ROW_PX, chart_points, column_width, table_height, target_charts

PERIODS = [
    {"year": 2020, "label": "2016-2020", "kind": "result"},
    {"year": 2025, "label": "2021-2025", "kind": "target"},
    {"year": 2030, "label": "2030", "kind": "target"},
]


def _value(year: int, period: str, text: str, value: float, kind: str = "target", high: float | None = None) -> dict[str, Any]:
    return {"year": year, "period": period, "kind": kind, "value_text": text, "value": value, "value_high": high,
            "citation": {"citation_label": "Mục 1", "quote": text}}


def _row(measure: str, unit: str, *values: dict[str, Any]) -> dict[str, Any]:
    return {"measure_id": measure.lower(), "measure": measure, "unit": unit, "values": list(values)}


GRDP = "Tỷ trọng công nghiệp trong GRDP"
GROWTH = "Tăng trưởng ngành công nghiệp bình quân"
OUTPUT = "Giá trị sản xuất ngành công nghiệp, tăng bình quân"
NEW_FIRMS = "Doanh nghiệp công nghiệp phát triển mới"
NEW_FIRMS_UP = "Doanh nghiệp công nghiệp phát triển mới, tăng so với giai đoạn 2015-2020"
# shaped as GET /targets answers for the programme, cut down
TABLE = {
    "periods": PERIODS,
    "rows": [
        _row(GROWTH, "%/năm", _value(2020, "2016-2020", "7,62%/năm", 7.62, "result")),
        _row(GRDP, "%", _value(2020, "2016-2020", "12,78%", 12.78, "result"), _value(2025, "2021-2025", "trên 15%", 15),
             _value(2030, "2030", "trên 18%", 18)),
        _row("Vốn đầu tư thu hút", "tỷ đồng", _value(2020, "2016-2020", "5.314 tỷ đồng", 5314, "result")),
        _row(NEW_FIRMS, "doanh nghiệp", _value(2025, "2021-2025", "khoảng 100 doanh nghiệp", 100)),
        _row(NEW_FIRMS_UP, "%", _value(2025, "2021-2025", "13%", 13)),
        _row("Khu công nghiệp hoàn thành đầu tư", "khu công nghiệp", _value(2025, "2025", "02 khu công nghiệp", 2)),
        _row(OUTPUT, "%/năm", _value(2030, "2030", "từ 8,0-8,5%/năm", 8.0, high=8.5)),
    ],
}


def _layers(chart: alt.LayerChart) -> list[dict[str, Any]]:
    layers: list[dict[str, Any]] = chart.to_dict()["layer"]
    return layers


def _data(chart: alt.LayerChart) -> list[dict[str, Any]]:
    """The rows the chart draws."""
    spec = chart.to_dict()
    return [row for rows in spec["datasets"].values() for row in rows]


def test_one_chart_per_unit_rates_first() -> None:
    charts = target_charts(TABLE, S)
    assert [c.unit for c in charts] == ["%", "%/năm", "tỷ đồng", "doanh nghiệp", "khu công nghiệp"]
    assert [c.title for c in charts][:2] == [S["targets_chart_share"], S["targets_chart_growth"]]
    for chart in charts:
        rows = _data(chart.chart)
        assert {r["unit"] for r in rows} == {chart.unit}  # never two units on one axis
        assert all(layer["encoding"]["y"]["title"] == chart.unit for layer in _layers(chart.chart))
    growth = charts[1]
    # the 2016-2020 growth and the 2030 gross output growth: two measures, one point each, both drawn
    assert {(r["measure"], r["period"]) for r in _data(growth.chart)} == {(GROWTH, "2016-2020"), (OUTPUT, "2030")}


def test_every_point_has_a_marker_and_the_periods_are_ordered_categories() -> None:
    for chart in target_charts(TABLE, S):
        layers = _layers(chart.chart)
        marks = [layer["mark"]["type"] for layer in layers]
        assert marks == ["line", "rule", "point"]
        point = layers[2]
        assert "transform" not in point  # every figure, not a filtered few
        assert point["mark"]["size"] >= 100 and point["mark"]["opacity"] == 1
        for layer in layers:
            x = layer["encoding"]["x"]
            assert x["type"] == "ordinal" and x["field"] == "period"
            assert x["sort"] == x["scale"]["domain"] == ["2016-2020", "2021-2025", "2030"]
    # a figure for 2025 sits under «2021-2025», a result of 2016-2020 under its range, never under «2020»
    points = chart_points(TABLE, S)
    assert set(points["period"]) == {"2016-2020", "2021-2025", "2030"}
    assert points[points["measure"] == "Khu công nghiệp hoàn thành đầu tư"]["period"].tolist() == ["2021-2025"]


def test_a_range_is_drawn_from_its_low_to_its_high_end() -> None:
    growth = target_charts(TABLE, S)[1]
    rule = _layers(growth.chart)[1]
    assert rule["encoding"]["y2"]["field"] == "value_high" and rule["transform"] == [{"filter": "isValid(datum.value_high)"}]
    assert [(r["value"], r["value_high"]) for r in _data(growth.chart) if r["measure"] == OUTPUT] == [(8.0, 8.5)]


def test_the_legend_is_below_the_plot_whole_and_long_names_wrap() -> None:
    share = target_charts(TABLE, S)[0]
    color = _layers(share.chart)[0]["encoding"]["color"]
    legend = color["legend"]
    assert (legend["orient"], legend["columns"], legend["labelLimit"]) == ("bottom", 1, 0)
    assert color["scale"]["domain"] == [GRDP, NEW_FIRMS_UP]
    # the long name goes on two lines, the short one as it is
    assert '"Doanh nghiệp công nghiệp phát triển", "mới, tăng so với giai đoạn 2015-2020"' in legend["labelExpr"]
    assert GRDP + '"' not in legend["labelExpr"]
    # the plot keeps its height: the legend is added below it, not taken out of it
    spec = share.chart.to_dict()
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"} and spec["height"] >= 200


def test_a_one_measure_chart_is_titled_with_its_name_and_unit() -> None:
    money = target_charts(TABLE, S)[2]
    spec = money.chart.to_dict()
    assert spec["title"]["text"] == ["Vốn đầu tư thu hút"] and spec["title"]["subtitle"] == "Đơn vị: tỷ đồng"
    assert spec["layer"][0]["encoding"]["color"]["legend"] is None


def test_results_are_filled_and_targets_hollow_with_a_legend_saying_so() -> None:
    point = _layers(target_charts(TABLE, S)[0].chart)[2]["encoding"]
    kinds = [S["targets_kind_result"], S["targets_kind_target"]]
    assert point["fillOpacity"]["field"] == "kind" and point["fillOpacity"]["scale"] == {"domain": kinds, "range": [1, 0]}
    assert point["shape"]["field"] == "kind" and point["shape"]["scale"]["domain"] == kinds
    assert point["shape"]["legend"]["orient"] == "bottom"
    assert point["shape"]["legend"]["symbolFillColor"] == {"expr": "datum.value === \"Kết quả\" ? 'gray' : 'transparent'"}
    assert {(r["period"], r["kind"]) for r in _data(target_charts(TABLE, S)[0].chart) if r["measure"] == GRDP} == {
        ("2016-2020", "Kết quả"), ("2021-2025", "Mục tiêu"), ("2030", "Mục tiêu"),
    }


def test_the_table_is_as_tall_as_its_rows_and_its_columns_as_wide_as_their_texts() -> None:
    assert table_height(13) == 14 * ROW_PX + 3
    assert table_height(0) == ROW_PX + 3
    assert column_width("2021-2025", ["khoảng 100 doanh nghiệp", "13%"]) > column_width("2030", ["trên 18%"])


def test_the_page_gives_the_table_its_full_height_and_draws_each_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: dict[str, Any] = {"charts": []}

    class Client(QaClient):
        def targets(self, doc_ids: list[str] | None = None) -> dict[str, Any]:
            return TABLE

    monkeypatch.setattr(targets_page_module.st, "dataframe", lambda frame, **kw: shown.update(frame=frame, **kw))
    monkeypatch.setattr(targets_page_module.st, "vega_lite_chart", lambda **kw: shown["charts"].append(kw["spec"]))
    targets_page_module.targets_page(Client())
    assert len(shown["frame"]) == len(TABLE["rows"]) == 7
    assert shown["height"] == table_height(7) and shown["row_height"] == ROW_PX
    assert len(shown["charts"]) == 5


# two documents' figures (issue 30): a district's report beside the programme
REPORT = "Báo cáo kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2023 và phương hướng, nhiệm vụ năm 2024 của huyện"
SEVERAL = {
    "periods": [{"year": 2020, "label": "2016-2020", "kind": "result"}, {"year": 2023, "label": "2023", "kind": "mixed"},
                {"year": 2024, "label": "2024", "kind": "result"}],
    "rows": [
        {**_row("Lao động được giải quyết việc làm", "lao động", _value(2020, "2016-2020", "hơn 44.000 lao động", 44000, "result")),
         "doc_id": "chuong-trinh", "doc_title": "Chương trình hành động về phát triển công nghiệp", "doc_number": None},
        {**_row("Lao động được giải quyết việc làm", "lao động",
                {**_value(2023, "2023", "3.450 lao động", 3450, "result"), "of_plan": "đạt 115% kế hoạch"}),
         "doc_id": "bao-cao", "doc_title": REPORT, "doc_number": "318/BC-UBND"},
        {**_row("Giá trị sản xuất công nghiệp - tiểu thủ công nghiệp", "tỷ đồng",
                {**_value(2023, "2023", "2.980 tỷ đồng", 2980, "result"), "of_plan": "đạt 98,3% kế hoạch"},
                _value(2023, "2023", "3.030 tỷ đồng", 3030, "target"),
                _value(2024, "6 tháng đầu năm 2024", "2.085 tỷ đồng", 2085, "result")),
         "doc_id": "bao-cao", "doc_title": REPORT, "doc_number": "318/BC-UBND"},
    ],
}


def test_figures_of_several_documents_say_whose_they_are() -> None:
    header, rows = target_cells(SEVERAL, S)
    assert header == [S["targets_document"], "", "2016-2020", "2023", "2024"]
    assert rows[0][:2] == ["Chương trình hành động về phát triển công nghiệp", "Lao động được giải quyết việc làm"]
    assert rows[1][0].endswith("…") and len(rows[1][0]) <= 80  # a long title, cut
    # a plan's share follows its result; beside a result a target says it is one; part of a year says which
    assert rows[2][2:] == ["", "2.980 tỷ đồng (đạt 98,3% kế hoạch); Mục tiêu: 3.030 tỷ đồng", "6 tháng đầu năm 2024: 2.085 tỷ đồng"]
    # one document: no column of documents, cells as before
    assert target_cells(TABLE, S)[0] == ["", "2016-2020", "2021-2025", "2030"]
    # the province's and the district's jobs are two lines, told by the document's number
    measures = set(chart_points(SEVERAL, S)["measure"])
    assert {"Lao động được giải quyết việc làm (318/BC-UBND)", "Lao động được giải quyết việc làm (Chương trình hành động về phát triển công nghiệp)"} <= measures


def test_the_page_puts_the_document_first_when_several_give_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    shown: dict[str, Any] = {"charts": []}

    class Client(QaClient):
        def targets(self, doc_ids: list[str] | None = None) -> dict[str, Any]:
            return SEVERAL

    monkeypatch.setattr(targets_page_module.st, "dataframe", lambda frame, **kw: shown.update(frame=frame, **kw))
    monkeypatch.setattr(targets_page_module.st, "vega_lite_chart", lambda **kw: shown["charts"].append(kw["spec"]))
    targets_page_module.targets_page(Client())
    assert list(shown["frame"].columns) == [S["targets_document"], S["targets_measure"], "2016-2020 (kết quả)", "2023", "2024 (kết quả)"]
    assert len(shown["frame"]) == 3 and len(shown["charts"]) == 2  # lao động, tỷ đồng
