"""On the real board messages (../shared/data; skipped when absent). Quality figures live in the benchmark."""

from __future__ import annotations

import pytest

from xinfang.insight.core.dedup import find_pairs
from xinfang.insight.core.hot import hot_issues
from xinfang.insight.core.places import Gazetteer
from xinfang.insight.core.records import read_messages

pytestmark = pytest.mark.shared_data


def test_every_shared_file_reads_cleanly(shared_data):
    assert len(read_messages(shared_data / "messages_with_votes.csv")) == 4326
    warnings: list[str] = []
    labelled = read_messages(shared_data / "messages_labelled.csv", require_label=True, warnings=warnings)
    assert len(labelled) == 936 and len({m.label for m in labelled}) == 7
    # One id appears twice with two different labels: the second row is skipped and named.
    assert len(warnings) == 1 and "line 754: id 37042 repeats the id of line 542" in warnings[0]


def test_exact_repeats_on_the_board_are_found(shared_data):
    messages = read_messages(shared_data / "messages_with_votes.csv")
    same_text: dict[str, list[str]] = {}
    for m in messages:
        same_text.setdefault("".join(m.text.split()), []).append(m.id)
    repeated = {tuple(sorted(ids)) for ids in same_text.values() if len(ids) == 2}
    subset = {i for pair in list(repeated)[:20] for i in pair}
    found = {
        tuple(sorted((p.id_a, p.id_b))) for p in find_pairs((m.id, m.title, m.text) for m in messages if m.id in subset)
    }
    assert {pair for pair in repeated if set(pair) <= subset} <= found


def test_the_mixing_plant_at_lifa_xincheng_is_a_top_issue(shared_data):
    messages = read_messages(shared_data / "messages_with_votes.csv")
    window = [m for m in messages if m.time is not None and m.time.year == 2019 and m.time.month >= 10]
    issues = hot_issues(window, top=3)
    assert any("丽发新城" in i.place_people and len(i.message_ids) >= 10 for i in issues)


def test_most_titles_name_a_division(shared_data):
    messages = read_messages(shared_data / "messages_with_votes.csv")[:1000]
    gazetteer = Gazetteer.default()
    located = sum(gazetteer.locate(m.title, m.text) is not None for m in messages)
    assert located / len(messages) > 0.8
