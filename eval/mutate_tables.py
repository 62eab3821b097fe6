"""Mutation run of the two feature tables: each feature's shipped weight set to neutral (0) in the resource file, one
at a time, and the fast tests run; a feature whose mutation no test catches is a rule nothing guards.

    python -m eval.mutate_tables            # both tables, every feature (~2 s a feature: the ablation tests only)
    python -m eval.mutate_tables --all      # the whole fast tier for each mutation (minutes a feature)

The file is restored after each run (and on interruption). Prints one line per feature: caught or NOT caught, with
the failing tests' count.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TABLES = {
    "qa_service/resources/ranking.yaml": ["tests/qa_service/ranking/test_ablation.py"],
    "qa_service/resources/sentences.yaml": ["tests/qa_service/answer/test_sentence_ablation.py"],
    "qa_service/resources/answerability.yaml": ["tests/qa_service/answer/test_answerability.py"],
}
FAILED = re.compile(r"(\d+) failed")


def features(path: Path) -> list[str]:
    table = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [row["name"] for part in ("fusion", "priors", "signals") for row in table.get(part, [])]


def neutral(text: str, name: str) -> str:
    """The table's text with `name`'s weight at 0 (the rest byte for byte)."""
    pattern = re.compile(rf"(- name: {re.escape(name)}\n  weight: )[-0-9.e]+")
    mutated, n = pattern.subn(r"\g<1>0.0", text)
    if n != 1:
        raise ValueError(f"{name}: weight not found once")
    return mutated


def run_tests(tests: list[str]) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow and not llm", *tests],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    found = FAILED.search(done.stdout)
    return int(found.group(1)) if found else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="run the whole fast tier for each mutation")
    args = parser.parse_args()
    missed = 0
    for rel, tests in TABLES.items():
        path = ROOT / rel
        original = path.read_text(encoding="utf-8")
        try:
            for name in features(path):
                path.write_text(neutral(original, name), encoding="utf-8")
                failed = run_tests(["tests"] if args.all else tests)
                missed += failed == 0
                print(f"{rel} {name:<24} {'caught' if failed else 'NOT caught'} ({failed} failed)", flush=True)
        finally:
            path.write_text(original, encoding="utf-8")
    print(f"{missed} mutation(s) not caught")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
