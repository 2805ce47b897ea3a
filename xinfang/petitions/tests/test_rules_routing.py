"""Statutory rules of intake and routing, one test per rule, named after its article (Arts. 19–31, 36 ¶3).

Dates are Asia/Shanghai and chosen around the 2026 holidays of the State Council notice (清明 4–6 April,
春节 15–23 February with the make-up working Saturday 14 February). Expected dates are worked out by hand
in the comments, not computed with the code under test.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import Unit
from xinfang.petitions import selectors, services
from xinfang.petitions.models import (
    AccessReason,
    Clock,
    Document,
    DocumentKind,
    Petition,
    PetitionAccess,
    Petitioner,
    PetitionEvent,
    RoutingMode,
)
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import register, terminated, to_handling
from xinfang.petitions.workflow import State

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def on(day: dt.date) -> Any:
    """Travel to 10:00 in Beijing on ``day`` (time frozen)."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=TZ), tick=False)


def latest_clock(petition: Petition, kind: ClockKind) -> Clock:
    found = Clock.objects.filter(petition=petition, kind=kind).order_by("-id").first()
    assert found is not None, f"no {kind} clock"
    return found


def rows(petition: Petition) -> tuple[int, int, int, int]:
    return (
        PetitionEvent.objects.filter(petition=petition).count(),
        Clock.objects.filter(petition=petition).count(),
        Document.objects.filter(petition=petition).count(),
        PetitionAccess.objects.filter(petition=petition).count(),
    )


def refused_without_writing(petition: Petition, error: type[Exception], call: Any) -> Exception:
    """Call, expect ``error``, and check that the petition and its rows are exactly as before."""
    before_rows = rows(petition)
    before = Petition.objects.filter(pk=petition.pk).values().get()
    with pytest.raises(error) as raised:
        call()
    assert rows(petition) == before_rows
    assert Petition.objects.filter(pk=petition.pk).values().get() == before
    return raised.value


# ---------------------------------------------------------------- Art. 23 ¶3: objection within 5 working days


@pytest.mark.parametrize(
    ("forwarded", "last_day", "first_late_day"),
    [
        # Fri 6 March → Mon 9 … Fri 13 March.
        pytest.param(dt.date(2026, 3, 6), dt.date(2026, 3, 13), dt.date(2026, 3, 16), id="ordinary-weeks"),
        # Wed 1 April → Thu 2, Fri 3, (清明 Sat 4 – Mon 6), Tue 7, Wed 8, Thu 9.
        pytest.param(dt.date(2026, 4, 1), dt.date(2026, 4, 9), dt.date(2026, 4, 10), id="across-qingming"),
        # Thu 12 Feb → Fri 13, Sat 14 (调休 working day), (春节 15–23), Tue 24, Wed 25, Thu 26.
        pytest.param(dt.date(2026, 2, 12), dt.date(2026, 2, 26), dt.date(2026, 2, 27), id="across-spring-festival"),
    ],
)
def test_objection_within_five_working_days_is_accepted_art_23(personas, tree, forwarded, last_day, first_late_day):
    p = personas
    with on(forwarded):
        petition, _ = register(p.registrar_a)
        services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=tree.housing)
    assert latest_clock(petition, ClockKind.OBJECTION_WINDOW).due == last_day
    with on(last_day):
        services.petition_object(petition=petition, actor=p.handler_b, reason="噪音执法属生态环境部门职责")
    petition.refresh_from_db()
    assert petition.state == State.REGISTERED


