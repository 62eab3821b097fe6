"""Which section a question is about, read by meaning and by words together.

Every content section of the documents in view is a candidate. Each gets named features — how much of its heading
(and of the heading's best clause) the question says, how much of the question the heading holds, how much nearer
the question is to this heading than to any other by the embedding model, whether it is the nearest — and one
logistic score from a fitted table (resources/section_naming.yaml: weight and why per feature, intercept, threshold,
the run that fitted them; written by eval/fit_sections.py). The best candidate is the section asked about when its
probability reaches the threshold. «Tỉnh sẽ làm gì để đẩy mạnh cải cách hành chính?» names Mục III.4 though it says
only the first clause of its long heading; «Mục tiêu tỷ trọng công nghiệp trong GRDP?» names no section.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import numpy as np
import yaml

from qa_service.resources import RESOURCES
from qa_service.services.asked import AskedKind
from qa_service.services.ranking.table import LogisticTable, Row

FEATURES = ("clause_share", "title_share", "question_share", "meaning_margin", "meaning_top", "figure_asked", "kind_missing")
# cosines of a question to headings differ by hundredths: the margin is read in hundredths
MARGIN_SCALE = 100.0


class SectionNamingTable(LogisticTable):
    ROWS: ClassVar[str] = "features"
    NAMES: ClassVar[tuple[str, ...]] = FEATURES
    features: tuple[Row, ...]


@lru_cache(maxsize=1)
def load_section_naming() -> SectionNamingTable:
    return SectionNamingTable.model_validate(yaml.safe_load((RESOURCES / "section_naming.yaml").read_text(encoding="utf-8")))


@dataclass(frozen=True)
class HeadingCandidate:
    """One section's heading as the naming features see it: its title's content syllables, its clauses' (two or
    more syllables each), and its title's unit embedding."""

    title: frozenset[str]
    clauses: tuple[frozenset[str], ...]
    vector: np.ndarray
    # the content syllables of its document's title: what the whole document is about, so a question's words among
    # them («… quan điểm chỉ đạo về phát triển công nghiệp …» of the programme) say which document, not which section
    document: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AskedAs:
    """What of the question the naming features read beside its embedding: `Query.subject_words`, whether a figure
    is asked for, the kind of thing asked for (a date, an amount, a contact, a body: `Intent.asked`, with the unit a
    count is in), whether it is typed without diacritics (compared with headings typed so: sections.py)."""

    words: frozenset[str]
    figure: bool = False
    kind: AskedKind | None = None
    unit: str = ""
    unaccented: bool = False


def naming_features(
    asked: AskedAs, question: np.ndarray, headings: list[HeadingCandidate], contents: list[str]
) -> list[dict[str, float]]:
    """The features of every candidate heading for one question (`question`: its unit embedding; `contents`: each
    section's text). The meaning margin compares each heading with the best of the others."""
    if not headings:
        return []
    cosines = np.array([float(h.vector @ question) for h in headings])
    top = float(cosines.max())
    rows = []
    for i, heading in enumerate(headings):
        others = np.delete(cosines, i)
        shared = len(heading.title & asked.words)
        # the question's words about a section of this document: less those of its title the heading does not say
        # (they say which document), unless that leaves none
        own = asked.words - (heading.document - heading.title) or asked.words
        rows.append(
            {
                "clause_share": max((len(c & asked.words) / len(c) for c in heading.clauses), default=0.0),
                "title_share": shared / len(heading.title) if heading.title else 0.0,
                "question_share": len(heading.title & own) / len(own) if own else 0.0,
                "meaning_margin": (cosines[i] - float(others.max())) * MARGIN_SCALE if len(others) else 0.0,
                "meaning_top": float(cosines[i] >= top),
                "figure_asked": float(asked.figure),
                "kind_missing": float(asked.kind is not None and not asked.kind.holds(contents[i], asked.unit)),
            }
        )
    return rows
