"""Property: after any sequence of workflow actions through the real services, the incremental rollup equals a
rebuild from raw rows (so every change that moves a figure reaches the facts in its own transaction)."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.core.errors import DomainError
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register
from xinfang.stats import facts
from xinfang.stats.tests.cases import START, at

ACTIONS = st.one_of(
    st.tuples(st.just("register"), st.sampled_from(["letter", "visit", "online"]), st.booleans()),
    st.tuples(st.just("forward"), st.integers(0, 3)),
    st.tuples(st.just("accept"), st.integers(0, 3), st.booleans()),
    st.tuples(st.just("reply"), st.integers(0, 3)),
    st.tuples(st.just("agree"), st.integers(0, 3)),
    st.tuples(
        st.just("rate"),
        st.integers(0, 3),
        st.sampled_from(["petition_dept", "responsible_unit"]),
        st.sampled_from(["satisfied", "basically", "dissatisfied"]),
    ),
    st.tuples(st.just("review"), st.integers(0, 3)),
    st.tuples(st.just("decide"), st.integers(0, 3), st.sampled_from(["uphold", "revoke", "modify"])),
    st.tuples(st.just("link"), st.integers(0, 3), st.integers(0, 3)),
    st.tuples(st.just("wait"), st.integers(1, 40)),
)


def _run(p: Any, tree: Any, petitions: list[Petition], step: tuple[Any, ...]) -> None:
    kind = step[0]
    if kind == "register":
        pet, _ = register(p.registrar_a, channel=step[1], is_collective=step[2])
        petitions.append(pet)
        return
    if not petitions:
        return
    pet = Petition.objects.get(pk=petitions[step[1] % len(petitions)].pk)
    if kind == "forward":
        services.petition_forward(petition=pet, actor=p.registrar_a, to_unit=tree.housing)
    elif kind == "accept":
        services.petition_accept(petition=pet, actor=p.handler_b, notice="已受理", simple=step[2])
    elif kind == "reply":
        services.petition_submit_decision(petition=pet, actor=p.handler_b, outcome="explain", opinion="意见")
        services.petition_approve_decision(petition=pet, actor=p.head_b)
    elif kind == "agree":
        services.petition_record_agreement(petition=pet, actor=p.handler_b, kind="mediation", text="同意")
    elif kind == "rate":
        services.petition_rate(petition=pet, actor=None, target=step[2], value=step[3])
    elif kind == "review":
        services.petition_request_review(petition=pet, actor=None, reason="不服")
    elif kind == "decide":
        services.petition_decide_review(petition=pet, actor=p.county_head, outcome=step[2], opinion="意见")
    elif kind == "link":
        earlier = Petition.objects.get(pk=petitions[step[2] % len(petitions)].pk)
        services.petition_link_repeat(petition=pet, actor=p.registrar_a, previous=earlier)


@pytest.mark.django_db
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(ACTIONS, min_size=4, max_size=18))
def test_incremental_rollup_equals_a_rebuild_after_random_workflows(
    personas: Any, tree: Any, steps: list[tuple[Any, ...]]
) -> None:
    petitions: list[Petition] = []
    day = START
    for step in steps:
        if step[0] == "wait":
            day += dt.timedelta(days=step[1])
            continue
        # A step refused by a rule (DomainError) wrote nothing.
        with at(day), contextlib.suppress(DomainError):
            _run(personas, tree, petitions, step)
    incremental = facts.fact_table()
    # The coarse rollup (issue 10) is the fine one summed over category, channel, nature and area, kept in step.
    assert facts.daily_table() == {k: v for k, v in facts.daily(incremental).items() if v}
    incremental_daily = facts.daily_table()
    assert facts.check() == []
    facts.rebuild(batch=3)
    assert facts.fact_table() == incremental
    assert facts.daily_table() == incremental_daily