@pytest.mark.parametrize(
    ("forwarded", "first_late_day", "closing"),
    [
        pytest.param(dt.date(2026, 3, 6), dt.date(2026, 3, 16), "2026-03-13", id="ordinary-weeks"),
        # Counting calendar days or ignoring 清明 would end the window on 8 April; it ends on 9 April.
        pytest.param(dt.date(2026, 4, 1), dt.date(2026, 4, 10), "2026-04-09", id="across-qingming"),
        pytest.param(dt.date(2026, 2, 12), dt.date(2026, 2, 27), "2026-02-26", id="across-spring-festival"),
    ],
)
def test_objection_after_five_working_days_is_refused_art_23(personas, tree, forwarded, first_late_day, closing):
    p = personas
    with on(forwarded):
        petition, _ = register(p.registrar_a)
        services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=tree.housing)
    with on(first_late_day):
        error = refused_without_writing(
            petition,
            RuleViolation,
            lambda: services.petition_object(petition=petition, actor=p.handler_b, reason="不属本单位职责"),
        )
    assert isinstance(error, RuleViolation)
    assert error.code == "window_closed" and error.article == "Art. 23 ¶3"
    assert closing in str(error)


def test_objection_returns_the_item_to_the_sender_with_a_new_route_clock_art_23(personas, tree):
    p = personas
    with on(dt.date(2026, 3, 2)):
        petition, _ = register(p.registrar_a)
        services.petition_assign(petition=petition, actor=p.registrar_a, to_unit=tree.housing, feedback_days=30)
    with on(dt.date(2026, 3, 4)):
        services.petition_object(petition=petition, actor=p.handler_b, reason="搅拌站噪音属生态环境部门职责")
    petition.refresh_from_db()
    assert petition.state == State.REGISTERED
    assert petition.current_unit == tree.county_dept and petition.routing_mode == ""

    route = latest_clock(petition, ClockKind.ROUTE)
    assert route.stopped_on is None and route.owing_unit == tree.county_dept
    assert (route.start, route.due) == (dt.date(2026, 3, 4), dt.date(2026, 3, 19))  # a fresh 15 days
    for kind in (ClockKind.NOTICE, ClockKind.OBJECTION_WINDOW, ClockKind.FEEDBACK):
        assert latest_clock(petition, kind).stopped_on == dt.date(2026, 3, 4), kind
    objection = Document.objects.get(petition=petition, kind=DocumentKind.OBJECTION)
    assert objection.unit == tree.housing and not objection.is_public

    # The item is the sender's again: B can no longer act on it, A routes it anew.
    with on(dt.date(2026, 3, 5)), pytest.raises(NotPermitted):
        services.petition_accept(petition=petition, actor=p.handler_b)
    with on(dt.date(2026, 3, 5)):
        services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=tree.environment)
    petition.refresh_from_db()
    assert petition.state == State.PENDING_ACCEPTANCE and petition.current_unit == tree.environment
    assert latest_clock(petition, ClockKind.ROUTE).stopped_on == dt.date(2026, 3, 5)


# ---------------------------------------------------------------- Art. 24: jurisdiction disputes


@pytest.mark.parametrize(
    ("other", "superior_attr", "decider_attr"),
    [
        pytest.param("environment", "county", "county_head", id="both-in-A1-to-A1-government"),
        pytest.param("county2_housing", "city", "city_head", id="A1-and-A2-to-A-city-government"),
    ],
)
def test_jurisdiction_dispute_goes_to_the_common_superior_art_24(personas, tree, other, superior_attr, decider_attr):
    p = personas
    superior: Unit = getattr(tree, superior_attr)
    with on(dt.date(2026, 3, 2)):
        petition, _ = register(p.registrar_a)
        services.petition_escalate_dispute(
            petition=petition, actor=p.registrar_a, units=[tree.housing, getattr(tree, other)], reason="均称不属本单位"
        )
    petition.refresh_from_db()
    assert petition.state == State.DISPUTED and petition.current_unit == superior
    assert latest_clock(petition, ClockKind.ROUTE).stopped_on == dt.date(2026, 3, 2)

    # Only the common superior decides: not the petition department, not the head of a disputing unit.
    for outsider in (p.registrar_a, p.head_b):
        with pytest.raises(NotPermitted):
            services.petition_decide_jurisdiction(petition=petition, actor=outsider, to_unit=tree.housing)
    with on(dt.date(2026, 3, 3)):
        services.petition_decide_jurisdiction(petition=petition, actor=getattr(p, decider_attr), to_unit=tree.housing)
    petition.refresh_from_db()
    assert petition.state == State.PENDING_ACCEPTANCE and petition.current_unit == tree.housing
    assert petition.routing_mode == RoutingMode.DECIDED


