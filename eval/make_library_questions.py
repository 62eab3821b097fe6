"""Write eval/library_questions_titles.jsonl: topic questions asked the way a reader asks them, without the law's
name or the article's number, made from the article titles of the laws in force in ../shared (read in place).

    python -m eval.make_library_questions

Gold: the article (any passage of it) in the law in force — the replaced versions (Luật Bảo hiểm xã hội 2014,
Luật Đầu tư 2014, Luật Công đoàn 2012) are left out on purpose: a topic question should get the text in force.
Titles two laws share («Phạm vi điều chỉnh») or too short to be a question are skipped. Deterministic: every k-th
article of each law, dev and held-out alternating. The hand-written set is library_questions_hand.jsonl.
"""

from __future__ import annotations

import json
import re

from eval.run_eval import HERE

LIBRARY = HERE.parent.parent / "shared" / "datasets" / "congbao-8-chu-de" / "docs"
# the laws of the dataset in force there (the dataset holds none that replaces them)
IN_FORCE = {
    "bhxh/luat-so-41-2024-qh15-42576.txt": "Luật Bảo hiểm xã hội 2024",
    "chinh_sach_dn/luat-so-04-2017-qh14-24225.txt": "Luật Hỗ trợ doanh nghiệp nhỏ và vừa",
    "chinh_sach_dn/luat-so-59-2020-qh14-31674.txt": "Luật Doanh nghiệp 2020",
    "cong_doan/luat-so-50-2024-qh15-43589.txt": "Luật Công đoàn 2024",
    "hd_khoan/luat-so-91-2015-qh13-18397.txt": "Bộ luật Dân sự 2015",
    "hdld/bo-luat-lao-dong-so-45-2019-qh14-29268.txt": "Bộ luật Lao động",
    "hdld/luat-so-69-2020-qh14-32699.txt": "Luật Người lao động Việt Nam đi làm việc ở nước ngoài",
    "uu_dai_dt/luat-so-61-2020-qh14-31682.txt": "Luật Đầu tư 2020",
}
GENERIC = {"phạm vi điều chỉnh", "đối tượng áp dụng", "giải thích từ ngữ", "hiệu lực thi hành", "điều khoản thi hành",
           "quy định chuyển tiếp", "quy định chi tiết", "tổ chức thực hiện", "hiệu lực", "áp dụng pháp luật"}
TEMPLATES = ("{Title} được quy định như thế nào?", "Quy định về {title} là gì?", "Pháp luật quy định gì về {title}?",
             "Cho tôi biết về {title}.")
PER_LAW = 14


def _lower_first(title: str) -> str:
    # keep proper nouns («Việt Nam», «Tòa án») as written: only the first word, and only if the second is lower case
    words = title.split()
    if len(words) > 1 and words[0][0].isupper() and not words[0].isupper() and words[1][0].islower():
        return words[0].lower() + " " + " ".join(words[1:])
    return title


def main() -> None:
    from qa_service.ingestion.pipeline import prepare
    from qa_service.ingestion.readers import load
    from qa_service.settings import get_settings

    settings = get_settings()
    laws: dict[str, tuple[str | None, list[tuple[str, str]]]] = {}
    for rel in IN_FORCE:
        prepared = prepare(load(LIBRARY / rel), settings)
        articles = [(o.label, o.title) for o in prepared.structured.outline if o.label.startswith("Điều ")]
        laws[rel] = (prepared.meta.doc_number, articles)
    seen: dict[str, int] = {}
    for _, articles in laws.values():
        for title in {re.sub(r"^điều\s+\d+[a-zđ]?\.?\s*", "", t.lower()).strip(" .") for _, t in articles}:
            seen[title] = seen.get(title, 0) + 1
    out: list[dict[str, object]] = []
    for rel, (number, articles) in laws.items():
        # the outline's title carries the label («Điều 15. Hình thức…»): a reader asking by topic does not know it
        usable = [(label, re.sub(r"\s+", " ", re.sub(r"^Điều\s+\d+[a-zđ]?\.?\s*", "", title)).strip(" .")) for label, title in articles]
        usable = [(label, title) for label, title in usable
                  if title.lower() not in GENERIC and seen.get(title.lower(), 0) == 1 and len(title.split()) >= 3]
        step = max(1, len(usable) // PER_LAW)
        for i, (label, title) in enumerate(usable[::step][:PER_LAW]):
            template = TEMPLATES[len(out) % len(TEMPLATES)]
            question = template.format(Title=title, title=_lower_first(title))
            out.append({
                "id": f"lt-{len(out) + 1:03d}", "question": question, "kind": "topic", "source": "title",
                "law": IN_FORCE[rel], "gold": [{"doc_number": number, "article": label}],
                "split": "dev" if i % 2 == 0 else "heldout",
            })
    path = HERE / "library_questions_titles.jsonl"
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in out), encoding="utf-8")
    print(f"{len(out)} questions -> {path}")


if __name__ == "__main__":
    main()
