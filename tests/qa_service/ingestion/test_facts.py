"""The target rules of qa_service/ingestion/facts.py on sentences written for the test: which measure a figure is
of, and a count's change («…, tăng 13% so với …») read as a measure of its own."""

from __future__ import annotations

from qa_service.ingestion.facts import TargetFact, extract_targets
from qa_service.models import Chunk, Unit


def _targets(*sentences: str, heading: str = "Mục tiêu giai đoạn 2026-2030") -> list[TargetFact]:
    """The facts of a list under `heading`, one item a sentence."""
    lines = [f"- {s}" for s in sentences]
    text = "\n".join(lines)
    starts = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(lines))]
    units = [Unit(label=f"Mục 1, ý {i + 1}", start=a, end=a + len(line)) for i, (a, line) in enumerate(zip(starts, lines, strict=True))]
    chunk = Chunk(chunk_id="c", doc_id="d", ordinal=0, text=text, section_path=[heading], citation_label="Mục 1",
                  start=0, end=len(text), units=units)
    return extract_targets([chunk])


def _rows(facts: list[TargetFact]) -> list[tuple[str, str, str, str]]:
    return [(f.measure_id, f.measure, f.value_text, f.period) for f in facts]


def test_a_percentage_after_a_count_with_a_word_of_change_is_the_counts_change() -> None:
    facts = _targets(
        "Thu hút khoảng 40 dự án đầu tư, tăng 25% so với giai đoạn 2021-2025.",
        "Giải quyết việc làm cho 30.000 lao động, giảm 5% so với năm 2025.",
        "Khuyến khích phát triển mới khoảng 80 doanh nghiệp công nghiệp, tăng 10%.",
    )
    assert _rows(facts) == [
        ("du-an-thu-hut", "Dự án đầu tư công nghiệp thu hút", "khoảng 40 dự án", "2026-2030"),
        ("du-an-thu-hut-tang-so-voi-giai-doan-2021-2025", "Dự án đầu tư công nghiệp thu hút, tăng so với giai đoạn 2021-2025",
         "25%", "2026-2030"),
        ("viec-lam", "Lao động được giải quyết việc làm", "30.000 lao động", "2026-2030"),
        ("viec-lam-giam-so-voi-nam-2025", "Lao động được giải quyết việc làm, giảm so với năm 2025", "5%", "2026-2030"),
        ("doanh-nghiep-moi", "Doanh nghiệp công nghiệp phát triển mới", "khoảng 80 doanh nghiệp", "2026-2030"),
        ("doanh-nghiep-moi-tang", "Doanh nghiệp công nghiệp phát triển mới, tăng", "10%", "2026-2030"),
    ]
    change = facts[1]
    assert (change.value, change.unit, change.kind) == (25.0, "%", "target")
    assert change.value_text in change.quote


def test_a_change_is_read_only_right_after_a_count_or_an_amount() -> None:
    facts = _targets(
        # after a percentage «tăng 3%» may be points or a share of the 20%: not read
        "Tỷ trọng công nghiệp trong GRDP đạt trên 20%, tăng 3% so với giai đoạn 2021-2025.",
        # the change is of the figure right before it (the amount, not the count before that)
        "Thu hút 40 dự án đầu tư với tổng vốn 9.000 tỷ đồng, tăng 12% so với giai đoạn 2021-2025.",
        # no word of change: a share of the count, not read
        "Thu hút 40 dự án đầu tư, trong đó 15% là dự án công nghệ cao.",
    )
    assert [(f.measure_id, f.value_text) for f in facts] == [
        ("ty-trong-grdp", "trên 20%"),
        ("du-an-thu-hut", "40 dự án"), ("von-thu-hut", "9.000 tỷ đồng"), ("von-thu-hut-tang-so-voi-giai-doan-2021-2025", "12%"),
        ("du-an-thu-hut", "40 dự án"),
    ]


def test_the_noun_measured_decides_the_measure_not_the_unit() -> None:
    """The growth of the industry and the growth of its gross output are both «%/năm» but two measures; the same
    noun in two periods is one."""
    facts = _targets(
        "Giai đoạn 2021-2025: tốc độ tăng bình quân ngành công nghiệp đạt 7,5%/năm.",
        "Phấn đấu giá trị sản xuất ngành công nghiệp tăng bình quân từ 9,0-9,5%/năm; tốc độ tăng trưởng ngành công nghiệp đạt 8%/năm.",
    )
    assert [(f.measure_id, f.value_text, f.period) for f in facts] == [
        ("tang-truong-cong-nghiep", "7,5%/năm", "2021-2025"),
        ("gia-tri-san-xuat-cong-nghiep", "từ 9,0-9,5%/năm", "2026-2030"),
        ("tang-truong-cong-nghiep", "8%/năm", "2026-2030"),
    ]
    assert (facts[1].value, facts[1].value_high) == (9.0, 9.5)
