"""Facts read out of a document's own sentences at ingest: which body must do what (actors.py), the figures it
sets or reports (targets.py) and the documents it ends. Each fact keeps the sentence it came from, verbatim, and the
chunk holding it, so the service cites it like any quote (`Citations.cite` checks it occurs there).

Rules, not a model: Vietnamese administrative drafting names the body first and then its duty
(«Ban Tuyên giáo Tỉnh ủy chỉ đạo, định hướng…»), and states a target as a measure, a period and a figure
(«Tỷ lệ lấp đầy các khu công nghiệp đạt trên 65%»). The word lists are in resources/facts.yaml.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from qa_service.ingestion.actors import ActorDuty, extract_actors
from qa_service.ingestion.targets import TargetFact, extract_targets, number
from qa_service.models import Chunk, DocumentMeta
from qa_service.references import _KIND, NUMBER
from qa_service.text import BULLET_MARK, split_sentences

__all__ = ["FACTS_VERSION", "ActorDuty", "DocumentFacts", "EndedDocument", "TargetFact", "extract_facts", "extract_targets", "number"]

# stored with the facts: a document whose facts were read by an older version is read again (6: the figures of any
# report, plan or letter, not only the programme's measures)
FACTS_VERSION = 6


class EndedDocument(BaseModel):
    """A document this one ends: «Luật Đầu tư số 67/2014/QH14 … hết hiệu lực kể từ ngày Luật này có hiệu lực»,
    «Nghị định này thay thế Nghị định số 50/2013/NĐ-CP»."""

    number: str  # as written («67/2014/QH14»: the law itself misprints QH13)
    chunk_id: str
    quote: str  # the sentence (or list item) saying so, verbatim in the chunk


class DocumentFacts(BaseModel):
    version: int = FACTS_VERSION
    actors: list[ActorDuty] = []
    targets: list[TargetFact] = []
    ended: list[EndedDocument] = []


# a number as a reference writes it: after «số» or a document type («Luật Đầu tư số 67/2014/QH14», «Thông tư
# 36/2017/TT-BLĐTBXH»); a bare date or figure never has the letters NUMBER asks for
_ENDED_NUMBER = re.compile(rf"(?:\bsố\s+|\b(?:{_KIND})\s+)(?P<number>{NUMBER})")
_ENDS = re.compile(r"hết hiệu lực(?: thi hành)?(?: kể từ| từ ngày| khi)|(?:này|sau đây) thay thế\b")
_LIST_ENDS = re.compile(r"\b[Cc]ác\s[^.:;]{0,80}?\bsau(?: đây)?\s(?:hết hiệu lực|bị bãi bỏ)")
# only part of the document ends («khoản 2 Điều 5 của Thông tư số …»): the document stays in force
_PART = re.compile(r"\b(?:[Đđ]iều|khoản|điểm|[Cc]hương|[Mm]ục|[Pp]hụ lục)\s+(?:\d|[IVXLC]+\b)", re.IGNORECASE)
# «… số 58/2014/QH13 đã được sửa đổi, bổ sung một số điều theo Luật số 84/2015/QH13, Bộ luật số 45/2019/QH14 (sau
# đây gọi chung là …)»: the amending laws are named, not ended (the Labour Code does not end with the old BHXH law);
# the list runs to «(sau đây …», to «và <type> <name>» (another document ended) or to the end
_AMENDED_BY = re.compile(r"(?:đã được\s+)?sửa đổi,?\s+bổ sung\b.*?(?=\(sau đây|\bvà\s+(?:" + _KIND + r")\s+(?!số\b)|$)")


def _whole_documents(segment: str) -> list[str]:
    """Numbers in `segment` whose own stretch of text (since the previous number) names no article or clause."""
    out, previous = [], 0
    segment = _AMENDED_BY.sub(" ", segment)
    for m in _ENDED_NUMBER.finditer(segment):
        if not _PART.search(segment[previous : m.start()]):
            out.append(m.group("number"))
        previous = m.end()
    return out


def extract_ended(chunks: list[Chunk]) -> list[EndedDocument]:
    """Documents this one replaces or ends, from its own closing provisions. Numbers only: which loaded document
    a number is, and so which versions are no longer in force, is decided when the library is read
    (services/versions.py)."""
    found: dict[str, EndedDocument] = {}
    for chunk in chunks:
        text = chunk.text
        if not _ENDS.search(text) and not _LIST_ENDS.search(text):
            continue
        for start, end in split_sentences(text, semicolons=False):
            sentence = text[start:end].strip()
            m = _ENDS.search(sentence)
            if m is None:
                continue
            # «X hết hiệu lực»: what stands before; «này thay thế X»: what follows
            segment = sentence[: m.start()] if m.group(0).startswith("hết") else sentence[m.end() :]
            for ended in _whole_documents(segment):
                found.setdefault(ended, EndedDocument(number=ended, chunk_id=chunk.chunk_id, quote=sentence))
        for m in _LIST_ENDS.finditer(text):
            # «Các văn bản sau đây hết hiệu lực …: a) Thông tư số …; b) …»: one item per line
            for line in text[m.end() :].split("\n")[1:]:
                item = BULLET_MARK.sub("", line).strip()
                if not item:
                    continue
                for ended in _whole_documents(item):
                    found.setdefault(ended, EndedDocument(number=ended, chunk_id=chunk.chunk_id, quote=item))
    return list(found.values())


def extract_facts(chunks: list[Chunk], document: DocumentMeta | None = None, max_figures: int | None = None) -> DocumentFacts:
    """`document` says what kind of document the chunks are (a report reports results) and its year; without it
    only figures whose own text names their period are read. `max_figures`: settings.ingestion.max_figures."""
    return DocumentFacts(
        actors=extract_actors(chunks), targets=extract_targets(chunks, document, max_figures), ended=extract_ended(chunks)
    )
