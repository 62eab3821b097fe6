"""Upload → first answer for a 10-page text PDF, through the real path (POST /documents, job polling, /ask), with
the real model: the figure issue 30 asks for («≤ 5 s for a 10-page PDF»). Prints numbers; not a test.

    python -m eval.bench_upload [--pages 10] [--rounds 3]

The PDF is made here from the source texts of eval/added (their paragraphs in order until the page count is
reached), so the pages hold administrative prose with figures, as an uploaded plan or report would. Each round
uploads it under a new name into an index holding the programme, then asks a question only it answers.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from eval.added_docs import document_names, font_files, parse, source_path
from eval.run_added import ask, open_service, upload

QUESTION = "Hội nghị xúc tiến đầu tư năm 2023 có bao nhiêu đại biểu tham dự?"
ANSWER = "320 đại biểu"


def make_pdf(out: Path, pages: int, mark: str) -> int:
    """A text PDF of at least `pages` pages (cut at the first paragraph past them); its page count."""
    from fpdf import FPDF

    regular, bold = font_files()
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.add_page()
    pdf.set_title(mark)  # each round's file differs, so none is taken for a copy of the last
    texts = [b.text if b.rows is None else " ".join(" | ".join(r) for r in b.rows) for n in document_names() for b in parse(source_path(n).read_text(encoding="utf-8"))]
    while pdf.page_no() < pages:
        for text in texts:
            pdf.set_font("DejaVu", "", 12)
            pdf.multi_cell(0, 6.5, text, new_x="LMARGIN", new_y="NEXT")
            if pdf.page_no() >= pages:
                break
    pdf.output(str(out))
    return int(pdf.page_no())


def main() -> None:
    from fastapi.testclient import TestClient

    from qa_service.app import create_app

    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        root = Path(tmp)
        token = secrets.token_urlsafe(16)
        components = open_service(root / "service", token=token)
        with TestClient(create_app(components.settings, components)) as client:
            seconds, answered = [], []
            for r in range(args.rounds):
                path = root / f"bao-cao-{r}.pdf"
                pages = make_pdf(path, args.pages, f"round {r}")
                start = time.perf_counter()
                job = upload(client, path, token)
                body = ask(client, QUESTION)
                seconds.append(time.perf_counter() - start)
                answered.append(bool(body.get("answered")) and ANSWER in body.get("answer", ""))
                print(f"round {r + 1}: {pages} pages, job {job['status']}, upload → first answer {seconds[-1]:.2f} s")
    print(f"upload → first answer ({args.pages}-page PDF, {args.rounds} rounds): median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s; answered right {sum(answered)}/{len(answered)}")


if __name__ == "__main__":
    main()
