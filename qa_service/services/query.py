"""The question as the services read it, built once per request.

Normalisation, the follow-up rewrite, the language and diacritics checks, the English glossary expansion
and the routing by a document number named in the question all happen here, once; retrieval, the
extractive answer and the generative answer read the result instead of re-deriving it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa_service.components.registry import Registry
from qa_service.references import NUMBER, REFERENCE, normalize_number
from qa_service.resources import english_terms, msg
from qa_service.services.followup import rewrite
from qa_service.text import collapse_ws, has_diacritics, is_vietnamese, nfc

_NUMBER_IN_QUESTION = re.compile(rf"\b({NUMBER})\b")


@dataclass(frozen=True)
class Query:
    question: str  # as asked, normalised (NFC, whitespace collapsed)
    standalone: str  # a follow-up rewritten against the previous question
    text: str  # what is searched for: the standalone question without a document number that picked the document
    expanded: str  # `text`, plus the glossary's Vietnamese terms for an English question
    vietnamese: bool  # the language of the standalone question: the answer's language
    diacritics: bool  # `text` is typed with Vietnamese diacritics
    doc_ids: list[str] | None = None  # given by the caller, or the document the question's number names
    note: str | None = None  # said before the answer: «văn bản … chưa được nạp»
    cited_ref: str | None = None  # a cited-but-not-loaded document: prefer passages that cite it

    @property
    def unaccented_vietnamese(self) -> bool:
        """Vietnamese typed without diacritics: the embedding model reads it poorly, folded lexical tokens do not."""
        return not has_diacritics(self.expanded) and is_vietnamese(self.expanded)


def normalize_question(text: str) -> str:
    return collapse_ws(nfc(text))


def expand_english(text: str) -> str:
    """English question + the glossary's Vietnamese terms: both retrievers then see the corpus's words."""
    if is_vietnamese(text):
        return text
    _, mapped = english_terms(text)
    return f"{text} {' '.join(dict.fromkeys(mapped.values()))}".strip()


def strip_reference(question: str) -> str:
    stripped = REFERENCE.sub(" ", question, count=1)
    return " ".join(stripped.split()) or question


def search_query(text: str, doc_ids: list[str] | None = None) -> Query:
    """A search box query: no history, no routing by document number."""
    text = normalize_question(text)
    return Query(
        question=text,
        standalone=text,
        text=text,
        expanded=expand_english(text),
        vietnamese=is_vietnamese(text),
        diacritics=has_diacritics(text),
        doc_ids=doc_ids or None,
    )


def parse_question(
    question: str, registry: Registry, history: list[dict[str, str]] | None = None, doc_ids: list[str] | None = None
) -> Query:
    """A question to answer: follow-ups rewritten, a document number resolved to its document."""
    question = normalize_question(question)
    standalone = rewrite(question, history)
    vietnamese = is_vietnamese(standalone)
    text, note, cited_ref = standalone, None, None
    m = _NUMBER_IN_QUESTION.search(standalone)
    if m and not doc_ids:
        wanted = normalize_number(m.group(1))
        loaded = next((d.doc_id for d in registry.documents() if d.doc_number and normalize_number(d.doc_number) == wanted), None)
        if loaded:
            # the number picked the document; it is not a word its text will contain
            doc_ids, text = [loaded], strip_reference(standalone)
        elif any(r.key == "no:" + wanted for r in registry.refs()):
            note = msg("refusal", f"not_loaded_{'vi' if vietnamese else 'en'}").format(number=m.group(1))
            cited_ref = "no:" + wanted
    return Query(
        question=question,
        standalone=standalone,
        text=text,
        expanded=expand_english(text),
        vietnamese=vietnamese,
        diacritics=has_diacritics(text),
        doc_ids=doc_ids or None,
        note=note,
        cited_ref=cited_ref,
    )
