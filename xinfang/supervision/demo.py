"""Demo data for the supervision desk: a month of 督办, Art. 40 recommendations, a 约谈, warnings and a bulletin.

Needs the demo tree, staff and petitions (``orgs.demo``, ``petitions.demo``): the city 信访局's supervisor
("supervisor", A市信访局) supervises A1区住建局 ("handler", "head"). Idempotent: when A市信访局 has issued any
督办单 already, nothing is added and the existing counts are returned.

Records are made through the services (so every log line, petition timeline entry and notification exists) and
then dated back within the month with plain updates, since the services always act "today".
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xinfang.orgs.models import User
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions.workflow import State
from xinfang.supervision import services
from xinfang.supervision.bulletin import bulletins_generate_monthly, previous_month
from xinfang.supervision.models import (
    Adoption,
    Bulletin,
    ClockWarning,
    Interview,
    Recommendation,
    RecommendationKind,
    SupervisionOrder,
)
from xinfang.supervision.sweep import overdue_sweep


def _counts() -> dict[str, int]:
    return {
        "supervision_orders": SupervisionOrder.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "interviews": Interview.objects.count(),
        "clock_warnings": ClockWarning.objects.count(),
        "bulletins": Bulletin.objects.count(),
    }


def _backdate(order: SupervisionOrder, *, issued: dt.date, due: dt.date) -> None:
    SupervisionOrder.objects.filter(pk=order.pk).update(issued_on=issued, first_reply_due=due, reply_due=due)
    order.refresh_from_db()


@transaction.atomic
def build_demo_supervision(today: dt.date) -> dict[str, int]:
    supervisor = User.objects.select_related("unit").get(username="supervisor")
    head = User.objects.select_related("unit").get(username="head")
    handler = User.objects.get(username="handler")
    assert supervisor.unit is not None and head.unit is not None  # noqa: S101 - the demo staff have units
    if SupervisionOrder.objects.filter(issuing_unit=supervisor.unit).exists():
        return _counts()
    housing = head.unit
    county = housing.parent
    assert county is not None  # noqa: S101 - A1区住建局 sits under A1区政府
    day = dt.timedelta(days=1)
    open_cases = list(
        petition_selectors.petitions_visible_to(supervisor)
        .filter(current_unit=housing, state=State.HANDLING)
        .order_by("received_on", "id")[:4]
    )
    cases = open_cases + [None] * (4 - len(open_cases))

    def issue(n: int, matter: str, *, listed: bool = False) -> SupervisionOrder:
        data = services.OrderData(
            target_unit=housing,
            matter=matter,
            requirements="请于期限内书面报告办理情况、化解措施和信访人意见。",
            petition=cases[n],
            is_listed=listed,
        )
        return services.order_issue(actor=supervisor, data=data)

    # 1. Replied on time and closed.
    first = issue(0, "群众反映小区供暖不达标问题，请督促落实整改并答复群众。")
    services.order_reply(
        actor=handler, order=first, text="已约谈供热企业，管网改造已完成，室温达标，已书面答复信访人。"
    )
    services.order_close(actor=supervisor, order=first, note="回复属实，同意办结。")
    _backdate(first, issued=today - 24 * day, due=today - 10 * day)
    SupervisionOrder.objects.filter(pk=first.pk).update(
        replied_on=today - 12 * day, first_replied_on=today - 12 * day, closed_on=today - 11 * day
    )
    # 2. Listed (挂牌督办), reply missed: escalated by the daily job.
    second = issue(1, "拆迁安置房逾期未交付，群众反复来访，挂牌督办。", listed=True)
    _backdate(second, issued=today - 20 * day, due=today - 6 * day)
    services.orders_escalate_overdue(today)
    # 3. Replied, awaiting the issuer's decision.
    third = issue(2, "物业维修基金使用不透明问题，请核查并答复。")
    _backdate(third, issued=today - 9 * day, due=today + 3 * day)
    services.order_reply(actor=head, order=third, text="已组织审计，账目公示在即，下周书面答复信访人。")
    # 4. Just issued.
    issue(3, "小区违建侵占消防通道，请依法处置并回复。")

    # Art. 40 recommendations: two answered, one awaiting feedback past its date.
    work = services.recommendation_issue(
        actor=supervisor,
        kind=RecommendationKind.IMPROVE_WORK,
        to_unit=housing,
        text="建立物业投诉首问负责和限时办结制度，每月通报办理情况。",
        order=first,
    )
    services.recommendation_feedback(
        actor=head, recommendation=work, adoption=Adoption.ADOPTED, text="已制定首问负责制度并于本月起施行。"
    )
    blame = services.recommendation_issue(
        actor=supervisor,
        kind=RecommendationKind.ACCOUNTABILITY,
        to_unit=housing,
        text="安置房逾期交付问题中有关责任人员推诿拖延，建议依规追究责任。",
        order=second,
    )
    services.recommendation_feedback(
        actor=head,
        recommendation=blame,
        adoption=Adoption.PARTLY,
        text="已对项目负责人诫勉谈话；施工单位责任移交住建执法部门处理。",
    )
    policy = services.recommendation_issue(
        actor=supervisor,
        kind=RecommendationKind.IMPROVE_POLICY,
        to_unit=county,
        text="完善老旧小区改造资金分担政策，明确业主、企业和财政的出资比例。",
    )
    Recommendation.objects.filter(pk=policy.pk).update(issued_on=today - 35 * day, feedback_due=today - 5 * day)

    # 约谈 with rectification (责令限期整改) turned into assignments.
    services.interview_record(
        actor=supervisor,
        unit=housing,
        persons="A1区住房和城乡建设局局长王强、分管副局长",
        reason="本月超期信访事项较多，安置房交付问题督办逾期未复。",
        held_on=today - 5 * day,
        conducted_by="A市信访局局长",
        minutes="指出超期办理和答复不及时问题，要求限期清理超期件、建立台账。",
        order=second,
        rectifications=[
            services.Rectification("清理全部超期信访事项并逐件书面答复", today + 20 * day),
            services.Rectification("建立信访事项办理台账，每周报送进展", today + 7 * day),
        ],
    )

    overdue_sweep(today)
    bulletins_generate_monthly(previous_month(today))
    return _counts()
