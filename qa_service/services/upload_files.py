"""An uploaded file, copied to its staging file as it is read: its size, hash, type and title are learnt on the way,
so the whole file is never held in memory (the form parser has already spooled it to a temporary file)."""

from __future__ import annotations

import codecs
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from qa_service.errors import QAError
from qa_service.text import slug

HEAD_BYTES = 20_000  # what a type and a title are read from
_COPY_CHUNK = 1024 * 1024
_HEADING = re.compile(r"^#{1,6} ", re.M)
_HEADING_REACH = 7  # «###### »: a heading is decided by a line's first characters


@dataclass
class StagedUpload:
    path: Path
    size: int
    digest: str  # sha256 of the bytes, as ingestion.readers.file_hash
    head: bytes
    utf8: bool  # the whole file decodes as UTF-8
    nul: bool  # it holds a NUL byte
    blank: bool  # nothing but whitespace
    heading: bool  # a line starts like a Markdown heading


class _TextScan:
    """UTF-8 validity and Markdown headings, read chunk by chunk (a line may span two chunks)."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.utf8, self.heading = True, False
        self._line_start = ""  # the first characters of the line the last chunk ended in

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if not self.utf8:
            return
        try:
            text = self._decoder.decode(chunk, final=final)
        except UnicodeDecodeError:
            self.utf8 = False
            return
        joined = self._line_start + text
        self.heading = self.heading or bool(_HEADING.search(joined))
        self._line_start = joined.rsplit("\n", 1)[-1][:_HEADING_REACH]


def stage_upload(source: IO[bytes], staging: Path, max_bytes: int) -> StagedUpload:
    """Copy `source` to `staging`, a chunk at a time; 413 as soon as it passes `max_bytes`."""
    hasher = hashlib.sha256()
    scan = _TextScan()
    size, head, nul, blank = 0, b"", False, True
    staging.parent.mkdir(parents=True, exist_ok=True)
    with staging.open("wb") as out:
        while chunk := source.read(_COPY_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise QAError("too_large", status=413)
            out.write(chunk)
            hasher.update(chunk)
            head += chunk[: max(0, HEAD_BYTES - len(head))]
            nul = nul or b"\x00" in chunk
            blank = blank and not chunk.strip()
            scan.feed(chunk)
    scan.feed(b"", final=True)
    return StagedUpload(staging, size, hasher.hexdigest(), head, scan.utf8, nul, blank, scan.heading)


def guess_title(head: bytes, ext: str, filename: str) -> str:
    """The upload's title before it is parsed, for the conflict message: front matter or first heading of a
    text file, else the file name (a PDF's own title is only known once its text is read)."""
    if ext in {".md", ".txt"}:
        text = head[:HEAD_BYTES].decode("utf-8", errors="ignore")
        found = re.search(r"^title:\s*[\"']?(.+?)[\"']?\s*$", text, re.M) if text.startswith("---") else None
        if found:
            return found.group(1).strip()[:200]
        for line in text.splitlines():
            line = line.strip().lstrip("#").strip()
            if line and line != "---":
                return line[:200]
    return Path(filename.replace("\\", "/")).name[:200] or "tai-lieu"


def detect_type(upload: StagedUpload, filename: str) -> str:
    """File type from the bytes, not the name. Returns the extension we store it under."""
    if upload.head.startswith(b"%PDF-"):
        return ".pdf"
    if upload.head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload.path) as archive:
                if "word/document.xml" in archive.namelist():
                    return ".docx"
        except zipfile.BadZipFile:
            pass
        raise QAError("archive_not_docx", status=415)
    if not upload.utf8:
        raise QAError("unsupported_type", status=415)
    if upload.nul:
        raise QAError("binary_file", status=415)
    markdown = filename.lower().endswith((".md", ".markdown")) or upload.head.startswith(b"---\n") or upload.heading
    return ".md" if markdown else ".txt"


# the extensions of the types read, however many and however trailed («….md.», «….pdf.md», «….MD »): never part of a name
_EXTENSIONS = re.compile(r"(?:\.(?:md|markdown|txt|pdf|docx))+$", re.IGNORECASE)


def safe_stem(filename: str) -> str:
    """«../../Nghị quyết 23.pdf» -> «nghi-quyet-23»: no directories, no odd characters, no extension however it is
    written («…-2025.md.» -> «…-2025»)."""
    base = Path(filename.replace("\\", "/")).name.strip().rstrip(". ")
    stem = _EXTENSIONS.sub("", base)
    if stem == base and "." in base:  # another extension: its last part only, as before
        stem = base.rsplit(".", 1)[0]
    return slug(stem, "tai-lieu")
