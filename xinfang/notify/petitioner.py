"""What the petitioner is told, and how: the one place that maps petition steps to messages to the petitioner.

"件件有着落、事事有回音": every step the petitioner is entitled to know (登记, 转送/交办, 受理 or 不予受理, 延期, the
written reply, 复查/复核 decisions, the answer to a 催办, the rating period closing, the end by a 调解/和解 agreement,
the close when no 复查/复核 was requested in time, a 并案 of the item into another and its undoing) becomes one
``Notification`` row of kind ``petitioner.<step>`` on the petitioner's chosen channel, written after the petition's
transaction commits and delivered by the existing ``deliver`` task (retries and attempts included). Events the
nightly sweep writes in bulk send no ``post_save``; the sweep sends ``petitions.signals.events_bulk_created`` instead
(see below).

Art. 30: a message goes only to the petitioner's own contact — the phone or e-mail address given on the petition, or
the citizen account that submitted it — never to staff and never to anyone else; its text never names the petitioner
(or anybody), only the 编号 and the units; anonymous petitions get nothing. The 查询码 is never in a message: the link
leads to the tracking form, which asks for it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xinfang.core import timeutil
from xinfang.core.configcache import ConfigCache
from xinfang.core.errors import InvalidInput
from xinfang.deadlines.rules import ClockKind
from xinfang.notify.models import (
    PLACEHOLDERS,
    Channel,
    Notification,
    PetitionerDailyCount,
    PetitionerMessageTemplate,
    PetitionerPreference,
    PetitionerStep,
    Status,
)
from xinfang.notify.services import SUBJECT_MAX, enabled_channels, enqueue_deliveries
from xinfang.orgs.models import User
from xinfang.petitions.models import (
    Clock,
    DeclineGround,
    Outcome,
    Petition,
    Petitioner,
    PetitionEvent,
    Rating,
    ReviewOutcome,
)
from xinfang.petitions.services.merged_outcome import (
    others_identity,
    outcome_recipients,
    outcome_recipients_of,
    redact,
)
from xinfang.petitions.services.merging import MATTER_DECLINE_GROUNDS
from xinfang.petitions.signals import events_bulk_created
from xinfang.petitions.workflow import Action, State

logger = logging.getLogger("xinfang.notify.petitioner")

KIND_PREFIX = "petitioner."
CAP_KEY_SALT = "xinfang.notify.petitioner.daily_cap"
CAPPED_ERROR = "capped: XINFANG_PETITIONER_DAILY_CAP reached for this recipient today"
MOBILE = re.compile(r"^1[3-9]\d{9}$")  # SMS reaches mobiles only, not landlines

# Which timeline actions the petitioner hears of, and as which step.
STEP_FOR_ACTION: dict[str, PetitionerStep] = {
    Action.REGISTER: PetitionerStep.REGISTERED,
    Action.FORWARD: PetitionerStep.FORWARDED,
    Action.REFER_DISCIPLINE: PetitionerStep.FORWARDED,  # 转送 to the discipline organ (Art. 22 ¶2)
    Action.DECIDE_JURISDICTION: PetitionerStep.FORWARDED,  # sent on by the common superior (Art. 24)
    Action.ASSIGN: PetitionerStep.ASSIGNED,
    Action.ACCEPT: PetitionerStep.ACCEPTED,
    Action.ACCEPT_SIMPLE: PetitionerStep.ACCEPTED,
    Action.DECLINE: PetitionerStep.DECLINED,
    Action.DIVERT: PetitionerStep.DIVERTED,
    Action.APPROVE_EXTENSION: PetitionerStep.EXTENDED,
    Action.APPROVE_DECISION: PetitionerStep.REPLIED,
    Action.DECIDE_REVIEW: PetitionerStep.REVIEW_DECIDED,
    Action.ORDER_REDO: PetitionerStep.REVIEW_REDO,
    Action.DECIDE_RECHECK: PetitionerStep.RECHECK_DECIDED,
    Action.URGE: PetitionerStep.URGE_ANSWERED,
    Action.RECORD_AGREEMENT: PetitionerStep.AGREED,
    Action.CLOSE: PetitionerStep.CLOSED,  # by staff (petition_close) or by the nightly sweep (bulk: see below)
    Action.MERGE: PetitionerStep.MERGED,  # 并案: the merged item's petitioner only (see ``_tells``)
    Action.UNMERGE: PetitionerStep.UNMERGED,  # 撤销并案: likewise, the item taken out only
}

# 并案: the outcomes of a primary that reach the petitioners of the items merged into it as well (issue 11), each
# on their own channel and under their own 编号 (``petitions.services.merged_outcome.outcome_recipients``).
OUTCOME_STEPS = frozenset(
    {
        PetitionerStep.REPLIED,
        PetitionerStep.REVIEW_DECIDED,
        PetitionerStep.REVIEW_REDO,
        PetitionerStep.RECHECK_DECIDED,
        PetitionerStep.AGREED,
        PetitionerStep.CLOSED,
    }
)
# 并案: the steps of a primary not yet decided that change what its merged petitioners wait for, so they hear them
# too. 受理 starts the clock they wait on and names the unit and the date it owes the reply by (Arts. 23, 34); 延期
# moves that date, with the reason they must be told (Art. 34); 导入法定途径 (Art. 31) and 不予受理 end the primary
# without an answer on the matter (their item, merged into it, is not answered either). Not told: 转送/交办 (the unit
# that will accept or decline tells them then), a 催办's answer (the primary's petitioner's own reminder), a 复查
# request by the primary's petitioner (their 30 days are their own, Art. 35; nobody learns another's choice).
WAIT_STEPS = frozenset(
    {PetitionerStep.ACCEPTED, PetitionerStep.EXTENDED, PetitionerStep.DIVERTED, PetitionerStep.DECLINED}
)
# Every step of a primary that reaches the petitioners of the items merged into it.
MERGED_STEPS = OUTCOME_STEPS | WAIT_STEPS
# 不予受理 reaches them only on a ground about the matter (``petitions.services.merging.MATTER_DECLINE_GROUNDS``); the
# bars of Art. 19 ¶3 and Art. 36 ¶3 are the primary's petitioner's own history (their earlier petition), neither the
# merged petitioner's bar nor theirs to learn (Art. 30) — and a primary is not declined on them while items are merged
# into it (``merging.require_decline_answers_merged``: they are un-merged first, and told so: ``UNMERGED``).
# Placeholder values staff wrote for the primary's petitioner: sent to every other petitioner of a merge with the
# others' identities taken out (``merged_outcome.redact``, as their tracking page shows the opinion; Art. 30).
FREE_TEXT = ("reason",)


def reaches_merged(step: str, event: PetitionEvent) -> bool:
    """Whether this step of ``event.petition`` reaches the petitioners of the items merged into it as well."""
    if step == PetitionerStep.DECLINED:
        return (event.data or {}).get("ground") in MATTER_DECLINE_GROUNDS
    return step in MERGED_STEPS


@dataclass(frozen=True)
class Text:
    subject: Promise
    body: Promise


# Built-in defaults (used when the admin has no template for the step); zh-Hans copies are seeded as templates.
DEFAULTS: dict[str, Text] = {
    PetitionerStep.REGISTERED: Text(
        _("Petition {number} registered"),
        _(
            "{unit} registered your petition on {date} under number {number}. Follow it on the tracking page with "
            "this number and the query code on your receipt."
        ),
    ),
    PetitionerStep.FORWARDED: Text(
        _("Petition {number} forwarded"),
        _(
            "Your petition {number} was forwarded to {unit}, which will tell you in writing whether it accepts it "
            "(Art. 23)."
        ),
    ),
    PetitionerStep.ASSIGNED: Text(
        _("Petition {number} assigned"),
        _(
            "Your petition {number} was assigned to {unit}, which will tell you in writing whether it accepts it "
            "and report the result (Art. 22)."
        ),
    ),
    PetitionerStep.ACCEPTED: Text(
        _("Petition {number} accepted"),
        _("{unit} accepted your petition {number} and will reply in writing by {date} (Art. 34)."),
    ),
    PetitionerStep.DECLINED: Text(
        _("Petition {number} not accepted"),
        _("{unit} decided not to accept your petition {number}. Reason: {reason} {remedy}"),
    ),
    PetitionerStep.DIVERTED: Text(
        _("Petition {number}: the statutory procedure to use"),
        _("{unit}: your petition {number} is to be brought through the statutory procedure (Art. 31). {reason}"),
    ),
    PetitionerStep.EXTENDED: Text(
        _("Petition {number}: handling period extended"),
        _(
            "{unit} extended the period for handling your petition {number} (Art. 34). Reason: {reason} "
            "New due date: {date}."
        ),
    ),
    PetitionerStep.REPLIED: Text(
        _("Petition {number}: written reply issued"),
        _(
            "{unit} issued its written reply to your petition {number}: {outcome}. If you disagree, you may "
            "request a review by the unit one level above until {date} (Art. 35)."
        ),
    ),
    PetitionerStep.REVIEW_DECIDED: Text(
        _("Petition {number}: review opinion issued"),
        _(
            "{unit} issued its review opinion on your petition {number}: {outcome}. If you disagree, you may "
            "request a re-examination by the unit one level above until {date} (Art. 36)."
        ),
    ),
    PetitionerStep.REVIEW_REDO: Text(
        _("Petition {number}: to be decided again"),
        _("On review, {unit} was ordered to decide your petition {number} again and owes a written reply by {date}."),
    ),
    PetitionerStep.RECHECK_DECIDED: Text(
        _("Petition {number}: re-examination opinion issued"),
        _(
            "{unit} issued its re-examination opinion on your petition {number}: {outcome}. A petition on the "
            "same facts and reasons is not accepted again (Art. 36)."
        ),
    ),
    PetitionerStep.URGE_ANSWERED: Text(
        _("Petition {number}: reminder passed on"),
        _(
            "Your reminder about petition {number} was passed on to {unit}, whose time limit ended on {date}; "
            "the unit must now act on it."
        ),
    ),
    PetitionerStep.RATING_WINDOW: Text(
        _("Petition {number}: rate the handling by {date}"),
        _("You can rate how your petition {number} was handled until {date}, on the tracking page."),
    ),
    PetitionerStep.AGREED: Text(
        _("Petition {number}: {agreement} agreement reached"),
        _(
            "{unit} recorded the {agreement} agreement on your petition {number}, which closes the matter (Art. 33). "
            "You can rate how it was handled until {date}, on the tracking page."
        ),
    ),
    PetitionerStep.CLOSED: Text(
        _("Petition {number} closed"),
        _(
            "No {request} of your petition {number} was requested by {date}, the last day to ask for one, so the "
            "petition is closed (Arts. 35 and 36)."
        ),
    ),
    PetitionerStep.MERGED: Text(
        _("Petition {number} handled together with {primary}"),
        _(
            "Your petition {number} is on the same matter as petition {primary}; {unit} merged them and handles "
            "them together. You will be told the outcome."
        ),
    ),
    PetitionerStep.UNMERGED: Text(
        _("Petition {number} handled on its own again"),
        _(
            "Your petition {number} is no longer handled together with petition {primary}: {unit} handles it on its "
            "own again and will tell you each step."
        ),
    ),
}

# The {agreement} of an agreed step (petitions.services.handling.petition_record_agreement's kinds).
AGREEMENTS: dict[str, Promise] = {
    "mediation": pgettext_lazy("petitioner message", "mediation"),  # 调解
    "settlement": pgettext_lazy("petitioner message", "settlement"),  # 和解
}
# The {request} a closed step names and the window it closed, by the state the petition was closed from.
CLOSED_WINDOWS: dict[str, tuple[Promise, ClockKind]] = {
    State.REPLIED: (pgettext_lazy("petitioner message", "review"), ClockKind.REVIEW_WINDOW),  # 复查 (Art. 35)
    State.REVIEWED: (pgettext_lazy("petitioner message", "re-examination"), ClockKind.RECHECK_WINDOW),  # 复核 (Art. 36)
}

# The remedy the non-acceptance notice gives, per ground (documents/defaults.py, 不予受理告知书).
REMEDIES: dict[str, Promise] = {
    DeclineGround.ALREADY_HANDLED: _("Please wait for the written reply of the unit that accepted it first (Art. 19)."),
    DeclineGround.TERMINATED: _(
        "The matter was concluded by re-examination and is not accepted again on the same facts and reasons (Art. 36)."
    ),
    DeclineGround.OUT_OF_SCOPE: _("Please raise it with the organ or unit that has the power to handle it (Art. 23)."),
}


# --- the petitioner's contact and choice ---


@dataclass(frozen=True)
class Recipient:
    channel: str
    user: User | None = None
    address: str = ""


def _citizen(petition: Petition) -> User | None:
    """The citizen account that submitted the petition; never a staff account (staff never get these)."""
    user = petition.submitted_by
    if user is None or user.unit_id is not None or not user.is_active:
        return None
    return user


def contacts(petition: Petition, people: Sequence[Petitioner] | None = None) -> dict[str, Recipient]:
    """Every channel that reaches this petition's petitioner, from the petition's own records only (``people``:
    its petitioners as registration has just saved them, instead of reading them back)."""
    found: dict[str, Recipient] = {}
    # Petitioner phones are encrypted at rest; the model decrypts them here and they go only into the message row.
    if people is None:
        people = list(petition.petitioners.order_by("-is_representative", "id"))
    else:  # the same order: representatives first, then as saved (the order of their ids)
        people = [p for _, p in sorted(enumerate(people), key=lambda ip: (not ip[1].is_representative, ip[0]))]
    phone = next((p.phone.strip() for p in people if MOBILE.match(p.phone.strip() or "")), "")
    email = next((p.email.strip() for p in people if p.email.strip()), "")
    if phone:
        found[Channel.SMS] = Recipient(Channel.SMS, address=phone)
    if email:
        found[Channel.EMAIL] = Recipient(Channel.EMAIL, address=email)
    citizen = _citizen(petition)
    if citizen is not None:
        found[Channel.INAPP] = Recipient(Channel.INAPP, user=citizen)
    return found


def default_channel(available: Mapping[str, Recipient]) -> str:
    """SMS if a phone was given, else e-mail, else in-app for a citizen account, else nothing."""
    return next((c for c in (Channel.SMS, Channel.EMAIL, Channel.INAPP) if c in available), "")


def recipient_for(
    petition: Petition,
    *,
    preference: tuple[str, bool] | None = None,
    people: Sequence[Petitioner] | None = None,
) -> Recipient | None:
    """Whom to tell and how, or None: anonymous petitions and opted-out petitioners get nothing.

    ``preference``: (channel or "", opted out) when the caller knows it — a registration's own choice, written in
    the same transaction — else it is read (``preference_of``)."""
    if petition.is_anonymous or petition.imported:
        return None
    chosen, opted_out = preference if preference is not None else preference_of(petition)
    if opted_out:
        return None
    available = contacts(petition, people)
    channel = chosen if chosen in available else default_channel(available)
    return available.get(channel)


def registration_choice(event: PetitionEvent) -> tuple[str, bool]:
    """(channel or "", opted out) as chosen at submission: kept on the register event by intake, and written as the
    petition's preference by ``petitioner_on_event`` — a new petition has no other."""
    choice = (event.data or {}).get("notify")
    if not isinstance(choice, dict):
        return "", False
    return str(choice.get("channel") or ""), bool(choice.get("opt_out"))


