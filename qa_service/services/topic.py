"""A follow-up keeps to the document the conversation is about.

«Còn về tín dụng thì sao?» after a question the programme answered means credit in the programme, not the credit
article of the SME law; the rewrite gives the words («… về tín dụng»), this gives the document: the one that best
answers the previous question. A preference, not a filter: a follow-up only another document answers still finds it.
"""

from __future__ import annotations

from dataclasses import replace

from qa_service.components.protocols import DocumentReader
from qa_service.services.followup import previous_question
from qa_service.services.query import Query, search_query
from qa_service.services.retrieval import Retriever


def keep_to_topic(query: Query, history: list[dict[str, str]] | None, retriever: Retriever, registry: DocumentReader) -> Query:
    """`query` with the conversation's document, when it is a follow-up that names none itself."""
    if query.doc_ids or query.standalone == query.question or not (previous := previous_question(history)):
        return query
    hits = retriever.retrieve(search_query(previous, None, registry), 3)
    docs = [h.chunk.doc_id for h in hits]
    # a document is the topic when it holds most of the previous question's best passages, not merely the first
    if docs and docs.count(docs[0]) * 2 > len(docs):
        return replace(query, topic_doc_ids=[docs[0]])
    return query
