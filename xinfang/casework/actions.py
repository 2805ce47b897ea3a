"""One map of the case actions: input serializer → service. Shared by the API and the staff pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xinfang.casework import services
from xinfang.casework.api import serializers as s
from xinfang.casework.models import BacklogCase
from xinfang.orgs.models import User


@dataclass(frozen=True)
class CaseAction:
    serializer: type[serializers.Serializer[Any]]
    call: Callable[[BacklogCase, User, dict[str, Any]], Any]
    summary: Promise
    created: bool = False


ACTIONS: dict[str, CaseAction] = {
    "confirm": CaseAction(
        s.CaseConfirmSerializer,
        lambda c, u, d: services.case_confirm(actor=u, case=c, reason=d["reason"], kind=d.get("kind") or None),
        _("Confirm as a backlog or key case"),
    ),
    "dismiss": CaseAction(
        s.CaseReasonSerializer,
        lambda c, u, d: services.case_dismiss(actor=u, case=c, reason=d["reason"]),
        _("Dismiss, with the reason"),
    ),
    "take-charge": CaseAction(
        s.CaseTakeChargeSerializer,
        lambda c, u, d: services.case_take_charge(
            actor=u, case=c, leader=d["leader"], unit=d["unit"], person=d["person"], note=d["note"]
        ),
        _("Assign the leader in charge, responsible unit and person"),
    ),
    "plan": CaseAction(
        s.CasePlanSerializer,
        lambda c, u, d: services.case_set_plan(actor=u, case=c, plan=d["plan"]),
        _("Record the resolution plan"),
    ),
    "milestones": CaseAction(
        s.CaseMilestoneInSerializer,
        lambda c, u, d: services.milestone_add(actor=u, case=c, what=d["what"], due=d["due"], unit=d["unit"]),
        _("Add a milestone"),
        created=True,
    ),
    "progress": CaseAction(
        s.CaseProgressInSerializer,
        lambda c, u, d: services.progress_add(actor=u, case=c, text=d["text"]),
        _("Add a progress update"),
        created=True,
    ),
    "close": CaseAction(
        s.CaseCloseSerializer,
        lambda c, u, d: services.case_close(
            actor=u, case=c, outcome=d["outcome"], text=d["text"], on=d["on"], quiet=d["quiet"], basis=d["basis"]
        ),
        _("Record the outcome and close the case"),
    ),
}
