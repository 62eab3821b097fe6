"""Human citation labels («Mục III.5, ý 3», «Điều 15, khoản 1, điểm c»)."""

from __future__ import annotations

import re
from enum import StrEnum


class Block(StrEnum):
    """A document's metadata blocks: the masthead and the two closing blocks, labelled so a question about its number,
    date, addressee, signer or recipients finds them, and never the answer to a question about its content."""

    HEADER = "Phần đầu"
    SIGNATURE = "Phần ký"
    RECIPIENTS = "Nơi nhận"


META_BLOCKS = frozenset(Block)


def is_table_row(label: str) -> bool:
    """A table row's unit («Mục I, bảng 1, dòng 2», «Bảng 1, dòng 2»: ingestion/units.py labels them so)."""
    return ", dòng " in label or label.startswith("Bảng ")


def group_label(labels: list[str]) -> str:
    """Label for several units: their common part, then the range of what differs.

    «Mục II.3.b, ý 1» … «Mục II.3.b, ý 4» -> «Mục II.3.b, ý 1-4»;
    «Điều 15, khoản 1», «…, điểm a» … «…, điểm d» -> «Điều 15, khoản 1».
    """
    distinct = list(dict.fromkeys(labels))
    if len(distinct) == 1:
        return distinct[0]
    parts = [label.split(", ") for label in distinct]
    common: list[str] = []
    for components in zip(*parts, strict=False):
        if len(set(components)) != 1:
            break
        common.append(components[0])
    prefix = ", ".join(common)
    if prefix and prefix in distinct:
        return prefix
    first_rest = parts[0][len(common)] if len(parts[0]) > len(common) else ""
    last_rest = parts[-1][len(common)] if len(parts[-1]) > len(common) else ""
    word_first, _, n_first = first_rest.rpartition(" ")
    word_last, _, n_last = last_rest.rpartition(" ")
    m1 = re.match(r"^(.*\.)(\w+)$", distinct[0])
    m2 = re.match(r"^(.*\.)(\w+)$", distinct[-1])
    if not common and m1 and m2 and m1.group(1) == m2.group(1):
        rest = f"{distinct[0]}-{m2.group(2)}"  # «Mục IV.1» … «Mục IV.4» -> «Mục IV.1-4»
    elif word_first and word_first == word_last:
        rest = f"{word_first} {n_first}-{n_last}"
    else:
        rest = f"{first_rest} – {last_rest}".strip(" –")
    return f"{prefix}, {rest}" if prefix else rest
