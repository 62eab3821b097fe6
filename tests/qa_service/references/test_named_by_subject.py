"""A document named by its type and the words of its subject, not its whole title: «nghị quyết về công nghiệp chế
biến nông sản» is the loaded Nghị quyết «về phát triển công nghiệp chế biến nông sản đến năm 2030 …»."""

from __future__ import annotations

import pytest

from tests.conftest import ingested
from tests.fixtures.documents import write_markdown
from tests.fixtures.fakes import HashEmbedder


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("named-subject")
    folder = root / "docs"
    write_markdown(
        folder, "nq-che-bien", "I. MỤC TIÊU\n\n1. Nâng tỷ lệ nông sản chế biến sâu.\n",
        title="Nghị quyết về phát triển công nghiệp chế biến nông sản đến năm 2030, tầm nhìn đến năm 2045",
        doc_type="Nghị quyết", doc_number="86-NQ/TW",
    )
    write_markdown(
        folder, "nq-nang-luong", "I. MỤC TIÊU\n\n1. Bảo đảm an ninh năng lượng quốc gia.\n",
        title="Nghị quyết về định hướng chiến lược phát triển năng lượng quốc gia", doc_type="Nghị quyết", doc_number="55-NQ/TW",
    )
    write_markdown(
        folder, "kh-che-bien", "I. NHIỆM VỤ\n\n1. Hỗ trợ doanh nghiệp chế biến nông sản.\n",
        title="Kế hoạch hỗ trợ công nghiệp chế biến nông sản năm 2024", doc_type="Kế hoạch", doc_number="12/KH-UBND",
    )
    components, _ = ingested(root / "index", HashEmbedder(), [folder])
    return components.registry


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("Cơ quan nào theo dõi việc thực hiện nghị quyết về công nghiệp chế biến nông sản?", "nq-che-bien"),
        ("Nghị quyết về năng lượng đặt mục tiêu gì?", None),  # one pair of its title: too few to name it
        ("Nghị quyết về chiến lược phát triển năng lượng quốc gia có mục tiêu gì?", "nq-nang-luong"),
        ("kế hoạch hỗ trợ công nghiệp chế biến nông sản giao ai chủ trì?", "kh-che-bien"),  # the type decides
        ("Công nghiệp chế biến nông sản được hỗ trợ thế nào?", None),  # no type named: a subject, not a document
    ],
)
def test_a_type_and_its_subject_words_name_the_document(registry, question: str, doc_id: str | None) -> None:  # type: ignore[no-untyped-def]
    from qa_service.services.named import resolve

    assert resolve(question, registry).doc_id == doc_id


def test_a_document_named_as_left_out_is_excluded(registry) -> None:  # type: ignore[no-untyped-def]
    from qa_service.services.named import resolve

    assert resolve("Ngoài nghị quyết về công nghiệp chế biến nông sản còn văn bản nào?", registry).excluded == ("nq-che-bien",)


def test_ablation_a_run_out_of_reach_names_nothing(registry, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from qa_service.services import named

    question = "Cơ quan nào theo dõi việc thực hiện nghị quyết về công nghiệp chế biến nông sản?"
    monkeypatch.setattr(named, "MIN_TITLE_RUN", 50)
    assert named.resolve(question, registry).doc_id is None
