"""Which document a name or number points at: titles and numbers read from the document's own heading, a
dotted number, the programme named in English, a title that is only its type."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import ingested
from tests.fixtures.documents import write_markdown
from tests.fixtures.fakes import HashEmbedder
from tests.fixtures.library import DECREE, INVESTMENT_2014, LABOUR_CODE, ask


def test_titles_and_numbers_come_from_the_documents_own_heading(library: TestClient) -> None:
    loaded = {d["doc_id"]: d for d in library.get("/documents").json()["loaded"]}
    assert loaded[LABOUR_CODE]["title"] == "Bộ luật Lao động (văn bản hợp nhất)"
    assert loaded[LABOUR_CODE]["number"] == "125/VBHN-VPQH" and loaded[LABOUR_CODE]["type"] == "Bộ luật"
    assert loaded[DECREE]["title"] == (
        "Nghị định quy định chi tiết một số điều và biện pháp để tổ chức, hướng dẫn thi hành Luật Thuế thu nhập "
        "doanh nghiệp (văn bản hợp nhất)"
    )
    assert loaded[DECREE]["number"] == "19/VBHN-BTC"  # from the authentication block at the end
    assert (loaded[INVESTMENT_2014]["title"], loaded[INVESTMENT_2014]["number"]) == ("Luật Đầu tư", "67/2014/QH13")


def test_a_dotted_number_names_its_own_document_not_the_one_its_tail_spells(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """«Nghị quyết 66.16/2026/NQ-CP» is not «16/2026/NQ-CP» (both are in the Gazette set): the whole number names
    the document, in a question and in /search."""
    from qa_service.app import create_app
    from qa_service.references import REFERENCE

    assert REFERENCE.search("Điều 2 Nghị quyết 66.16/2026/NQ-CP quy định gì?").group(0).endswith("66.16/2026/NQ-CP")  # type: ignore[union-attr]
    folder = tmp_path / "docs"
    folder.mkdir()
    for number, slug, subject in (
        ("16/2026/NQ-CP", "nq-16", "phát triển kinh tế tư nhân"),
        ("66.16/2026/NQ-CP", "nq-66-16", "cắt giảm thủ tục hành chính"),
    ):
        (folder / f"{slug}.md").write_text(
            f'---\ntitle: "Nghị quyết về {subject}"\ndoc_type: "Nghị quyết"\ndoc_number: "{number}"\n---\n\n'
            f"Điều 1. Phạm vi điều chỉnh\n\nNghị quyết này quy định về {subject} trong năm 2026 trên phạm vi cả nước.\n\n"
            f"Điều 2. Trách nhiệm thi hành\n\nCác bộ, ngành và địa phương tổ chức thực hiện việc {subject} theo Nghị quyết này.\n",
            encoding="utf-8",
        )
    components, _ = ingested(tmp_path / "index", HashEmbedder(), [folder])
    with TestClient(create_app(components.settings, components)) as client:
        for question, doc_id in (
            ("Điều 2 Nghị quyết 66.16/2026/NQ-CP quy định gì?", "nq-66-16"),
            ("Điều 2 Nghị quyết 16/2026/NQ-CP quy định gì?", "nq-16"),
        ):
            hits = client.post("/search", json={"query": question, "top_k": 3}).json()["hits"]
            assert (hits[0]["doc_id"], hits[0]["citation_label"]) == (doc_id, "Điều 2"), question
            body = client.post("/ask", json={"question": question}).json()
            assert body["citations"][0]["doc_id"] == doc_id, question


def test_the_programme_is_named_in_english_too(library: TestClient) -> None:
    from qa_service.services.named import resolve

    body = ask(library, "Who signed the action programme?")
    assert [c["doc_id"] for c in body["citations"]][:1] == ["chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025"]
    assert "Mai Văn Huỳnh" in body["answer"]
    registry = library.app.state.services.components.registry  # type: ignore[attr-defined]
    assert resolve("What does the programme say about industrial clusters?", registry).doc_id == body["citations"][0]["doc_id"]
    assert resolve("Is there a support programme for small and medium enterprises?", registry).doc_id is None  # a programme, not the one


def test_a_title_that_is_only_its_type_names_no_document(tmp_path: Path) -> None:
    """Quyết định 372/QĐ-BTC's heading was not read, so its title is «Quyết định»: «quyết định đầu tư ra nước ngoài»
    in a question went to it (whole library: two library-set questions answered from its preamble)."""
    from qa_service.services.named import resolve

    folder = tmp_path / "docs"
    write_markdown(
        folder, "qd-372", "Điều 1. Đính chính lỗi kỹ thuật tại Thông tư số 139/2025/TT-BTC.\n",
        title="Quyết định", doc_type="Quyết định", doc_number="372/QĐ-BTC",
    )
    write_markdown(
        folder, "luat-dau-tu", "Điều 59. Quyết định đầu tư ra nước ngoài\n\nNhà đầu tư quyết định việc đầu tư ra nước ngoài.\n",
        title="Luật Đầu tư", doc_type="Luật", doc_number="61/2020/QH14",
    )
    components, _ = ingested(tmp_path / "index", HashEmbedder(), [folder])
    assert resolve("Quy định về quyết định đầu tư ra nước ngoài là gì?", components.registry).doc_id is None
    assert resolve("Quyết định 372/QĐ-BTC đính chính gì?", components.registry).doc_id == "qd-372"
    assert resolve("Luật Đầu tư quy định gì về quyết định đầu tư?", components.registry).doc_id == "luat-dau-tu"

