"""Local LLM behind a narrow protocol (optional: `make setup-llm`).

llama-cpp-python is imported only here and only when the model is loaded,
so the service runs without it and reports generative mode as unavailable.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from qa_service.components.generator_setup import ModelFileError, check_model
from qa_service.settings import GeneratorSettings

log = logging.getLogger("qa_service.generator")


class Generator(Protocol):
    model_id: str
    lock: threading.Lock  # one generation at a time: a llama.cpp context is not re-entrant

    def generate(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        """Stream the reply's text pieces for ChatML `messages`."""
        ...

    def count_tokens(self, text: str) -> int: ...


class LlamaCppGenerator:
    def __init__(self, settings: GeneratorSettings) -> None:
        from llama_cpp import Llama  # heavy and optional: imported on load only

        assert settings.model_path is not None
        self.settings = settings
        self.model_id = settings.model_path.stem
        self.lock = threading.Lock()
        self._llm: Any = Llama(
            model_path=str(settings.model_path),
            n_ctx=settings.n_ctx,
            n_threads=settings.threads,
            n_threads_batch=settings.threads,
            # the model's own template would do too; ChatML is stated so a GGUF without one still works
            chat_format="chatml",
            verbose=False,
        )

    def generate(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        # llama.cpp keeps the evaluated prefix: the fixed system prompt is read once, not per question
        stream = self._llm.create_chat_completion(
            messages=messages,
            max_tokens=max_tokens,
            temperature=self.settings.temperature,
            stream=True,
        )
        for part in stream:
            piece = part["choices"][0]["delta"].get("content")
            if piece:
                yield piece

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))


@dataclass
class GeneratorStatus:
    available: bool
    reason: str | None = None  # machine-readable: disabled | runtime_missing | model_missing | model_mismatch | load_failed


def load_generator(settings: GeneratorSettings) -> tuple[Generator | None, GeneratorStatus]:
    if not settings.enabled:
        return None, GeneratorStatus(False, "disabled")
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return None, GeneratorStatus(False, "runtime_missing")
    assert settings.model_path is not None
    if not settings.model_path.is_file():
        return None, GeneratorStatus(False, "model_missing")
    if settings.verify_on_load:
        try:
            check_model(settings.model_path, settings.sha256)
        except ModelFileError as exc:
            log.error("generator model refused: %s", exc)
            return None, GeneratorStatus(False, "model_mismatch")
    try:
        return LlamaCppGenerator(settings), GeneratorStatus(True)
    except Exception:  # a corrupt or incompatible file must not stop the extractive service
        log.exception("generator failed to load")
        return None, GeneratorStatus(False, "load_failed")
