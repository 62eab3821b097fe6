"""The programme as the «questions by meaning» sets (eval/meaning/) are checked against: its text normalised as
eval/README.md says, its passages as the ingestion cuts them, its outline, units and facts; the split rule of the
format; and the check of the hand-written chains. Used by eval/generate_questions.py and tests/eval.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from qa_service.ingestion.facts import ActorDuty, TargetFact, extract_facts
from qa_service.ingestion.pipeline import prepare
from qa_service.ingestion.readers import load
from qa_service.ingestion.units import UnitBlock
from qa_service.models import OutlineEntry
from qa_service.settings import Settings
from qa_service.text import fold, normalize_for_match

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME = ROOT / "corpus" / "chuong-trinh-hanh-dong-phat-trien-cong-nghiep-2021-2025.md"
MEANING = ROOT / "eval" / "meaning"
GENERATED = MEANING / "generated.jsonl"
CHAINS = MEANING / "chains.jsonl"
PERSONAS = {"cadre", "business", "trainer"}


def split_of(group: str) -> str:
    """The format's rule: decided by the group, so every wording of one request falls in the same split."""
    return "heldout" if int(hashlib.blake2b(group.encode("utf-8"), digest_size=8).hexdigest(), 16) % 3 == 0 else "dev"


def folded(text: str) -> str:
    return fold(normalize_for_match(text))


@dataclass
class Programme:
    """The programme as the service reads it, with the checks every generated string must pass."""

    raw: str  # the file, normalised
    chunks: list[str]  # each passage's text, normalised
    outline: list[OutlineEntry]
    units: list[UnitBlock]
    facts_targets: list[TargetFact]
    facts_actors: list[ActorDuty]

    @classmethod
    def read(cls, path: Path = PROGRAMME) -> Programme:
        settings = Settings()
        prepared = prepare(load(path), settings)
        facts = extract_facts(prepared.chunks, prepared.meta, settings.ingestion.max_figures)
        return cls(normalize_for_match(path.read_text(encoding="utf-8")), [normalize_for_match(c.text) for c in prepared.chunks],
                   prepared.structured.outline, prepared.structured.units, facts.targets, facts.actors)

    def has(self, text: str) -> bool:
        return normalize_for_match(text) in self.raw

    def in_one_passage(self, text: str) -> bool:
        needle = normalize_for_match(text)
        return any(needle in chunk for chunk in self.chunks)

    def names(self, name: str) -> bool:
        """Whether the programme names it, accents and case aside."""
        return folded(name) in fold(self.raw)

    def section_text(self, *labels: str) -> str:
        """The normalised text of the units under these sections («Mục III» takes III.1-9)."""
        return normalize_for_match(" ".join(u.text for u in self.units if any(under(u.group, label) for label in labels)))

    def section_of(self, text: str) -> str:
        needle = normalize_for_match(text)
        return next((u.group for u in self.units if needle in normalize_for_match(u.text)), "")


def under(group: str, label: str) -> bool:
    return group == label or group.startswith(label + ".")


def check_chains(prog: Programme, path: Path = CHAINS) -> list[str]:
    """What is wrong with the hand-written chains: the shape, the split, and every must/evidence string."""
    problems = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        chain = json.loads(line)
        where = chain.get("id", f"line {n}")
        if set(chain) != {"id", "group", "persona", "corpus", "split", "turns"} or len(chain["turns"]) != 3:
            problems.append(f"{where}: fields or turns")
            continue
        if chain["split"] != split_of(chain["group"]) or chain["persona"] not in PERSONAS:
            problems.append(f"{where}: split or persona")
        for t, turn in enumerate(chain["turns"], start=1):
            if turn["answerable"] != bool(turn["must"]) or turn["answerable"] != bool(turn["evidence"]):
                problems.append(f"{where} turn {t}: answerable and must/evidence disagree")
            problems += [f"{where} turn {t}: must «{m}»" for m in turn["must"] if not prog.has(m)]
            problems += [f"{where} turn {t}: evidence «{e}»" for e in turn["evidence"]
                         if not (prog.has(e) and prog.in_one_passage(e))]
    return problems
