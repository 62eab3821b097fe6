"""How a question is read before it is searched: whether it speaks of the province itself."""

from __future__ import annotations

import pytest

from qa_service.services.query import speaks_of_the_province


@pytest.mark.parametrize(
    ("question", "province"),
    [
        ("Tỉnh ưu tiên lựa chọn những nhà đầu tư nào?", True),
        ("Nguyên nhân chủ yếu khiến công nghiệp của tỉnh phát triển chậm?", True),
        ("Doanh nghiệp trên địa bàn tỉnh được hỗ trợ gì?", True),
        ("Ban Tuyên giáo Tỉnh ủy có nhiệm vụ gì?", True),
        ("How does the province help small and medium enterprises?", True),
        # the provincial level a national law speaks of, or a question about which province
        ("Hội đồng nhân dân cấp tỉnh có trách nhiệm gì trong hỗ trợ doanh nghiệp nhỏ và vừa?", False),
        ("Ủy ban nhân dân tỉnh quyết định chủ trương đầu tư dự án nào?", False),
        ("Các tỉnh được ngân sách trung ương hỗ trợ những gì?", False),
        ("Tỉnh nào có nhiều khu công nghiệp nhất?", False),
        ("Doanh nghiệp nhỏ và vừa được hỗ trợ những gì?", False),
    ],
)
def test_a_question_about_the_province_itself(question: str, province: bool) -> None:
    assert speaks_of_the_province(question) is province