def test_unit_decided_by_the_common_superior_cannot_object_art_24(personas, tree):
    p = personas
    with on(dt.date(2026, 3, 2)):
        petition, _ = register(p.registrar_a)
        services.petition_escalate_dispute(
            petition=petition, actor=p.registrar_a, units=[tree.housing, tree.environment], reason="职责争议"
        )
        services.petition_decide_jurisdiction(petition=petition, actor=p.county_head, to_unit=tree.housing)
    assert not Clock.objects.filter(petition=petition, kind=ClockKind.OBJECTION_WINDOW).exists()
    assert latest_clock(petition, ClockKind.NOTICE).owing_unit == tree.housing
    with on(dt.date(2026, 3, 3)):
        error = refused_without_writing(
            petition,
            RuleViolation,
            lambda: services.petition_object(petition=petition, actor=p.handler_b, reason="仍认为不属本单位"),
        )
    assert isinstance(error, RuleViolation) and error.article == "Art. 24"
    with on(dt.date(2026, 3, 3)):
        services.petition_accept(petition=petition, actor=p.handler_b)  # it must take the matter


# ---------------------------------------------------------------- Art. 19 ¶3: not accepted again higher up


def _earlier_handled_at_b(p: Any) -> Petition:
    """An earlier item accepted by unit B on Mon 2 March 2026: due Wed 6 May (2 March + 60 = 1 May, 劳动节
    1–5 May, so the next working day)."""
    with on(dt.date(2026, 3, 2)):
        earlier, _ = register(p.registrar_a)
        to_handling(p, earlier)
    assert latest_clock(earlier, ClockKind.HANDLE).due == dt.date(2026, 5, 6)
    return earlier


def _repeat_at_city(p: Any, earlier: Petition, day: dt.date) -> Petition:
    with on(day):
        repeat, _ = register(p.city_dept_head, previous=earlier, title="搅拌站噪音问题再次反映")
    return repeat


def test_repeat_at_the_city_petition_department_is_barred_while_the_earlier_item_runs_art_19_3(personas, tree):
    p = personas
    earlier = _earlier_handled_at_b(p)
    repeat = _repeat_at_city(p, earlier, dt.date(2026, 3, 20))
    assert repeat.is_repeat and repeat.registering_unit == tree.city_dept

    for day in (dt.date(2026, 3, 20), dt.date(2026, 5, 6)):  # the last day of the earlier limit still bars
        with on(day):
            for call in (
                lambda: services.petition_forward(petition=repeat, actor=p.city_dept_head, to_unit=tree.housing),
                lambda: services.petition_assign(
                    petition=repeat, actor=p.city_dept_head, to_unit=tree.city_housing, feedback_days=15
                ),
                lambda: services.petition_accept(petition=repeat, actor=p.city_dept_head),
            ):
                error = refused_without_writing(repeat, RuleViolation, call)
                assert isinstance(error, RuleViolation)
                assert error.code == "barred_already_handled" and error.article == "Art. 19 ¶3"
                assert earlier.number in str(error) and tree.housing.name in str(error)

    with on(dt.date(2026, 3, 20)):
        services.petition_decline(
            petition=repeat, actor=p.city_dept_head, ground="already_handled", reason="该事项正在A1区住建局办理期限内"
        )
    repeat.refresh_from_db()
    assert repeat.state == State.DECLINED
    notice = Document.objects.get(petition=repeat, kind=DocumentKind.NON_ACCEPTANCE_NOTICE)
    assert notice.data == {"ground": "already_handled"} and notice.is_public


