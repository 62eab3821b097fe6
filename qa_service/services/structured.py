"""Answers made of a document's structure rather than of the best sentences: a whole section (its children's
headings or all its items) and the documents of one kind that a document cites. Each item is cited with its own
label."""

from __future__ import annotations

from qa_service.components.bundle import Components
from qa_service.resources import msg
from qa_service.services.answer.render import lead_title
from qa_service.services.citations import Citation, Citations, QuoteNotVerified
from qa_service.services.query import Query
from qa_service.services.results import AnswerResult
from qa_service.services.sections import Section, SectionIndex
from qa_service.text import split_sentences


class StructuredAnswers:
    def __init__(self, components: Components, sections: SectionIndex) -> None:
        self.c = components
        self.sections = sections

    def section(self, query: Query, section: Section, citations: Citations, clause: str | None = None) -> AnswerResult | None:
        """All of a section: its children's headings, or its items, each cited with its own label. `clause`: an
        article's khoản only («khoản 2 Điều 15»). A heading or item that reads as an instruction to a model is left
        out (and a title that does is not named in the lead)."""
        settings = self.c.settings.answer.sections
        lang = "vi" if query.vietnamese else "en"
        instructions = self.c.instructions
        title = "" if instructions.instruction_like(section.title) else section.title
        where = f"{section.label} – {title}" if title and title != section.label else section.label
        cited: list[Citation] = []
        if section.children and not clause:
            headings = self.sections.child_headings(section, settings.max_items)
            flags = instructions.flags([c.text for c in headings])
            for chunk in [c for c, flagged in zip(headings, flags, strict=True) if not flagged]:
                cited.append(citations.cite(len(cited) + 1, chunk, chunk.text))
            lead = msg("answer", f"section_children_{lang}").format(where=where, n=len(section.children) - sum(flags))
        else:
            cited = self._items(section, citations, clause)
            key = "section_items" if len(cited) > 1 else "section_text"
            where = f"{section.label}, khoản {clause} – {title}" if clause else where
            lead = msg("answer", f"{key}_{lang}").format(where=where, n=len(cited))
        if not cited:
            return None
        lines = [query.note, ""] if query.note else []
        lines += [lead, ""]
        lines += [f"- «{c.quote}» [{c.n}]" + (f" ({c.label})" if len(cited) > 1 else "") for c in cited]
        return AnswerResult("\n".join(lines), True, cited, strength=1.0, note=query.note)

    def _items(self, section: Section, citations: Citations, clause: str | None) -> list[Citation]:
        """The section's items (or the khoản's), cited in order; those that read as instructions left out."""
        settings = self.c.settings.answer.sections
        items = self.sections.items(section, settings.item_chars)
        if clause:
            prefix = f"{section.label}, khoản {clause}"
            items = [(c, a, b) for c, a, b in items if (u := c.unit_at(a)) and (u.label == prefix or u.label.startswith(prefix + ","))]
        items = items[: settings.max_items]
        flags = self.c.instructions.flags([c.text[a:b] for c, a, b in items])
        cited: list[Citation] = []
        for (chunk, a, b), flagged in zip(items, flags, strict=True):
            if flagged:
                continue
            try:
                cited.append(citations.cite(len(cited) + 1, chunk, chunk.text[a:b]))
            except QuoteNotVerified:
                continue
        if not cited and not clause and section.label.startswith("Điều"):
            # «Điều 4. Ban Chỉ đạo làm việc theo nguyên tắc…»: the article's words are on its heading line
            found = self.c.registry.document_text(section.doc_id)
            if found is not None:
                chunk = self.sections.heading_chunk(section, found[0][section.start : section.end])
                if not self.c.instructions.instruction_like(chunk.text):
                    cited.append(citations.cite(1, chunk, chunk.text))
        return cited

    def references(self, query: Query, doc_id: str, kind: str, citations: Citations) -> AnswerResult | None:
        """«Những nghị quyết nào …?»: every document of that kind the document cites, each quoted where it is cited."""
        wanted = kind.lower()
        refs = [r for r in self.c.registry.refs(doc_id) if wanted == "văn bản" or r.kind.lower() == wanted]
        chunks = self.c.registry.chunks(list({r.chunk_id for r in refs}))
        cited: list[Citation] = []
        seen: set[str] = set()
        for ref in refs:
            chunk = chunks.get(ref.chunk_id)
            at = chunk.text.find(ref.raw) if chunk else -1
            if chunk is None or at < 0 or ref.key in seen:
                continue
            seen.add(ref.key)
            span = next(((a, b) for a, b in split_sentences(chunk.text, semicolons=False) if a <= at < b), None)
            if span is None or any(c.chunk.chunk_id == chunk.chunk_id and c.quote in chunk.text[span[0] : span[1]] for c in cited):
                continue
            if self.c.instructions.instruction_like(chunk.text[span[0] : span[1]]):
                continue
            cited.append(citations.cite(len(cited) + 1, chunk, chunk.text[span[0] : span[1]]))
        if not cited:
            return None
        title = lead_title(citations.title(doc_id), doc_id, self.c.instructions)
        lead = msg("answer", "references_vi").format(title=title, n=len(seen), kind=wanted)
        lines = [lead, ""] + [f"- «{c.quote}» [{c.n}] ({c.label})" for c in cited]
        return AnswerResult("\n".join(lines), True, cited, strength=1.0)
