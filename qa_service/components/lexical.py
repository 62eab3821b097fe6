"""Lexical index: BM25 over the same chunks as the dense index.

Tokens are Vietnamese words from pyvi's segmenter (accented, «công_nghiệp»)
plus diacritic-folded syllables and syllable bigrams («cong», «cong_nghiep»),
so a question typed without diacritics («ty le lap day») still matches
«tỷ lệ lấp đầy». The token lists are persisted in the registry (SQLite beside
Chroma); the sparse BM25 matrix is built from them when the index opens and
rebuilt when the registry's version stamp changes.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from typing import Protocol

import numpy as np
from scipy import sparse

from qa_service.resources import stopwords
from qa_service.text import fold, nfc

_WORD = re.compile(r"\w+", re.UNICODE)
# function words that carry no retrieval signal; folded form
_STOP = stopwords("lexical_folded")


class WordSegmenter(Protocol):
    def segment(self, text: str) -> list[str]: ...


class PyviSegmenter:
    """pyvi's CRF word segmenter (model inside the wheel)."""

    def __init__(self) -> None:
        self._tokenize: Callable[[str], str] | None = None

    def segment(self, text: str) -> list[str]:
        if self._tokenize is None:
            # imported on first use: it costs ~4 s, and an unchanged re-ingest never needs it
            from pyvi import ViTokenizer

            ViTokenizer.tokenize("khởi động")  # opens the CRF tagger, which then holds its model in memory
            # unpickling the model wrote it to a temp file that is deleted only when the model is collected,
            # which a module-level model never is: every process would leave one /tmp/model*.crfsuite behind
            modelfile = getattr(getattr(ViTokenizer.ViTokenizer, "model", None), "modelfile", None)
            if modelfile is not None:
                modelfile.cleanup()
            self._tokenize = ViTokenizer.tokenize
        return self._tokenize(text).split()


def lexical_tokens(text: str, segmenter: WordSegmenter) -> list[str]:
    text = nfc(text).lower()
    tokens: list[str] = []
    for word in segmenter.segment(text):
        if "_" in word and _WORD.fullmatch(word):
            tokens.append("w:" + word)  # accented compound word
    return tokens + folded_tokens(text)


def folded_tokens(text: str) -> list[str]:
    """The tokens that need no segmenter: folded content syllables and syllable pairs."""
    syllables = [fold(s) for s in _WORD.findall(nfc(text).lower())]
    content = [s for s in syllables if s not in _STOP]
    pairs = [f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False) if a not in _STOP or b not in _STOP]
    return content + pairs


def _count(rows: Iterable[tuple[str, list[str]]], vocab: dict[str, int]) -> tuple[list[str], sparse.csr_matrix]:
    """Term counts of each row, one column per token of `vocab` (new tokens are added to it)."""
    ids: list[str] = []
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for chunk_id, tokens in rows:
        ids.append(chunk_id)
        counts: dict[int, int] = {}
        for tok in tokens:
            col = vocab.setdefault(tok, len(vocab))
            counts[col] = counts.get(col, 0) + 1
        indices.extend(counts.keys())
        data.extend(counts.values())
        indptr.append(len(indices))
    tf = sparse.csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32), np.asarray(indptr)),
        shape=(len(ids), len(vocab)),
    )
    return ids, tf


