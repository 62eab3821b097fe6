"""pypdf vs pypdfium2 on the 14 Gazette PDFs: time, and agreement of the
cleaned text with the dataset's own .txt of the same document (word 3-gram F1).

    python -m eval.bench_pdf
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from qa_service.ingestion.clean import clean
from qa_service.ingestion.readers import RawDocument, _pages_pdfium, _pages_pypdf
from qa_service.text import nfc

DATASET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "congbao-8-chu-de"


def _grams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return set(zip(words, words[1:], words[2:], strict=False))


def _cleaned(pages: list[str], path: Path) -> str:
    lines: list[tuple[str, int | None]] = [(nfc(line), n) for n, page in enumerate(pages, 1) for line in page.split("\n")]
    return "\n".join(p.text for p in clean(RawDocument(path=path, kind="pdf", lines=lines)))


def main() -> None:
    totals = {"pypdf": [0.0, 0.0], "pypdfium2": [0.0, 0.0]}
    pdfs = sorted((DATASET / "pdf").glob("*.pdf"))
    print(f"{'document':45} {'pypdf s':>8} {'F1':>6} {'pdfium s':>9} {'F1':>6}")
    for path in pdfs:
        reference = _grams((DATASET / "docs").rglob(path.stem + ".txt").__next__().read_text(encoding="utf-8"))
        row = []
        for name, extract in (("pypdf", _pages_pypdf), ("pypdfium2", _pages_pdfium)):
            data = path.read_bytes()
            t0 = time.perf_counter()
            pages = extract(data)
            seconds = time.perf_counter() - t0
            got = _grams(_cleaned(pages, path))
            overlap = len(got & reference)
            f1 = 2 * overlap / (len(got) + len(reference)) if got and reference else 0.0
            totals[name][0] += seconds
            totals[name][1] += f1
            row += [seconds, f1]
        print(f"{path.stem[:45]:45} {row[0]:8.2f} {row[1]:6.3f} {row[2]:9.2f} {row[3]:6.3f}")
    n = len(pdfs)
    for name, (seconds, f1) in totals.items():
        print(f"{name}: total {seconds:.1f} s, mean F1 {f1 / n:.3f}")


if __name__ == "__main__":
    main()