@transaction.atomic
def petitioner_preference_set(*, petition: Petition, channel: str, opted_out: bool) -> PetitionerPreference:
    """The petitioner's choice for one petition: a channel ("" for the default) or no messages at all."""
    if channel and channel not in Channel.values:
        raise InvalidInput(str(_("Choose SMS, e-mail or in-app messages.")), field="notify_channel")
    if channel and not opted_out and channel not in contacts(petition):
        messages = {
            Channel.SMS: _("This petition has no mobile number to send SMS to."),
            Channel.EMAIL: _("This petition has no e-mail address."),
            Channel.INAPP: _("In-app messages need the citizen account that submitted the petition."),
        }
        raise InvalidInput(str(messages[Channel(channel)]), field="notify_channel")
    preference, _created = PetitionerPreference.objects.update_or_create(
        petition=petition, defaults={"channel": channel, "opted_out": opted_out}
    )
    return preference


def preference_of(petition: Petition) -> tuple[str, bool]:
    """(channel chosen or "", opted out): the petition's stored choice (the tracking page's form, ``recipient_for``)."""
    row = PetitionerPreference.objects.filter(petition=petition).first()
    return (row.channel, row.opted_out) if row is not None else ("", False)


# --- texts ---


class _Fill(dict[str, str]):
    def __missing__(self, key: str) -> str:  # a placeholder without a value reads as empty, never as an error
        return ""


