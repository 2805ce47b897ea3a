"""The proposal workflow as one table (人民建议征集, Art. 29 ¶2 of the 《信访工作条例》).

登记 (submitted) → 交由主管单位评估 (referred) → 采纳 / 部分采纳 / 不予采纳 with reasons (decided) → 落实反馈
(implemented). Services consult ``TRANSITIONS`` before writing anything: an action from a state that is not one of
its sources raises ``IllegalTransition`` (409); a user of the wrong unit or role raises ``NotPermitted`` (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Role


class State(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting referral")  # 已登记，待交由主管单位评估
    REFERRED = "referred", _("Being assessed by the competent unit")  # 评估中
    DECIDED = "decided", _("Decided")  # 已作出采纳意见
    IMPLEMENTED = "implemented", _("Implementation reported")  # 已反馈落实情况
    CONVERTED = "converted", _("Converted into a petition")  # 已转为信访事项办理 (closed, kept with its history)


class Outcome(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")  # 采纳
    PARTLY_ADOPTED = "partly_adopted", _("Partly adopted")  # 部分采纳
    NOT_ADOPTED = "not_adopted", _("Not adopted")  # 不予采纳


ADOPTED_OUTCOMES = frozenset({Outcome.ADOPTED, Outcome.PARTLY_ADOPTED})


class CommendationKind(models.TextChoices):
    REWARD = "reward", _("Reward")  # 奖励
    COMMENDATION = "commendation", _("Commendation")  # 表彰
    THANKS = "thanks", _("Letter of thanks")  # 感谢信


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit")  # 登记
    REFER = "refer", _("Refer to the competent unit for assessment")  # 交由主管单位评估
    DECIDE = "decide", _("Decide on adoption")  # 采纳 / 部分采纳 / 不予采纳
    IMPLEMENT = "implement", _("Report implementation")  # 落实反馈
    COMMEND = "commend", _("Record a reward or commendation")  # 奖励、表彰
    CONVERT = "convert", _("Convert into a petition")  # 转为信访事项 (really a complaint or a demand)
    FROM_PETITION = "from_petition", _("Converted from a petition")  # 由信访事项转为人民建议


class Side(StrEnum):
    RECEIVER = "receiver"  # staff of the unit that received the proposal (the call's unit, or the chosen one)
    OWNER = "owner"  # staff of the competent unit assessing it
    INVOLVED = "involved"  # staff of either


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[State]
    target: State | None
    side: Side
    roles: frozenset[str]


def _t(action: Action, sources: set[State], target: State | None, side: Side, roles: set[Role]) -> Transition:
    return Transition(action, frozenset(sources), target, side, frozenset(roles))


_STAFF = {Role.REGISTRAR, Role.HANDLER, Role.HEAD}
_HANDLERS = {Role.HANDLER, Role.HEAD}
_HEADS = {Role.HEAD}

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.SUBMIT, set(), State.SUBMITTED, Side.RECEIVER, set()),  # by anyone, through the portal
        _t(Action.REFER, {State.SUBMITTED}, State.REFERRED, Side.RECEIVER, _STAFF),
        _t(Action.DECIDE, {State.REFERRED}, State.DECIDED, Side.OWNER, _HEADS),
        _t(Action.IMPLEMENT, {State.DECIDED}, State.IMPLEMENTED, Side.OWNER, _HANDLERS),
        _t(Action.COMMEND, {State.DECIDED, State.IMPLEMENTED}, None, Side.INVOLVED, _HEADS),
        # A proposal that is really a complaint is registered as a petition at the receiving unit, by its registrar
        # (the petitions intake rules apply, Arts. 21-22), before any decision is made on it.
        _t(Action.CONVERT, {State.SUBMITTED, State.REFERRED}, State.CONVERTED, Side.RECEIVER, {Role.REGISTRAR}),
        # The first line of a proposal made from a petition (the petition side closes with its own event).
        _t(Action.FROM_PETITION, set(), State.SUBMITTED, Side.RECEIVER, _STAFF),
    ]
}


def actions_from(state: State | str) -> list[Action]:
    return [a for a, t in TRANSITIONS.items() if State(state) in t.sources]
