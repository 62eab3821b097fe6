"""A place or body the question names must be named by the document the answer quotes: a submission's count of
projects is not a count for «thành phố Phú Quốc» when it never mentions Phú Quốc, though another loaded document (the
programme) does. Then the refusal says which document does not mention what."""

from __future__ import annotations

import pytest

from tests.conftest import ingested_markdown
from tests.fixtures.answers import ask_weighted

pytestmark = pytest.mark.slow

SUBMISSION = """I. KẾT QUẢ TỔNG HỢP

Sở Công Thương nhận được 38 đề án đăng ký khuyến công của các huyện Giồng Riềng, Tân Hiệp và Châu Thành. Qua thẩm
định, có 20 đề án đủ điều kiện hỗ trợ.

II. ĐỀ NGHỊ

Kính đề nghị Ủy ban nhân dân tỉnh phê duyệt kinh phí hỗ trợ 20 đề án khuyến công địa phương năm 2025.
"""


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory, real_embedder):  # type: ignore[no-untyped-def]
    front = {
        "doc_type": "Tờ trình", "issuer": "Sở Công Thương", "doc_number": "2315/TTr-SCT",
        "title": "Tờ trình về việc phê duyệt kinh phí hỗ trợ các đề án khuyến công địa phương năm 2025",
    }
    root = tmp_path_factory.mktemp("named-in")
    return ingested_markdown(root, real_embedder, [("to-trinh-de-an-khuyen-cong-2025", SUBMISSION, front)], programme=True)


def test_a_place_the_quoted_document_never_names_is_refused_as_such(components) -> None:  # type: ignore[no-untyped-def]
    body = ask_weighted(components, "Sở Công Thương nhận được bao nhiêu đề án khuyến công đăng ký từ thành phố Phú Quốc?")
    assert not body["answered"] and "không nhắc đến" in body["answer"] and "Phú Quốc" in body["answer"]


def test_a_place_it_names_is_answered(components) -> None:  # type: ignore[no-untyped-def]
    body = ask_weighted(components, "Sở Công Thương nhận được bao nhiêu đề án khuyến công đăng ký từ huyện Tân Hiệp?")
    assert body["answered"] and "38 đề án" in body["answer"]