def render(text: str, values: Mapping[str, str]) -> str:
    try:
        return text.format_map(_Fill(values)).strip()
    except (ValueError, IndexError, AttributeError):  # a template saved around the admin's validation
        logger.warning("petitioner message template is malformed; the text is sent unfilled")
        return text.strip()


#: The admins' templates, read by every message (each public submission's among them): cached until one is saved or
#: deleted (xinfang.core.configcache).
TEMPLATES = ConfigCache("notify-templates")
post_save.connect(TEMPLATES.changed, sender=PetitionerMessageTemplate, dispatch_uid="notify.templates.save")
post_delete.connect(TEMPLATES.changed, sender=PetitionerMessageTemplate, dispatch_uid="notify.templates.delete")


def _templates() -> dict[tuple[str, str], tuple[str, str]]:
    """{(step, channel or ""): (subject, body)} of every template an admin wrote (a few dozen rows at most)."""
    return {
        (t.kind, t.channel): (t.subject, t.body)
        for t in PetitionerMessageTemplate.objects.only("kind", "channel", "subject", "body")
    }


def template_for(step: str, channel: str) -> tuple[str, str]:
    """(subject, body): the admin's template for this channel, else its all-channel one, else the default."""
    rows = TEMPLATES.get("all", _templates)
    row = rows.get((step, channel)) or rows.get((step, ""))
    if row is not None:
        return row
    default = DEFAULTS[step]
    return str(default.subject), str(default.body)


