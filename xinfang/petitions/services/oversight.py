"""Timeline entries written from the leaders' and supervisors' desks: 督办, 包案, 接访, 联席会议, 回访.

None of these changes the petition's state; each records, in the petition's own timeline and in the same
transaction as the desk's own record, that the matter is being supervised, owned, received or visited, so the
petitioner and every involved unit see it (Art. 18; Arts. 38–40). The desks (xinfang.supervision, reception,
casework, joint) keep the details; the event carries a reference to them (``ref``: e.g. "supervision_order:12").
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from xinfang.orgs.models import User
from xinfang.petitions.models import Petition, PetitionEvent
from xinfang.petitions.services.common import lock, record, require
from xinfang.petitions.workflow import Action


def _note(
    petition: Petition, action: Action, actor: User, data: dict[str, Any], note: str, *, public: bool = True
) -> PetitionEvent:
    petition = lock(petition)
    require(petition, action, actor)
    return record(petition, action, actor, from_state=petition.state, data=data, note=note, public=public)


@transaction.atomic
def petition_supervise(
    *, petition: Petition, actor: User, to_unit: str, reply_due: dt.date, ref: str = "", note: str = ""
) -> PetitionEvent:
    """督办 — a superior orders the unit to act and to reply in writing by ``reply_due`` (Arts. 38, 40)."""
    data = {"to_unit": to_unit, "reply_due": reply_due.isoformat(), "ref": ref}
    return _note(petition, Action.SUPERVISE, actor, data, note)


@transaction.atomic
def petition_take_charge(
    *, petition: Petition, actor: User, leader: str, unit: str, ref: str = "", note: str = ""
) -> PetitionEvent:
    """包案 — a named leader owns the matter with a responsible unit (Art. 18)."""
    return _note(petition, Action.TAKE_CHARGE, actor, {"leader": leader, "unit": unit, "ref": ref}, note)


@transaction.atomic
def petition_receive(
    *, petition: Petition, actor: User, leader: str, on: dt.date, ref: str = "", note: str = ""
) -> PetitionEvent:
    """The matter was raised with a leader at a reception, appointment or visit down (接访/约访/下访, Art. 18)."""
    return _note(petition, Action.RECEIVE, actor, {"leader": leader, "on": on.isoformat(), "ref": ref}, note)


@transaction.atomic
def petition_coordinate(
    *, petition: Petition, actor: User, meeting: str, ref: str = "", note: str = ""
) -> PetitionEvent:
    """联席会议 — the joint conference took up the matter and decided who does what (Arts. 12, 24)."""
    return _note(petition, Action.COORDINATE, actor, {"meeting": meeting, "ref": ref}, note)


@transaction.atomic
def petition_follow_up_visit(
    *, petition: Petition, actor: User, on: dt.date, view: str = "", ref: str = "", note: str = ""
) -> PetitionEvent:
    """上门回访 — a visit after the reply, recording the petitioner's view (Art. 18; 四门四访)."""
    return _note(petition, Action.FOLLOW_UP_VISIT, actor, {"on": on.isoformat(), "view": view, "ref": ref}, note)


# 领导阅批 (xinfang.instructions keeps the record; these lines are internal except the release).


@transaction.atomic
def petition_request_instruction(
    *, petition: Petition, actor: User | None, leader: str, mailbox: str = "", ref: str = "", note: str = ""
) -> PetitionEvent:
    """呈领导阅批 — the petition is put before a leader to read and instruct on (Art. 18). ``actor`` None: the
    petitioner addressed the leader's mailbox (领导信箱) when submitting, in the same transaction."""
    data = {k: v for k, v in {"leader": leader, "mailbox": mailbox, "ref": ref}.items() if v}
    if actor is None:
        petition = lock(petition)
        return record(petition, Action.REQUEST_INSTRUCTION, None, from_state=petition.state, data=data, public=False)
    return _note(petition, Action.REQUEST_INSTRUCTION, actor, data, note, public=False)


@transaction.atomic
def petition_instruct(
    *, petition: Petition, actor: User, leader: str, text: str, units: list[str], due: dt.date, ref: str = ""
) -> PetitionEvent:
    """领导批示 — the leader's written instruction naming the units to act and the deadline (Art. 18). Internal:
    the petitioner sees it only once released (``petition_release_instruction``)."""
    data = {"leader": leader, "text": text, "to_unit": units, "due": due.isoformat(), "ref": ref}
    return _note(petition, Action.INSTRUCT, actor, data, "", public=False)


@transaction.atomic
def petition_mark_read(*, petition: Petition, actor: User, leader: str, ref: str = "", note: str = "") -> PetitionEvent:
    """已阅 — the leader read the petition and gave no instruction (Art. 18). Internal."""
    return _note(petition, Action.MARK_READ, actor, {"leader": leader, "ref": ref}, note, public=False)


@transaction.atomic
def petition_release_instruction(
    *, petition: Petition, actor: User, leader: str, text: str, ref: str = ""
) -> PetitionEvent:
    """批示告知 — the leader's instruction is made known to the petitioner: a public line carrying its text."""
    return _note(petition, Action.RELEASE_INSTRUCTION, actor, {"leader": leader, "text": text, "ref": ref}, "")
