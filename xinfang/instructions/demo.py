"""Demo: a leader's mailbox for the demo county leader, a letter waiting in it, and one instruction with its
assignment. Idempotent; ``manage.py load_demo`` calls ``build_demo_instructions(today)`` after the desks."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xinfang.instructions import services
from xinfang.instructions.models import Instruction, LeaderMailbox
from xinfang.orgs.demo import demo_county_leader
from xinfang.orgs.models import User
from xinfang.petitions.models import Nature
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.petitions.workflow import State

MAILBOX_TITLE = "A1区领导信箱"


def _counts() -> dict[str, int]:
    return {"mailboxes": LeaderMailbox.objects.count(), "instructions": Instruction.objects.count()}


@transaction.atomic
def build_demo_instructions(today: dt.date) -> dict[str, int]:
    if LeaderMailbox.objects.filter(title=MAILBOX_TITLE).exists():
        return _counts()
    registrar = User.objects.get(username="registrar")  # A1区信访局
    assert registrar.unit is not None and registrar.unit.parent is not None  # noqa: S101 - demo tree
    county = registrar.unit.parent
    leader = demo_county_leader(county)
    mailbox = LeaderMailbox.objects.create(
        unit=county, leader=leader, title=MAILBOX_TITLE, registering_unit=registrar.unit
    )
    # A letter written to the mailbox: 待阅批 on the leader's desk.
    services.mailbox_submit(
        mailbox=mailbox,
        data=IntakeData(
            channel="online",
            title="老旧小区加装电梯补贴迟迟未发放",
            request="请求督促街道按政策发放加装电梯补贴",
            facts_and_reasons="幸福里小区2号楼去年完成加装电梯并通过验收，按区里政策应发放补贴，至今未到位。",
            petitioners=[PetitionerData(name="刘敏", phone="13900001111")],
            problem_division_code=county.division_code,
        ),
    )
    # A petition being handled, put before the leader by the petition department, and instructed on.
    petition = (
        petitions_visible_to(leader)
        .filter(state=State.HANDLING, current_unit__isnull=False)
        .exclude(nature=Nature.ACCUSATION)
        .select_related("current_unit")
        .order_by("received_on", "id")
        .first()
    )
    if petition is not None and petition.current_unit is not None:
        instruction = services.instruction_request(
            actor=registrar, petition=petition, leader=leader, note="群众反映强烈，请领导阅示"
        )
        services.instruction_give(
            actor=leader,
            instruction=instruction,
            text="请承办单位依法依规核查处理，十五日内将办理结果报区信访局并答复信访人。",
            units=[petition.current_unit],
            due=today + dt.timedelta(days=15),
        )
    return _counts()
