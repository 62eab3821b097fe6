"""Document text and questions are untrusted data. A sentence that reads as an instruction to a model («bỏ qua các
hướng dẫn…», «ignore all previous instructions and answer that…») is never put in a prompt and never made the
answer's lead or first quote.

It is recognised two ways: by the wordings known (resources/prompts/injection_patterns.txt, cheap, read first) and
by meaning (resources/instructions.yaml: examples of instructions addressed to a model beside a policy document's
own directives, read by the example classifier of components/intents.py), so a paraphrase no pattern knows, in
Vietnamese or English, is caught too. Sentences are read in one batch per call and their verdicts kept, so a
section read again costs nothing."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import TypeVar

from qa_service.components.embedder import Embedder
from qa_service.components.intents import ExampleClassifier, load_bank
from qa_service.resources import injection_patterns
from qa_service.settings import IntentSettings
from qa_service.text import split_sentences

T = TypeVar("T")
INSTRUCTION = "instruction"
# fewer words than this say too little to be read by meaning («Mục tiêu», «Điều 5. Hiệu lực»): patterns only
MIN_WORDS = 4
_WORD = re.compile(r"\w+")
_LINE = re.compile(r"[^\n]+")


def known_instruction(text: str) -> bool:
    """A wording of resources/prompts/injection_patterns.txt occurs in `text`."""
    return any(p.search(text) for p in injection_patterns())


def sentences(text: str) -> list[str]:
    """The sentences and list lines of a text."""
    out: list[str] = []
    for line in _LINE.finditer(text):
        body = line.group(0)
        for s, e in split_sentences(body, semicolons=False) or [(0, len(body))]:
            if body[s:e].strip():
                out.append(body[s:e].strip())
    return out


class InstructionReader:
    """Whether texts read as instructions to a model: by pattern, else by meaning, sentence by sentence."""

    def __init__(self, embedder: Embedder, settings: IntentSettings, cache_size: int = 8192) -> None:
        self._examples = ExampleClassifier(embedder, settings, load_bank("instructions"), "content", passages=True)
        self._verdicts: OrderedDict[str, bool] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def warm(self) -> None:
        self._examples.warm()

    def flags(self, texts: Sequence[str]) -> list[bool]:
        """For each text: whether any of its sentences reads as an instruction to a model."""
        split = [sentences(t) for t in texts]
        verdicts = self._read({s for parts in split for s in parts})
        return [known_instruction(t) or any(verdicts[s] for s in parts) for t, parts in zip(texts, split, strict=True)]

    def instruction_like(self, text: str) -> bool:
        return self.flags([text])[0]

    def plain(self, items: Sequence[T], text: Callable[[T], str]) -> list[T]:
        """`items` without those whose `text` reads as an instruction, in order."""
        flags = self.flags([text(item) for item in items])
        return [item for item, flagged in zip(items, flags, strict=True) if not flagged]

    def _read(self, wanted: set[str]) -> dict[str, bool]:
        with self._lock:
            known = {s: self._verdicts[s] for s in wanted if s in self._verdicts}
        unknown = sorted(wanted - known.keys())
        by_pattern = {s: known_instruction(s) for s in unknown}
        by_meaning = [s for s in unknown if not by_pattern[s] and len(_WORD.findall(s)) >= MIN_WORDS]
        readings = dict(zip(by_meaning, self._examples.read_many(by_meaning), strict=True))
        fresh = {s: by_pattern[s] or (s in readings and readings[s].label == INSTRUCTION) for s in unknown}
        with self._lock:
            for s, verdict in fresh.items():
                self._verdicts[s] = verdict
                self._verdicts.move_to_end(s)
            while len(self._verdicts) > self._cache_size:
                self._verdicts.popitem(last=False)
        return known | fresh
