"""A form's blanks share their words with any question about what a policy gives («Hộ kinh doanh … được hỗ trợ
gì?»): on the whole Gazette library application forms came first for such questions. A passage that is mostly
blanks weighs less unless the question asks for a form. Both tiers' embedders."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_service.components.embedder import Embedder
from tests.conftest import ingested
from tests.fixtures.documents import write_markdown

POLICY = "Điều 5. Mức hỗ trợ\n\nHộ kinh doanh phải tạm ngừng kinh doanh được hỗ trợ một lần 3.000.000 đồng.\n"
FORM = (
    "Điều 9. Mẫu đơn\n\nĐƠN ĐỀ NGHỊ HỖ TRỢ HỘ KINH DOANH TẠM NGỪNG KINH DOANH DO DỊCH COVID-19\n\n"
    "Tên hộ kinh doanh:........................................ Địa chỉ kinh doanh:........................................\n\n"
    "Hộ kinh doanh tạm ngừng kinh doanh từ ngày......tháng......năm...... Đề nghị được hỗ trợ:....................\n"
)


@pytest.fixture
def forms_and_policy(tmp_path: Path, embedder: Embedder):  # type: ignore[no-untyped-def]
    folder = tmp_path / "docs"
    write_markdown(folder, "chinh-sach", POLICY, title="Quyết định về chính sách hỗ trợ", doc_type="Quyết định", doc_number="23/2021/QĐ-TTg")
    write_markdown(folder, "mau-don", FORM, title="Thông tư ban hành biểu mẫu", doc_type="Thông tư", doc_number="15/2021/TT-BLĐTBXH")
    components, report = ingested(tmp_path / "index", embedder, [folder])
    assert not report.skipped
    return components


def _first(components, question: str) -> str:  # type: ignore[no-untyped-def]
    from qa_service.services.retrieval import HybridRetriever

    return HybridRetriever(components).search(question, 2)[0].chunk.doc_id


QUESTION = "Hộ kinh doanh tạm ngừng kinh doanh do dịch Covid-19 được hỗ trợ gì?"


def test_a_policy_question_is_answered_by_the_policy_not_by_its_form(forms_and_policy) -> None:  # type: ignore[no-untyped-def]
    assert _first(forms_and_policy, QUESTION) == "chinh-sach"


def test_without_the_weight_the_form_would_come_first(forms_and_policy) -> None:  # type: ignore[no-untyped-def]
    # what the weight is for: the form repeats the question's words more often than the policy does
    forms_and_policy.settings.retrieval.weights = {"form": 0.0}
    assert _first(forms_and_policy, QUESTION) == "mau-don"


@pytest.mark.parametrize("question", ["Mẫu đơn đề nghị hỗ trợ hộ kinh doanh tạm ngừng kinh doanh?", "Tờ khai đề nghị hỗ trợ hộ kinh doanh?"])
def test_a_question_asking_for_the_form_gets_the_form(forms_and_policy, question: str) -> None:  # type: ignore[no-untyped-def]
    assert _first(forms_and_policy, question) == "mau-don"


def test_placeholder_share() -> None:
    from qa_service.text import placeholder_share

    assert placeholder_share("Họ và tên:.................... Địa chỉ:………………") > 0.5
    assert placeholder_share("Hộ kinh doanh được hỗ trợ 3.000.000 đồng.") == 0.0
    assert placeholder_share("") == 0.0
