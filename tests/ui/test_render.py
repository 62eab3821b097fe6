"""Document text is data: what the page shows of it is escaped, never live Markdown or HTML."""

from __future__ import annotations

from ui.render import highlight, literal

HOSTILE = "Xem [Cổng dịch vụ công](https://evil.example/login) và ![ảnh](https://evil.example/x.png) **gấp** <script>x</script>"


def test_answer_text_keeps_our_list_and_escapes_the_documents_markdown() -> None:
    shown = literal(f"Lời dẫn (Mục I).\n\n- «{HOSTILE}» [1]")
    lines = shown.split("\n")
    assert lines[2].startswith("- «")  # our own list item stays a list item
    assert "](" not in shown.replace("\\](", "") and "https://" not in shown
    assert "\\[Cổng dịch vụ công\\]" in shown and "\\*\\*gấp\\*\\*" in shown and "\\<script\\>" in shown


def test_cited_passage_is_inert_html_with_the_quote_marked() -> None:
    text = f"Đoạn đầu.\n\n{HOSTILE}\n\nTỷ lệ lấp đầy đạt trên 65%."
    quote = "Tỷ lệ lấp đầy đạt trên 65%."
    shown = highlight({"text": text, "quote": quote, "start": 100, "quote_start": 100 + text.index(quote)})
    assert f"<mark>{quote}</mark>" in shown
    assert "<script>" not in shown and "[" not in shown and "](" not in shown and "**" not in shown
    assert "\n\n" not in shown  # one HTML block: Markdown never gets to read the rest


def test_quote_not_where_the_service_says_is_not_marked() -> None:
    shown = highlight({"text": "abc def", "quote": "def", "start": 0, "quote_start": 0})
    assert "<mark>" not in shown and "abc def" in shown


def test_excerpt_ends_at_a_sentence_or_between_words() -> None:
    from ui.render import excerpt

    text = "Tăng cường thu hút đầu tư vào khu công nghiệp. " * 3 + "Phấn đấu đến năm 2025 tỷ trọng công nghiệp đạt trên 15% GRDP " * 5
    cut = excerpt(text, 200)
    assert cut.endswith("công nghiệp. …") and len(cut) <= 202
    words = excerpt("ý 1-4: - Tỷ trọng công nghiệp chế biến chế tạo tăng nhanh " * 10, 120)
    assert words.endswith(" …") and not words[:-2].endswith((":", "-", " ")) and len(words) <= 122
    assert excerpt("ngắn gọn.") == "ngắn gọn."


def test_reader_html_sets_off_headings_marks_the_quote_and_stays_inert() -> None:
    from ui.reader import _document_html

    text = "I. MỤC TIÊU\n\nĐạt trên 15% **ngay** [bấm](http://x.vn).\n\n<script>alert(1)</script>"
    outline = [{"start": 0, "end": 11, "level": 1}]
    start = text.index("trên 15%")
    page = _document_html(text, outline, start, start + len("trên 15%"))
    assert page.startswith("<div") and "<span id='o0'></span><strong" in page and "I. MỤC TIÊU</strong>" in page
    assert "<span id='cited'></span><mark>trên 15%</mark>" in page
    assert "<script>" not in page and "**" not in page and "](http" not in page  # Markdown and HTML shown as text
    assert "\n\n" not in page  # a blank line would end the HTML block and let Markdown read the rest


def test_bare_addresses_and_streamlit_markup_stay_text() -> None:
    from ui.render import inert, label

    text = "Gửi tới hotro@evil.example, xem www.evil.example hoặc https://evil.example; phí $5$ :red[gấp]"
    for shown in (literal(text), label(f"- {text}\n\n# tiêu đề")):
        assert "o@evil" not in shown and "www.evil" not in shown and "https://" not in shown
        assert "$5$" not in shown and ":red[" not in shown
    assert "\n" not in label("dòng một\n\ndòng hai")  # a label is one line
    html = inert(text)
    assert "@" not in html and "www." not in html and "://" not in html and "$" not in html
