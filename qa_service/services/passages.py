"""Ranked chunks -> the passages shown: copies in other documents folded onto the better hit, neighbours of one
section merged into one passage."""

from __future__ import annotations

import re
from functools import lru_cache

from qa_service.labels import group_label
from qa_service.models import Chunk, Copy, ScoredChunk
from qa_service.text import FIGURE, normalize_for_match

WORD = re.compile(r"\w+")
FOOTNOTE_MARK = re.compile(r"\[\d{1,3}\]")


def passages(results: list[ScoredChunk], copy_similarity: float, merge_neighbours: bool = True) -> list[ScoredChunk]:
    """Ranked chunks -> the passages shown: copies in other documents folded onto the better hit, then neighbours of
    one section merged, then copies folded again. Folding first as well: a law and its consolidated text cut an article
    at different khoản, so two chunks can be the same words while the passages merged from them are not."""
    results = collapse_copies(results, copy_similarity)
    if merge_neighbours:
        results = collapse_copies(merge_adjacent(results), copy_similarity)
    return results


def collapse_copies(results: list[ScoredChunk], similarity: float = 1.0) -> list[ScoredChunk]:
    """One hit for one passage: the same words in another document (a law and its consolidated text, two versions,
    a copy) are listed on the better-ranked hit instead of taking a place of their own — and so are nearly the same
    words (word 3-grams overlapping at least `similarity`), each copy with how much it overlaps, so a reader is told
    when the wording differs."""
    kept: list[tuple[ScoredChunk, str, frozenset[tuple[str, ...]]]] = []
    for hit in results:
        key, grams = _comparable(hit.chunk.text)
        if len(key) >= 40:
            best = max(
                ((host, _overlap(key, grams, host_key, host_grams)) for host, host_key, host_grams in kept if host.chunk.doc_id != hit.chunk.doc_id),
                key=lambda pair: pair[1],
                default=None,
            )
            if best is not None and best[1] >= similarity:
                best[0].copies.append(Copy(chunk=hit.chunk, similarity=round(best[1], 3)))
                best[0].copies.extend(hit.copies)  # what was folded into it before neighbours were merged
                continue
        kept.append((hit, key, grams))
    return [hit for hit, _, _ in kept]


@lru_cache(maxsize=4096)
def _comparable(text: str) -> tuple[str, frozenset[tuple[str, ...]]]:
    """A passage's text as compared for copies, and its word 3-grams: the same passages come back question after
    question, and normalising them was ~2.5 ms of each /search on the whole library."""
    key = normalize_for_match(text)
    return key, _word_grams(key)


def _word_grams(text: str, n: int = 3) -> frozenset[tuple[str, ...]]:
    words = WORD.findall(text)
    return frozenset(tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 1)))


def _overlap(key: str, grams: frozenset[tuple[str, ...]], other_key: str, other_grams: frozenset[tuple[str, ...]]) -> float:
    """1.0 for the same text (case, spacing and quote marks aside); 0.0 when a figure differs (a rate, a date, an
    amount: never folded however alike the rest is); otherwise the Jaccard overlap of word 3-grams, kept under 1.0 so
    a difference in punctuation alone is not called word for word."""
    if key == other_key:
        return 1.0
    if _figures(key) != _figures(other_key):
        return 0.0
    return min(len(grams & other_grams) / max(len(grams | other_grams), 1), 0.999)


def _figures(text: str) -> list[str]:
    """The numbers of a passage in order, a consolidated text's footnote marks («[12]») left out."""
    return FIGURE.findall(FOOTNOTE_MARK.sub(" ", text))


def merge_adjacent(results: list[ScoredChunk]) -> list[ScoredChunk]:
    """Fold a hit into a better-ranked hit that is its neighbour in the same section."""
    kept: list[ScoredChunk] = []
    for hit in results:
        host = next(
            (
                k
                for k in kept
                if k.chunk.doc_id == hit.chunk.doc_id
                and k.chunk.section_ids == hit.chunk.section_ids
                and _touches(k.chunk, hit.chunk)
            ),
            None,
        )
        if host is None:
            kept.append(hit)
            continue
        host.chunk = join_chunks(host.chunk, hit.chunk)
        host.copies.extend(c for c in hit.copies if c.chunk.chunk_id not in {h.chunk.chunk_id for h in host.copies})
    return kept


def _touches(a: Chunk, b: Chunk) -> bool:
    lo_a, hi_a = a.start, a.end
    return b.start <= hi_a + 1 and b.end >= lo_a - 1


def join_chunks(a: Chunk, b: Chunk) -> Chunk:
    """One passage over two neighbouring chunks of a document; its text is the document's text over the span.

    Chunks meet at a unit boundary (a new line) or, where a long unit was cut, between two of its sentences (a
    space): the gap is restored as it is in the cleaned text, so offsets and quotes still point at the document."""
    first, second = (a, b) if a.start <= b.start else (b, a)
    if second.end <= first.end:
        return a
    same_unit = bool(first.units and second.units and first.units[-1].label == second.units[0].label)
    gap = (" " if same_unit else "\n") if second.start > first.end else ""
    text = first.text + gap + second.text[max(0, first.end - second.start) :]
    units = list(first.units)
    rest = [u for u in second.units if u.start >= first.end]
    if same_unit and rest and units:
        # the two pieces of one cut unit are one unit again
        units[-1] = units[-1].model_copy(update={"end": rest[0].end})
        rest = rest[1:]
    units += rest
    return a.model_copy(
        update={
            "text": text,
            "start": first.start,
            "end": second.end,
            "units": units,
            "citation_label": group_label([u.label for u in units]) if units else a.citation_label,
        }
    )
