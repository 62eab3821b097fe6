"""A decision's legal basis («Căn cứ Luật … ngày …;») names the acts it rests on: asked when the decision takes
effect, the answer leads with the decision's own dated sentence, not with a basis line that holds more of the
question's words (the `basis_line` sentence feature; its ablation leads with the basis)."""

from __future__ import annotations

import pytest

from tests.conftest import ingested_markdown
from tests.fixtures.answers import ask_weighted

pytestmark = pytest.mark.slow

DECISION = """Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;

Căn cứ Nghị định số 45/2012/NĐ-CP ngày 21 tháng 5 năm 2012 của Chính phủ về hỗ trợ phát triển nghề đan đát;

Xét đề nghị của Trưởng phòng Kinh tế huyện tại Tờ trình số 12/TTr-PKT ngày 02 tháng 3 năm 2025.

QUYẾT ĐỊNH:

Điều 1. Ban hành mức hỗ trợ phát triển nghề đan đát trên địa bàn huyện Gò Quao: hỗ trợ 50% chi phí mua nguyên liệu,
tối đa 20 triệu đồng/cơ sở.

Điều 2. Phòng Kinh tế huyện chủ trì, hướng dẫn các xã thực hiện Quyết định này.

Điều 3. Quyết định này có hiệu lực thi hành kể từ ngày 15/4/2025.
"""
QUESTION = "Quyết định về mức hỗ trợ phát triển nghề đan đát của huyện Gò Quao có hiệu lực từ ngày nào?"


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory, real_embedder):  # type: ignore[no-untyped-def]
    front = {
        "doc_type": "Quyết định", "issuer": "Ủy ban nhân dân huyện Gò Quao", "doc_number": "07/2025/QĐ-UBND",
        "title": "Quyết định ban hành mức hỗ trợ phát triển nghề đan đát trên địa bàn huyện Gò Quao",
    }
    root = tmp_path_factory.mktemp("basis")
    return ingested_markdown(root, real_embedder, [("quyet-dinh-nghe-dan-dat-go-quao", DECISION, front)], programme=True)


def _ask(components, weights: dict[str, float] | None = None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return ask_weighted(components, QUESTION, weights)


def test_the_effective_date_leads_not_the_basis(components) -> None:  # type: ignore[no-untyped-def]
    body = _ask(components)
    assert body["answered"] and "15/4/2025" in body["answer"].split("\n")[0]


def test_ablation_with_basis_lines_neutral_a_basis_line_leads(components) -> None:  # type: ignore[no-untyped-def]
    body = _ask(components, {"basis_line": 0.0})
    assert body["answer"].startswith("Căn cứ")
