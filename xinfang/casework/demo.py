"""Demo 包案 backlog for ``make run``: rule candidates on the demo petitions and leaders owning cases.

``build_demo_casework(today)`` runs after the petitions demo. It adds two old unsettled petitions and one repeat
of a terminated matter (so every rule and every ageing bucket has something), runs the weekly rule scan, and then,
travelling back in time so that dates are realistic: confirms cases and puts them in the charge of the demo leader
(陈刚, 副市长, A市) and of an A1区 leader created here (区委副书记), with plans, milestones (one overdue), progress, one
case resolved with 息访 (written pledge), one key case marked by hand, one candidate dismissed, and this week's
schedule for each leader. Idempotent: once a case is in a leader's charge it returns the counts without changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.db import transaction
from django.utils import timezone

from xinfang.casework import services
from xinfang.casework.models import BacklogCase, CaseKind, CaseStatus, QuietStatus, Resolution, WeeklySchedule
from xinfang.casework.schedule import weekly_schedules_build
from xinfang.orgs.demo import demo_county_leader
from xinfang.orgs.models import User
from xinfang.petitions import services as petitions
from xinfang.petitions.models import Nature, Petition, PetitionerKind
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.petitions.workflow import State


@contextmanager
def _at(day: dt.date) -> Iterator[None]:
    moment = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_default_timezone())
    with time_machine.travel(moment, tick=False):
        yield


def _counts() -> dict[str, int]:
    return {
        "backlog_cases": BacklogCase.objects.count(),
        "candidates": BacklogCase.objects.filter(status=CaseStatus.CANDIDATE).count(),
        "in_charge": BacklogCase.objects.filter(status=CaseStatus.IN_CHARGE).count(),
        "closed": BacklogCase.objects.filter(status=CaseStatus.CLOSED).count(),
        "weekly_schedules": WeeklySchedule.objects.count(),
    }


def _old_petition(registrar: User, handler: User, day: dt.date, title: str, request: str, facts: str) -> Petition:
    """An appeal received on ``day`` and still being handled (a 久拖未结 matter)."""
    assert registrar.unit is not None and handler.unit is not None  # noqa: S101 - demo accounts have units
    data = IntakeData(
        channel="visit",
        title=title,
        request=request,
        facts_and_reasons=facts,
        nature=Nature.APPEAL,
        petitioner_kind=PetitionerKind.GROUP,
        head_count=6,
        is_collective=True,
        petitioners=[
            PetitionerData(name="刘桂兰", phone="13907310001", address="A1区城南街道", is_representative=True)
        ],
        problem_division_code=registrar.unit.division_code,
    )
    with _at(day):
        petition, _code = petitions.petition_register(actor=registrar, unit=registrar.unit, data=data)
        petitions.petition_forward(petition=petition, actor=registrar, to_unit=handler.unit)
    with _at(day + dt.timedelta(days=3)):
        petitions.petition_accept(petition=petition, actor=handler, notice="已受理，将依法办理")
    petition.refresh_from_db()
    return petition


def _repeat_after_termination(registrar: User, today: dt.date) -> Petition | None:
    """The petitioner raises a terminated matter once more (third petition of the chain)."""
    newest = (
        Petition.objects.filter(previous__state=State.TERMINATED)
        .exclude(pk__in=Petition.objects.filter(previous__isnull=False).values("previous_id"))
        .order_by("id")
        .first()
    )
    if newest is None or registrar.unit is None:
        return None
    data = IntakeData(
        channel="letter",
        title=newest.title,
        request=newest.request,
        facts_and_reasons=newest.facts_and_reasons or "对复核意见仍不认可，再次来信反映。",
        petitioners=[PetitionerData(name="赵志强", address="A1区东湖街道")],
        problem_division_code=registrar.unit.division_code,
        previous=newest,
    )
    with _at(today - dt.timedelta(days=12)):
        petition, _code = petitions.petition_register(actor=registrar, unit=registrar.unit, data=data)
    return petition


def _take(supervisor: User, case: BacklogCase, leader: User, day: dt.date, person: str) -> BacklogCase:
    unit = case.petition.current_unit
    with _at(day):
        if case.status == CaseStatus.CANDIDATE:
            services.case_confirm(actor=supervisor, case=case, reason="符合积案认定条件，列入积案化解台账")
        return services.case_take_charge(
            actor=supervisor, case=case, leader=leader, unit=unit, person=person, note="领导包案，一案一策"
        )


@transaction.atomic
def build_demo_casework(today: dt.date) -> dict[str, int]:
    if BacklogCase.objects.filter(status__in=(CaseStatus.IN_CHARGE, CaseStatus.CLOSED)).exists():
        return _counts()
    registrar = User.objects.get(username="registrar")
    handler = User.objects.get(username="handler")
    supervisor = User.objects.get(username="supervisor")
    city_leader = User.objects.get(username="leader")
    assert registrar.unit is not None and registrar.unit.parent is not None  # noqa: S101 - demo tree
    county_leader = demo_county_leader(registrar.unit.parent)

    oldest = _old_petition(
        registrar,
        handler,
        today - dt.timedelta(days=820),
        "城南棚户区改造安置房迟迟未交付",
        "请求尽快交付安置房并支付过渡期安置费",
        "2023年签订拆迁安置协议，约定两年内交付安置房，至今未交付，过渡费已停发半年。",
    )
    old = _old_petition(
        registrar,
        handler,
        today - dt.timedelta(days=300),
        "商品房延期交房且无法办理不动产权证",
        "请求督促开发商交房并协调办理产权证",
        "锦绣华庭项目逾期一年交房，开发商资金链断裂，业主无法办证。",
    )
    repeat = _repeat_after_termination(registrar, today)

    with _at(today - dt.timedelta(days=70)):
        services.backlog_scan()
    with _at(today - dt.timedelta(days=7)):
        services.backlog_scan()
    candidates = BacklogCase.objects.filter(status=CaseStatus.CANDIDATE).exclude(petition__nature=Nature.ACCUSATION)

    # 1. The oldest matter: the city leader owns it; one milestone done, one overdue, one ahead.
    case_a = _take(
        supervisor, BacklogCase.objects.get(petition=oldest), city_leader, today - dt.timedelta(days=60), "李华"
    )
    unit_a = case_a.petition.current_unit
    with _at(today - dt.timedelta(days=58)):
        services.case_set_plan(
            actor=city_leader,
            case=case_a,
            plan="一、核实安置协议履行情况；二、协调国资平台垫资续建；三、恢复发放过渡费；四、交房后上门回访。",
        )
        done = services.milestone_add(
            actor=city_leader, case=case_a, what="恢复发放过渡期安置费", due=today - dt.timedelta(days=30), unit=unit_a
        )
        services.milestone_add(
            actor=city_leader,
            case=case_a,
            what="完成续建资金方案并报市政府常务会",
            due=today - dt.timedelta(days=5),
            unit=unit_a,
        )
        services.milestone_add(
            actor=city_leader, case=case_a, what="安置房主体封顶", due=today + dt.timedelta(days=40), unit=unit_a
        )
    with _at(today - dt.timedelta(days=35)):
        services.milestone_complete(actor=handler, milestone=done, result="过渡费已补发至本月，共计6户")
    with _at(today - dt.timedelta(days=20)):
        services.progress_add(actor=city_leader, case=case_a, text="陈副市长带案下访，现场查看工地并与6户代表面谈。")

    # 2. Delayed delivery: the A1区 leader owns it.
    case_b = _take(
        supervisor, BacklogCase.objects.get(petition=old), county_leader, today - dt.timedelta(days=45), "李华"
    )
    with _at(today - dt.timedelta(days=44)):
        services.case_set_plan(
            actor=county_leader, case=case_b, plan="成立工作专班，引入代建单位续建，同步办理不动产首次登记。"
        )
        services.milestone_add(
            actor=county_leader,
            case=case_b,
            what="确定代建单位",
            due=today + dt.timedelta(days=6),
            unit=case_b.petition.current_unit,
        )
    with _at(today - dt.timedelta(days=10)):
        services.progress_add(actor=handler, case=case_b, text="已召开业主代表座谈会，通报续建方案。")

    # 3. The matter raised again after termination: resolved, with a written pledge to stop petitioning (息访).
    closed = 0
    if repeat is not None:
        case_c = BacklogCase.objects.filter(petition=repeat).first()
        if case_c is not None:
            case_c = _take(supervisor, case_c, city_leader, today - dt.timedelta(days=6), "李华")
            with _at(today - dt.timedelta(days=5)):
                services.progress_add(actor=city_leader, case=case_c, text="依据复核意见做好解释，落实临时救助。")
            with _at(today - dt.timedelta(days=2)):
                services.case_close(
                    actor=city_leader,
                    case=case_c,
                    outcome=Resolution.RESOLVED,
                    text="落实临时救助并解决子女就学问题，信访人表示认可。",
                    on=today - dt.timedelta(days=3),
                    quiet=QuietStatus.QUIET,
                    basis="pledge",
                )
            closed = 1

    # 4. Other candidates: one to each leader, one dismissed; the rest wait for a decision.
    rest = list(candidates.exclude(petition__in=[oldest, old]).order_by("first_received_on", "id")[:3])
    for case, leader in zip(rest[:2], (county_leader, city_leader), strict=False):
        taken = _take(supervisor, case, leader, today - dt.timedelta(days=20), "李华")
        with _at(today - dt.timedelta(days=18)):
            services.milestone_add(
                actor=leader,
                case=taken,
                what="组织复查听证前的调解会",
                due=today + dt.timedelta(days=12),
                unit=taken.petition.current_unit,
            )
    if len(rest) == 3:
        with _at(today - dt.timedelta(days=3)):
            services.case_dismiss(actor=supervisor, case=rest[2], reason="已导入行政复议程序，不列为积案")

    # 5. A key case (重点) marked by hand: a collective visit being handled, awaiting a leader.
    key = (
        Petition.objects.filter(state=State.HANDLING, backlog_case__isnull=True)
        .exclude(nature=Nature.ACCUSATION)
        .order_by("received_on", "id")
        .first()
    )
    if key is not None:
        with _at(today - dt.timedelta(days=1)):
            services.case_mark(actor=supervisor, petition=key, kind=CaseKind.KEY, reason="涉及人数多，列为重点信访事项")

    with _at(today):
        weekly_schedules_build(today)
    counts = _counts()
    counts["resolved"] = closed
    return counts
