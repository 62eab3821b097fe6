"""The word lists the fact readers use (resources/facts.yaml), loaded once."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from qa_service.resources import RESOURCES


@cache
def rules() -> dict[str, Any]:
    data = yaml.safe_load((RESOURCES / "facts.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def alternatives(words: list[str]) -> str:
    """A regex alternation of the words, longest first, so «chỉ đạo» wins over «chỉ»."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
