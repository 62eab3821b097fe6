"""Check a generated answer sentence by sentence against the sources it cites.

Nothing the model writes is shown before it passes here. A sentence is kept
only if
1. it carries at least one `[n]` and every n is a source we gave the model;
2. every figure in it (number, percentage, date, document number) and every
   name (capitalised words) occurs in the text of the source(s) it cites;
3. enough of its content words occur in that text (`min_coverage`), and it
   says something the question did not already say;
4. when it rewrites one source sentence, it keeps that sentence's lead: in
   this genre the first words carry the directive or its subject
   («Kiên quyết đưa ra khỏi quy hoạch các khu…», «Các huyện, thành ủy…»), and
   a copy of the rest reverses or reassigns the claim;
5. a name is not attached to what another sentence of the source says about
   someone else («Ban Tuyên giáo Tỉnh ủy» given the Văn phòng's task), no
   part of it before a marker merely restates the question, and it does not
   cite one source while being, phrase for phrase, another one we gave.
The answer as a whole must also keep the question's own terms where the
sources use them (`question_focus`): an answer about «quy hoạch» to a
question on «quy hoạch treo» answers something else.
Answers are written in Vietnamese, the sources' language, so that rule 3 can
be checked at all: cross-lingual embedding similarity cannot tell a right
English claim from an unrelated one here (0.771 vs 0.770, eval/README.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa_service.references import NUMBER, normalize_number
from qa_service.resources import stopwords
from qa_service.text import FIGURE, nfc, split_sentences

MARKER = re.compile(r"\[\s*(\d{1,2}(?:\s*[,;]\s*\d{1,2})*)\s*\]")
DOC_NUMBER = re.compile(rf"\b{NUMBER}")
DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
LIST_MARK = re.compile(r"^\s*(?:[-*•+]|[a-zđ0-9]{1,2}[.)])\s*")
# connectives that open a sentence without being its lead
OPENER = re.compile(
    r"^(?:bên cạnh đó|đặc biệt là|đặc biệt|trên cơ sở|đồng thời|tuy nhiên|ngoài ra|trong đó|theo đó|mặt khác|"
    r"nhìn chung|với|qua đó|từ đó)\b[\s,:]*"
)
PHRASE_BREAK = re.compile(r"[,.;:!?()«»\"“”\[\]–\n]+")
LEAD_SYLLABLES = 5
# a sentence covered below WRONG_SOURCE_OWN by its own source and by this much more by another: wrong [n]
WRONG_SOURCE_OWN = 0.7
WRONG_SOURCE_MARGIN = 0.3

# function syllables that carry no claim: covering them proves nothing
STOPWORDS = stopwords("claims")


@dataclass
class Source:
    n: int
    text: str  # exactly the text the model was shown


@dataclass
class SentenceCheck:
    text: str
    cited: list[int]
    kept: bool
    # no_citation | unknown_source | unsupported_figure | unsupported_name | restates_question | dropped_lead
    # | low_coverage | misattributed_name | wrong_source | incomplete
    reason: str | None = None
    coverage: float = 0.0


@dataclass
class Verification:
    sentences: list[SentenceCheck] = field(default_factory=list)

    @property
    def kept(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.kept]

    @property
    def dropped(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if not s.kept]

    @property
    def kept_share(self) -> float:
        return len(self.kept) / len(self.sentences) if self.sentences else 0.0


def _figures(text: str, evidence: bool = False) -> tuple[set[str], set[str], set[str]]:
    """(document numbers, dates, plain numbers) in a text, normalised for comparison."""
    numbers = {normalize_number(m.group(0)) for m in DOC_NUMBER.finditer(text)}
    rest = DOC_NUMBER.sub(" ", text)
    dates = {f"{int(d)}/{int(m)}/{y}" for d, m, y in DATE.findall(rest)}
    rest = DATE.sub(" ", rest)
    plain = {_plain(f) for f in FIGURE.findall(rest)}
    if evidence:  # «năm 2018» may restate part of a cited date
        for d, m, y in DATE.findall(text):
            plain |= {str(int(d)), str(int(m)), y}
    return numbers, dates, plain


def _plain(figure: str) -> str:
    # «2.000» and «2000» are the same figure; a trailing «,0» is not a different one
    return re.sub(r"[.,]", "", figure.rstrip(".,")).lstrip("0") or "0"


def _capitalised_runs(text: str) -> list[tuple[int, str]]:
    """(offset, «Thanh Lộc») for each run of capitalised words separated by single spaces."""
    runs: list[tuple[int, str]] = []
    start = end = -1
    for m in WORD.finditer(text):
        if m.group(0)[0].isupper():
            if start >= 0 and text[end : m.start()] == " ":
                end = m.end()
                continue
            if start >= 0:
                runs.append((start, text[start:end]))
            start, end = m.start(), m.end()
        elif start >= 0:
            runs.append((start, text[start:end]))
            start = -1
    if start >= 0:
        runs.append((start, text[start:end]))
    return runs


def unsupported_names(sentence: str, evidence: str) -> list[str]:
    """Names (capitalised words and runs of them) not written exactly so in the cited text.

    A misspelt place or body («Thành Lộc» for «Thanh Lộc», «Uní ban») misleads like a wrong figure."""
    missing = []
    lowered = evidence.lower()
    for offset, name in _capitalised_runs(sentence):
        words = name.split()
        at_start = not sentence[:offset].strip(" -–•*\"“(")
        if len(words) == 1:
            # a capitalised first word is just the start of the sentence: `unknown_first_word` judges it
            if not at_start and name.lower() not in lowered:
                missing.append(name)
            continue
        variants = {name}
        if at_start:
            variants.add(" ".join([words[0].lower(), *words[1:]]))
        if not any(v in evidence for v in variants):
            missing.append(name)
    return missing


def unknown_first_word(sentence: str, evidence: str, question: str = "") -> str | None:
    """The first word, capitalised by position only, must still be a word of the source or the question.

    Catches a misspelt body at the start («Uní ban Mặt trận…») that word coverage lets through."""
    m = WORD.search(nfc(sentence))
    if not m or m.group(0).lower() in STOPWORDS:
        return None
    known = {w.group(0).lower() for w in WORD.finditer(nfc(f"{evidence} {question}"))}
    return None if m.group(0).lower() in known else m.group(0)


def content_words(text: str) -> list[str]:
    return [w for w in (m.group(0).lower() for m in WORD.finditer(nfc(text))) if w not in STOPWORDS and len(w) > 1]


def coverage(sentence: str, evidence: str) -> float:
    words = content_words(sentence)
    if not words:
        return 1.0
    present = set(content_words(evidence))
    return sum(1 for w in words if w in present) / len(words)


def unsupported_figures(sentence: str, evidence: str) -> list[str]:
    s_numbers, s_dates, s_plain = _figures(sentence)
    e_numbers, e_dates, e_plain = _figures(evidence, evidence=True)
    missing = sorted(s_numbers - e_numbers) + sorted(s_dates - e_dates) + sorted(s_plain - e_plain)
    return missing


def _adds_information(claim: str, question: str, evidence: str) -> bool:
    asked = set(content_words(question))
    present = set(content_words(evidence))
    new = [w for w in content_words(claim) if w not in asked and w in present]
    figures = _figures(claim)[2] - _figures(question)[2]
    return len(new) >= 2 or bool(figures)


def _pairs(text: str, skip_function_words: bool = False) -> set[tuple[str, str]]:
    """Pairs of content words within phrases: adjacent ones («quy hoạch», «hoạch treo»), or with
    `skip_function_words` also across a function word («kỹ thuật các khu» -> thuật·khu)."""
    pairs: set[tuple[str, str]] = set()
    for phrase in PHRASE_BREAK.split(nfc(text).lower()):
        syllables = [m.group(0) for m in WORD.finditer(phrase)]
        if skip_function_words:
            syllables = [s for s in syllables if _content(s)]
        pairs |= {(a, b) for a, b in zip(syllables, syllables[1:], strict=False) if _content(a) and _content(b)}
    return pairs


def _content(syllable: str) -> bool:
    return len(syllable) > 1 and syllable not in STOPWORDS


def _lead_pairs(sentence: str) -> set[tuple[str, str]]:
    text = LIST_MARK.sub("", nfc(sentence).lower())
    for _ in range(2):
        text = OPENER.sub("", text.lstrip())
    syllables = [m.group(0) for m in WORD.finditer(text)][:LEAD_SYLLABLES]
    return _pairs(" ".join(syllables))


def dropped_lead(claim: str, evidence: str) -> bool:
    """The claim rewrites one evidence sentence (half its content words or more) without its first words."""
    claim_words = set(content_words(claim))
    pieces = [p for line in evidence.splitlines() for p in re.split(r"(?<=[.;:])\s+", line) if p.strip()]
    if not pieces or not claim_words:
        return False
    best = max(pieces, key=lambda p: len(claim_words & set(content_words(p))))
    words = content_words(LIST_MARK.sub("", best))
    if not words or sum(w in claim_words for w in words) / len(words) < 0.5:
        return False
    lead = _lead_pairs(best)
    return bool(lead) and not lead & _pairs(claim)


def phrase_coverage(claim: str, evidence: str) -> float:
    pairs = _pairs(claim, skip_function_words=True)
    if len(pairs) < 3:  # too short to judge by phrases
        return 1.0
    return len(pairs & _pairs(evidence, skip_function_words=True)) / len(pairs)


def wrong_source(claim: str, cited: str, others: list[str]) -> bool:
    """Cites one source while another one we gave holds it phrase for phrase (the model picked the wrong [n])."""
    if not others:
        return False
    own = phrase_coverage(claim, cited)
    return own < WRONG_SOURCE_OWN and max(phrase_coverage(claim, o) for o in others) >= own + WRONG_SOURCE_MARGIN


def misattributed_names(claim: str, evidence: str) -> list[str]:
    """Names that are in the source, but not in the sentence of it the claim otherwise restates."""
    names = [name for _, name in _capitalised_runs(claim) if len(name.split()) > 1]
    rest = claim
    for name in names:
        rest = rest.replace(name, " ")
    rest_words = set(content_words(rest))
    if not names or len(rest_words) < 4:
        return []
    # list items are lines; «;» and «:» stay inside a sentence (a list of places is one statement)
    sentences = [p for line in evidence.splitlines() for p in re.split(r"(?<=[.!?])\s+", line) if p.strip()]
    best = max(sentences, key=lambda s: len(rest_words & set(content_words(s))))
    if len(rest_words & set(content_words(best))) / len(rest_words) < 0.5:
        return []  # the claim is not a restatement of one sentence
    return [n for n in names if n not in best and n[0].lower() + n[1:] not in best]


def _segments(sentence: str) -> list[str]:
    """The pieces of a sentence that end in a marker («A [1], B [2].» -> A, B)."""
    pieces, last = [], 0
    for m in MARKER.finditer(sentence):
        piece = sentence[last : m.start()].strip(" ,;")
        if piece:
            pieces.append(piece)
        last = m.end()
    return pieces


def question_focus(answer: str, question: str, evidence: str) -> tuple[float, list[str]]:
    """Share of the question's terms found in the evidence that the answer keeps, and the ones it lost."""
    focus = _pairs(question) & _pairs(evidence)
    if not focus:
        return 1.0, []
    missing = focus - _pairs(answer)
    return 1 - len(missing) / len(focus), sorted(" ".join(p) for p in missing)


