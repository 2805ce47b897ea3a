"""Repeat and near-duplicate detection: resubmissions with edits are found, different matters are not."""

from __future__ import annotations

import numpy as np

from xinfang.insight.core.dedup import (
    DuplicateFinder,
    LshIndex,
    MinHasher,
    band_keys,
    find_pairs,
    repeat_candidates,
    shingle_hashes,
    similarity,
)

ORIGINAL = (
    "尊敬的领导：您好！我是A2区丽发新城小区的业主。今年九月以来，小区南门外新建的混凝土搅拌站每天从晚上十点"
    "一直施工到凌晨三点，搅拌机和运输车的噪音非常大，整栋楼都能听到，老人和孩子根本无法休息。搅拌站扬尘也很"
    "严重，阳台上每天都是一层灰。我们多次向街道和环保部门反映，至今没有任何回复。恳请有关部门尽快核查该搅拌站"
    "是否取得环评手续，责令其停止夜间施工并落实降尘措施，还居民一个安静的生活环境。谢谢！"
)
RESUBMITTED = (
    "各位领导好：我是A2区丽发新城小区业主，再次反映。今年9月以来，小区南门外新建的混凝土搅拌站每天从晚上10点"
    "一直施工到凌晨3点，搅拌机和运输车的噪音特别大，整栋楼都能听到，老人孩子根本没法休息。我们多次向街道和"
    "环保部门反映，至今没有任何回复。搅拌站扬尘也很严重，阳台上每天都是一层灰。恳请有关部门尽快核查该搅拌站是否"
    "取得环评手续，责令其停止夜间施工，还居民一个安静的生活环境。"
)
SAME_STREET_OTHER_MATTER = (
    "我是A2区丽发新城小区的业主。小区南门外的路灯已经坏了三个多月，晚上一片漆黑，老人和孩子出行很不安全，"
    "上周还有一位老人在路口摔倒。我们向物业和社区反映过多次，物业说路灯归市政管理，社区说要等统一维修。"
    "恳请有关部门尽快安排维修南门外的路灯，并在路口增设减速带和警示标志，保障居民夜间出行安全。"
)
SAME_STREET_THIRD = (
    "A2区丽发新城小区南门外人行道被多家餐馆占用，每天晚上摆桌经营烧烤到深夜，油烟直排进居民家中，垃圾遍地，"
    "行人只能走机动车道。城管来了就收，走了又摆。请求城管部门加强巡查，依法取缔占道经营，恢复人行道通行。"
)


def _sim(a: str, b: str) -> float:
    return similarity(shingle_hashes(a), shingle_hashes(b))


def test_a_resubmission_with_edits_is_found():
    pairs = find_pairs([("1", "搅拌站噪音扰民", ORIGINAL), ("2", "再次投诉丽发新城搅拌站", RESUBMITTED)])
    assert [(p.id_a, p.id_b) for p in pairs] == [("1", "2")]
    assert pairs[0].similarity >= 0.6


def test_greetings_punctuation_and_width_do_not_matter():
    plain = ORIGINAL.removeprefix("尊敬的领导：您好！").removesuffix("谢谢！")
    assert _sim(ORIGINAL, plain) == 1.0
    assert _sim(ORIGINAL, ORIGINAL.replace("，", ", ").replace("。", ".")) == 1.0


def test_dropped_swapped_and_truncated_versions_stay_similar():
    sentences = ORIGINAL.split("。")
    swapped = "。".join([sentences[1], sentences[0], *sentences[2:]])
    dropped = "。".join(sentences[:2] + sentences[3:])
    truncated = ORIGINAL[: len(ORIGINAL) * 3 // 5]
    for variant in (swapped, dropped, truncated):
        assert _sim(ORIGINAL, variant) >= 0.6, variant


def test_a_changed_title_does_not_hide_a_copy():
    pairs = find_pairs([("1", "搅拌站噪音扰民", ORIGINAL), ("2", "强烈要求取缔黑心搅拌站", ORIGINAL)])
    assert len(pairs) == 1 and pairs[0].similarity == 1.0


def test_unrelated_messages_on_the_same_street_are_not_merged():
    items = [("1", "搅拌站", ORIGINAL), ("2", "路灯", SAME_STREET_OTHER_MATTER), ("3", "占道", SAME_STREET_THIRD)]
    assert find_pairs(items) == []
    assert _sim(ORIGINAL, SAME_STREET_OTHER_MATTER) < 0.2


def test_the_index_finds_items_in_the_buffer_and_after_merges():
    hasher = MinHasher()
    index = LshIndex(buffer_size=3)
    docs = [f"{i}号楼{ORIGINAL[i * 7 :]}" if i % 2 else f"第{i}件无关的事情：{SAME_STREET_THIRD[i:]}" for i in range(8)]
    sigs = [hasher.signature(shingle_hashes(d)) for d in docs]
    for s in sigs[:4]:
        index.add(band_keys(s))  # the 3rd add merges the buffer into the sorted arrays
    index.add_many(band_keys(np.vstack(sigs[4:])))
    assert index.size == 8
    for item, s in enumerate(sigs):
        assert item in index.query(band_keys(s))


def test_batch_and_single_signatures_agree():
    hasher = MinHasher()
    sets = [shingle_hashes(t) for t in (ORIGINAL, "", SAME_STREET_THIRD, "短")]
    batch = hasher.signatures(sets, chunk=50)
    for row, hashes in zip(batch, sets, strict=True):
        assert np.array_equal(row, hasher.signature(hashes))


def test_incremental_finder_reports_best_first():
    finder = DuplicateFinder()
    finder.check_and_add("a", "", ORIGINAL)
    finder.check_and_add("b", "", SAME_STREET_OTHER_MATTER)
    found = finder.check_and_add("c", "", RESUBMITTED)
    assert [i for i, _ in found] == ["a"]


def test_same_petitioner_rewording_is_a_repeat_but_another_matter_is_not():
    history = [("10", "丽发新城南门路灯不亮", SAME_STREET_OTHER_MATTER), ("11", "丽发新城搅拌站噪音", ORIGINAL)]
    found = repeat_candidates("再次投诉丽发新城搅拌站噪音", RESUBMITTED, history)
    assert [c.id for c in found] == ["11"]
    assert repeat_candidates("丽发新城南门外人行道被占道经营", SAME_STREET_THIRD, history) == []
