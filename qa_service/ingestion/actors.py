"""Which body a document gives work to, and what it offers businesses, read from its own sentences at ingest.

Vietnamese administrative drafting names the body first and then its duty («Ban Tuyên giáo Tỉnh ủy chỉ đạo,
định hướng…»), names the bodies a directive goes to after its verb («Chỉ đạo các sở, ngành, ủy ban nhân dân các
huyện, thành phố cụ thể hóa…»), and heads a section with the bodies it is about («Nâng cao vai trò của … và đoàn
thể các cấp»). The word lists are in resources/facts.yaml (`actors`); nothing here names one document.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal, NamedTuple

from pydantic import BaseModel

from qa_service.ingestion.fact_rules import alternatives, rules
from qa_service.labels import is_table_row
from qa_service.models import Chunk, Unit
from qa_service.text import BULLET_MARK, slug, split_sentences

How = Literal["subject", "continued", "heading", "addressee", "beneficiary"]


class ActorDuty(BaseModel):
    actor: str  # as the document writes it
    actor_id: str
    role: Literal["duty", "support"]  # support: something offered to it (businesses)
    how: How
    chunk_id: str
    quote: str  # verbatim in the chunk's text


class Sentence(NamedTuple):
    text: str  # without its list marker
    unit: Unit | None
    start: int  # in the chunk's text
    end: int


class Patterns(NamedTuple):
    subject: re.Pattern[str]
    continued: re.Pattern[str]
    directive: re.Pattern[str]
    head: re.Pattern[str]
    parts: re.Pattern[str]
    past: re.Pattern[str]
    continuation: re.Pattern[str]
    verb: re.Pattern[str]
    offer: re.Pattern[str]
    recipient: re.Pattern[str]


@cache
def _patterns() -> Patterns:
    r = rules()["actors"]
    verbs = alternatives(r["verbs"])
    to = r["addressees"]
    heads = alternatives(r["heads"] + to["heads"])
    offers = r["beneficiary"]
    return Patterns(
        subject=re.compile(
            rf"^(?P<lead>(?:Các|Giao|Đề nghị|Yêu cầu)\s+)?(?P<name>(?:{alternatives(r['heads'])})\b.*?)\s+(?P<verb>{verbs})\b"
        ),
        continued=re.compile(rf"^(?:{verbs})\b", re.IGNORECASE),
        directive=re.compile(rf"\b(?:{alternatives(to['directives'])})(?:,\s*(?:{alternatives(to['directives'])}))*\s+", re.IGNORECASE),
        head=re.compile(rf"^(?:các\s+)?(?:{heads})\b", re.IGNORECASE),
        # «các sở, ngành và ủy ban nhân dân…» lists two bodies; «Sở Kế hoạch và Đầu tư» is one
        parts=re.compile(rf",\s*|\s+và\s+(?=(?:các\s+)?(?:{heads})\b)", re.IGNORECASE),
        past=re.compile(rf"\b(?:{alternatives(to['past'])})\s+(?:\S+\s+){{0,2}}$", re.IGNORECASE),
        continuation=re.compile(rf"^(?:{alternatives(to['continuations'])})\b", re.IGNORECASE),
        verb=re.compile(rf"\s(?:{verbs})\b"),
        offer=re.compile(rf"\b(?:{alternatives(offers['offers'])})\b", re.IGNORECASE),
        recipient=re.compile(rf"\b(?:{alternatives(offers['recipients'])})\b", re.IGNORECASE),
    )


def actor_id(name: str) -> str:
    """One id for one body however it is written: short forms expanded, «Các» dropped."""
    for short, full in rules()["actors"]["aliases"].items():
        name = re.sub(rf"\b{re.escape(short)}\b", full, name)
    return slug(re.sub(r"^(Các|các)\s+", "", name), "co-quan")


def _capital(name: str) -> str:
    return name[0].upper() + name[1:]


def _subject(sentence: str) -> str | None:
    """The body a sentence starts with, or None («Thời gian qua, Tỉnh ủy … đã …» names none)."""
    m = _patterns().subject.match(sentence)
    if m is None:
        return None
    name = _trim(m.group("name"))
    if name is None or any(name.startswith(n) for n in rules()["actors"]["not_names"]):
        return None
    lead = (m.group("lead") or "").strip()
    return f"{lead} {name}" if lead == "Các" else name


def _trim(name: str) -> str | None:
    """The body's name without what is said after it; None when it reads as a clause or is too vague."""
    r = rules()["actors"]
    name = re.sub(rf"\s+(?:{alternatives(r['name_tails'])})(?:\s.*)?$", "", name).strip(" ,")
    padded = f" {name} "
    if not name or len(name.split()) > r["max_name_words"] or any(f" {w} " in padded for w in r["not_in_names"]):
        return None
    return None if name in r["vague_names"] else name


def _until_verb(text: str) -> str:
    """«đoàn thể các cấp tích cực tham gia…» -> «đoàn thể các cấp»: a name ends where its verb starts."""
    m = _patterns().verb.search(text)
    return text[: m.start()] if m else text


def heading_actors(heading: str) -> list[str]:
    """«Nâng cao vai trò của Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và đoàn thể các cấp…» -> both bodies: the first
    named after the role, then each further one joined by «và» or a comma that reads as a body."""
    for role in rules()["actors"]["heading_roles"]:
        at = heading.find(role)
        if at < 0:
            continue
        parts = re.split(r"\s+và\s+|,\s*", _until_verb(heading[at + len(role) :].strip()).strip(" *"))
        names = [_trim(parts[0])] + [_trim(p) for p in parts[1:] if _patterns().head.match(p)]
        # «Trách nhiệm của cơ sở khám bệnh» names «Cơ sở khám bệnh»
        return [_capital(n) for n in names if n]
    return []


