"""Open every heavy component once (model, Chroma, registry, lexical index)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from qa_service.components.embedder import Embedder, make_embedder
from qa_service.components.intents import IntentClassifier, QuestionReaders
from qa_service.components.jobs import JobStore
from qa_service.components.lexical import BM25Index, PyviSegmenter, WordSegmenter
from qa_service.components.protocols import DenseStore, DocumentRegistry
from qa_service.components.registry import Registry
from qa_service.components.untrusted import InstructionReader
from qa_service.components.vector_store import ChromaDenseStore
from qa_service.settings import Settings


@dataclass
class Components:
    settings: Settings
    embedder: Embedder
    store: DenseStore
    registry: DocumentRegistry
    segmenter: WordSegmenter
    jobs: JobStore
    lexical: BM25Index = field(default_factory=BM25Index)
    document_lexical: BM25Index = field(default_factory=BM25Index)  # BM25 over whole documents
    # a classifier given (a copy made by dataclasses.replace keeps its own), else one over the embedder: see `intents`
    _intents: IntentClassifier | None = field(default=None, repr=False)
    _readers: QuestionReaders | None = field(default=None, repr=False)
    _instructions: InstructionReader | None = field(default=None, repr=False)
    _reload_lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        s = self.settings
        self._readers = QuestionReaders.over(self.embedder, s.intent, s.asked_kind, s.followup, self._intents)
        self._intents = self._readers.intents
        self._instructions = InstructionReader(self.embedder, s.instructions)

    @property
    def readers(self) -> QuestionReaders:
        """The question read by meaning with the embedder above (made in __post_init__)."""
        if self._readers is None:  # only if someone cleared it after construction
            raise RuntimeError("Components.readers was not set")
        return self._readers

    @property
    def instructions(self) -> InstructionReader:
        """Whether document text or a question reads as an instruction to a model (made in __post_init__)."""
        if self._instructions is None:
            raise RuntimeError("Components.instructions was not set")
        return self._instructions

    @property
    def intents(self) -> IntentClassifier:
        """What a question asks for."""
        return self.readers.intents

    def refresh_lexical(self, force: bool = False) -> None:
        """Bring BM25 up to the registry when it changed (another worker or an ingest job wrote to it): the rows
        written since are counted, the others kept; built whole the first time, when forced, and when a third of
        its vocabulary is left over from replaced documents."""
        version = self.registry.version()
        if not force and version == self.lexical.version:
            return
        with self._reload_lock:
            if not force and version == self.lexical.version:
                return
            whole = force or self.lexical.version < 0 or self.lexical.unused_share > 1 / 3
            if whole or not self.lexical.update(*self.registry.tokens_since(self.lexical.version), version):
                self.lexical.build(self.registry.iter_tokens(), version)
            self.document_lexical = self.lexical.grouped(lambda chunk_id: chunk_id.rsplit(":", 1)[0])


class LazyEmbedder:
    """Loads the model on first use, so a run with nothing to embed never pays for it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._real: Embedder | None = None
        self.model_id = settings.embedding.model_id
        self.dim = settings.embedding.dim

    def _get(self) -> Embedder:
        if self._real is None:
            self._real = make_embedder(self._settings.embedding)
        return self._real

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        return self._get().embed_batch(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._get().embed_query(text)

    def warm(self) -> None:
        self._get()


def open_components(settings: Settings, embedder: Embedder | None = None, build_lexical: bool = True) -> Components:
    components = Components(
        settings=settings,
        embedder=embedder or make_embedder(settings.embedding),
        store=ChromaDenseStore(settings),
        registry=Registry(settings.registry_path),
        segmenter=PyviSegmenter(),
        jobs=JobStore(settings.jobs_path),
    )
    if build_lexical:  # the service needs it; ingestion only writes tokens
        components.refresh_lexical(force=True)
    return components
