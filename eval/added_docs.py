"""The documents a user adds (issue 30), as files to upload: eval/added/docs/.

Markdown and text files are uploaded as they are. A DOCX or a PDF is made from its source text,
eval/added/docs/source/<name>.txt (so the repository holds text, not binaries), at eval or test time:

    python -m eval.added_docs OUT_DIR      # writes every document into OUT_DIR

Source markup, one paragraph a line (blank lines are only spacing):
- `**…**` around a whole line: a bold paragraph;
- lines starting with `|`: one table row each (cells between `|`), consecutive rows one table; `<br>` breaks a
  line inside a cell and `**…**` makes a cell bold (a DOCX masthead is a borderless two-column table).
A PDF is a text PDF (fpdf2) in DejaVu Sans, embedded so the Vietnamese diacritics survive extraction; it has no
tables.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS = HERE / "added" / "docs"
SOURCES = DOCS / "source"
MADE = {".docx", ".pdf"}
BOLD = re.compile(r"^\*\*(.+)\*\*$")
# fixed dates in the made files' metadata, so the same source gives the same bytes where the library allows
MADE_ON = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@dataclass
class Block:
    """A paragraph (`text`, `bold`) or a table (`rows` of cells)."""

    text: str = ""
    bold: bool = False
    rows: list[list[str]] | None = None


def document_names() -> list[str]:
    """Every added document by the file name it is uploaded under."""
    given = [p.name for p in DOCS.iterdir() if p.is_file() and p.suffix in {".md", ".txt"}]
    made = [p.name.removesuffix(".txt") for p in SOURCES.glob("*.txt")]
    return sorted(given + made)


def source_path(name: str) -> Path:
    return SOURCES / f"{name}.txt" if Path(name).suffix in MADE else DOCS / name


def parse(source: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if blocks and blocks[-1].rows is not None:
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block(rows=[cells]))
            continue
        bold = BOLD.match(line)
        blocks.append(Block(text=bold.group(1) if bold else line, bold=bool(bold)))
    return blocks


def plain_text(name: str) -> str:
    """What the document says, markup dropped: the text its questions' `must` and `evidence` are checked against."""
    text = source_path(name).read_text(encoding="utf-8")
    if Path(name).suffix not in MADE:
        return text
    lines = []
    for block in parse(text):
        cells = block.rows if block.rows is not None else [[block.text]]
        for row in cells:
            lines.append(" | ".join(_cell_lines(c) for c in row))
    return "\n".join(lines)


def _cell_lines(cell: str) -> str:
    return " ".join(part.strip().removeprefix("**").removesuffix("**") for part in cell.split("<br>"))


def _docx(blocks: list[Block], out: Path) -> None:
    from docx import Document

    document = Document()
    document.core_properties.created = MADE_ON.replace(tzinfo=None)
    document.core_properties.modified = MADE_ON.replace(tzinfo=None)
    for block in blocks:
        if block.rows is None:
            document.add_paragraph().add_run(block.text).bold = block.bold
            continue
        table = document.add_table(rows=len(block.rows), cols=max(len(r) for r in block.rows))
        if len(block.rows) > 2:  # a table of tasks or targets has a grid; a masthead does not
            table.style = "Table Grid"
        for row, cells in zip(table.rows, block.rows, strict=False):
            for cell, text in zip(row.cells, cells, strict=False):
                for i, part in enumerate(text.split("<br>")):
                    paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
                    bold = BOLD.match(part.strip())
                    paragraph.add_run(bold.group(1) if bold else part.strip()).bold = bool(bold)
    document.save(str(out))


def font_files() -> tuple[Path, Path]:
    """DejaVu Sans regular and bold: the copy matplotlib ships (a dev dependency, so every machine has it), else
    Debian's fonts-dejavu."""
    import matplotlib

    candidates = [Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf", Path("/usr/share/fonts/truetype/dejavu")]
    for folder in candidates:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    raise FileNotFoundError("DejaVuSans.ttf: neither matplotlib's copy nor fonts-dejavu is installed")


def _pdf(blocks: list[Block], out: Path) -> None:
    from fpdf import FPDF

    regular, bold = font_files()
    pdf = FPDF(format="A4")
    pdf.set_creation_date(MADE_ON)
    pdf.set_margins(20, 20, 20)
    pdf.add_font("DejaVu", "", str(regular))
    pdf.add_font("DejaVu", "B", str(bold))
    pdf.add_page()
    for block in blocks:
        if block.rows is not None:
            raise ValueError(f"{out.name}: a PDF source has no tables")
        pdf.set_font("DejaVu", "B" if block.bold else "", 12)
        pdf.multi_cell(0, 6.5, block.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    pdf.output(str(out))


def build(name: str, out_dir: Path) -> Path:
    """The file `name` as uploaded: copied, or made from its source."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / name
    suffix = Path(name).suffix
    if suffix not in MADE:
        out.write_bytes(source_path(name).read_bytes())
        return out
    blocks = parse(source_path(name).read_text(encoding="utf-8"))
    (_docx if suffix == ".docx" else _pdf)(blocks, out)
    return out


def build_all(out_dir: Path, names: list[str] | None = None) -> dict[str, Path]:
    return {name: build(name, out_dir) for name in (names or document_names())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    for name, path in build_all(args.out_dir).items():
        print(f"{name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