def addressees(sentence: str) -> list[str]:
    """The bodies a directive in the sentence goes to: «Chỉ đạo các sở, ngành, ủy ban nhân dân các huyện, thành phố
    cụ thể hóa…» -> [«Các sở, ngành», «Ủy ban nhân dân các huyện, thành phố»]. A part that starts with a body's head
    word opens a name; a sector or place word («ngành», «thành phố») extends the last one; anything else ends the
    list."""
    p = _patterns()
    names: list[str] = []
    for directive in p.directive.finditer(sentence):
        if p.past.search(sentence[: directive.start()]):
            continue
        for part in p.parts.split(sentence[directive.end() :]):
            if names and (cont := p.continuation.match(part)):
                names[-1] += ", " + cont.group(0)
                if cont.group(0) != part.strip():
                    break
            elif p.head.match(part) and (name := _trim(_until_verb(part))):
                names.append(_capital(name))
                if name != part.strip():
                    break
            else:
                break
    return list(dict.fromkeys(names))


def sentences(chunk: Chunk) -> list[Sentence]:
    """The chunk's sentences in reading order, with their offsets; list items are lines, so «- … 15%.\n- Tổng…»
    are two sentences."""
    out: list[Sentence] = []
    offset = 0
    for line in chunk.text.split("\n"):
        for start, end in split_sentences(line, semicolons=False):
            raw = line[start:end]
            text = BULLET_MARK.sub("", raw.strip()).strip()
            if text:
                at = offset + start + raw.index(text)
                out.append(Sentence(text, chunk.unit_at(offset + start), at, at + len(text)))
        offset += len(line) + 1
    return out


def _from_item_start(chunk: Chunk, sentence: Sentence) -> str:
    """The directive quoted from its item's start, so the reader sees who directs: «Ban cán sự đảng … chỉ đạo xây
    dựng kế hoạch…. Chỉ đạo các sở, ngành, …»."""
    if sentence.unit is None:
        return sentence.text
    start = max(0, sentence.unit.start - chunk.start)
    first = next((s for s in sentences(chunk) if start <= s.start <= sentence.start), sentence)
    return chunk.text[first.start : sentence.end]


def _row_actor(chunk: Chunk) -> ActorDuty | None:
    """A task table's row («Nhiệm vụ: … | Cơ quan chủ trì: Sở Xây dựng | Thời hạn: …»): the body in the lead column
    has the row for its duty, quoted whole."""
    if not any(is_table_row(u.label) for u in chunk.units or []):
        return None
    leads = tuple(h.lower() for h in rules()["actors"]["lead_columns"])
    for cell in chunk.text.split(" | "):
        header, sep, value = cell.partition(": ")
        if sep and value.strip()[:1].isupper() and header.lower().strip().startswith(leads):
            name = value.strip().rstrip(".;")
            return ActorDuty(actor=name, actor_id=actor_id(name), role="duty", how="subject", chunk_id=chunk.chunk_id, quote=chunk.text)
    return None


def _offered(sentence: Sentence, item: str) -> bool:
    """Something offered to businesses: an offer word and businesses or investors named in one clause of the
    sentence (a cause list «…; hỗ trợ vay vốn…; các doanh nghiệp … còn nhỏ» offers nothing) — or, for a sentence
    that starts with the offer («Hỗ trợ trong công tác bồi thường…»), in its item."""
    p = _patterns()
    if any(p.offer.search(c) and p.recipient.search(c) for c in re.split(r"[;:]", sentence.text)):
        return True
    offer = p.offer.match(sentence.text)
    return bool(offer and p.recipient.search(item))


def _chunk_duties(chunk: Chunk) -> list[ActorDuty]:
    p = _patterns()
    business = rules()["actors"]["beneficiary"]["name"]
    section = heading_actors(chunk.section_path[-1]) if chunk.section_path else []
    found = sentences(chunk)
    duties: list[ActorDuty] = []

    def add(name: str, how: How, quote: str, role: Literal["duty", "support"] = "duty") -> None:
        duties.append(ActorDuty(actor=name, actor_id=actor_id(name), role=role, how=how, chunk_id=chunk.chunk_id, quote=quote))

    current: tuple[str, Unit | None] | None = None  # (body, unit): a following sentence of the same unit continues it
    for s in found:
        name = _subject(s.text)
        if name is not None:
            add(name, "subject", s.text)
        elif current is not None and current[1] is s.unit and p.continued.match(s.text):
            name = current[0]
            add(name, "continued", s.text)
        else:
            for body in section:
                add(body, "heading", s.text)
        current = (name, s.unit) if name is not None else None
        for body in addressees(s.text):
            if name is None or actor_id(body) != actor_id(name):  # «Giao Ban Quản lý … chủ trì»: already its subject
                add(body, "addressee", _from_item_start(chunk, s))
        item = " ".join(t.text for t in found if t.unit is s.unit)
        if _offered(s, item):
            add(business, "beneficiary", s.text, "support")
    return duties


def extract_actors(chunks: list[Chunk]) -> list[ActorDuty]:
    duties: list[ActorDuty] = []
    for chunk in sorted(chunks, key=lambda c: c.ordinal):
        row = _row_actor(chunk)
        duties += [row] if row is not None else _chunk_duties(chunk)
    return duties
