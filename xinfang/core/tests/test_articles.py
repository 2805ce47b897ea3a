from __future__ import annotations

import pytest
from django.utils import translation

from xinfang.core.articles import article_text, chinese_number


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("Art. 35", "第三十五条"),
        ("Art. 23 ¶3", "第二十三条第三款"),
        ("Art. 22(3)", "第二十二条第（三）项"),
        ("Art. 22(1)(2), Art. 23 ¶1", "第二十二条第（一）（二）项、第二十三条第一款"),
        ("Arts. 35–36", "第三十五条至第三十六条"),
        ("Art. 31(1)–(5)", "第三十一条第（一）项至第（五）项"),
        ("Art. 35; Shandong Art. 45", "第三十五条、《山东省信访条例》第四十五条"),
        ("Art. 19 ¶3, Art. 36 ¶3", "第十九条第三款、第三十六条第三款"),
    ],
)
def test_article_codes_read_as_chinese_legal_references(code, expected):
    with translation.override("zh-hans"):
        assert article_text(code) == expected


def test_article_codes_stay_as_written_in_english():
    with translation.override("en"):
        assert article_text("Art. 23 ¶3") == "Art. 23 ¶3"


def test_unknown_shapes_are_returned_unchanged():
    with translation.override("zh-hans"):
        assert article_text("Arts. 35–36 (window passed)") == "Arts. 35–36 (window passed)"


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (19, "十九"),
        (20, "二十"),
        (36, "三十六"),
        (100, "一百"),
        (105, "一百零五"),
        (203, "二百零三"),
    ],
)
def test_chinese_numbers(n, text):
    assert chinese_number(n) == text
