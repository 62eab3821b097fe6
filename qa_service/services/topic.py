"""A follow-up keeps to the document the conversation is about.

«Còn về tín dụng thì sao?» after a question the programme answered means credit in the programme, not the credit
article of the SME law; the rewrite gives the words («… về tín dụng»), this gives the document: the one the previous
answer quoted most (a conversation's history carries its documents), else the document the previous question is
about by its words (BM25 over whole documents, the ranking's `document_rank` signal). A preference, not a filter: a
follow-up only another document answers still finds it. No second retrieval: the previous question is not searched
again, only looked up in the document-level index.
"""

from __future__ import annotations

from dataclasses import replace

from qa_service.components.lexical import BM25Index, folded_tokens
from qa_service.services.followup import previous_question
from qa_service.services.query import Query


def keep_to_topic(query: Query, history: list[dict[str, str]] | None, documents: BM25Index) -> Query:
    """`query` with the conversation's document, when it is a follow-up that names none itself. `documents`: BM25
    over whole documents."""
    if query.doc_ids or query.standalone == query.question or not (previous := previous_question(history)):
        return query
    quoted = answered_from(history)
    if quoted:
        # the document of most of the previous answer's quotes, not merely the first
        return replace(query, topic_doc_ids=[quoted[0]]) if quoted.count(quoted[0]) * 2 > len(quoted) else query
    about = documents.search(folded_tokens(previous), 1)
    return replace(query, topic_doc_ids=[about[0][0]]) if about else query


def answered_from(history: list[dict[str, str]] | None) -> list[str]:
    """The documents the last answer quoted, one per quote, in order (`documents`: space-separated ids)."""
    answers = [h for h in history or [] if h.get("role") == "assistant"]
    return answers[-1].get("documents", "").split() if answers else []
