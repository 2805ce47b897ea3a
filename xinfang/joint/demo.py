"""Demo data of joint work: a month of 联席会议, the A1区 one-stop centre and a grassroots point.

Run after the demo tree, staff and petitions exist (``load_demo``). Idempotent: if the city conference exists the
function changes nothing and returns the counts. Everything is created through the services at dates in the past
month (``time_machine``), so the assignments' deadlines are real: one decision done, one overdue, others open.

Adds one account, ``grid_worker`` (registrar and handler at A1区东城街道综治中心（信访办）, password as every demo
account), who runs the grassroots point.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.db import transaction

from xinfang.core.errors import DomainError
from xinfang.joint import services
from xinfang.joint.models import (
    FollowUpVisit,
    HouseholdVisit,
    Intake,
    JointConference,
    JointSession,
    MediationReferral,
    Meeting,
)
from xinfang.orgs.demo import DEMO_PASSWORD, build_demo_tree
from xinfang.orgs.models import Role, Unit, User
from xinfang.orgs.services import staff_create
from xinfang.petitions.models import Petition
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.petitions.workflow import State
from xinfang.supervision.models import Assignment

TZ = dt.timezone(dt.timedelta(hours=8))


@contextmanager
def _on(day: dt.date, hour: int = 10) -> Iterator[None]:
    with time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=TZ), tick=False):
        yield


def _intake(title: str, request: str, name: str, address: str, facts: str) -> IntakeData:
    return IntakeData(
        channel=services.WINDOW_CHANNEL,
        title=title,
        request=request,
        facts_and_reasons=facts,
        petitioners=[PetitionerData(name=name, address=address)],
        problem_division_code="990101",
        five_questions={"facts": facts, "request_and_reasons": request},
    )


def _counts() -> dict[str, int]:
    return {
        "conferences": JointConference.objects.count(),
        "meetings": Meeting.objects.count(),
        "joint_assignments": Assignment.objects.filter(source__in=services.JOINT_SOURCES).count(),
        "intakes": Intake.objects.count(),
        "joint_sessions": JointSession.objects.count(),
        "mediations": MediationReferral.objects.count(),
        "household_visits": HouseholdVisit.objects.count(),
        "follow_up_visits": FollowUpVisit.objects.count(),
    }


def _grid_worker(unit: Unit) -> User:
    user = User.objects.filter(username="grid_worker").first()
    if user is None:
        user = staff_create(
            username="grid_worker",
            password=DEMO_PASSWORD,
            unit=unit,
            roles=(Role.REGISTRAR, Role.HANDLER),
            full_name="林网格",
            staff_no="XF990101101",
            title="网格员",
        )
    return user


def _petition_item(supervisor: User, meeting: Meeting, case: Petition, lead: Unit, other: Unit, due: dt.date) -> None:
    """A petition on the agenda, decided with two assignments (skipped if the rules refuse it)."""
    with contextlib.suppress(DomainError), transaction.atomic():
        item = services.agenda_item_add(actor=supervisor, meeting=meeting, kind="petition", title="", petition=case)
        services.decision_record(
            actor=supervisor,
            item=item,
            text="由区住建局牵头、区人社局配合，两周内提出化解方案。",
            assignments=[
                services.AssignmentSpec(lead, due),
                services.AssignmentSpec(other, due, "配合核实务工人员工资发放情况"),
            ],
        )


@transaction.atomic
def build_demo_joint(today: dt.date) -> dict[str, int]:
    tree = build_demo_tree()
    city, county = tree.area("A市"), tree.area("A1区")
    city_dept = tree.dept(city, "petition")
    if JointConference.objects.filter(unit=city_dept).exists():
        return _counts()
    supervisor = User.objects.get(username="supervisor")  # A市信访局
    registrar = User.objects.get(username="registrar")  # A1区信访局
    handler = User.objects.get(username="handler")  # A1区住建局
    housing, hrss = tree.dept(county, "housing"), tree.dept(county, "hrss")
    environment, legal = tree.dept(county, "environment"), tree.dept(county, "political_legal")
    city_housing = tree.dept(city, "housing")
    county_dept = tree.dept(county, "petition")

    def day(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    # --- 联席会议: a meeting three weeks ago (one decision done, one overdue) and one this week.
    with _on(day(21)):
        conf = services.conference_create(
            actor=supervisor,
            unit=city_dept,
            name="A市信访工作联席会议",
            members=[city_housing, county, housing, environment, hrss, legal],
        )
        m1 = services.meeting_create(
            actor=supervisor,
            conference=conf,
            held_on=day(21),
            convened_by="陈刚（副市长）",
            attendees=[city_housing, county, housing, environment],
            minutes="研判丽发新城周边噪音投诉和物业专项维修资金问题，明确牵头单位和完成时限。",
        )
        noise = services.agenda_item_add(
            actor=supervisor,
            meeting=m1,
            kind="hot_issue",
            title="丽发新城周边搅拌站夜间施工噪音集中投诉",
            reference="insight:hot-issue",
        )
        _d1, done_rows = services.decision_record(
            actor=supervisor,
            item=noise,
            text="区住建局牵头，区生态环境局配合，十日内完成夜间施工专项整治并报送落实情况。",
            assignments=[services.AssignmentSpec(housing, day(11))],
        )
        policy = services.agenda_item_add(
            actor=supervisor, meeting=m1, kind="policy", title="老旧小区物业专项维修资金使用政策不明"
        )
        services.decision_record(
            actor=supervisor,
            item=policy,
            text="市住建局半月内提出专项维修资金使用指引（征求意见稿）。",
            assignments=[services.AssignmentSpec(city_housing, day(6))],  # not reported: overdue today
        )
    with _on(day(13)):
        services.joint_assignment_complete(
            actor=handler, assignment=done_rows[0], result="已约谈搅拌站负责人，夜间22时后停工，生态环境局复测达标。"
        )
    with _on(day(3)):
        m2 = services.meeting_create(
            actor=supervisor,
            conference=conf,
            held_on=day(3),
            convened_by="陈刚（副市长）",
            attendees=[county, housing, hrss],
        )
        case = (
            Petition.objects.filter(registering_unit=county_dept, state=State.HANDLING, received_on__lt=day(3))
            .order_by("id")
            .first()
        )
        if case is not None:
            _petition_item(supervisor, m2, case, housing, hrss, day(-11))
        disputed = (
            Petition.objects.filter(registering_unit=county_dept, state=State.DISPUTED, received_on__lt=day(3))
            .order_by("id")
            .first()
        )
        if disputed is not None:  # Art. 24: the city office decides; the common superior carries it out
            with contextlib.suppress(DomainError), transaction.atomic():
                item = services.agenda_item_add(
                    actor=supervisor, meeting=m2, kind="petition", title="管辖争议", petition=disputed
                )
                services.jurisdiction_settle(
                    actor=supervisor, item=item, to_unit=housing, note="属住房和城乡建设监管职责"
                )

    # --- The A1区 one-stop centre: windows, triaged walk-ins, a joint session, a mediation with an agreement.
    with _on(day(20)):
        centre = services.centre_create(
            actor=supervisor,
            unit=county_dept,
            name="A1区社会矛盾纠纷调处化解中心",
            address="A1区人民路88号",
            departments=[housing, hrss, legal],
        )
        universal = services.window_create(actor=supervisor, centre=centre, name="无差别受理窗口", is_universal=True)
        services.window_create(actor=supervisor, centre=centre, name="住房和城乡建设窗口", department=housing)
        services.window_create(actor=supervisor, centre=centre, name="劳动保障窗口", department=hrss)
    with _on(day(14)):
        services.centre_triage(
            actor=registrar,
            window=universal,
            triage=services.Triage(
                kind="petition",
                summary="小区电梯长期故障物业不维修",
                reason="涉及行政监管职责，属信访事项",
                intake=_intake(
                    "小区电梯长期故障",
                    "请督促物业维修电梯",
                    "王秀英",
                    "丽发新城5栋",
                    "电梯停运两个月，老人上下楼困难。",
                ),
                route_to=housing,
            ),
        )
    with _on(day(13)):
        su = services.centre_triage(
            actor=registrar,
            window=universal,
            triage=services.Triage(
                kind="litigation",
                summary="房屋租赁合同押金纠纷",
                reason="平等主体间民事纠纷，属诉讼类",
                litigation_route="mediation",
                parties_summary="租客刘某与房东赵某",
                mediator_org="A1区人民调解委员会",
            ),
        )
    with _on(day(7)):
        referral = MediationReferral.objects.get(intake=su)
        services.mediation_record_outcome(
            actor=registrar,
            referral=referral,
            reached=True,
            agreement_text="房东于十日内退还押金2000元，双方无其他争议。",
            concluded_on=day(7),
        )
    with _on(day(6)):
        services.centre_triage(
            actor=registrar,
            window=universal,
            triage=services.Triage(
                kind="petition",
                summary="工地拖欠农民工工资",
                intake=_intake(
                    "工地拖欠工资", "请督促支付拖欠工资", "张志强", "A1区东城街道", "2025年10月至今工资未结清。"
                ),
                route_to=hrss,
            ),
        )
    with _on(day(4)):
        services.centre_triage(
            actor=registrar,
            window=universal,
            triage=services.Triage(
                kind="litigation",
                summary="民间借贷纠纷",
                litigation_route="court",
                guidance="已告知可向A1区人民法院起诉，并提供诉讼服务指引。",
            ),
        )
    with _on(day(9)):
        services.joint_session_record(
            actor=registrar,
            centre=centre,
            held_on=day(9),
            led_by="A1区信访局局长",
            matter="丽发新城回迁安置房质量及物业问题，群众集中反映",
            departments=[housing, hrss, legal],
            outcome="住建局组织质量检测，人社局核查物业人员欠薪，政法委跟踪稳控。",
            assignments=[services.AssignmentSpec(housing, day(-5), "组织回迁房质量检测并公布结果")],
        )

    # --- A grassroots point: household visits and follow-up visits after the reply.
    township = tree.area("A1区东城街道")
    grid_unit = tree.dept(township, "petition")
    worker = _grid_worker(grid_unit)
    with _on(day(19)):
        point = services.point_create(
            actor=supervisor, unit=grid_unit, name="丽发社区群众说事点", grid="丽发社区第3网格"
        )
    with _on(day(18)):
        services.household_visit_record(
            actor=worker, point=point, visited_on=day(18), place="丽发社区1栋", outcome="nothing"
        )
    with _on(day(16)):
        services.household_visit_record(
            actor=worker,
            point=point,
            visited_on=day(16),
            place="丽发社区2栋",
            outcome="resolved",
            findings="邻里因楼道停放电动车发生争执",
            resolution="当场协调，在小区东侧划定集中停放点。",
        )
    with _on(day(10)):
        services.household_visit_record(
            actor=worker,
            point=point,
            visited_on=day(10),
            place="丽发社区3栋",
            outcome="registered",
            intake=_intake("楼顶渗水开发商不维修", "请督促开发商维修", "李桂兰", "丽发社区3栋", "雨天屋顶渗水半年。"),
        )
    answered = Petition.objects.filter(
        registering_unit=county_dept, state__in=[State.REPLIED, State.CLOSED], received_on__lt=day(5)
    ).order_by("id")[:2]
    views = [("satisfied", "问题已解决，感谢上门回访。"), ("basically", "基本解决，希望后续持续关注。")]
    for petition, (view, text) in zip(answered, views, strict=False):
        with _on(today), contextlib.suppress(DomainError), transaction.atomic():  # skip one the rules refuse
            services.follow_up_visit_record(
                actor=registrar, petition=petition, visited_on=today, view=view, view_text=text
            )
    return _counts()
