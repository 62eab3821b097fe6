"""The hand-written parts of eval/generate_questions.py: the question frames of each family, how a reader names
each measure and body, and the perturbations of the near misses (names, periods and measures the programme does
not have). Every list is checked against the programme by the generator: an entry that fails is dropped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

# -- overview questions: three frames per heading, the family picked by the heading's role ------------------
# {title}: the heading's own words, first letter lower case; {Title}: first letter upper case
HEADING_FAMILIES: dict[str, tuple[str, str, str]] = {
    # the document itself: its parts
    "document": (
        "Chương trình hành động gồm những phần nào?",
        "Bố cục của Chương trình phát triển công nghiệp ra sao?",
        "Văn bản này có mấy phần lớn, đó là những phần nào?",
    ),
    # I-IV: a part of the programme
    "part": (
        "Phần {title} của Chương trình gồm những nội dung gì?",
        "Chương trình trình bày {title} như thế nào?",
        "Tóm tắt giúp tôi phần «{title}».",
    ),
    # III.1-9: a group of tasks, titled by what is to be done («Tăng cường…», «Nâng cao…»)
    "task": (
        "Để {title}, Chương trình đề ra những giải pháp nào?",
        "Nhóm nhiệm vụ «{title}» gồm những việc gì?",
        "Tỉnh sẽ làm gì để {short}?",  # {short}: the title up to its first comma, when that still says what
    ),
    # II.1-3 and their items: a named section («Quan điểm chỉ đạo», «Mục tiêu tổng quát»)
    "section": (
        "{Title} của Chương trình là gì?",
        "Chương trình nêu {title} như thế nào?",
        "Nội dung phần «{title}» gồm những ý nào?",
    ),
}

# -- figure questions: two frames per figure, alternating between two pairs so the frames vary --------------
# {measure}: how a reader names the measure; {period}: «giai đoạn 2021-2025», «đến năm 2030»
TARGET_FRAMES: tuple[tuple[str, str], ...] = (
    ("Chương trình đặt mục tiêu {measure} {period} là bao nhiêu?", "{Period}, {measure} phải đạt mức nào?"),
    ("{Measure} {period} được đặt ở mức bao nhiêu?", "Mục tiêu về {measure} {period} là gì?"),
)
RESULT_FRAMES: tuple[tuple[str, str], ...] = (
    ("{Period}, {measure} đạt bao nhiêu?", "Chương trình cho biết {measure} {period} là bao nhiêu?"),
    ("Kết quả {period}: {measure} là bao nhiêu?", "Trong {period}, {measure} đạt mức nào?"),
)

# -- duty questions: two frames per body ----------------------------------------------------------------------
DUTY_FRAMES: tuple[tuple[str, str], ...] = (
    ("{Body} có nhiệm vụ gì trong việc thực hiện Chương trình?", "Chương trình giao cho {body} những việc gì?"),
    ("Trách nhiệm của {body} theo Chương trình là gì?", "{Body} phải làm gì để thực hiện Chương trình?"),
)


@dataclass(frozen=True)
class Measure:
    asked: str  # how a reader names it
    persona: str
    place_kind: str = ""  # «kcn» / «ccn»: the figure is about industrial zones or clusters (a place can be swapped in)


# keyed by the measure ids of qa_service/resources/facts.yaml
MEASURES: dict[str, Measure] = {
    "ty-trong-grdp": Measure("tỷ trọng công nghiệp trong GRDP của tỉnh", "trainer"),
    "tang-truong-cong-nghiep": Measure("tốc độ tăng bình quân hằng năm của ngành công nghiệp", "trainer"),
    "gia-tri-san-xuat-cong-nghiep": Measure("mức tăng bình quân hằng năm của giá trị sản xuất ngành công nghiệp", "trainer"),
    "xuat-khau": Measure("mức tăng bình quân của kim ngạch xuất khẩu ngành công nghiệp", "business"),
    "lap-day-kcn": Measure("tỷ lệ lấp đầy các khu công nghiệp", "business", "kcn"),
    "lap-day-ccn": Measure("tỷ lệ lấp đầy các cụm công nghiệp", "business", "ccn"),
    "doanh-nghiep-moi": Measure("số doanh nghiệp công nghiệp phát triển mới", "business"),
    "kcn-hoan-thanh": Measure("số khu công nghiệp hoàn thành đầu tư xây dựng cơ bản", "cadre"),
    "ccn-hoan-thanh": Measure("số cụm công nghiệp hoàn thành đầu tư xây dựng cơ bản", "cadre"),
    "du-an-thu-hut": Measure("số dự án đầu tư phát triển công nghiệp thu hút được", "business"),
    "von-thu-hut": Measure("tổng vốn các dự án công nghiệp thu hút được", "business"),
    "viec-lam": Measure("số lao động được công nghiệp giải quyết việc làm", "trainer"),
}


@dataclass(frozen=True)
class ExtraFigure:
    """A figure whose question is written here by hand rather than from the fact reader's: the change after a count
    («tăng 13% so với giai đoạn 2015-2020»), whose clause alone («tăng 13%») is too thin as evidence."""

    measure_id: str
    evidence: str  # verbatim in the programme
    figure: str  # the `must`
    measure: Measure
    period: str
    kind: str  # target | result


EXTRA_FIGURES: tuple[ExtraFigure, ...] = (
    ExtraFigure("doanh-nghiep-moi-tang-so-voi-giai-doan-2015-2020", "tăng 13% so với giai đoạn 2015-2020", "13%",
                Measure("tỷ lệ tăng số doanh nghiệp công nghiệp phát triển mới", "business"), "2021-2025", "target"),
)

# the key phrase of the duty of each body the fact reader finds (a body missing here gets the words after its
# name, read automatically); verbatim in the programme
DUTY_KEYS: dict[str, str] = {
    "Người đứng đầu các cấp, các ngành, địa phương từ tỉnh đến cơ sở": "tập trung lãnh đạo, chỉ đạo thực hiện quyết liệt",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh": "tuyên truyền, vận động nhân dân, doanh nghiệp",
    "Ban cán sự đảng Ủy ban nhân dân tỉnh": "chỉ đạo xây dựng kế hoạch cụ thể",
    "Các huyện, thành ủy, đảng ủy trực thuộc Tỉnh ủy": "quán triệt, tuyên truyền, phổ biến và xây dựng kế hoạch",
    "Ban Tuyên giáo Tỉnh ủy": "định hướng các cơ quan thông tin đại chúng",
    "Văn phòng Tỉnh ủy": "theo dõi việc triển khai thực hiện",
}
# how a reader names a body the fact reader found (its own name is kept when it is short)
ASKED_BODY: dict[str, str] = {
    "Người đứng đầu các cấp, các ngành, địa phương từ tỉnh đến cơ sở": "người đứng đầu các cấp, các ngành",
    "Các huyện, thành ủy, đảng ủy trực thuộc Tỉnh ủy": "các huyện ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy",
    "Ban cán sự đảng Ủy ban nhân dân tỉnh": "Ban cán sự đảng UBND tỉnh",
    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh": "Ủy ban Mặt trận Tổ quốc tỉnh",
}


@dataclass(frozen=True)
class NamedDuty:
    """A body given a duty in a sentence whose subject is another body («Chỉ đạo các sở, ngành … cụ thể hóa…»)."""

    body: str  # as asked
    duty: str  # key phrase of its duty, verbatim in the programme
    persona: str


NAMED_DUTIES: tuple[NamedDuty, ...] = (
    NamedDuty("các sở, ngành", "cụ thể hóa thành chương trình, kế hoạch", "cadre"),
    NamedDuty("UBND các huyện, thành phố", "cụ thể hóa thành chương trình, kế hoạch phù hợp với điều kiện của từng địa phương", "cadre"),
    NamedDuty("các cơ quan thông tin đại chúng của tỉnh", "thường xuyên phổ biến các chủ trương, chính sách", "cadre"),
    NamedDuty("các tổ chức chính trị-xã hội", "vai trò giám sát, phản biện", "cadre"),
    NamedDuty("cấp ủy, chính quyền các cấp", "đưa nội dung về phát triển công nghiệp vào nghị quyết, chương trình, kế hoạch", "cadre"),
    NamedDuty("người sử dụng lao động", "chăm lo đời sống vật chất, tinh thần cho người lao động", "business"),
)

# -- near misses ------------------------------------------------------------------------------------------------
# bodies and companies the programme never names (checked: folded and lower-cased, absent from the whole file)
FAKE_BODIES: tuple[str, ...] = (
    "Sở Công Thương",
    "Sở Tài chính",
    "Công ty Điện lực Kiên Giang",
    "Sở Kế hoạch và Đầu tư",
    "Ban Quản lý Khu kinh tế tỉnh",
    "Liên đoàn Lao động tỉnh",
    "Ủy ban nhân dân huyện Phú Quốc",
    "Hiệp hội Doanh nghiệp tỉnh",
    "Sở Tài nguyên và Môi trường",
    "Ban Dân vận Tỉnh ủy",
    "Tập đoàn Điện lực Việt Nam",
    "Cục Thuế tỉnh",
    "Sở Lao động - Thương binh và Xã hội",
    "Ngân hàng Nhà nước chi nhánh tỉnh",
)
# industrial zones and clusters the programme never names, by kind (checked the same way)
FAKE_PLACES: dict[str, tuple[str, ...]] = {
    "kcn": ("khu công nghiệp Tắc Cậu", "khu công nghiệp Kiên Lương"),
    "ccn": ("cụm công nghiệp Tân Hiệp", "cụm công nghiệp huyện Kiên Hải"),
}
# periods the programme sets no figure for, by the period a figure is set for: (period, how it is asked); the
# generator takes the first one whose years are absent from the figure's section and not yet used for that measure
FAKE_PERIODS: dict[str, tuple[tuple[str, str], ...]] = {
    "2016-2020": (("2011-2015", "giai đoạn 2011-2015"), ("2006-2010", "giai đoạn 2006-2010"), ("2010", "năm 2010")),
    "2021-2025": (("2022", "năm 2022"), ("2024", "năm 2024"), ("2040", "đến năm 2040")),
    "2025": (("2022", "năm 2022"), ("2024", "năm 2024"), ("2040", "đến năm 2040")),
    "2030": (("2040", "đến năm 2040"), ("2035", "đến năm 2035"), ("2045", "đến năm 2045")),
}


@dataclass(frozen=True)
class UnstatedMeasure:
    slug: str
    asked: str
    period: str  # as asked
    persona: str
    absent: tuple[str, ...]  # words that would state it: none may occur (in `where`, or the whole programme)
    where: tuple[str, ...] = ()  # section labels («Mục III.8»); empty: the whole programme


UNSTATED_MEASURES: tuple[UnstatedMeasure, ...] = (
    # the province budget is to fund site clearance (III.5) but no amount is set: amounts occur only in Mục I's results
    UnstatedMeasure("von-ngan-sach", "tổng vốn ngân sách tỉnh bố trí cho Chương trình", "giai đoạn 2021-2025", "cadre",
                    ("tỷ đồng", "triệu đồng"), ("Mục II", "Mục III", "Mục IV")),
    UnstatedMeasure("doanh-nghiep-fdi", "số doanh nghiệp FDI trong các khu công nghiệp", "đến năm 2025", "business",
                    ("fdi", "đầu tư trực tiếp nước ngoài")),
    UnstatedMeasure("noi-dia-hoa", "tỷ lệ nội địa hóa sản phẩm công nghiệp", "đến năm 2030", "business", ("nội địa hóa",)),
    UnstatedMeasure("gia-thue-dat", "giá thuê đất trong khu công nghiệp", "giai đoạn 2021-2025", "business",
                    ("giá thuê", "thuê đất")),
    # raising the share of trained workers is a task of III.8, with no figure
    UnstatedMeasure("lao-dong-qua-dao-tao", "tỷ lệ lao động qua đào tạo", "đến năm 2025", "trainer", ("%",), ("Mục III.8",)),
    UnstatedMeasure("dien-tich-kcn", "tổng diện tích đất (ha) dành cho các khu công nghiệp", "đến năm 2030", "business",
                    ("ha", "hecta", "héc-ta")),
    UnstatedMeasure("chi-so-iip", "chỉ số sản xuất công nghiệp (IIP)", "năm 2025", "trainer", ("iip", "chỉ số sản xuất")),
    UnstatedMeasure("xuat-khau-usd", "kim ngạch xuất khẩu ngành công nghiệp tính bằng USD", "năm 2025", "business",
                    ("usd", "đô la")),
    UnstatedMeasure("chat-thai-ran", "tỷ lệ chất thải rắn công nghiệp được thu gom, xử lý", "đến năm 2025", "cadre",
                    ("chất thải rắn",)),
    # PCI is named (III.4) as something to raise, with no rank or score
    UnstatedMeasure("xep-hang-pci", "thứ hạng Chỉ số năng lực cạnh tranh cấp tỉnh (PCI)", "giai đoạn 2021-2025", "cadre",
                    ("xếp hạng", "thứ hạng", "điểm pci")),
    # traditional craft villages are to be restored (III.5), with no number
    UnstatedMeasure("lang-nghe", "số làng nghề truyền thống được khôi phục", "giai đoạn 2021-2025", "trainer",
                    ("số làng nghề",)),
    UnstatedMeasure("cong-suat-dien", "tổng công suất điện gió, điện mặt trời (MW)", "đến năm 2030", "business",
                    ("mw", "megawatt", "công suất lắp đặt")),
    UnstatedMeasure("thu-nhap-cong-nhan", "thu nhập bình quân của công nhân khu công nghiệp", "đến năm 2025", "cadre",
                    ("thu nhập bình quân", "tiền lương", "triệu đồng")),
    # workers' housing is to be planned (III.2), with no number of homes
    UnstatedMeasure("nha-o-cong-nhan", "số căn nhà ở cho công nhân", "đến năm 2025", "cadre", ("căn hộ", "số căn")),
)
