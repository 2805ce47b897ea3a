"""The statutory workflow as one table: states, actions, who may take them, and the article behind each.

Services consult ``TRANSITIONS`` before doing anything; a petition in a state that is not a source of the action
raises ``IllegalTransition`` and nothing is written. The table reads top to bottom like the regulation:
登记 → 转送/交办/导入法定途径/不予受理 (Art. 22) → 告知受理 or 异议 (Art. 23) → 办理 with one extension (Art. 34)
→ 信访处理意见书 (Art. 32) or 调解/和解协议 (Art. 33) → 复查 (Art. 35) → 复核 (Art. 36) → 终结.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Role


class State(models.TextChoices):
    REGISTERED = "registered", _("Registered, awaiting routing")  # 已登记，待转送/交办
    PENDING_ACCEPTANCE = "pending_acceptance", _("Awaiting notice of acceptance")  # 待告知受理
    DISPUTED = "disputed", _("Jurisdiction dispute")  # 管辖争议待决定 (Art. 24)
    HANDLING = "handling", _("Being handled")  # 办理中
    EXTENSION_REQUESTED = "extension_requested", _("Extension awaiting approval")  # 延期待审批
    DECISION_PENDING = "decision_pending", _("Opinion awaiting approval")  # 处理意见待审批
    REPLIED = "replied", _("Written reply issued")  # 已答复
    REVIEW = "review", _("Under review")  # 复查中
    REVIEWED = "reviewed", _("Review opinion issued")  # 已复查
    RECHECK = "recheck", _("Under re-examination")  # 复核中
    DIVERTED = "diverted", _("Directed to the statutory procedure")  # 已导入法定途径 (Art. 31(1)–(5))
    DECLINED = "declined", _("Not accepted")  # 不予受理
    CLOSED = "closed", _("Closed")  # 办结
    TERMINATED = "terminated", _("Terminated after re-examination")  # 终结 (Art. 36 ¶3)
    MERGED = "merged", _("Merged into another petition")  # 已并案: handled with its primary (services.merging)


TERMINAL_STATES = frozenset({State.DIVERTED, State.DECLINED, State.CLOSED, State.TERMINATED, State.MERGED})
OPEN_STATES = frozenset(set(State) - TERMINAL_STATES)


class Actor(StrEnum):
    """Which side of the petition takes the action."""

    HOLDER = "holder"  # staff of the unit that currently holds the petition (Petition.current_unit)
    PETITIONER = "petitioner"  # the petitioner, proven by 编号 + 查询码, or a registrar recording their request
    ANY_INVOLVED = "any_involved"  # staff of any unit that holds or has held the petition
    # Staff of a unit that may see the petition (involved, or above it with an oversight role): the actions taken
    # from the supervision, reception and casework desks, which write to the timeline but change no state.
    VIEWER = "viewer"


class Action(models.TextChoices):
    REGISTER = "register", _("Register")  # 登记
    FORWARD = "forward", _("Forward")  # 转送
    ASSIGN = "assign", _("Assign with feedback")  # 交办
    REFER_DISCIPLINE = "refer_discipline", _("Refer to discipline inspection")  # 转纪检监察机关
    DIVERT = "divert", _("Direct to statutory procedure")  # 导入法定途径
    DECLINE = "decline", _("Decline to accept")  # 不予受理
    REPORT_URGENT = "report_urgent", _("Report as major and urgent")  # 重大紧急报告 (Art. 25)
    ACCEPT = "accept", _("Accept and notify")  # 受理并书面告知
    ACCEPT_SIMPLE = "accept_simple", _("Accept for simple handling")  # 简易办理
    OBJECT = "object", _("Object to jurisdiction")  # 提出异议 (Art. 23 ¶3)
    ESCALATE_DISPUTE = "escalate_dispute", _("Refer dispute to common superior")  # Art. 24
    DECIDE_JURISDICTION = "decide_jurisdiction", _("Decide the competent unit")  # Art. 24
    REQUEST_EXTENSION = "request_extension", _("Request extension")  # 申请延期
    APPROVE_EXTENSION = "approve_extension", _("Approve extension")  # 批准延期 (Art. 34)
    REJECT_EXTENSION = "reject_extension", _("Reject extension")
    SUBMIT_DECISION = "submit_decision", _("Submit opinion for approval")  # 拟办意见
    APPROVE_DECISION = "approve_decision", _("Approve and issue opinion")  # 签发信访处理意见书 (Art. 32)
    RETURN_DECISION = "return_decision", _("Return opinion for rework")
    RECORD_AGREEMENT = "record_agreement", _("Record mediation or settlement")  # 调解/和解 (Art. 33)
    SUBMIT_REPORT = "submit_report", _("Submit completion report")  # 办结报告 (Art. 22(3))
    RATE = "rate", _("Rate")  # 评价
    URGE = "urge", _("Urge")  # 催办
    REQUEST_REVIEW = "request_review", _("Request review")  # 申请复查 (Art. 35)
    DECIDE_REVIEW = "decide_review", _("Issue review opinion")  # 复查意见: 维持/撤销/变更
    ORDER_REDO = "order_redo", _("Order the unit to decide again")  # 责令重新作出 (per-deployment local article)
    REQUEST_RECHECK = "request_recheck", _("Request re-examination")  # 申请复核 (Art. 36)
    START_HEARING = "start_hearing", _("Start hearing")  # 听证 (time not counted, Art. 36 ¶2)
    END_HEARING = "end_hearing", _("End hearing")
    DECIDE_RECHECK = "decide_recheck", _("Issue re-examination opinion")  # 复核意见 → 终结
    CLOSE = "close", _("Close")  # 办结 (no review requested in time)
    ATTACH = "attach", _("Add attachments")  # 补充材料
    LINK_REPEAT = "link_repeat", _("Link as a repeat petition")  # 关联重复信访 (Art. 19 ¶3, Art. 36 ¶3)
    CONFIRM_ACCUSED = "confirm_accused", _("Confirm the unit accused")  # 确认被反映单位 (Art. 30 ¶3)
    ASSIGN_HANDLER = "assign_handler", _("Name the handler in charge")  # 指定承办人 (inside the holding unit)
    MERGE = "merge", _("Merge into another petition")  # 并案 (Art. 22; 重复信访: one matter handled once)
    UNMERGE = "unmerge", _("Undo the merge")  # 撤销并案 (while the primary is not yet decided)
    TO_PROPOSAL = "to_proposal", _("Convert into a people's proposal")  # 转为人民建议 (Art. 29; xinfang.proposals)
    # Taken from the leaders' and supervisors' desks (xinfang.supervision, reception, casework, joint):
    SUPERVISE = "supervise", _("Supervise (督办)")  # 督办 with a written-reply deadline (Arts. 38, 40)
    TAKE_CHARGE = "take_charge", _("Leader takes charge (包案)")  # 包案领导 + 责任单位 + 责任人 (Art. 18)
    RECEIVE = "receive", _("Raised at a leader's reception")  # 领导接访 / 下访 / 约访 (Art. 18)
    COORDINATE = "coordinate", _("Coordinated by the joint conference")  # 联席会议 (Arts. 11–13, 24)
    FOLLOW_UP_VISIT = "follow_up_visit", _("Follow-up visit")  # 上门回访 after the reply (Art. 18)
    # 领导阅批 (xinfang.instructions): a letter put before a leader, and what the leader wrote (Art. 18).
    REQUEST_INSTRUCTION = "request_instruction", _("Put before a leader for instruction")  # 呈领导阅批
    INSTRUCT = "instruct", _("Leader's instruction")  # 领导批示
    MARK_READ = "mark_read", _("Read by the leader")  # 已阅
    RELEASE_INSTRUCTION = "release_instruction", _("Leader's instruction made known")  # 批示告知信访人
    # The petitioner, proven by 编号 + 查询码, adds an earlier petition to their citizen account (internal event).
    CLAIM = "claim", _("Linked to the petitioner's online account")  # 关联至信访人网上账户


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[State]
    target: State | None  # None: the state does not change (an event is still written)
    actor: Actor
    roles: frozenset[str]  # staff roles that may take it (empty for petitioner actions)
    article: str


def _t(
    action: Action, sources: set[State], target: State | None, actor: Actor, roles: set[Role], article: str
) -> Transition:
    return Transition(action, frozenset(sources), target, actor, frozenset(roles), article)


_ROUTERS = {Role.REGISTRAR, Role.HANDLER, Role.HEAD}
_HANDLERS = {Role.HANDLER, Role.HEAD}
_HEADS = {Role.HEAD}
_OVERSEERS = {Role.SUPERVISOR, Role.LEADER, Role.HEAD}
_S = State
_H, _P, _V = Actor.HOLDER, Actor.PETITIONER, Actor.VIEWER
# Before an opinion is drafted (Art. 32): a petition may be merged into another, or be the primary of a merge.
MERGEABLE_STATES = frozenset({State.REGISTERED, State.PENDING_ACCEPTANCE, State.HANDLING, State.EXTENSION_REQUESTED})
_ANSWERED = {_S.REPLIED, _S.REVIEW, _S.REVIEWED, _S.RECHECK, _S.CLOSED, _S.TERMINATED}

TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.REGISTER, set(), _S.REGISTERED, _H, {Role.REGISTRAR}, "Arts. 21, 22"),
        _t(Action.FORWARD, {_S.REGISTERED}, _S.PENDING_ACCEPTANCE, _H, _ROUTERS, "Art. 22(1)(2), Art. 23 ¶1"),
        _t(Action.ASSIGN, {_S.REGISTERED}, _S.PENDING_ACCEPTANCE, _H, _ROUTERS, "Art. 22(3)"),
        _t(Action.REFER_DISCIPLINE, {_S.REGISTERED}, _S.PENDING_ACCEPTANCE, _H, _ROUTERS, "Art. 22 ¶2, Art. 30"),
        _t(Action.DIVERT, {_S.REGISTERED, _S.PENDING_ACCEPTANCE}, _S.DIVERTED, _H, _ROUTERS, "Art. 31(1)–(5)"),
        _t(Action.DECLINE, {_S.REGISTERED, _S.PENDING_ACCEPTANCE}, _S.DECLINED, _H, _ROUTERS, "Art. 19 ¶3, Art. 36 ¶3"),
        _t(Action.REPORT_URGENT, set(OPEN_STATES), None, Actor.ANY_INVOLVED, _ROUTERS | {Role.LEADER}, "Art. 25"),
        _t(Action.ACCEPT, {_S.REGISTERED, _S.PENDING_ACCEPTANCE}, _S.HANDLING, _H, _HANDLERS, "Art. 23, Art. 34"),
        _t(Action.ACCEPT_SIMPLE, {_S.REGISTERED, _S.PENDING_ACCEPTANCE}, _S.HANDLING, _H, _HANDLERS, "简易办理"),
        _t(Action.OBJECT, {_S.PENDING_ACCEPTANCE}, _S.REGISTERED, _H, _HANDLERS, "Art. 23 ¶3"),
        _t(Action.ESCALATE_DISPUTE, {_S.REGISTERED}, _S.DISPUTED, _H, _ROUTERS, "Art. 24"),
        _t(Action.DECIDE_JURISDICTION, {_S.DISPUTED}, _S.PENDING_ACCEPTANCE, _H, _HEADS, "Art. 24"),
        _t(Action.REQUEST_EXTENSION, {_S.HANDLING}, _S.EXTENSION_REQUESTED, _H, _HANDLERS, "Art. 34"),
        _t(Action.APPROVE_EXTENSION, {_S.EXTENSION_REQUESTED}, _S.HANDLING, _H, _HEADS, "Art. 34"),
        _t(Action.REJECT_EXTENSION, {_S.EXTENSION_REQUESTED}, _S.HANDLING, _H, _HEADS, "Art. 34"),
        _t(Action.SUBMIT_DECISION, {_S.HANDLING}, _S.DECISION_PENDING, _H, _HANDLERS, "Art. 32"),
        _t(Action.APPROVE_DECISION, {_S.DECISION_PENDING}, _S.REPLIED, _H, _HEADS, "Art. 32"),
        _t(Action.RETURN_DECISION, {_S.DECISION_PENDING}, _S.HANDLING, _H, _HEADS, "Art. 32"),
        _t(Action.RECORD_AGREEMENT, {_S.HANDLING}, _S.CLOSED, _H, _HANDLERS, "Art. 33"),
        _t(
            Action.SUBMIT_REPORT,
            {_S.REPLIED, _S.REVIEW, _S.REVIEWED, _S.RECHECK, _S.CLOSED, _S.TERMINATED},
            None,
            Actor.ANY_INVOLVED,
            _HANDLERS,
            "Art. 22(3)",
        ),
        # 并案: a merged item's petitioner rates and asks for 复查/复核 on the primary's opinion, in their own time
        # (petitions.services.merged_outcome); their request moves the merged item itself into the review chain.
        _t(
            Action.RATE,
            {_S.REPLIED, _S.REVIEWED, _S.CLOSED, _S.TERMINATED, _S.MERGED},
            None,
            _P,
            {Role.REGISTRAR},
            "Art. 21",
        ),
        _t(Action.URGE, set(OPEN_STATES), None, _P, {Role.REGISTRAR}, "Art. 21"),
        _t(Action.REQUEST_REVIEW, {_S.REPLIED, _S.MERGED}, _S.REVIEW, _P, {Role.REGISTRAR}, "Art. 35"),
        _t(Action.DECIDE_REVIEW, {_S.REVIEW}, _S.REVIEWED, _H, _HEADS, "Art. 35"),
        _t(Action.ORDER_REDO, {_S.REVIEW}, _S.HANDLING, _H, _HEADS, "Art. 35; Local order_redo"),
        _t(Action.REQUEST_RECHECK, {_S.REVIEWED, _S.MERGED}, _S.RECHECK, _P, {Role.REGISTRAR}, "Art. 36"),
        _t(Action.START_HEARING, {_S.RECHECK}, None, _H, _HANDLERS, "Art. 36 ¶2"),
        _t(Action.END_HEARING, {_S.RECHECK}, None, _H, _HANDLERS, "Art. 36 ¶2"),
        _t(Action.DECIDE_RECHECK, {_S.RECHECK}, _S.TERMINATED, _H, _HEADS, "Art. 36"),
        _t(Action.ATTACH, set(OPEN_STATES), None, Actor.ANY_INVOLVED, _ROUTERS, "Art. 19"),
        # 关联重复信访: the link decides whether Art. 19 ¶3 / Art. 36 ¶3 bars acceptance, and acceptance_bar is
        # consulted by forwarding, assigning, accepting and declining — all taken from these two states. After
        # acceptance (or once the item has ended) a link would bar nothing, so it is no longer offered.
        _t(
            Action.LINK_REPEAT,
            {_S.REGISTERED, _S.PENDING_ACCEPTANCE},
            None,
            _H,
            _ROUTERS,
            "Art. 19 ¶3, Art. 36 ¶3",
        ),
        # 确认被反映单位: an accusation is routed nowhere until staff confirm the unit it accuses, or that it accuses
        # none (a person only); the holder may correct it while the matter is open.
        _t(Action.CONFIRM_ACCUSED, set(OPEN_STATES), None, _H, _ROUTERS, "Art. 30 ¶3"),
        _t(Action.CLOSE, {_S.REPLIED, _S.REVIEWED}, _S.CLOSED, _H, _ROUTERS, "Arts. 35–36 (window passed)"),
        # 指定承办人: the head of the holding unit names the staff member who owns the item inside it. The regulation
        # leaves a unit's internal division of work to the unit, so no article is cited; internal, no state change.
        _t(Action.ASSIGN_HANDLER, set(OPEN_STATES), None, _H, _HEADS, "内部分工"),
        # 并案: a petition on the same matter as another the same unit holds is closed into it and follows its
        # handling; only before an opinion is drafted (the primary too), and undone only while the primary is.
        _t(Action.MERGE, set(MERGEABLE_STATES), _S.MERGED, _H, _ROUTERS, "Art. 22; Art. 19 ¶3"),
        _t(Action.UNMERGE, {_S.MERGED}, None, _H, _ROUTERS, "Art. 22"),
        # 转为人民建议: a petition that is really a suggestion (建议意见类) is closed, with the reason, into a people's
        # proposal (xinfang.proposals keeps the link and its own timeline); only before it is accepted or routed on.
        _t(Action.TO_PROPOSAL, {_S.REGISTERED, _S.PENDING_ACCEPTANCE}, _S.CLOSED, _H, _ROUTERS, "Art. 29"),
        _t(Action.SUPERVISE, set(OPEN_STATES), None, _V, _OVERSEERS, "Arts. 38, 40"),
        # A backlog case (积案) may be an ended matter the petitioner still pursues: every state is a source.
        _t(Action.TAKE_CHARGE, set(State), None, _V, _OVERSEERS, "Art. 18"),
        _t(Action.RECEIVE, set(State), None, _V, _ROUTERS | _OVERSEERS, "Art. 18"),
        _t(Action.COORDINATE, set(State), None, _V, _OVERSEERS, "Arts. 12, 24"),
        _t(Action.FOLLOW_UP_VISIT, _ANSWERED, None, _V, _ROUTERS | _OVERSEERS, "Art. 18"),
        # 领导阅批: leaders read letters and online petitions (Art. 18); any state, as a 积案 may be an ended matter.
        # The petition department puts a letter before a leader; the leader instructs, marks it read, or makes
        # the instruction known to the petitioner. Internal lines except the last.
        _t(Action.REQUEST_INSTRUCTION, set(State), None, _V, _ROUTERS | _OVERSEERS, "Art. 18"),
        _t(Action.INSTRUCT, set(State), None, _V, {Role.LEADER}, "Art. 18"),
        _t(Action.MARK_READ, set(State), None, _V, {Role.LEADER}, "Art. 18"),
        _t(Action.RELEASE_INSTRUCTION, set(State), None, _V, {Role.LEADER}, "Art. 18"),
        # A petition sent before signing up, or by letter or visit, joins the account that proves its 查询码;
        # in any state, as the petitioner may follow an ended matter too (Art. 21: 网上查询).
        _t(Action.CLAIM, set(State), None, _P, set(), "Art. 21"),
    ]
}


def transition_for(action: Action | str) -> Transition:
    return TRANSITIONS[Action(action)]


def actions_from(state: State | str) -> list[Action]:
    """Every action the table allows from ``state`` (before checking who asks)."""
    return [a for a, t in TRANSITIONS.items() if State(state) in t.sources]


def markdown_table() -> str:
    """The table as Markdown for docs/workflow.md (a test keeps the document in step with the code)."""
    from xinfang.orgs.models import Role

    lines = ["| action | from states | to state | who | roles | article |", "|---|---|---|---|---|---|"]
    for t in TRANSITIONS.values():
        sources = ", ".join(sorted(s.value for s in t.sources)) if t.sources else "(new)"
        if t.sources == OPEN_STATES:
            sources = "any open state"
        elif t.sources == frozenset(State):
            sources = "any state"
        target = t.target.value if t.target else "(unchanged)"
        roles = ", ".join(sorted(Role(r).value for r in t.roles)) or "—"
        lines.append(
            f"| `{t.action.value}` {t.action.label} | {sources} | {target} | {t.actor.value} | {roles} | {t.article} |"
        )
    return "\n".join(lines) + "\n"
