"""What a question asks for, read from its meaning: a logistic regression over labelled example questions
(`resources/intents.yaml`), each seen two ways at once — the embedding model's own vector (its meaning, across
languages) and its words folded to plain letters, one and two at a time (the question words «bao nhiêu», «ai ký»
carry the form of the question and read the same typed without diacritics). A question whose best label is not
probable enough is read as plain, so an odd wording falls back to the general path instead of a wrong special
one."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

import numpy as np
import scipy.sparse as sp
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from qa_service.components.embedder import Embedder
from qa_service.resources import RESOURCES
from qa_service.settings import IntentSettings
from qa_service.text import fold


class IntentKind(StrEnum):
    OVERVIEW = "overview"  # a document's or a named part's contents as a whole
    LIST = "list"  # the items of an enumeration (tasks, measures, conditions)
    NAMES = "names"  # which named places, zones, factories, projects
    QUANTITY = "quantity"  # a figure: amount, rate, count, area, target
    DATE = "date"  # when, a deadline
    DUTIES = "duties"  # what a named body must do, or which body is in charge
    SIGNER = "signer"  # who signed the document
    RECIPIENTS = "recipients"  # to whom it is sent
    ISSUED = "issued"  # the document's date of issue or number
    FORM = "form"  # a form or template: its blanks are the answer
    PURPOSE = "purpose"  # what something is for
    CONTACT = "contact"  # phone, address, website
    PLAIN = "plain"  # anything else: explanations, causes, yes/no, definitions


@dataclass(frozen=True)
class IntentReading:
    kind: IntentKind = IntentKind.PLAIN
    confidence: float = 0.0  # the classifier's probability of `kind` (of the best label when read as plain)
    best: IntentKind = IntentKind.PLAIN  # the most probable label, before the confidence floor
    nearest: str = ""  # the bank example nearest the question: why it was read so


@cache
def load_bank(name: str) -> dict[str, tuple[str, ...]]:
    """Labelled example wordings from resources/<name>.yaml (`examples:` label -> wordings)."""
    data = yaml.safe_load((RESOURCES / f"{name}.yaml").read_text(encoding="utf-8"))
    return {str(label): tuple(examples) for label, examples in data["examples"].items()}


def intent_bank() -> dict[IntentKind, tuple[str, ...]]:
    return {IntentKind(label): examples for label, examples in load_bank("intents").items()}


def bank_key(bank: Mapping[str, tuple[str, ...]]) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for label, examples in sorted(bank.items()):
        digest.update(label.encode())
        for example in examples:
            digest.update(b"\0" + example.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class _Fit:
    model: LogisticRegression
    words: TfidfVectorizer
    vectors: np.ndarray  # the bank's unit embeddings, for the nearest example
    texts: list[str]
    embedding_weight: float

    def features(self, vectors: np.ndarray, texts: list[str]) -> sp.csr_matrix:
        return question_features(self.words.transform(texts), vectors, self.embedding_weight)


# a fit is a pure function of (model, bank, settings, how texts are embedded): apps opened on the same model in one
# process share it
_FITS: dict[tuple[str, int, str, float, float, bool], _Fit] = {}
_FITS_LOCK = threading.Lock()


@dataclass(frozen=True)
class Reading:
    label: str
    confidence: float  # the classifier's probability of `label` (of the best label when read as the fallback)
    best: str  # the most probable label, before the confidence floor
    nearest: str  # the bank example nearest the question: why it was read so


class ExampleClassifier:
    """Labels a text by example: fitted once per process and embedder on a bank (label -> wordings); reading a text
    costs one (cached) query embedding. Below `min_confidence` a text is read as `fallback`.

    `passages`: bank and texts are embedded as passages, many in one batch (`read_many`): for document sentences,
    read by the dozen, where one call per sentence would cost a model run each."""

    def __init__(
        self, embedder: Embedder, settings: IntentSettings, bank: Mapping[str, tuple[str, ...]], fallback: str, passages: bool = False
    ):
        self._embedder = embedder
        self._settings = settings
        self._bank = dict(bank)
        self._fallback = fallback
        self._passages = passages

    def _fit(self) -> _Fit:
        model_id = str(getattr(self._embedder, "model_id", type(self._embedder).__name__))
        s = self._settings
        key = (model_id, int(getattr(self._embedder, "dim", 0)), bank_key(self._bank), s.c, s.embedding_weight, self._passages)
        with _FITS_LOCK:
            if key not in _FITS:
                _FITS[key] = fit_bank(self._embedder, self._bank, s.c, s.embedding_weight, self._passages)
            return _FITS[key]

    def warm(self) -> None:
        self._fit()

    def read(self, text: str) -> Reading:
        return self.read_many([text])[0]

    def read_many(self, texts: list[str]) -> list[Reading]:
        if not texts:
            return []
        fit = self._fit()
        vectors = _unit(_embed(self._embedder, texts, self._passages))
        readings: list[Reading] = []
        for vector, probabilities in zip(vectors, fit.model.predict_proba(fit.features(vectors, texts)), strict=True):
            best = int(np.argmax(probabilities))
            label, confidence = str(fit.model.classes_[best]), float(probabilities[best])
            nearest = fit.texts[int(np.argmax(fit.vectors @ vector))]
            kind = label if confidence >= self._settings.min_confidence else self._fallback
            readings.append(Reading(label=kind, confidence=confidence, best=label, nearest=nearest))
        return readings


class IntentClassifier:
    """What a question asks for (resources/intents.yaml); an odd wording is read as plain."""

    def __init__(self, embedder: Embedder, settings: IntentSettings, bank: Mapping[IntentKind, tuple[str, ...]] | None = None):
        labelled = {str(k): v for k, v in (bank if bank is not None else intent_bank()).items()}
        self._examples = ExampleClassifier(embedder, settings, labelled, IntentKind.PLAIN.value)

    def warm(self) -> None:
        self._examples.warm()

    def read(self, text: str) -> IntentReading:
        r = self._examples.read(text)
        return IntentReading(kind=IntentKind(r.label), confidence=r.confidence, best=IntentKind(r.best), nearest=r.nearest)


def folded_words() -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="word", ngram_range=(1, 2), preprocessor=lambda t: fold(t).lower(), sublinear_tf=True)


def question_features(words: sp.spmatrix, vectors: np.ndarray, embedding_weight: float) -> sp.csr_matrix:
    return sp.hstack([words, sp.csr_matrix(vectors * embedding_weight)]).tocsr()


def classifier(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=0)


def _embed(embedder: Embedder, texts: list[str], passages: bool) -> np.ndarray:
    return embedder.embed_batch(texts) if passages else np.stack([embedder.embed_query(t) for t in texts])


def fit_bank(
    embedder: Embedder, bank: Mapping[str, tuple[str, ...]], c: float, embedding_weight: float, passages: bool = False
) -> _Fit:
    texts = [t for examples in bank.values() for t in examples]
    labels = [str(label) for label, examples in bank.items() for _ in examples]
    vectors = _unit(_embed(embedder, texts, passages))
    words = folded_words()
    model = classifier(c).fit(question_features(words.fit_transform(texts), vectors, embedding_weight), labels)
    return _Fit(model, words, vectors, texts, embedding_weight)


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float64)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class QuestionReaders:
    """The classifiers that read a question by meaning: what it asks for, what kind of thing its answer must hold,
    and whether a turn follows up the one before."""

    intents: IntentClassifier
    asked: ExampleClassifier
    followups: ExampleClassifier

    @classmethod
    def over(cls, embedder: Embedder, intent: IntentSettings, asked: IntentSettings, followup: IntentSettings,
             intents: IntentClassifier | None = None) -> QuestionReaders:
        return cls(
            intents or IntentClassifier(embedder, intent),
            ExampleClassifier(embedder, asked, load_bank("asked_kinds"), "none"),
            ExampleClassifier(embedder, followup, load_bank("followups"), "standalone"),
        )

    def follows_up(self, turn: str) -> bool:
        return self.followups.read(turn).label == "follow_up"

    def warm(self) -> None:
        for reader in (self.intents, self.asked, self.followups):
            reader.warm()
