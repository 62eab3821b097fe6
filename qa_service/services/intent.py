"""The question's intent, read once in `parse_question`: what kind of answer it asks for (by meaning, from the
classifier), what kind of thing a sentence must hold to answer it (asked.yaml) and the years it names. Retrieval
and the answer read these fields; nothing below the query matches the question's words against an intent again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa_service.components.intents import ExampleClassifier, IntentClassifier, IntentKind, IntentReading
from qa_service.labels import Block
from qa_service.services.asked import (
    FIGURES,
    AskedKind,
    Side,
    asked_kind,
    asked_years,
    contrast_asked,
    number_of,
    pairs,
    result_asked,
    unit_asked,
    year_parts,
    year_spans,
)
from qa_service.services.entities import NamedEntity, named_entities
from qa_service.text import fold

# answered by several items of one section, gathered in document order
ENUMERATING = frozenset({IntentKind.OVERVIEW, IntentKind.LIST, IntentKind.NAMES, IntentKind.DUTIES})
# an exact term, not a wording: of a document's date and number, which one is asked
_NUMBER_ASKED = re.compile(r"\bsố hiệu\b|\bsố văn bản\b|\bso hieu\b|\bdocument number\b", re.IGNORECASE)
# a body that acts, at the start of a sentence or a question: «Ban Tuyên giáo Tỉnh ủy …», «Các sở, ngành …»; the
# answer reads document sentences with it, the question's own body is read here once
BODY_START = re.compile(
    r"(?:Ban|Văn phòng|Sở|Các sở|Ủy ban|UBND|Các huyện|Hội đồng|Người đứng đầu|Mặt trận|Tỉnh ủy|Huyện ủy|Thành ủy|Đảng ủy|"
    r"Bộ|Chính phủ|Thủ tướng)\b"
)
_BODY_PREDICATE = re.compile(r"\s+(?:có|phải|cần|chịu|làm|được|là|thực hiện|giữ)\s", re.IGNORECASE)
# «những nghị quyết nào …?»: the documents of a kind that the document cites (document types are exact terms)
_REFERENCES_ASKED = re.compile(
    r"\b(?:những|các)\s+(nghị quyết|nghị định|văn bản|quyết định|kế hoạch|chỉ thị|kết luận|thông tư|luật)\b[^?]*\bnào\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Intent:
    kind: IntentKind = IntentKind.PLAIN
    reading: IntentReading = field(default_factory=IntentReading)  # the classifier's reading: confidence, nearest example
    asked: AskedKind | None = None  # the kind of thing the quoted sentence must hold (money, a date, a contact …)
    asked_confidence: float = 0.0  # how sure the classifier is of `asked`
    asked_unit: str = ""  # «bao nhiêu cơ sở?» -> «co so» (folded): what a count must be a figure of
    years: frozenset[str] = frozenset()  # years the question names: the sentence or its heading must name one
    year_parts: frozenset[str] = frozenset()  # «6 tháng đầu năm» -> «6-dau»: the passage must be of that part
    year_spans: frozenset[str] = frozenset()  # «giai đoạn 2016-2020» -> «2016-2020»: a passage of that span is of it
    number_asked: bool = False  # ISSUED: the document's number rather than its date
    body: str | None = None  # «Ban Tuyên giáo Tỉnh ủy có nhiệm vụ gì?» -> «ban tuyen giao tinh uy» (folded)
    references_kind: str | None = None  # «những nghị quyết nào …?» -> «nghị quyết» (Vietnamese questions only)
    result_asked: bool = False  # «kết quả … đạt được»: a forecast is not the answer
    subject_pairs: frozenset[str] = frozenset()  # the question's own subject as folded syllable pairs, less the kind's words
    entities: tuple[NamedEntity, ...] = ()  # bodies and places it names («Sở Công Thương», «huyện Phú Quốc»)
    contrast: tuple[tuple[Side, Side], ...] = ()  # «nguyên nhân chủ quan?»: that side and the other («khách quan»)

    @property
    def figure(self) -> bool:
        """«bao nhiêu?»: answered by the sentence holding the figure, not by a whole section."""
        return self.kind is IntentKind.QUANTITY

    @property
    def enumerates(self) -> bool:
        return self.kind in ENUMERATING

    @property
    def names(self) -> bool:
        return self.kind is IntentKind.NAMES

    @property
    def block(self) -> Block | None:
        """«Ai ký…?», «gửi tới đâu?»: that block of the document is the answer, whatever words it shares."""
        return {IntentKind.SIGNER: Block.SIGNATURE, IntentKind.RECIPIENTS: Block.RECIPIENTS}.get(self.kind)

    @property
    def metadata_field(self) -> str | None:
        """The document field the answer states, when the question asks for one."""
        if self.kind is not IntentKind.ISSUED:
            return None
        return "doc_number" if self.number_asked else "issued"


def named_body(question: str) -> str | None:
    """«Ban Tuyên giáo Tỉnh ủy có nhiệm vụ gì?» -> «ban tuyen giao tinh uy» (folded), when the question starts with one
    (typed in lower case too: «văn phòng tỉnh ủy được giao việc gì?»)."""
    if not BODY_START.match(question[:1].upper() + question[1:]):
        return None
    m = _BODY_PREDICATE.search(question)
    name = question[: m.start()] if m else ""
    return fold(name).lower().strip() if len(name.split()) >= 2 else None


def read_intent(
    text: str,
    classifier: IntentClassifier | None,
    expanded: str | None = None,
    vietnamese: bool = True,
    asked_reader: ExampleClassifier | None = None,
    naming: tuple[int, int] | None = None,
) -> Intent:
    """`text`: the standalone question (follow-ups rewritten); `expanded`: with the glossary's terms for an English
    question; `naming`: where in `text` the words that name a document by its title are — they say which document,
    not what kind of thing is asked of it («Tờ trình kinh phí khuyến công … gọi số nào?» asks a phone number, not
    an amount). Without a classifier (a search box query from code that has none) the question is read as plain, and
    without `asked_reader` as asking for no particular kind of thing."""
    reading = classifier.read(text) if classifier is not None and text.strip() else IntentReading()
    asking = " ".join(f"{text[: naming[0]]} {text[naming[1] :]}".split()) if naming else text
    kind = asked_reader.read(asking) if asked_reader is not None and asking.strip() else None
    asked = asked_kind(kind.label) if kind is not None else None
    confidence = kind.confidence if kind is not None and asked is not None else 0.0
    unit = unit_asked(asking) if asked_reader is not None else None
    # a figure asked for of «số doanh nghiệp …» is a count of them, however unsure the reading of which figure — even
    # one too unsure to name a kind, when a figure is still its best guess («số làng nghề … phải đạt mức nào?»)
    figure = asked.name in FIGURES if asked is not None else kind is not None and kind.best in FIGURES
    if unit is None and figure and (counted := number_of(asking)):
        unit = ("count", counted)
    if unit is not None:
        # the unit the question names is an exact token: «bao nhiêu phần trăm diện tích?» asks a rate for sure
        asked, confidence = asked_kind(unit[0]), 1.0
    references = _REFERENCES_ASKED.search(text) if vietnamese else None
    return Intent(
        kind=reading.kind,
        reading=reading,
        asked=asked,
        asked_confidence=confidence,
        # a count is answered by a figure of the thing counted («412 cơ sở», not «2.180 người»)
        asked_unit=unit[1] if unit is not None and unit[0] == "count" else "",
        years=frozenset(asked_years(asking)),  # a year in the name of the document asked of names it: no period
        year_parts=frozenset(year_parts(text)),
        year_spans=frozenset(year_spans(text)),
        number_asked=bool(_NUMBER_ASKED.search(text)),
        body=named_body(expanded if expanded is not None else text),
        references_kind=references.group(1) if references else None,
        result_asked=result_asked(text),
        subject_pairs=frozenset(pairs(text)) - (asked.wording if asked else frozenset()),
        entities=named_entities(text) if vietnamese else (),
        contrast=contrast_asked(text) if vietnamese else (),
    )
