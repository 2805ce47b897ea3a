"""Art. 40 recommendations with the recipient's written feedback on adoption; 约谈 with 责令限期整改."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from conftest import make_user
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.notify.models import Notification
from xinfang.orgs.models import Role
from xinfang.supervision import selectors, services
from xinfang.supervision.assignments import assignments_for
from xinfang.supervision.models import Adoption, AssignmentSource, Interview, Recommendation, RecommendationKind

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)


def test_art_40_feedback_recorded(personas: Any, handling: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        petition = handling()
        rec = services.recommendation_issue(
            actor=personas.supervisor,
            kind=RecommendationKind.IMPROVE_WORK,
            to_unit=personas.handler_b.unit,
            text="建立夜间施工噪音投诉快速处置机制",
            petitions=[petition],
        )
        assert rec.feedback_due == dt.date(2026, 12, 16)  # 30 days by default
        assert Notification.objects.filter(recipient=personas.head_b, kind="supervision.recommendation").exists()
        with pytest.raises(NotPermitted):
            services.recommendation_feedback(actor=personas.outsider, recommendation=rec, adoption="adopted", text="x")
        with pytest.raises(InvalidInput):
            services.recommendation_feedback(actor=personas.head_b, recommendation=rec, adoption="maybe", text="x")
        services.recommendation_feedback(
            actor=personas.head_b,
            recommendation=rec,
            adoption=Adoption.PARTLY,
            text="已建立值班制度；执法力量不足部分待编制调整",
        )
        with pytest.raises(RuleViolation):
            services.recommendation_feedback(actor=personas.head_b, recommendation=rec, adoption="adopted", text="再次")
    rec.refresh_from_db()
    assert (rec.adoption, rec.feedback_on, rec.feedback_by) == (Adoption.PARTLY, NOW.date(), personas.head_b)
    assert "值班制度" in rec.feedback_text
    assert list(rec.petitions.all()) == [petition]
    assert Notification.objects.filter(
        recipient=personas.supervisor, kind="supervision.recommendation_feedback"
    ).exists()
    assert not selectors.recommendations_awaiting_feedback(personas.supervisor).exists()


def test_feedback_overdue_shows_on_the_desk(personas: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        rec = services.recommendation_issue(
            actor=personas.supervisor,
            kind=RecommendationKind.IMPROVE_POLICY,
            to_unit=personas.handler_b.unit,
            text="完善拆迁补偿标准",
            feedback_due=dt.date(2026, 11, 20),
        )
    waiting = selectors.recommendations_awaiting_feedback(personas.supervisor)
    assert list(waiting) == [rec]
    assert list(waiting.filter(services.overdue_feedback_q(dt.date(2026, 11, 21)))) == [rec]
    assert not waiting.filter(services.overdue_feedback_q(dt.date(2026, 11, 20))).exists()
    assert not selectors.recommendations_visible_to(personas.outsider).exists()


def test_interview_rectifications_become_assignments(personas: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        interview = services.interview_record(
            actor=personas.supervisor,
            unit=personas.handler_b.unit,
            persons="赵局长",
            reason="信访事项超期办理多件",
            held_on=dt.date(2026, 11, 13),
            conducted_by="A市信访局局长",
            minutes="要求一个月内清理超期件",
            rectifications=[
                services.Rectification("清理全部超期信访事项", dt.date(2026, 12, 15)),
                services.Rectification("建立台账，每周报送进展", dt.date(2026, 11, 30)),
            ],
        )
        with pytest.raises(InvalidInput):
            services.interview_record(
                actor=personas.supervisor,
                unit=personas.handler_b.unit,
                persons="x",
                reason="x",
                held_on=dt.date(2026, 11, 17),
                conducted_by="x",
            )
    items = list(assignments_for(AssignmentSource.SUPERVISION, interview.pk).order_by("due"))
    assert [(a.matter, a.due, a.unit) for a in items] == [
        ("建立台账，每周报送进展", dt.date(2026, 11, 30), personas.handler_b.unit),
        ("清理全部超期信访事项", dt.date(2026, 12, 15), personas.handler_b.unit),
    ]
    assert list(selectors.overdue_assignments_for(personas.supervisor, dt.date(2026, 12, 1))) == [items[0]]
    assert list(selectors.interviews_visible_to(personas.head_b)) == [interview]
    assert not selectors.interviews_visible_to(personas.outsider).exists()


def _accusation(personas: Any, tree: Any) -> Any:
    from xinfang.petitions.tests.helpers import register

    accusation, _code = register(personas.registrar_a, nature="accusation", accused_unit=tree.environment)
    return accusation


def test_a_recommendation_citing_an_accusation_never_goes_to_the_accused_unit(
    personas: Any, tree: Any, handling: Any
) -> None:
    """Art. 30 ¶3, checked for every petition cited (the other one is an ordinary petition)."""
    with time_machine.travel(NOW, tick=False):
        ordinary = handling()
        accusation = _accusation(personas, tree)
        with pytest.raises(RuleViolation) as refused:
            services.recommendation_issue(
                actor=personas.supervisor,
                kind=RecommendationKind.IMPROVE_WORK,
                to_unit=tree.environment,
                text="改进举报件办理",
                petitions=[ordinary, accusation],
            )
    assert (refused.value.article, refused.value.field) == ("Art. 30 ¶3", "to_unit")
    assert not Recommendation.objects.exists()
    assert not Notification.objects.filter(kind="supervision.recommendation").exists()


def test_petitions_cited_by_a_recommendation_are_checked_in_one_query(personas: Any, handling: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def issue(petitions: list[Any]) -> int:
        with CaptureQueriesContext(connection) as queries:
            services.recommendation_issue(
                actor=personas.supervisor,
                kind=RecommendationKind.IMPROVE_WORK,
                to_unit=personas.handler_b.unit,
                text="建议",
                petitions=petitions,
            )
        return len(queries)

    with time_machine.travel(NOW, tick=False):
        first, second, third = handling(), handling(), handling()
        issue([first])  # warms the caches a first call fills (the recipients' roles, content types …)
        assert issue([first]) == issue([first, second, third])
    # A2区政府's head supervises A2区 units but cannot see an A1区 petition: the same refusal as for none at all.
    a2_head = make_user("a2_head", personas.outsider.unit.parent, Role.HEAD)
    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidInput) as refused:
        services.recommendation_issue(
            actor=a2_head,
            kind=RecommendationKind.IMPROVE_WORK,
            to_unit=personas.outsider.unit,
            text="建议",
            petitions=[first],
        )
    assert refused.value.field == "petition"
    assert Recommendation.objects.count() == 3


def test_an_interview_cites_only_an_order_of_the_interviewing_unit(personas: Any, tree: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        theirs = services.order_issue(
            actor=personas.county_head, data=services.OrderData(target_unit=tree.housing, matter="请书面回复")
        )
        with pytest.raises(InvalidInput) as refused:
            services.interview_record(
                actor=personas.supervisor,
                unit=tree.housing,
                persons="赵局长",
                reason="督办逾期未复",
                held_on=dt.date(2026, 11, 13),
                conducted_by="A市信访局局长",
                order=theirs,
            )
    assert refused.value.field == "order"
    assert not Interview.objects.exists()


def test_an_interview_citing_an_order_on_an_accusation_is_never_held_with_the_accused_unit(
    personas: Any, tree: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        accusation = _accusation(personas, tree)
        order = services.order_issue(
            actor=personas.supervisor,
            data=services.OrderData(target_unit=tree.discipline, matter="请核查举报内容", petition=accusation),
        )
        with pytest.raises(RuleViolation) as refused:
            services.interview_record(
                actor=personas.supervisor,
                unit=tree.environment,
                persons="生态环境局局长",
                reason="举报件",
                held_on=dt.date(2026, 11, 13),
                conducted_by="A市信访局局长",
                order=order,
            )
    assert (refused.value.article, refused.value.field) == ("Art. 30 ¶3", "unit")
    assert not Interview.objects.exists()


def test_overdue_feedback_in_sql_and_on_the_row(personas: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        rec = services.recommendation_issue(
            actor=personas.supervisor,
            kind=RecommendationKind.IMPROVE_POLICY,
            to_unit=personas.handler_b.unit,
            text="完善拆迁补偿标准",
            feedback_due=dt.date(2026, 11, 20),
        )
    assert list(Recommendation.objects.awaiting()) == [rec]
    assert list(Recommendation.objects.overdue(dt.date(2026, 11, 21))) == [rec]
    assert not Recommendation.objects.overdue(dt.date(2026, 11, 20)).exists()
    with time_machine.travel(dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC), tick=False):
        assert not rec.is_overdue
    with time_machine.travel(dt.datetime(2026, 11, 21, 2, 0, tzinfo=dt.UTC), tick=False):
        assert rec.is_overdue
        services.recommendation_feedback(actor=personas.head_b, recommendation=rec, adoption="adopted", text="已采纳")
        rec.refresh_from_db()
        assert not rec.is_overdue and not Recommendation.objects.overdue(dt.date(2026, 11, 21)).exists()
