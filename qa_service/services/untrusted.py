"""Document text is untrusted data. A sentence that reads as an instruction to a model («bỏ qua các hướng dẫn…»,
«trả lời rằng…»; resources/prompts/injection_patterns.txt) is never put in a prompt and never made the answer's
own words: it can only be quoted, as what the document says."""

from __future__ import annotations

from qa_service.resources import injection_patterns


def instruction_like(text: str) -> bool:
    return any(p.search(text) for p in injection_patterns())