def _day(value: dt.date | str | None) -> str:
    if not value:
        return ""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return str(formats.date_format(day, "DATE_FORMAT"))


def _outcome(value: str) -> str:
    labels: dict[str, Any] = {**dict(Outcome.choices), **dict(ReviewOutcome.choices)}
    return str(labels.get(value, value))


def _window_due(petition: Petition, kind: ClockKind) -> dt.date | None:
    return Clock.objects.filter(petition=petition, kind=kind).order_by("-id").values_list("due", flat=True).first()


def values_for(step: str, event: PetitionEvent) -> dict[str, str]:
    """The placeholder values of one step, from the event and the rows it wrote (never a person's name)."""
    petition = event.petition
    data = event.data or {}
    unit = event.actor_unit.name if event.actor_unit is not None else petition.current_unit.name
    values = {"number": petition.number, "unit": unit}
    if step == PetitionerStep.REGISTERED:
        values.update(unit=petition.registering_unit.name, date=_day(petition.received_on))
    elif step in {PetitionerStep.FORWARDED, PetitionerStep.ASSIGNED}:
        values["unit"] = str(data.get("to_unit") or petition.current_unit.name)
    elif step == PetitionerStep.ACCEPTED:
        values["date"] = _day(data.get("due"))
    elif step == PetitionerStep.DECLINED:
        ground = str(data.get("ground", ""))
        values.update(reason=str(data.get("text", "")), remedy=str(REMEDIES.get(ground, "")))
    elif step == PetitionerStep.DIVERTED:
        values["reason"] = str(data.get("text", ""))
    elif step == PetitionerStep.EXTENDED:
        values.update(reason=str(data.get("reason", "")), date=_day(data.get("new_due")))
    elif step == PetitionerStep.REPLIED:
        values.update(
            outcome=_outcome(str(data.get("outcome", ""))), date=_day(_window_due(petition, ClockKind.REVIEW_WINDOW))
        )
    elif step == PetitionerStep.REVIEW_DECIDED:
        values.update(
            outcome=_outcome(str(data.get("outcome", ""))), date=_day(_window_due(petition, ClockKind.RECHECK_WINDOW))
        )
    elif step == PetitionerStep.REVIEW_REDO:
        values.update(unit=str(data.get("unit", "")), date=_day(data.get("due")))
    elif step == PetitionerStep.RECHECK_DECIDED:
        values["outcome"] = _outcome(str(data.get("outcome", "")))
    elif step == PetitionerStep.AGREED:
        agreement = AGREEMENTS.get(str(data.get("kind", "")))
        values.update(
            agreement=str(agreement) if agreement else "", date=_day(_window_due(petition, ClockKind.RATING_WINDOW))
        )
    elif step == PetitionerStep.CLOSED:
        closed = CLOSED_WINDOWS.get(event.from_state)
        if closed is not None:
            values.update(request=str(closed[0]), date=_day(_window_due(petition, closed[1])))
    elif step in {PetitionerStep.MERGED, PetitionerStep.UNMERGED}:
        values["primary"] = str(data.get("primary", ""))
    elif step == PetitionerStep.URGE_ANSWERED:
        overdue = [o for o in data.get("overdue", []) if isinstance(o, dict)]
        units = list(dict.fromkeys(str(o.get("unit", "")) for o in overdue if o.get("unit")))
        dues = sorted(str(o.get("due", "")) for o in overdue if o.get("due"))
        values.update(unit="、".join(units), date=_day(dues[0]) if dues else "")
    allowed = PLACEHOLDERS[step]
    return {k: v for k, v in values.items() if k in allowed}


