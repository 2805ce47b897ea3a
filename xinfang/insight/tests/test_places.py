"""问题属地 from text: the anonymised A市 / A2区 / A7县 patterns and real province names."""

from __future__ import annotations

from xinfang.insight.core.places import Gazetteer, anon_code


def test_anonymised_divisions_get_demo_codes():
    g = Gazetteer.default()
    place = g.locate("投诉A2区丽发新城附近建搅拌站噪音扰民")
    assert place is not None and (place.code, place.name, place.level) == ("990102", "A市A2区", "county")
    assert g.locate("A7县星沙四区凉塘路旧城改造").code == "990107"
    assert g.locate("B市的房价").code == "990200"
    assert anon_code("C", "12") == "990312"


def test_the_most_specific_division_wins_and_the_title_first():
    g = Gazetteer.default()
    assert g.locate("A市城区交通拥堵", "特别是A5区劳动东路").code == "990105"
    assert g.locate("A3区学校", "我住在A4区").code == "990103"


def test_words_that_only_look_like_divisions_are_ignored():
    g = Gazetteer.default()
    assert g.locate("A市场管理混乱") is None
    assert g.locate("小区B区停车难") is None  # "B区" alone is a zone of an estate
    assert g.locate("3A2区楼道") is None


def test_real_names_and_deployment_names():
    g = Gazetteer.default().with_names([("青石镇", "990103"), ("bad", "12")])
    assert g.locate("湖南省长沙市").code == "430000"
    assert g.locate("青石镇自来水停水").code == "990103"
    assert g.locate("湖南路拓宽") is None  # a bare province name is a road here
