"""A section named by meaning, end to end (real model, real outline): a long heading named by its first clause is
answered from the whole section, typed with or without diacritics; a date asked of that section, which states none,
does not turn the answer into the section's outline."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import ingested_markdown

PLAN = """## I. MỤC TIÊU

Đến năm 2025, 100% cơ sở chế biến thủy sản trên địa bàn huyện được kiểm tra định kỳ về môi trường.

## II. NHIỆM VỤ VÀ GIẢI PHÁP

### 1. Nâng cao năng lực quản lý chất thải rắn, xử lý nước thải tại các cơ sở chế biến, bảo đảm vệ sinh an toàn thực phẩm

- Rà soát, thống kê toàn bộ cơ sở chế biến thủy sản có phát sinh nước thải.
- Hướng dẫn các cơ sở lắp đặt hệ thống xử lý nước thải đạt quy chuẩn.
- Tổ chức thu gom chất thải rắn tập trung tại các làng nghề.

### 2. Đẩy mạnh tuyên truyền, phổ biến pháp luật về bảo vệ môi trường, khuyến khích cộng đồng tham gia giám sát

- Phát hành tờ rơi, pa nô về bảo vệ môi trường tại các xã ven biển.
- Tổ chức hội thi tìm hiểu pháp luật về môi trường cho hội viên nông dân.
"""
FIRST_CLAUSE = "Huyện sẽ làm gì để nâng cao năng lực quản lý chất thải rắn?"
UNACCENTED = "huyen lam gi de nang cao nang luc quan ly chat thai ran"
DATE = "Nâng cao năng lực quản lý chất thải rắn phải hoàn thành vào ngày nào?"


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory, real_embedder):  # type: ignore[no-untyped-def]
    from qa_service.app import create_app

    meta = {"doc_type": "Kế hoạch", "issuer": "Ủy ban nhân dân huyện An Minh",
            "title": "Kế hoạch bảo vệ môi trường trong chế biến thủy sản huyện An Minh năm 2024"}
    components = ingested_markdown(tmp_path_factory.mktemp("sections"), real_embedder, [("ke-hoach-moi-truong-che-bien", PLAN, meta)])
    with TestClient(create_app(components.settings, components)) as client:
        yield client


def _ask(client: TestClient, question: str) -> dict:  # type: ignore[type-arg]
    return client.post("/ask", json={"question": question}).json()  # type: ignore[no-any-return]


def _quotes(body: dict) -> str:  # type: ignore[type-arg]
    return " ".join(c["quote"] for c in body["citations"])


@pytest.mark.slow
@pytest.mark.parametrize("question", [FIRST_CLAUSE, UNACCENTED])
def test_a_long_heading_named_by_its_first_clause_is_answered_whole(plan: TestClient, question: str) -> None:
    body = _ask(plan, question)
    quotes = _quotes(body)
    assert body["answered"] and all(item in quotes for item in ("Rà soát, thống kê", "lắp đặt hệ thống", "thu gom chất thải rắn"))
    assert "Phát hành tờ rơi" not in quotes


@pytest.mark.slow
def test_a_date_the_section_does_not_state_is_no_outline(plan: TestClient) -> None:
    body = _ask(plan, DATE)
    assert not (body["answered"] and all(item in _quotes(body) for item in ("Rà soát, thống kê", "lắp đặt hệ thống")))