def test_bar_of_art_19_3_lifts_once_the_earlier_item_is_overdue(personas, tree):
    p = personas
    earlier = _earlier_handled_at_b(p)
    to_decline = _repeat_at_city(p, earlier, dt.date(2026, 3, 20))
    to_forward = _repeat_at_city(p, earlier, dt.date(2026, 3, 20))
    with on(dt.date(2026, 5, 7)):  # the earlier item is now overdue at B
        error = refused_without_writing(
            to_decline,
            RuleViolation,
            lambda: services.petition_decline(
                petition=to_decline, actor=p.city_dept_head, ground="already_handled", reason="正在办理"
            ),
        )
        assert isinstance(error, RuleViolation) and error.code == "ground_not_applicable"
        services.petition_forward(petition=to_forward, actor=p.city_dept_head, to_unit=tree.city_housing)
    to_forward.refresh_from_db()
    assert to_forward.state == State.PENDING_ACCEPTANCE and to_forward.current_unit == tree.city_housing


def test_art_19_3_ground_does_not_apply_to_a_first_time_item(personas):
    p = personas
    petition, _ = register(p.registrar_a)
    error = refused_without_writing(
        petition,
        RuleViolation,
        lambda: services.petition_decline(
            petition=petition, actor=p.registrar_a, ground="already_handled", reason="正在办理"
        ),
    )
    assert isinstance(error, RuleViolation) and error.code == "ground_not_applicable"


# ---------------------------------------------------------------- Art. 36 ¶3: no unit accepts it again


def test_terminated_matter_is_not_accepted_again_by_any_unit_art_36_3(personas, tree):
    p = personas
    earlier = terminated(p)
    at_city_dept, _ = register(p.city_dept_head, previous=earlier)
    at_government, _ = register(p.county_registrar, previous=earlier)  # handed in at A1区政府 directly
    for repeat, call in (
        (at_city_dept, lambda: services.petition_forward(petition=at_city_dept, actor=p.city_dept_head,
                                                         to_unit=tree.city_housing)),
        (at_city_dept, lambda: services.petition_accept(petition=at_city_dept, actor=p.city_dept_head)),
        (at_government, lambda: services.petition_accept(petition=at_government, actor=p.county_head)),
        (at_government, lambda: services.petition_forward(petition=at_government, actor=p.county_head,
                                                          to_unit=tree.housing)),
    ):  # fmt: skip
        error = refused_without_writing(repeat, RuleViolation, call)
        assert isinstance(error, RuleViolation)
        assert error.code == "barred_terminated" and error.article == "Art. 36 ¶3"
        assert earlier.number in str(error)

    # Declined with the right ground only.
    error = refused_without_writing(
        at_government,
        RuleViolation,
        lambda: services.petition_decline(
            petition=at_government, actor=p.county_head, ground="already_handled", reason="已终结"
        ),
    )
    assert isinstance(error, RuleViolation) and error.code == "ground_not_applicable"
    services.petition_decline(petition=at_government, actor=p.county_head, ground="terminated", reason="已三级终结")
    at_government.refresh_from_db()
    assert at_government.state == State.DECLINED


def test_terminated_matter_stays_barred_when_linked_through_a_declined_repeat_art_36_3(personas, tree):
    p = personas
    earlier = terminated(p)
    second, _ = register(p.registrar_a, previous=earlier)
    services.petition_decline(petition=second, actor=p.registrar_a, ground="terminated", reason="已三级终结")
    third, _ = register(p.registrar_a, previous=second)  # the registrar links the most recent item
    with pytest.raises(RuleViolation) as refused:
        services.petition_forward(petition=third, actor=p.registrar_a, to_unit=tree.housing)
    assert refused.value.article == "Art. 36 ¶3"


