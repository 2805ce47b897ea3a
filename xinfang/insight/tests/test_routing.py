"""Routing suggestions: learning, calibrated top-k, cold start, and clear refusals of unusable training data."""

from __future__ import annotations

import pytest

from xinfang.insight.core.records import Message
from xinfang.insight.core.routing import (
    TaxonomyKeywords,
    TextClassifier,
    TrainingError,
    check_labels,
    load_model,
    taxonomy_rows_from_names,
    without_copies,
)

TOPICS = {
    "教育文体": ["学校", "学位", "老师", "入学", "幼儿园", "课外辅导", "学生"],
    "劳动和社会保障": ["工资", "社保", "养老保险", "拖欠", "劳动合同", "退休金", "工伤"],
    "交通运输": ["公交", "出租车", "线路", "站点", "客运", "地铁", "车站"],
}


def corpus(per_label: int = 8) -> list[Message]:
    messages: list[Message] = []
    for label, vocab in TOPICS.items():
        for i in range(per_label):
            words = [vocab[(i + k) % len(vocab)] for k in range(4)]
            messages.append(
                Message(
                    id=f"{label}{i}",
                    title=f"关于{words[0]}的问题",
                    text=f"我们反映{words[1]}和{words[2]}的情况，希望解决{words[3]}问题。",
                    label=label,
                    line=len(messages) + 2,
                )
            )
    return messages


def test_a_trained_model_suggests_the_right_category_with_confidence(tmp_path):
    model = TextClassifier().fit(corpus())
    new = [Message(id="n", title="孩子入学学位紧张", text="学校说没有学位，老师也不清楚。")]
    (best, *rest) = model.suggest(new, k=3)[0]
    assert best.label == "教育文体"
    assert 0 < rest[-1].confidence <= rest[0].confidence <= best.confidence <= 1
    model.save(tmp_path)
    again = load_model(tmp_path)
    assert again.suggest(new, k=1)[0][0].label == "教育文体"


def test_an_unseen_category_in_training_data_is_reported_with_its_line():
    messages = corpus()
    messages[3] = Message(id="x", title="t", text="x", label="教育体育", line=5)
    with pytest.raises(TrainingError, match=r"unseen category “教育体育”.*line 5"):
        check_labels(messages, known=TOPICS)


def test_a_category_with_too_few_examples_is_named():
    messages = [*corpus(), Message(id="r", title="医院", text="看病难", label="卫生计生", line=99)]
    with pytest.raises(TrainingError, match=r"too few examples to learn category “卫生计生” \(1\)"):
        TextClassifier().fit(messages)


def test_one_category_is_not_a_choice():
    only = [m for m in corpus() if m.label == "教育文体"]
    with pytest.raises(TrainingError, match="at least two categories"):
        check_labels(only)


def test_cold_start_from_the_taxonomy(tmp_path):
    rows = [
        ("劳动和社会保障", "工资福利", "拖欠工资"),
        ("劳动和社会保障", "社会保险", "养老保险"),
        ("教育文体", "教育", "义务教育入学"),
        ("交通运输", "城市交通", "公交线路"),
    ]
    model = TaxonomyKeywords.from_taxonomy(rows)
    message = Message(id="1", title="公司拖欠工资三个月", text="老板拖欠工资不发")
    assert model.suggest([message], k=1)[0][0].label == "劳动和社会保障"
    model.save(tmp_path)
    assert load_model(tmp_path).suggest([message], k=3)[0][0].label == "劳动和社会保障"


def test_a_folder_without_a_model_is_explained(tmp_path):
    with pytest.raises(TrainingError, match="holds no routing model"):
        load_model(tmp_path)


ROWS = [
    ("劳动和社会保障", "工资福利", "拖欠工资"),
    ("劳动和社会保障", "社会保险", "养老保险"),
    ("教育文体", "教育", "义务教育入学"),
    ("交通运输", "城市交通", "公交线路"),
    ("环境保护", "环境污染", "噪声污染"),  # not a trained category: left out of the keyword features
]


def test_taxonomy_keywords_join_the_text_features_and_survive_saving(tmp_path):
    model = TextClassifier().fit(corpus(), taxonomy=ROWS)
    assert model.meta["keyword_categories"] == ["交通运输", "劳动和社会保障", "教育文体"]
    assert model.meta["keyword_weight"] > 0
    new = [Message(id="n", title="公司拖欠工资", text="老板拖欠工资三个月，养老保险也没交。")]
    assert model.suggest(new, k=1)[0][0].label == "劳动和社会保障"
    model.save(tmp_path)
    again = load_model(tmp_path)
    assert isinstance(again, TextClassifier)
    assert again.probabilities(new)[0].tolist() == pytest.approx(model.probabilities(new)[0].tolist())
    # Without a taxonomy the model is the text model alone.
    assert TextClassifier().fit(corpus()).meta["keyword_categories"] == []


def test_taxonomy_rows_are_read_back_from_the_known_paths():
    known = {name for row in ROWS for name in (*row, " / ".join(row[:2]), " / ".join(row))}
    assert taxonomy_rows_from_names(known) == sorted(ROWS)
    model = TextClassifier().fit(corpus(), known=known)
    assert model.meta["keyword_categories"] == ["交通运输", "劳动和社会保障", "教育文体"]


def test_copies_of_held_out_messages_never_reach_the_training_pool():
    held = Message(
        id="t1",
        title="A2区丽发新城搅拌站噪音扰民",
        text="丽发新城小区旁边的搅拌站日夜施工，噪音很大，严重影响居民休息，希望有关部门尽快处理。",
    )
    pool = [
        Message(id="u1", title="再次反映搅拌站问题", text="您好！" + held.text.replace("很大", "非常大") + "谢谢！"),
        Message(id="u2", title="A2区丽发新城搅拌站噪音扰民", text="同上。"),
        Message(id="u3", title="A1区幼儿园收费过高", text="孩子所在的幼儿园每学期收费上涨，家长负担很重。"),
        Message(id="u4", title="", text="丽发新城小区的绿化很好。"),
    ]
    assert [m.id for m in without_copies(pool, [held])] == ["u3", "u4"]
    assert without_copies(pool, []) == pool
