"""«Chương trình gồm những phần nào?»: an overview question that names nothing but the document is answered by the
document's top-level headings; one that names a part of it is not."""

from __future__ import annotations

import pytest

from qa_service.services.sections import SectionIndex, content_syllables, names_only_document

TITLE = "Chương trình hành động thực hiện Nghị quyết về phát triển công nghiệp giai đoạn 2021-2025"


@pytest.mark.parametrize(
    ("words", "whole"),
    [
        ("Chương trình gồm những phần nào?", True),
        ("Nội dung chính của chương trình phát triển công nghiệp là gì?", True),
        ("Mục tiêu đến năm 2030 của chương trình gồm những gì?", False),
        ("Các giải pháp về nguồn nhân lực gồm những gì?", False),
    ],
)
def test_only_the_document_named(words: str, whole: bool) -> None:
    assert names_only_document(content_syllables(words), TITLE) is whole


def test_the_root_section_holds_the_top_level_parts(corpus_components) -> None:  # type: ignore[no-untyped-def]
    registry = corpus_components.registry
    doc_id = next(d.doc_id for d in registry.documents() if d.doc_id.startswith("chuong-trinh"))
    root = SectionIndex(registry).root(doc_id, "Chương trình")
    assert root is not None
    assert [label.split(".")[0] for label in root.children] == list(root.children)  # top level only
    assert len(root.children) >= 3