# ---------------------------------------------------------------- Art. 20: at most 5 representatives


def _group(representatives: int) -> list[PetitionerData]:
    people = [
        PetitionerData(name=f"代表{i}", phone=f"1380000000{i}", is_representative=True) for i in range(representatives)
    ]
    return [*people, PetitionerData(name="群众甲"), PetitionerData(name="群众乙")]


def test_a_group_chooses_at_most_five_representatives_art_20(personas):
    p = personas
    petition, _ = register(
        p.registrar_a, channel="visit", petitioner_kind="group", head_count=40, petitioners=_group(5)
    )
    assert petition.petitioners.filter(is_representative=True).count() == 5

    counts = (Petition.objects.count(), Petitioner.objects.count(), Clock.objects.count())
    with pytest.raises(InvalidInput, match="5") as refused:
        register(p.registrar_a, channel="visit", petitioner_kind="group", head_count=40, petitioners=_group(6))
    assert refused.value.field == "petitioners"
    assert (Petition.objects.count(), Petitioner.objects.count(), Clock.objects.count()) == counts


# ---------------------------------------------------------------- Art. 22 ¶2, Art. 28: 诉访分离


def _unit(tree: Any, name: str, code: str, unit_type: str) -> Unit:
    return Unit.objects.create(
        name=name, code=code, division_code="990101", level="county", unit_type=unit_type, parent=tree.county
    )


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        pytest.param("legal", True, id="political-legal"),
        pytest.param("court", True, id="court"),
        pytest.param("procuratorate", True, id="procuratorate"),
        pytest.param("housing", False, id="functional-department"),
        pytest.param("county", False, id="government"),
    ],
)
def test_litigation_related_item_goes_only_to_political_legal_court_or_procuratorate_art_22_2_art_28(
    personas, tree, target, allowed
):
    p = personas
    units = {
        "legal": tree.legal,
        "court": _unit(tree, "A1区人民法院", "990101FY", "court"),
        "procuratorate": _unit(tree, "A1区人民检察院", "990101JCY", "procuratorate"),
        "housing": tree.housing,
        "county": tree.county,
    }
    for route in ("forward", "assign"):
        petition, _ = register(p.registrar_a, is_law_related=True, title="不服民事判决要求再审")

        def call(petition: Petition = petition, route: str = route) -> None:
            if route == "forward":
                services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=units[target])
            else:
                services.petition_assign(
                    petition=petition, actor=p.registrar_a, to_unit=units[target], feedback_days=30
                )

        if allowed:
            call()
            petition.refresh_from_db()
            assert petition.current_unit == units[target] and petition.state == State.PENDING_ACCEPTANCE
        else:
            error = refused_without_writing(petition, RuleViolation, call)
            assert isinstance(error, RuleViolation)
            assert error.code == "law_related" and error.article == "Art. 22 ¶2"


def test_litigation_related_item_can_be_directed_to_the_statutory_procedure_art_28(personas):
    p = personas
    petition, _ = register(p.registrar_a, is_law_related=True, title="不服民事判决")
    services.petition_divert(petition=petition, actor=p.registrar_a, route="litigation", guidance="请依法申请再审")
    petition.refresh_from_db()
    assert petition.state == State.DIVERTED


# ---------------------------------------------------------------- Art. 30: accusations


def test_accusation_is_referred_only_to_a_discipline_organ_art_30(personas, tree):
    p = personas
    accusation, _ = register(
        p.registrar_a, nature="accusation", accused_name="某局干部", accused_confirmed=True, title="反映干部受贿"
    )
    for wrong in (tree.housing, tree.legal, tree.county):
        error = refused_without_writing(
            accusation,
            InvalidInput,
            lambda wrong=wrong: services.petition_refer_discipline(
                petition=accusation, actor=p.registrar_a, to_unit=wrong
            ),
        )
        assert isinstance(error, InvalidInput) and error.field == "to_unit"
    services.petition_refer_discipline(petition=accusation, actor=p.registrar_a, to_unit=tree.discipline)
    accusation.refresh_from_db()
    assert accusation.current_unit == tree.discipline and accusation.routing_mode == RoutingMode.DISCIPLINE

    appeal, _ = register(p.registrar_a)
    error = refused_without_writing(
        appeal,
        InvalidInput,
        lambda: services.petition_refer_discipline(petition=appeal, actor=p.registrar_a, to_unit=tree.discipline),
    )
    assert isinstance(error, InvalidInput) and error.field == "nature"


