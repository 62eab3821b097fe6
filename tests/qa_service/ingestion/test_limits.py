"""Every size a document can grow in has a limit, checked before the cost is paid; each test feeds more than it."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from qa_service.errors import IngestError
from qa_service.ingestion.pipeline import prepare
from qa_service.ingestion.readers import check_archive, load
from qa_service.settings import IngestionSettings, Settings
from tests.conftest import PROGRAMME


def docx_bomb(unpacked_mb: int, members: int = 3) -> bytes:
    """A DOCX-shaped ZIP whose document.xml unpacks to `unpacked_mb` MB of paragraphs (a few KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:p><w:r><w:t>x</w:t></w:r></w:p>" * (unpacked_mb * 1024 * 1024 // 34))
        for i in range(members - 2):
            archive.writestr(f"word/media/{i}.txt", "a")
    return buffer.getvalue()


def test_docx_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    data = docx_bomb(5)
    assert len(data) < 100 * 1024  # packed small, as a bomb is
    path = tmp_path / "bom.docx"
    path.write_bytes(data)
    with pytest.raises(IngestError) as err:
        load(path, IngestionSettings(max_unpacked_mb=2))
    assert err.value.code == "archive_too_large" and "2 MB" in err.value.message_en


def test_archive_with_too_many_members() -> None:
    with pytest.raises(IngestError) as err:
        check_archive(docx_bomb(0, members=30), IngestionSettings(max_archive_members=20))
    assert err.value.code == "archive_too_many"


def test_pdf_pages_are_counted_before_text_is_extracted(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=200)
    path = tmp_path / "ba-trang.pdf"
    with path.open("wb") as out:
        writer.write(out)
    with pytest.raises(IngestError) as err:
        load(path, IngestionSettings(max_pages=2))
    assert err.value.code == "pdf_too_many_pages"


def test_file_and_text_size(tmp_path: Path) -> None:
    path = tmp_path / "dai.txt"
    path.write_text("Văn bản dài. " * 200, encoding="utf-8")
    with pytest.raises(IngestError) as err:
        load(path, IngestionSettings(max_text_chars=1000))
    assert err.value.code == "text_too_long"
    path.write_bytes(b"a " * (600 * 1024))
    with pytest.raises(IngestError) as err:
        load(path, IngestionSettings(max_file_mb=1))  # 1.2 MB
    assert err.value.code == "file_too_large"


def test_chunks_per_document_are_capped_before_embedding() -> None:
    with pytest.raises(IngestError) as err:
        prepare(load(PROGRAMME), Settings(ingestion=IngestionSettings(max_chunks=5)))  # type: ignore[call-arg]
    assert err.value.code == "too_many_chunks" and "5" in err.value.message_vi


def test_programme_is_within_the_default_limits() -> None:
    assert prepare(load(PROGRAMME, IngestionSettings()), Settings()).chunks