def merged_number(item: Petition, primary: Petition) -> str:
    """The {number} of a message about the primary's outcome sent to a merged item's petitioner: their own 编号
    (the one they track), naming the primary's that was decided."""
    return str(_("%(number)s (handled together with %(primary)s)") % {"number": item.number, "primary": primary.number})


def track_link(petition: Petition) -> str:
    """The tracking form with the 编号 filled in; the 查询码 is never part of a message."""
    return f"{reverse('portal:track')}?{urlencode({'number': petition.number})}"


# --- writing the message ---


def _recipient_key(recipient: Recipient) -> str:
    """The cap's key for one channel and address (or account): a keyed hash, so no second copy of the number."""
    who = f"user:{recipient.user.pk}" if recipient.user is not None else recipient.address.strip().lower()
    return salted_hmac(CAP_KEY_SALT, f"{recipient.channel}:{who}", algorithm="sha256").hexdigest()


def _take_number(recipient: Recipient, now: dt.datetime) -> int:
    """This message's number among the recipient's messages of the local day (1, 2, …).

    One statement creates the day's row or increments it and returns the new count (an upsert with RETURNING,
    PostgreSQL and SQLite ≥ 3.35 alike, as ``petitions.services.intake.next_number``): the row lock it takes is held
    until the caller's transaction ends, so a step committing at the same moment waits and then gets the next
    number — two messages can never both be within the cap by counting the same rows.
    """
    day = timezone.localtime(now).date()  # the local day (Asia/Shanghai)
    table = connection.ops.quote_name(PetitionerDailyCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (recipient, day, count) VALUES (%s, %s, 1) "  # noqa: S608 - our table name
            f"ON CONFLICT (recipient, day) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [_recipient_key(recipient), day],
        )
        (count,) = cursor.fetchone()
    return int(count)


