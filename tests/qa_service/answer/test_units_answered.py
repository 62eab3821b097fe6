"""Units end to end (real model): a targets table answers a count through its unit column, a count is answered by
a figure of what it counts, and «bao nhiêu phần trăm diện tích?» is answered with the percentage, not an area."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ingested_markdown

PLAN = """## I. KẾT QUẢ NĂM 2023 VÀ CHỈ TIÊU NĂM 2024

Năm 2023, ngành nghề nông thôn của huyện tiếp tục phát triển; nhiều cơ sở đan đệm bàng mở rộng sản xuất.

| TT | Chỉ tiêu | Đơn vị tính | Thực hiện năm 2023 | Kế hoạch năm 2024 |
|---|---|---|---|---|
| 1 | Lao động làm việc trong ngành nghề nông thôn | người | 1.640 | 1.700 |
| 2 | Số cơ sở ngành nghề nông thôn | cơ sở | 286 | 300 |

## II. CỤM CÔNG NGHIỆP

1. Cụm công nghiệp Sóc Sơn có diện tích quy hoạch 48 ha, đã hoàn thành hạ tầng giai đoạn 1.

2. Giải phóng mặt bằng giai đoạn 2 Cụm công nghiệp Sóc Sơn: đã chi trả bồi thường cho 52 hộ, nhận bàn giao mặt bằng đạt 71% diện tích.
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory, real_embedder):  # type: ignore[no-untyped-def]
    from qa_service.app import create_app
    meta = {"doc_type": "Kế hoạch", "issuer": "Ủy ban nhân dân huyện Hòn Đất",
            "title": "Kế hoạch phát triển ngành nghề nông thôn huyện Hòn Đất năm 2024"}
    components = ingested_markdown(tmp_path_factory.mktemp("units"), real_embedder, [("ke-hoach-nganh-nghe-hon-dat", PLAN, meta)], programme=True)
    with TestClient(create_app(components.settings, components)) as client:
        yield client


def _ask(client: TestClient, question: str) -> dict:  # type: ignore[type-arg]
    return client.post("/ask", json={"question": question}).json()  # type: ignore[no-any-return]


COUNT = "Năm 2023 huyện Hòn Đất có bao nhiêu cơ sở ngành nghề nông thôn?"
RATE = "Giải phóng mặt bằng giai đoạn 2 Cụm công nghiệp Sóc Sơn đạt bao nhiêu phần trăm diện tích?"


@pytest.mark.slow
def test_a_count_is_answered_from_its_row_with_the_unit_column(plan: TestClient) -> None:
    body = _ask(plan, COUNT)
    assert body["answered"] and "286" in body["citations"][0]["quote"] and "1.640" not in body["citations"][0]["quote"]


@pytest.mark.slow
def test_ablation_without_the_unit_column_the_row_holds_no_count(plan: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_service.services import asked

    monkeypatch.setattr(asked, "with_units", lambda row: row)
    body = _ask(plan, COUNT)
    assert not (body["answered"] and "286" in body["citations"][0]["quote"])


@pytest.mark.slow
def test_a_percentage_of_an_area_is_answered_with_the_percentage(plan: TestClient) -> None:
    body = _ask(plan, RATE)
    assert body["answered"] and "71% diện tích" in body["citations"][0]["quote"]


@pytest.mark.slow
def test_ablation_without_the_unit_named_the_kind_is_the_readers_alone(plan: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from qa_service.services import intent

    monkeypatch.setattr(intent, "unit_asked", lambda question: None)
    body = _ask(plan, RATE)
    assert not (body["answered"] and "71% diện tích" in body["citations"][0]["quote"])
