"""The English -> Vietnamese glossary (qa_service/resources/glossary_en_vi.yaml): well formed, every key reachable by
`english_terms`, and its Vietnamese the words the documents really write: the programme and fifteen documents of the
Gazette library of different kinds (laws, decrees, circulars, decisions, resolutions, a directive), read in place."""

from __future__ import annotations

import re
from typing import Any

import yaml

from qa_service.resources import RESOURCES, english_terms, glossary, stopwords
from qa_service.text import VI_LOWER, VI_UPPER, fold
from tests.conftest import DATASET, PROGRAMME, require_shared

GLOSSARY = RESOURCES / "glossary_en_vi.yaml"

# the documents the glossary was written from, besides the programme (docs/<topic>/<file> of the dataset)
SOURCES = (
    "uu_dai_dt/luat-so-61-2020-qh14-31682.txt",  # Luật Đầu tư 2020
    "chinh_sach_dn/luat-so-04-2017-qh14-24225.txt",  # Luật Hỗ trợ doanh nghiệp nhỏ và vừa
    "chinh_sach_dn/luat-so-59-2020-qh14-31674.txt",  # Luật Doanh nghiệp 2020
    "hdld/bo-luat-lao-dong-so-45-2019-qh14-29268.txt",  # Bộ luật Lao động
    "thue_tncn/luat-so-26-2012-qh13-6276.txt",  # Luật sửa đổi Luật Thuế thu nhập cá nhân
    "uu_dai_dt/van-ban-hop-nhat-so-9716-vbhn-bkhdt-43315.txt",  # Nghị định: khu công nghiệp, khu kinh tế
    "hdld/nghi-dinh-so-12-2022-nd-cp-36716.txt",  # Nghị định xử phạt vi phạm hành chính về lao động
    "uu_dai_dt/thong-tu-so-10-2023-tt-bkhdt-40324.txt",  # Thông tư: chỉ tiêu thống kê tăng trưởng xanh
    "thue_tncn/thong-tu-so-36-2026-tt-btc-469294.txt",  # Thông tư: chi phí cho hoạt động quy hoạch
    "thue_tncn/chi-thi-so-21-ct-ttg-469580.txt",  # Chỉ thị của Thủ tướng
    "chinh_sach_dn/quyet-dinh-so-982-qd-ttg-469699.txt",  # Quyết định: Đề án doanh nghiệp công nghệ số
    "thue_tncn/quyet-dinh-so-893-qd-ttg-469593.txt",  # Quyết định: Đề án nguồn nhân lực
    "bhxh/quyet-dinh-so-844-qd-ttg-469526.txt",  # Quyết định ban hành Kế hoạch hành động
    "hd_kinh_te/nghi-quyet-so-116-nq-cp-469463.txt",  # Nghị quyết ban hành Kế hoạch của Chính phủ
    "chinh_sach_dn/nghi-quyet-so-97-nq-cp-469324.txt",  # Nghị quyết: Chương trình hành động của Chính phủ
)
VIETNAMESE = re.compile(rf"[{VI_UPPER}{VI_LOWER}0-9 ,\-]+")
# a syllable typed without diacritics («an ninh», «bia»): initial consonant, vowels, final consonant
BARE_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?|\d+"
)
CODES = {"grdp", "pci", "covid", "bcc"}  # written by the documents as English writes them
SINGLE_WORD = re.compile(r"[a-z0-9]+")  # how `english_terms` tokenises what is left after the phrases
WORD = re.compile(r"\w+")
MIN_FOUND = 0.9


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load keeps the last of two equal keys silently; this loader refuses them."""


def _mapping_without_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    keys = [loader.construct_object(key) for key, _ in node.value]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate keys {duplicates}", node.start_mark)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def words(text: str) -> str:
    """Folded, lower-cased words joined by single spaces, padded: line wraps and punctuation of the PDFs disappear."""
    return " " + " ".join(WORD.findall(fold(text).lower())) + " "


def test_the_glossary_parses_with_unique_lower_case_keys() -> None:
    data = yaml.load(GLOSSARY.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    assert isinstance(data, dict) and len(data) >= 600
    odd = [k for k in data if not isinstance(k, str) or k != k.lower().strip()]
    assert not odd
    assert glossary() == {str(k): str(v) for k, v in data.items()}


def test_every_key_can_be_matched() -> None:
    """A phrase is searched as it is; a single word only as one [a-z0-9]+ token that is not a stop word."""
    stop = stopwords("english_stop")
    unreachable = [k for k in glossary() if " " not in k and (not SINGLE_WORD.fullmatch(k) or k in stop)]
    assert not unreachable


def test_every_value_is_vietnamese() -> None:
    """Vietnamese letters only, and a word without diacritics is still a Vietnamese syllable (or a code): an English
    word put in by mistake («logistics») fails."""
    values = glossary().values()
    assert not [v for v in values if not (v.strip() and VIETNAMESE.fullmatch(v))]
    bare = {w for v in values for w in WORD.findall(v.lower()) if fold(w) == w}
    assert not [w for w in bare if not BARE_SYLLABLE.fullmatch(w) and w not in CODES]


def test_a_question_finds_its_terms_through_the_glossary() -> None:
    _, mapped = english_terms("What shortcomings and causes does the Provincial Party Committee see in occupancy?")
    assert mapped == {
        "shortcomings": "hạn chế",
        "causes": "nguyên nhân",
        "provincial party committee": "Tỉnh ủy",
        "occupancy": "lấp đầy",
    }


def test_the_values_are_words_the_documents_use() -> None:
    require_shared()
    paths = [PROGRAMME] + [DATASET / "docs" / name for name in SOURCES]
    corpus = "".join(words(path.read_text(encoding="utf-8")) for path in paths)
    values = set(glossary().values())
    missing = sorted(v for v in values if words(v) not in corpus)
    assert 1 - len(missing) / len(values) >= MIN_FOUND, missing