@transaction.atomic
def petitioner_message_send(
    *,
    petition: Petition,
    step: str,
    values: Mapping[str, str],
    preference: tuple[str, bool] | None = None,
    people: Sequence[Petitioner] | None = None,
) -> Notification | None:
    """Write one message of ``step`` to the petitioner on their channel; None when they get none (``preference``
    and ``people``: see ``recipient_for`` and ``contacts``).

    Over the daily cap the row is written as failed (``capped``) and not sent; on a disabled channel it is written
    as failed too. E-mail and SMS rows are delivered after commit by the ``deliver`` task.
    """
    recipient = recipient_for(petition, preference=preference, people=people)
    if recipient is None:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        subject_text, body_text = template_for(step, recipient.channel)
        subject = render(subject_text, values)[:SUBJECT_MAX]
        body = render(body_text, values)
    now = timeutil.now()
    row = Notification(
        petition=petition,
        recipient=recipient.user,
        address=recipient.address,
        channel=recipient.channel,
        kind=KIND_PREFIX + step,
        subject=subject or petition.number,
        body=body,
        link=track_link(petition),
        created_at=now,
    )
    if _take_number(recipient, now) > settings.XINFANG_PETITIONER_DAILY_CAP:
        row.status, row.error = Status.FAILED, CAPPED_ERROR
    elif recipient.channel == Channel.INAPP:
        row.status, row.sent_at = Status.SENT, now
    elif recipient.channel not in enabled_channels():
        row.status, row.error = Status.FAILED, "channel disabled (XINFANG_NOTIFY_CHANNELS)"
    row.save()
    if row.status == Status.QUEUED:
        transaction.on_commit(partial(enqueue_deliveries, [row.pk]))
    return row


