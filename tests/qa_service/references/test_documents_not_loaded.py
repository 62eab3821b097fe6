"""A document named or cited but not loaded: said so, and only the passages that cite it are quoted."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import ingested
from tests.fixtures.documents import write_markdown
from tests.fixtures.fakes import HashEmbedder
from tests.fixtures.library import ask


def test_a_law_named_but_not_loaded_is_said_so_and_nothing_else_is_quoted(library: TestClient) -> None:
    body = ask(library, "Luật Đất đai quy định gì về thu hồi đất?")
    assert not body["answered"] and not body["citations"] and not body["suggestions"]
    assert "Luật Đất đai chưa được nạp" in body["answer"]


def test_a_number_cited_but_not_loaded_quotes_where_it_is_cited(library: TestClient) -> None:
    body = ask(library, "Nghị định 31/2021/NĐ-CP quy định gì?")
    assert body["answer"].startswith("Văn bản 31/2021/NĐ-CP được nhắc đến trong văn bản đã nạp nhưng toàn văn chưa được nạp")


def test_a_document_cited_but_not_loaded_is_answered_by_the_passages_citing_it(tmp_path: Path) -> None:
    """«Còn Chương trình hành động 01-CTr/TU thì sao?»: the programme's passage citing it, not another plan's words
    about programmes of action (the library sample: a Prime Minister's decision came first)."""
    from qa_service.app import create_app

    folder = tmp_path / "docs"
    write_markdown(
        folder, "chuong-trinh",
        "## I. Nhiệm vụ\n\n- Nâng cao năng lực cạnh tranh của doanh nghiệp công nghiệp trên địa bàn.\n\n"
        "- Thực hiện Chương trình hành động số 01-CTr/TU, ngày 28/2/2020 của Tỉnh ủy về cải cách hành chính.\n",
        title="Chương trình hành động phát triển công nghiệp", doc_type="Chương trình hành động",
    )
    write_markdown(
        folder, "ke-hoach",
        "".join(
            f"Điều {i}. Chương trình hành động của tỉnh\n\nCác tỉnh xây dựng chương trình hành động, tỉnh ủy chỉ đạo "
            f"chương trình hành động thực hiện nhiệm vụ {i}.\n\n"
            for i in range(1, 8)
        ),
        title="Kế hoạch triển khai", doc_type="Quyết định", doc_number="844/QĐ-TTg",
    )
    components, _ = ingested(tmp_path / "index", HashEmbedder(), [folder])
    with TestClient(create_app(components.settings, components)) as client:
        question = "Chương trình hành động 01-CTr/TU của Tỉnh ủy quy định gì?"
        hits = client.post("/search", json={"query": question, "top_k": 5}).json()["hits"]
        assert hits[0]["doc_id"] == "chuong-trinh" and "01-CTr/TU" in hits[0]["text"]
        body = client.post("/ask", json={"question": question}).json()
        assert body["answer"].startswith("Văn bản 01-CTr/TU được nhắc đến trong văn bản đã nạp nhưng toàn văn chưa được nạp")
        assert {c["doc_id"] for c in body["citations"]} == {"chuong-trinh"}

