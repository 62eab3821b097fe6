"""load: files -> raw lines with page numbers. Markdown (YAML front matter),
plain text and PDF (pypdf). Everything comes out NFC."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qa_service.text import nfc

SUPPORTED = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".pdf": "pdf", ".docx": "docx"}


class IngestError(Exception):
    """A file that cannot be ingested; the message is safe to show a user."""

    def __init__(self, reason_vi: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_vi = reason_vi
        self.reason_en = reason_en

    def __str__(self) -> str:
        return f"{self.reason_vi} / {self.reason_en}"


@dataclass
class RawDocument:
    path: Path
    kind: str
    lines: list[tuple[str, int | None]]
    front_matter: dict[str, Any] = field(default_factory=dict)
    source_hash: str = ""
    pages: int | None = None


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load(path: Path) -> RawDocument:
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise IngestError(
            f"định dạng không hỗ trợ ({path.suffix or 'không có đuôi'})",
            f"unsupported file type ({path.suffix or 'no extension'})",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError("không đọc được tệp", f"cannot read file ({exc.strerror})") from exc
    if not data.strip():
        raise IngestError("tệp rỗng", "empty file")
    digest = file_hash(data)
    if kind == "pdf":
        doc = _load_pdf(path, data)
    elif kind == "docx":
        doc = _load_docx(path, data)
    else:
        doc = _load_text(path, data, kind)
    doc.source_hash = digest
    if not any(text.strip() for text, _ in doc.lines):
        raise IngestError("tệp không có nội dung văn bản", "no text content")
    return doc


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(
            "tệp văn bản không phải UTF-8", f"text file is not valid UTF-8 (byte {exc.start})"
        ) from exc


def _load_text(path: Path, data: bytes, kind: str) -> RawDocument:
    text = nfc(_decode(data)).replace("\r\n", "\n").replace("\r", "\n")
    front: dict[str, Any] = {}
    if kind == "markdown" and text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            try:
                loaded = yaml.safe_load(text[4:end])
            except yaml.YAMLError as exc:
                raise IngestError("phần đầu YAML không hợp lệ", "invalid YAML front matter") from exc
            if isinstance(loaded, dict):
                front = {str(k): v for k, v in loaded.items()}
            # keep offsets simple: the front matter is metadata, not text
            text = text[end + 4 :].lstrip("\n")
    return RawDocument(path=path, kind=kind, lines=[(line, None) for line in text.split("\n")], front_matter=front)


def _load_pdf(path: Path, data: bytes) -> RawDocument:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported crypto
                raise IngestError("PDF được mã hóa", "encrypted PDF") from exc
            if not ok:
                raise IngestError("PDF được mã hóa, cần mật khẩu", "encrypted PDF (password required)")
        lines: list[tuple[str, int | None]] = []
        for number, page in enumerate(reader.pages, start=1):
            page_text = nfc(page.extract_text() or "")
            lines.extend((line, number) for line in page_text.split("\n"))
        pages = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, AssertionError) as exc:
        raise IngestError("PDF hỏng hoặc bị cắt cụt", f"broken or truncated PDF ({type(exc).__name__})") from exc
    if not any(t.strip() for t, _ in lines):
        raise IngestError(
            "PDF không có lớp chữ (có thể là bản quét)", "PDF has no text layer (scanned image?)"
        )
    return RawDocument(path=path, kind="pdf", lines=lines, pages=pages)


def _load_docx(path: Path, data: bytes) -> RawDocument:
    import io
    import zipfile

    try:
        import docx
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise IngestError("thiếu thư viện python-docx", "python-docx is not installed") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError("tệp DOCX hỏng", "broken DOCX file") from exc
    lines: list[tuple[str, int | None]] = [(nfc(p.text), None) for p in document.paragraphs]
    return RawDocument(path=path, kind="docx", lines=lines)