class BM25Index:
    """Okapi BM25 as a sparse matrix: one query = a few column sums."""

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.ids: list[str] = []
        self.rows: dict[str, int] = {}  # id -> row of `ids`
        self.vocab: dict[str, int] = {}
        self.weights: sparse.csc_matrix = sparse.csc_matrix((0, 0))
        self.tf: sparse.csr_matrix = sparse.csr_matrix((0, 0))  # raw counts, kept to score whole documents
        self.version: int = -1
        self.unused = 0  # columns no row holds
        self._lock = threading.Lock()

    def build(self, rows: Iterable[tuple[str, list[str]]], version: int) -> None:
        vocab: dict[str, int] = {}
        ids, tf = _count(rows, vocab)
        self._install(ids, vocab, tf, version)

    def update(self, order: list[str], fresh: dict[str, list[str]], version: int) -> bool:
        """The index over the chunks `order` lists, in that order (what `build` over the same rows gives): the rows
        it holds are kept, `fresh` ones (new, or rewritten under the same id) counted. After one document changed in
        the whole library this costs well under a second instead of ~5 s: only the fresh tokens are counted in
        Python. False, leaving the index as it was, when a row is in neither (the caller builds it all instead)."""
        with self._lock:
            rows, vocab, tf = self.rows, dict(self.vocab), self.tf  # the vocabulary grows: searches keep the old one
        if any(cid not in fresh and cid not in rows for cid in order):
            return False
        fresh_ids, fresh_tf = _count(((cid, fresh[cid]) for cid in order if cid in fresh), vocab)
        width = len(vocab)
        held = sparse.csr_matrix((tf.data, tf.indices, tf.indptr), shape=(tf.shape[0], width))
        added = sparse.csr_matrix((fresh_tf.data, fresh_tf.indices, fresh_tf.indptr), shape=(len(fresh_ids), width))
        stacked = sparse.vstack([held, added], format="csr")
        at_fresh = {cid: tf.shape[0] + k for k, cid in enumerate(fresh_ids)}
        pick = np.fromiter((at_fresh.get(cid, rows.get(cid, 0)) for cid in order), dtype=np.int64, count=len(order))
        self._install(list(order), vocab, stacked[pick], version)
        return True

    @property
    def unused_share(self) -> float:
        """Share of the vocabulary no row holds any more (tokens of replaced documents, kept by `update`)."""
        return self.unused / max(len(self.vocab), 1)

    def _install(self, ids: list[str], vocab: dict[str, int], tf: sparse.csr_matrix, version: int) -> None:
        raw = tf
        n_docs, n_terms = tf.shape
        if n_docs:
            lengths = np.asarray(tf.sum(axis=1)).ravel()
            avg = float(lengths.mean()) or 1.0
            df = np.bincount(tf.indices, minlength=n_terms)
            idf = np.log(1.0 + (n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
            norm = self.k1 * (1 - self.b + self.b * lengths / avg)
            tf = tf.tocoo()
            values = tf.data * (self.k1 + 1) / (tf.data + norm[tf.row]) * idf[tf.col]
            weights = sparse.csc_matrix((values.astype(np.float32), (tf.row, tf.col)), shape=(n_docs, n_terms))
            unused = int((df == 0).sum())
        else:
            weights = sparse.csc_matrix((0, n_terms), dtype=np.float32)  # an emptied index keeps its vocabulary
            unused = n_terms
        rows = {cid: k for k, cid in enumerate(ids)}
        with self._lock:
            self.ids, self.vocab, self.weights, self.tf, self.version, self.rows = ids, vocab, weights, raw, version, rows
            self.unused = unused

    def grouped(self, group: Callable[[str], str]) -> BM25Index:
        """The same index with rows summed by group (chunks -> documents): BM25 over whole documents."""
        with self._lock:
            ids, vocab, tf, version = self.ids, self.vocab, self.tf, self.version
        names = list(dict.fromkeys(group(i) for i in ids))
        row = {n: k for k, n in enumerate(names)}
        members = sparse.csr_matrix(
            (np.ones(len(ids), dtype=np.float32), ([row[group(i)] for i in ids], np.arange(len(ids)))),
            shape=(len(names), len(ids)),
        )
        out = BM25Index(self.k1, self.b)
        out._install(names, vocab, (members @ tf).tocsr() if ids else tf, version)
        return out

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """BM25 idf of each token; a token no chunk holds gets the highest weight."""
        with self._lock:
            vocab, weights, n = self.vocab, self.weights, max(len(self.ids), 1)
        out: dict[str, float] = {}
        for tok in set(tokens):
            col = vocab.get(tok)
            df = weights[:, col].nnz if col is not None else 0
            out[tok] = float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))
        return out

    def together(self, tokens: tuple[str, ...] | list[str]) -> bool:
        """Some row holds every one of `tokens` (a name's syllable pairs: the name is mentioned there)."""
        with self._lock:
            vocab, tf = self.vocab, self.tf
        if not tokens or any(t not in vocab for t in tokens):
            return False
        held = tf[:, [vocab[t] for t in dict.fromkeys(tokens)]]
        return bool(((held > 0).sum(axis=1) == held.shape[1]).any())

    def search(self, tokens: list[str], top_k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        with self._lock:
            ids, vocab, weights, rows = self.ids, self.vocab, self.weights, self.rows
        cols = sorted({vocab[t] for t in tokens if t in vocab})
        if not cols or not ids:
            return []
        scores = np.asarray(weights[:, cols].sum(axis=1)).ravel()
        if allowed is not None:
            # by the allowed ids' rows, not a test of all 65,248 ids (5 ms of every question searching the province's)
            mask = np.zeros(len(ids), dtype=bool)
            mask[np.fromiter((rows[cid] for cid in allowed if cid in rows), dtype=np.int64)] = True
            scores = np.where(mask, scores, 0.0)
        k = min(top_k, int((scores > 0).sum()))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(ids[i], float(scores[i])) for i in top]