def split_answer(text: str) -> list[str]:
    """Sentences of a generated answer; a marker after the full stop belongs to the sentence before it."""
    text = re.sub(
        r"([.!?])((?:\s*\[\s*\d{1,2}(?:\s*[,;]\s*\d{1,2})*\s*\])+)",
        lambda m: " " + m.group(2).strip() + m.group(1),
        text,
    )
    pieces: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+", "", line).strip()
        if not line:
            continue
        pieces.extend(line[s:e].strip() for s, e in split_sentences(line, semicolons=False))
    return [p for p in pieces if p]


def strip_markers(sentence: str) -> str:
    return " ".join(re.sub(r"\s*" + MARKER.pattern, "", sentence).split())


def verify_answer(
    text: str,
    sources: list[Source],
    min_coverage: float,
    complete: bool = True,
    question: str = "",
) -> Verification:
    """Check every sentence; `complete=False` marks a trailing sentence cut by a timeout as incomplete."""
    by_n = {s.n: s for s in sources}
    result = Verification()
    sentences = split_answer(text)
    for i, sentence in enumerate(sentences):
        cited = sorted({int(n) for m in MARKER.finditer(sentence) for n in re.split(r"\s*[,;]\s*", m.group(1))})
        check = SentenceCheck(sentence, cited, kept=False)
        result.sentences.append(check)
        if not complete and i == len(sentences) - 1 and not re.search(r"[.!?]\s*$", sentence):
            check.reason = "incomplete"
            continue
        if not cited:
            check.reason = "no_citation"
            continue
        if any(n not in by_n for n in cited):
            check.reason = "unknown_source"
            continue
        claim = strip_markers(sentence)
        evidence = "\n".join(by_n[n].text for n in cited)
        if unsupported_figures(claim, evidence):
            check.reason = "unsupported_figure"
            continue
        if unsupported_names(claim, evidence):
            check.reason = "unsupported_name"
            continue
        segments = _segments(sentence)
        if question and (
            not _adds_information(claim, question, evidence)
            or (len(segments) > 1 and not all(_adds_information(s, question, evidence) for s in segments))
        ):
            check.reason = "restates_question"  # «X liên quan đến Y [1].» echoes the question, answers nothing
            continue
        if dropped_lead(claim, evidence):
            check.reason = "dropped_lead"
            continue
        check.coverage = coverage(claim, evidence)
        if check.coverage < min_coverage:
            check.reason = "low_coverage"
            continue
        if unknown_first_word(claim, evidence, question):
            check.reason = "unsupported_name"
            continue
        if misattributed_names(claim, evidence):
            check.reason = "misattributed_name"
            continue
        if wrong_source(claim, evidence, [s.text for s in sources if s.n not in cited]):
            check.reason = "wrong_source"
            continue
        check.kept = True
    return result


def best_supporting_sentence(claim: str, sentences: list[str]) -> str:
    """The evidence sentence sharing most content words with `claim` (becomes the citation's quote)."""
    claim_words = set(content_words(claim))
    return max(sentences, key=lambda text: len(claim_words & set(content_words(text))))


def fallback_reason(
    verification: Verification, question: str, evidence: str, min_kept_share: float, min_question_focus: float
) -> str | None:
    """Why the checked text cannot stand as the answer (-> the extractive one), or None.

    unverified: too few sentences passed, or the first did (the model writes its direct answer first; what
    follows only elaborates); misses_question: what passed leaves out the question's own terms."""
    kept = verification.kept
    if not kept or verification.kept_share < min_kept_share or not verification.sentences[0].kept:
        return "unverified"
    focus, _ = question_focus(" ".join(strip_markers(s.text) for s in kept), question, evidence)
    return "misses_question" if focus < min_question_focus else None