def _tell(event_id: int, written: PetitionEvent | None = None) -> None:
    """After the petition's transaction commits: the message for one timeline event (``written``: the event as the
    service wrote it, with its petition, where that is known to be whole — see ``petitioner_on_event``)."""
    try:
        event = written or (
            PetitionEvent.objects.select_related(
                "petition__registering_unit", "petition__current_unit", "petition__submitted_by", "actor_unit"
            )
            .filter(pk=event_id)
            .first()
        )
        if event is None:
            return
        step = STEP_FOR_ACTION[event.action]
        with translation.override(settings.LANGUAGE_CODE):
            values = values_for(step, event)
        # 并案: an outcome, or a step that changes the wait, reaches the items merged into the petition too (each
        # under its own 编号, with every other petitioner's identity out of what staff wrote).
        recipients = outcome_recipients(event.petition) if reaches_merged(step, event) else [event.petition]
    except Exception:  # the petition's change has committed; a message failure must not turn it into an error
        logger.exception("could not write the petitioner message for event %s", event_id)
        return
    for item in recipients:  # each in its own try: one failure never keeps another petitioner from being told
        try:
            own = dict(values)
            if item.pk != event.petition_id:
                with translation.override(settings.LANGUAGE_CODE):
                    own["number"] = merged_number(item, event.petition)
            if len(recipients) > 1 and any(own.get(key) for key in FREE_TEXT):
                others = others_identity(item, event.petition)
                own.update({key: redact(own[key], others) for key in FREE_TEXT if own.get(key)})
            # A registration (``written``) carries its petitioner's choice: no read of the row written from it.
            own_registration = written is not None and item.pk == event.petition_id
            known = registration_choice(event) if own_registration else None
            # …and, handed over by registration (``PetitionEvent.registered``), the petitioners it has just saved.
            handed = event.handed_over() if own_registration else None
            people = handed.petitioners if handed is not None else None
            petitioner_message_send(petition=item, step=step, values=own, preference=known, people=people)
        except Exception:
            logger.exception("could not write the petitioner message for event %s to petition %s", event_id, item.pk)


@receiver(post_save, sender=PetitionEvent, dispatch_uid="notify_petitioner_on_event")
def petitioner_on_event(
    sender: type[PetitionEvent], instance: PetitionEvent, created: bool, raw: bool = False, **_kw: Any
) -> None:
    if not created or raw:
        return
    if instance.action == Action.REGISTER and isinstance((instance.data or {}).get("notify"), dict):
        channel, opted_out = registration_choice(instance)  # chosen at submission (intake keeps it on the event)
        PetitionerPreference.objects.update_or_create(
            petition_id=instance.petition_id, defaults={"channel": channel, "opted_out": opted_out}
        )
    if _tells(instance):
        # A registration's event carries the petition intake has just written, whole: telling from it saves
        # public submission a re-read of five joined rows (issue 9, intake under load). Any later step re-reads
        # the committed rows, since a service may have changed the petition after writing its event.
        whole = instance.action == Action.REGISTER and PetitionEvent.petition.is_cached(instance)
        written = instance if whole else None
        transaction.on_commit(partial(_tell, instance.pk, written))


