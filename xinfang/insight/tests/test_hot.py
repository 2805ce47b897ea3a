"""Hot issues: petitions about one matter in one place are grouped, named and ranked; other matters are not."""

from __future__ import annotations

import datetime as dt

from xinfang.insight.core.hot import heat, hot_issues, place_phrase, sudden_rise
from xinfang.insight.core.records import Message

T0 = dt.datetime(2019, 11, 1, 9)  # noqa: DTZ001 - the board's naive local time

MIXER = [
    ("投诉A2区丽发新城附近建搅拌站噪音扰民", "丽发新城小区旁边的搅拌站晚上施工噪音很大，灰尘污染严重，影响居民休息。"),
    ("A2区丽发新城搅拌站噪音扰民", "丽发新城附近的搅拌站日夜施工，噪音和灰尘严重影响小区居民生活。"),
    ("A2区丽发新城小区旁搅拌站灰尘噪音污染严重", "搅拌站就建在丽发新城小区旁边，噪音扰民，灰尘污染，请求搬迁。"),
    ("丽发新城附近搅拌站严重扰民", "A2区丽发新城小区居民反映附近搅拌站噪音灰尘扰民，晚上无法入睡。"),
]
OTHERS = [
    ("A2区丽发新城南门路灯不亮", "丽发新城南门外路灯坏了三个月，晚上出行不安全，请尽快维修。"),
    ("A5区魅力之城小区油烟扰民", "魅力之城小区临街门面油烟直排，熏得居民不能开窗。"),
    ("A3区郝家坪小学何时扩建", "郝家坪小学学位紧张，请问何时改扩建。"),
]


def _messages() -> list[Message]:
    messages = [
        Message(id=f"m{i}", title=t, text=x, user=f"U{i}", time=T0 + dt.timedelta(days=i), likes=i)
        for i, (t, x) in enumerate(MIXER)
    ]
    messages += [
        Message(id=f"o{i}", title=t, text=x, user=f"V{i}", time=T0 + dt.timedelta(days=i))
        for i, (t, x) in enumerate(OTHERS)
    ]
    return messages


def test_one_matter_is_one_issue_named_by_place_and_problem():
    issues = hot_issues(_messages(), top=3)
    first = issues[0]
    assert sorted(first.message_ids) == ["m0", "m1", "m2", "m3"]
    assert first.place_code == "990102"
    assert first.place_people.startswith("A市A2区丽发新城")
    assert "搅拌站" in first.description
    assert first.petitioners == 4 and first.votes == 6
    assert first.time_range == "2019/11/01 至 2019/11/04"


def test_other_matters_on_the_same_street_are_separate_issues():
    issues = hot_issues(_messages(), top=10)
    lights = next(i for i in issues if "o0" in i.message_ids)
    assert lights.message_ids == ["o0"]


def test_window_and_region_filters():
    messages = _messages()
    assert hot_issues(messages, top=5, region="990105")[0].message_ids == ["o1"]
    later = hot_issues(messages, top=5, since=T0 + dt.timedelta(days=3))
    assert sorted(m for i in later for m in i.message_ids) == ["m3"]


def test_heat_and_sudden_rise():
    assert heat(petitioners=4, messages=6, votes=0, rise=False) == 5.0
    assert heat(petitioners=1, messages=1, votes=2097, rise=True) > heat(petitioners=5, messages=5, votes=0, rise=False)
    quiet = [T0 + dt.timedelta(days=10 * i) for i in range(6)]
    burst = [T0 + dt.timedelta(days=60)] + [T0 + dt.timedelta(days=90, hours=h) for h in range(4)]
    assert not sudden_rise(quiet)
    assert sudden_rise(burst)


def test_place_phrase_reads_the_place_off_a_title():
    assert place_phrase("坚决反对在A7县诺亚山林小区门口设置医院") == "诺亚山林小区"
    assert place_phrase("A市暮云街道丽发新城社区搅拌站灰尘，噪音污染严重") == "暮云街道丽发新城社区"
    assert place_phrase("请书记关注") == ""