def test_accusation_is_never_sent_to_the_accused_unit_art_30_3(personas, tree):
    p = personas
    accusation, _ = register(
        p.registrar_a, nature="accusation", accused_unit=tree.environment, title="反映生态环境局执法不公"
    )
    for call in (
        lambda: services.petition_forward(petition=accusation, actor=p.registrar_a, to_unit=tree.environment),
        lambda: services.petition_assign(
            petition=accusation, actor=p.registrar_a, to_unit=tree.environment, feedback_days=30
        ),
        lambda: services.petition_forward(
            petition=accusation, actor=p.registrar_a, to_unit=tree.housing, co_units=[tree.environment]
        ),
    ):
        error = refused_without_writing(accusation, RuleViolation, call)
        assert isinstance(error, RuleViolation)
        assert error.code == "accused_side" and error.article == "Art. 30 ¶3"

    # Nor by way of a jurisdiction decision.
    services.petition_escalate_dispute(
        petition=accusation, actor=p.registrar_a, units=[tree.housing, tree.discipline], reason="职责争议"
    )
    error = refused_without_writing(
        accusation,
        RuleViolation,
        lambda: services.petition_decide_jurisdiction(
            petition=accusation, actor=p.county_head, to_unit=tree.environment
        ),
    )
    assert isinstance(error, RuleViolation) and error.code == "accused_side"


def test_accusation_against_a_government_is_not_sent_to_its_departments_art_30_3(personas, tree):
    p = personas
    accusation, _ = register(p.registrar_a, nature="accusation", accused_unit=tree.county, title="反映区政府违规")
    for department in (tree.housing, tree.legal, tree.environment):
        error = refused_without_writing(
            accusation,
            RuleViolation,
            lambda department=department: services.petition_forward(
                petition=accusation, actor=p.registrar_a, to_unit=department
            ),
        )
        assert isinstance(error, RuleViolation) and error.code == "accused_side"
    # The discipline organ under that government keeps its duty to receive it.
    services.petition_refer_discipline(petition=accusation, actor=p.registrar_a, to_unit=tree.discipline)
    accusation.refresh_from_db()
    assert accusation.current_unit == tree.discipline


# ---------------------------------------------------------------- Art. 31: diversion only for appeals


@pytest.mark.parametrize("nature", ["suggestion", "accusation"])
def test_only_appeals_are_directed_to_a_statutory_procedure_art_31(personas, nature):
    p = personas
    petition, _ = register(p.registrar_a, nature=nature)
    error = refused_without_writing(
        petition,
        RuleViolation,
        lambda: services.petition_divert(
            petition=petition, actor=p.registrar_a, route="administrative", guidance="请申请行政复议"
        ),
    )
    assert isinstance(error, RuleViolation) and error.article == "Art. 31"


