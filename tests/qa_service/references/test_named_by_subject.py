"""A document named by its type and the words of its subject, not its whole title: «nghị quyết về công nghiệp chế
biến nông sản» is the loaded Nghị quyết «về phát triển công nghiệp chế biến nông sản đến năm 2030 …»."""

from __future__ import annotations

import pytest

from tests.conftest import ingested
from tests.fixtures.documents import write_markdown
from tests.fixtures.fakes import HashEmbedder


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
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
    write_markdown(
        folder, "qd-khuyen-cong", DECISION,
        title="Quyết định quy định mức hỗ trợ khuyến công địa phương", doc_type="Quyết định", doc_number="07/2024/QĐ-UBND",
    )
    components, _ = ingested(root / "index", HashEmbedder(), [folder])
    return components


@pytest.fixture(scope="module")
def registry(components):  # type: ignore[no-untyped-def]
    return components.registry


DECISION = """Điều 1. Phạm vi điều chỉnh

Quyết định này quy định mức hỗ trợ cho các hoạt động khuyến công địa phương.

Điều 2. Mức hỗ trợ

1. Hỗ trợ xây dựng mô hình trình diễn kỹ thuật: tối đa 40% chi phí.

2. Hỗ trợ tổ chức hội chợ, triển lãm: tối đa 70% chi phí thuê mặt bằng.

Điều 3. Hiệu lực thi hành

Quyết định này có hiệu lực thi hành kể từ ngày 01/3/2024.
"""


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("Cơ quan nào theo dõi việc thực hiện nghị quyết về công nghiệp chế biến nông sản?", "nq-che-bien"),
        ("Nghị quyết về năng lượng đặt mục tiêu gì?", None),  # one pair of its title: too few to name it
        ("Nghị quyết về chiến lược phát triển năng lượng quốc gia có mục tiêu gì?", "nq-nang-luong"),
        ("kế hoạch hỗ trợ công nghiệp chế biến nông sản giao ai chủ trì?", "kh-che-bien"),  # the type decides
        ("Công nghiệp chế biến nông sản được hỗ trợ thế nào?", None),  # no type named: a subject, not a document
        # said shorter than its title: every word the title's, one pair of it in a row
        ("kế hoạch hỗ trợ chế biến năm 2024 giao ai chủ trì?", "kh-che-bien"),
        ("Nghị quyết về phát triển nông sản có gì mới?", None),  # four of its words: too few to name it
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


def test_the_words_that_named_the_document_are_its_span(registry) -> None:  # type: ignore[no-untyped-def]
    from qa_service.services.named import resolve

    question = "Cơ quan nào theo dõi việc thực hiện nghị quyết về công nghiệp chế biến nông sản?"
    span = resolve(question, registry).span
    assert span is not None and question[span[0] : span[1]] == "nghị quyết về công nghiệp chế biến nông sản"


def test_words_that_name_the_document_name_none_of_its_sections(components) -> None:  # type: ignore[no-untyped-def]
    """«Quyết định quy định mức hỗ trợ …» names the decision; its Điều 2 is titled «Mức hỗ trợ» and is not what a
    question about the decision's date asks; without the document's words set apart it is named. A word the question
    says again outside the name still counts («Luật Đầu tư quy định ưu đãi đầu tư …»)."""
    from dataclasses import replace

    from qa_service.services.query import parse_question
    from qa_service.services.sections import SectionIndex

    question = "Quyết định quy định mức hỗ trợ khuyến công địa phương có hiệu lực từ ngày nào?"
    query = parse_question(question, components.registry, segmenter=components.segmenter)
    assert query.doc_ids == ["qd-khuyen-cong"] and not {"muc", "ho", "tro"} & query.subject_words
    index = SectionIndex(components.registry)
    assert index.named(query, ["qd-khuyen-cong"], components.embedder) is None or (
        index.named(query, ["qd-khuyen-cong"], components.embedder).label != "Điều 2"  # type: ignore[union-attr]
    )
    # ablation: the same question with the document's words read as the question's own
    unread = replace(query, document_span=None)
    named = index.named(unread, ["qd-khuyen-cong"], components.embedder)
    assert named is not None and named.label == "Điều 2"


def test_a_word_said_again_outside_the_name_is_the_questions(components) -> None:  # type: ignore[no-untyped-def]
    from qa_service.services.query import parse_question

    query = parse_question(
        "Quyết định quy định mức hỗ trợ khuyến công địa phương quy định mức hỗ trợ hội chợ là bao nhiêu?",
        components.registry, segmenter=components.segmenter,
    )
    assert {"muc", "ho", "tro", "hoi"} <= query.subject_words and "khuyen" not in query.subject_words