def _tells(event: PetitionEvent) -> bool:
    """Whether this timeline event is a step the petitioner hears of. Of a 并案 and its undoing only the merged item's
    event is: the primary's event (``linked``, internal) names another petitioner's item and its petitioner is not
    merged."""
    if event.action not in STEP_FOR_ACTION:
        return False
    return event.action not in {Action.MERGE, Action.UNMERGE} or "primary" in (event.data or {})


@receiver(events_bulk_created, sender=PetitionEvent, dispatch_uid="notify_petitioner_on_bulk_events")
def petitioner_on_bulk_events(sender: type[PetitionEvent], events: list[PetitionEvent], **_kw: Any) -> None:
    """Timeline events written by ``bulk_create`` (the sweep that closes petitions whose 复查/复核 window passed):
    no ``post_save`` fires for them, so the petitions app sends this signal inside the transaction that wrote them,
    and the messages are written after it commits, as for any other step (nothing if it rolls back)."""
    ids = [e.pk for e in events if e.pk is not None and _tells(e)]
    if ids:
        transaction.on_commit(partial(_tell_each, ids))


def _tell_each(event_ids: list[int]) -> None:
    for event_id in event_ids:
        _tell(event_id)  # one message per petition, each in its own short transaction; a failure is logged


# --- the daily job: the rating period closes soon (once per petition) ---


def rating_window_reminders(*, today: dt.date | None = None) -> dict[str, int]:
    """Remind petitioners whose rating period ends within ``XINFANG_RATING_REMINDER_DAYS`` and who have not rated
    since it opened. Idempotent: a petition that had this reminder (sent, capped or failed) never gets another.

    Set-based: one query each for the closing windows, the items merged into them, the reminders already written
    and the latest rating of each petition; then one message per petitioner still to remind."""
    today = today or timeutil.today()
    last = today + dt.timedelta(days=settings.XINFANG_RATING_REMINDER_DAYS)
    windows: dict[int, Clock] = {}  # the latest open window of each petition
    for clock in (
        Clock.objects.filter(kind=ClockKind.RATING_WINDOW, stopped_on__isnull=True, due__gte=today, due__lte=last)
        .select_related("petition")
        .order_by("petition_id", "-id")
    ):
        windows.setdefault(clock.petition_id, clock)
    # 并案: the items merged into the petition rate in its window, so their petitioners are reminded too.
    recipients = outcome_recipients_of([c.petition for c in windows.values()])
    ids = [p.pk for items in recipients.values() for p in items]
    kind = KIND_PREFIX + PetitionerStep.RATING_WINDOW
    told = set(Notification.objects.filter(petition_id__in=ids, kind=kind).values_list("petition_id", flat=True))
    rated_on = {
        pid: timezone.localtime(at).date()
        for pid, at in Rating.objects.filter(petition_id__in=ids)
        .values("petition_id")
        .annotate(at=Max("created_at"))
        .values_list("petition_id", "at")
    }
    sent = skipped = 0
    for primary_id, clock in windows.items():
        for petition in recipients[primary_id]:
            if petition.pk in told:
                continue
            told.add(petition.pk)  # once, even if it were reached through two windows
            if petition.pk in rated_on and rated_on[petition.pk] >= clock.start:  # rated since the window opened
                skipped += 1
                continue
            with translation.override(settings.LANGUAGE_CODE):
                number = petition.number if petition.pk == primary_id else merged_number(petition, clock.petition)
                values = {"number": number, "date": _day(clock.due)}
            if petitioner_message_send(petition=petition, step=PetitionerStep.RATING_WINDOW, values=values) is None:
                skipped += 1
            else:
                sent += 1
    return {"reminded": sent, "skipped": skipped}