def test_appeal_is_directed_to_a_statutory_procedure_with_a_written_notice_art_31(personas, tree):
    p = personas
    with on(dt.date(2026, 3, 2)):
        petition, _ = register(p.registrar_a)
        services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=tree.housing)
    with on(dt.date(2026, 3, 3)):
        services.petition_divert(
            petition=petition, actor=p.handler_b, route="administrative", guidance="请向A1区政府申请行政复议"
        )
    petition.refresh_from_db()
    assert petition.state == State.DIVERTED and petition.closed_on == dt.date(2026, 3, 3)
    notice = Document.objects.get(petition=petition, kind=DocumentKind.DIVERSION_NOTICE)
    assert notice.is_public and notice.body == "请向A1区政府申请行政复议" and notice.data == {"route": "administrative"}
    assert not Clock.objects.filter(petition=petition, stopped_on__isnull=True).exists()
    with pytest.raises(InvalidInput):
        other, _ = register(p.registrar_a)
        services.petition_divert(petition=other, actor=p.registrar_a, route="no-such-route", guidance="x")


# ---------------------------------------------------------------- Art. 25: major and urgent


def test_urgent_report_grants_access_to_the_same_level_government_and_upper_petition_departments_art_25(personas, tree):
    p = personas
    petition, _ = register(p.registrar_a)
    to_handling(p, petition)
    assert not selectors.petitions_visible_to(p.county_head).filter(pk=petition.pk).exists()

    with pytest.raises(NotPermitted):  # only a unit involved in the petition reports it
        services.petition_report_urgent(petition=petition, actor=p.outsider, summary="外单位")
    services.petition_report_urgent(petition=petition, actor=p.handler_b, summary="可能引发群体性事件")

    reported = set(
        PetitionAccess.objects.filter(petition=petition, reason=AccessReason.REPORTED).values_list("unit", flat=True)
    )
    assert reported == {tree.county.pk, tree.city_dept.pk, tree.province_dept.pk}
    access = set(PetitionAccess.objects.filter(petition=petition).values_list("unit", flat=True))
    assert tree.county_dept.pk in access  # it registered the item: still there (not re-granted)
    assert tree.city.pk not in access  # the government one level up is not the same-level government
    assert selectors.petitions_visible_to(p.county_head).filter(pk=petition.pk).exists()
    assert not selectors.petitions_visible_to(p.city_head).filter(pk=petition.pk).exists()

    petition.refresh_from_db()
    assert petition.is_urgent and petition.state == State.HANDLING
    event = PetitionEvent.objects.get(petition=petition, action="report_urgent")
    assert not event.is_public  # an internal report, not on the petitioner's timeline


def test_urgent_report_on_an_accusation_is_not_sent_to_the_accused_government_art_25_art_30_3(personas, tree):
    p = personas
    accusation, _ = register(p.registrar_a, nature="accusation", accused_unit=tree.county, title="反映区政府违规")
    services.petition_refer_discipline(petition=accusation, actor=p.registrar_a, to_unit=tree.discipline)
    services.petition_report_urgent(petition=accusation, actor=p.discipline, summary="可能引发群体性事件")
    event = PetitionEvent.objects.get(petition=accusation, action="report_urgent")
    assert tree.county.name not in event.data["reported_to"]
    assert not PetitionAccess.objects.filter(petition=accusation, unit=tree.county).exists()


def test_accusation_handed_in_at_the_accused_unit_is_passed_on_to_the_petition_department_above_art_30_3(
    personas, tree
):
    """Art. 30 ¶3: registered where it was handed in (the duty to register holds), then held at once by the
    nearest petition department above the accused unit: A1区生态环境局 → A1区信访局."""
    p = personas
    accusation, _ = register(p.accused, nature="accusation", accused_unit=tree.environment, title="反映本局干部")
    accusation.refresh_from_db()
    assert (accusation.registering_unit, accusation.current_unit) == (tree.environment, tree.county_dept)
    assert accusation.state == State.REGISTERED
    event = PetitionEvent.objects.get(petition=accusation, action="register")
    assert (event.data["unit"], event.data["to_unit"]) == (tree.environment.name, tree.county_dept.name)
    assert selectors.inbox(p.registrar_a).filter(pk=accusation.pk).exists()  # A1区信访局 routes it
    assert not selectors.petitions_visible_to(p.accused).filter(pk=accusation.pk).exists()
