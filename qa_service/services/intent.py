"""The question's intent, read once in `parse_question`: what kind of answer it asks for (by meaning, from the
classifier), what kind of thing a sentence must hold to answer it (asked.yaml) and the years it names. Retrieval
and the answer read these fields; nothing below the query matches the question's words against an intent again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa_service.components.intents import IntentClassifier, IntentKind, IntentReading
from qa_service.labels import Block
from qa_service.services.asked import AskedKind, asked_kind, asked_years

# answered by several items of one section, gathered in document order
ENUMERATING = frozenset({IntentKind.OVERVIEW, IntentKind.LIST, IntentKind.NAMES, IntentKind.DUTIES})
# an exact term, not a wording: of a document's date and number, which one is asked
_NUMBER_ASKED = re.compile(r"\bsố hiệu\b|\bsố văn bản\b|\bso hieu\b|\bdocument number\b", re.IGNORECASE)


@dataclass(frozen=True)
class Intent:
    kind: IntentKind = IntentKind.PLAIN
    reading: IntentReading = field(default_factory=IntentReading)  # the classifier's reading: confidence, nearest example
    asked: AskedKind | None = None  # the kind of thing the quoted sentence must hold (money, a date, a contact …)
    years: frozenset[str] = frozenset()  # years the question names: the sentence or its heading must name one
    number_asked: bool = False  # ISSUED: the document's number rather than its date

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


def read_intent(text: str, classifier: IntentClassifier | None) -> Intent:
    """`text`: the standalone question (follow-ups rewritten). Without a classifier (a search box query from
    code that has none) the question is read as plain."""
    reading = classifier.read(text) if classifier is not None and text.strip() else IntentReading()
    return Intent(
        kind=reading.kind,
        reading=reading,
        asked=asked_kind(text),
        years=frozenset(asked_years(text)),
        number_asked=bool(_NUMBER_ASKED.search(text)),
    )
