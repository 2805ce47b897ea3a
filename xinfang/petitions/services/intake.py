"""登记 — intake from every channel (Arts. 19–22): number, tracking code, petitioners, the first clocks."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import Role, Unit, UnitType, User
from xinfang.petitions.limits import check_intake_lengths
from xinfang.petitions.models import (
    FIVE_QUESTION_CHANNELS,
    AccessReason,
    Attachment,
    Category,
    Channel,
    Clock,
    Nature,
    NumberSequence,
    Petition,
    Petitioner,
    PetitionerKind,
    Registered,
    hash_tracking_code,
)
from xinfang.petitions.services.accused import holder_off_accused_side
from xinfang.petitions.services.common import grant, open_clock, record
from xinfang.petitions.uploads import check_upload, store_attachment
from xinfang.petitions.workflow import Action, State

MAX_REPRESENTATIVES = 5  # Art. 20 ¶3
FIVE_QUESTIONS = ("facts", "request_and_reasons", "difficulties", "history", "prior_handling")  # 五必问
# Crockford base32 without I, L, O, U: easy to read out over the phone. 12 characters ≈ 60 bits.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_CODE_LENGTH = 12
NOTIFY_CHANNELS = ("sms", "email", "inapp")  # xinfang.notify.models.Channel (notify sits above petitions)


@dataclass
class PetitionerData:
    name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    is_representative: bool = False


@dataclass
class IntakeData:
    """What a petition says (Art. 19: name, address, request, facts and reasons) plus intake metadata."""

    channel: str
    title: str
    request: str
    facts_and_reasons: str = ""
    nature: str = Nature.APPEAL
    category: Category | None = None
    received_on: dt.date | None = None
    petitioner_kind: str = PetitionerKind.PERSON
    is_anonymous: bool = False
    head_count: int = 1
    petitioners: list[PetitionerData] = field(default_factory=list)
    problem_division_code: str = ""
    problem_address: str = ""
    accused_name: str = ""
    accused_unit: Unit | None = None
    # A registrar confirms the accused unit of an accusation (Art. 30 ¶3) by choosing it, or with this flag that it
    # accuses no unit (a person only). Ignored for online submissions: only staff confirm.
    accused_confirmed: bool = False
    is_urgent: bool = False
    is_law_related: bool = False
    is_collective: bool = False
    is_joint: bool = False
    previous: Petition | None = None
    five_questions: dict[str, str] = field(default_factory=dict)
    attachments: list[UploadedFile[bytes]] = field(default_factory=list)
    # How the petitioner wants to hear of each step (xinfang.notify.petitioner): "sms", "email", "inapp" or ""
    # for the default; the choice is kept on the registration event, where notify reads it.
    notify_channel: str = ""
    notify_opt_out: bool = False
    # Where the matter came from when it was first received as something else, e.g. {"proposal": "JY-…"} for a
    # people's proposal converted into a petition (xinfang.proposals); kept on the registration event.
    origin: dict[str, str] = field(default_factory=dict)


def new_tracking_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


def next_number(unit: Unit, year: int) -> str:
    """编号 unique per registering unit and year, also under concurrent intake.

    One statement creates the counter row or increments it and returns the new value (an upsert with RETURNING,
    PostgreSQL and SQLite ≥ 3.35 alike); the row lock it takes is held until commit, so concurrent registrations
    at one unit queue on it and each reads its own value.
    """
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (unit_id, year, last) VALUES (%s, %s, 1) "  # noqa: S608 - our table name
            f"ON CONFLICT (unit_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [unit.pk, year],
        )
        (last,) = cursor.fetchone()
    return f"{unit.code}-{year}-{last:06d}"


def one_account(data: IntakeData) -> IntakeData:
    """One account of what the petitioner asks and why (Art. 19): the 五必问 "request and reasons" and "facts"
    answers and the petition's ``request`` and ``facts_and_reasons`` are the same text — whichever was given fills
    the other, so the documents (which quote the petition's fields) never read "see the five questions"."""
    if data.channel not in FIVE_QUESTION_CHANNELS or not isinstance(data.five_questions, dict):
        return data
    five = dict(data.five_questions)
    request, facts = data.request, data.facts_and_reasons
    for key, text in (("request_and_reasons", request), ("facts", facts)):
        if not str(five.get(key) or "").strip() and text.strip():
            five[key] = text
    if not request.strip():
        request = str(five.get("request_and_reasons") or "")
    if not facts.strip():
        facts = str(five.get("facts") or "")
    return replace(data, request=request, facts_and_reasons=facts, five_questions=five)


def _validate(data: IntakeData, unit: Unit) -> None:
    if data.channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    if not data.title.strip():
        raise InvalidInput(_("Give the petition a short title."), field="title")
    if not data.request.strip():
        raise InvalidInput(_("State what you are asking for (Art. 19)."), field="request")
    if data.nature not in Nature.values:
        raise InvalidInput(_("Unknown kind of matter."), field="nature")
    if not data.is_anonymous and not any(p.name.strip() for p in data.petitioners):
        raise InvalidInput(
            _("Give the petitioner's name (Art. 19), or choose to petition anonymously."), field="petitioners"
        )
    representatives = [p for p in data.petitioners if p.is_representative]
    if len(representatives) > MAX_REPRESENTATIVES:
        raise InvalidInput(
            _("A group chooses at most %(n)s representatives (Art. 20).") % {"n": MAX_REPRESENTATIVES},
            field="petitioners",
        )
    if data.petitioner_kind == PetitionerKind.GROUP and data.head_count < 2:
        raise InvalidInput(_("A group petition needs a head count of at least 2."), field="head_count")
    if data.head_count < 1:
        raise InvalidInput(_("The head count must be at least 1."), field="head_count")
    if data.channel in FIVE_QUESTION_CHANNELS:
        unknown = set(data.five_questions) - set(FIVE_QUESTIONS)
        if unknown:
            raise InvalidInput(
                _("Unknown five-question keys: %(keys)s.") % {"keys": ", ".join(sorted(unknown))},
                field="five_questions",
            )
    received = data.received_on or timeutil.today()
    if received > timeutil.today():
        raise InvalidInput(_("The date received cannot be in the future."), field="received_on")
    if data.previous is not None and data.previous.pk is None:
        raise InvalidInput(_("The earlier petition does not exist."), field="previous")
    validate_attachments(data.attachments)
    check_intake_lengths(data)  # free text and 五必问 (petitions.limits)
    _validate_notify_choice(data)


def _validate_notify_choice(data: IntakeData) -> None:
    """The chosen channel must reach the petitioner: a phone for SMS, an e-mail address for e-mail."""
    choice = data.notify_channel
    if not choice:
        return
    if choice not in NOTIFY_CHANNELS:
        raise InvalidInput(_("Choose SMS, e-mail or in-app messages."), field="notify_channel")
    if choice == "sms" and not any(p.phone.strip() for p in data.petitioners):
        raise InvalidInput(_("Give a phone number to be told by SMS."), field="notify_channel")
    if choice == "email" and not any(p.email.strip() for p in data.petitioners):
        raise InvalidInput(_("Give an e-mail address to be told by e-mail."), field="notify_channel")


def validate_attachments(files: list[UploadedFile[bytes]], *, field: str = "attachments") -> None:
    if len(files) > settings.XINFANG_ATTACHMENT_MAX_COUNT:
        raise InvalidInput(
            _("At most %(n)s attachments per petition.") % {"n": settings.XINFANG_ATTACHMENT_MAX_COUNT},
            field=field,
        )
    for f in files:
        check_upload(f, field=field)  # extension and content must agree (petitions.uploads)


def _save_petitioners(petition: Petition, people: list[PetitionerData]) -> list[Petitioner]:
    rows = []
    for i, p in enumerate(people):
        row = Petitioner(
            petition=petition,
            name=p.name.strip(),
            id_number=p.id_number.strip().upper(),
            phone=p.phone.strip(),
            address=p.address.strip(),
            email=p.email.strip(),
            is_representative=p.is_representative,
        )
        try:
            row.full_clean(exclude=["petition"])
        except ValidationError as exc:
            field_name, messages = next(iter(exc.message_dict.items()))
            raise InvalidInput(
                _("Petitioner %(n)s: %(msg)s") % {"n": i + 1, "msg": " ".join(messages)},
                field=f"petitioners[{i}].{field_name}",
            ) from exc
        rows.append(row)
    return Petitioner.objects.bulk_create(rows)


@dataclass(frozen=True)
class Registration:
    """What registering wrote: the petition, its 查询码 (shown once, stored only as a hash) and its first clock."""

    petition: Petition
    code: str
    clock: Clock


def petition_register(
    *, actor: User | None, unit: Unit, data: IntakeData, citizen: User | None = None
) -> tuple[Petition, str]:
    """登记 — register a petition at ``unit`` and start its first clock. Returns the petition and its 查询码
    (``registration_create`` also returns the clock)."""
    done = registration_create(actor=actor, unit=unit, data=data, citizen=citizen)
    return done.petition, done.code


@transaction.atomic
def registration_create(
    *, actor: User | None, unit: Unit, data: IntakeData, citizen: User | None = None
) -> Registration:
    """登记 — register a petition at ``unit`` and start its first clock.

    Online submissions (actor None, optionally from a signed-in ``citizen`` account) go to a petition
    department; staff registrars register letters, visits, calls and the rest at their own unit. A 信访部门
    owes routing within 15 days (Art. 22); any other unit receiving a petition directly owes a written notice
    within 15 days (Art. 23 ¶2).
    """
    if actor is None:
        if data.channel != Channel.ONLINE:
            raise InvalidInput(_("Only online petitions can be submitted without a staff account."), field="channel")
        if unit.unit_type != UnitType.PETITION_DEPT or not unit.is_active:
            raise InvalidInput(_("Online petitions are received by a petition department."), field="unit")
    else:
        if actor.unit_id != unit.pk or not actor.has_role(Role.REGISTRAR):
            raise NotPermitted(_("Only a registrar of the receiving unit can register a petition."))
    data = one_account(data)
    _validate(data, unit)
    if data.notify_channel == "inapp" and (actor is not None or citizen is None or citizen.unit_id is not None):
        raise InvalidInput(
            _("In-app messages need a citizen account: sign in before submitting."), field="notify_channel"
        )
    received = data.received_on or timeutil.today()
    code = new_tracking_code()
    petition = Petition(
        number=next_number(unit, received.year),
        tracking_code_hash=hash_tracking_code(code),
        state=State.REGISTERED,
        channel=data.channel,
        nature=data.nature,
        category=data.category,
        registering_unit=unit,
        current_unit=unit,
        registered_by=actor,
        submitted_by=citizen if actor is None and citizen is not None and citizen.unit_id is None else None,
        received_on=received,
        title=data.title.strip(),
        request=data.request.strip(),
        facts_and_reasons=data.facts_and_reasons.strip(),
        five_questions={k: v.strip() for k, v in data.five_questions.items() if v and v.strip()},
        petitioner_kind=data.petitioner_kind,
        is_anonymous=data.is_anonymous,
        head_count=data.head_count,
        problem_division_code=data.problem_division_code,
        problem_address=data.problem_address.strip(),
        accused_name=data.accused_name.strip(),
        accused_unit=data.accused_unit,
        is_urgent=data.is_urgent,
        is_law_related=data.is_law_related,
        is_collective=data.is_collective or data.petitioner_kind == PetitionerKind.GROUP,
        is_joint=data.is_joint,
        is_repeat=data.previous is not None,
        previous=data.previous,
    )
    try:
        # The table's two check constraints (head count ≥ 1, a repeat names its earlier petition) are kept here by
        # construction and by the field validators; re-checking them in the database costs two savepoints a submission.
        petition.full_clean(
            exclude=["number", "tracking_code_hash", "registering_unit", "current_unit"], validate_constraints=False
        )
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise InvalidInput(" ".join(messages), field=field_name) from exc
    if actor is not None and data.nature == Nature.ACCUSATION and (data.accused_unit or data.accused_confirmed):
        petition.accused_confirmed_at = timeutil.now()
        petition.accused_confirmed_by = actor
    petition.current_unit = holder_off_accused_side(petition, unit)
    petition.save()
    people = _save_petitioners(petition, data.petitioners)
    for f in data.attachments:
        store_attachment(petition, f)
    access = grant(petition, unit, AccessReason.REGISTERED)
    first = ClockKind.ROUTE if unit.unit_type == UnitType.PETITION_DEPT else ClockKind.NOTICE
    clock = open_clock(
        petition,
        first,
        owing_unit=unit,
        start=received,
        article="Art. 22" if first == ClockKind.ROUTE else "Art. 23 ¶2",
    )
    event_data = _register_event_data(petition)
    if data.origin:
        event_data["origin"] = dict(data.origin)
    if data.notify_channel or data.notify_opt_out:
        event_data["notify"] = {"channel": data.notify_channel, "opt_out": data.notify_opt_out}
    written = Registered(petitioners=tuple(people), access_paths=(access,))
    record(petition, Action.REGISTER, actor, from_state="", data=event_data, registered=written)
    return Registration(petition, code, clock)


def _register_event_data(petition: Petition) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": petition.registering_unit.name,
        "channel": petition.channel,
        "received_on": petition.received_on.isoformat(),
    }
    if petition.current_unit_id != petition.registering_unit_id:
        data["to_unit"] = petition.current_unit.name  # Art. 30 ¶3: passed on from the accused unit
    if petition.previous_id is not None:
        data["previous"] = petition.previous.number if petition.previous else None
    return data


def _store_attachments(petition: Petition, files: list[UploadedFile[bytes]]) -> list[Attachment]:
    return [store_attachment(petition, f, field="files") for f in files]


@transaction.atomic
def petition_add_attachments(
    *, petition: Petition, actor: User | None, files: list[UploadedFile[bytes]]
) -> list[Attachment]:
    """补充材料 — the petitioner (proven by 查询码, actor None) or an involved unit adds files to an open item."""
    from xinfang.petitions.services.common import lock, require

    petition = lock(petition)
    if actor is not None:
        require(petition, Action.ATTACH, actor)
    elif not petition.is_open:
        raise RuleViolation(_("The petition is closed; no more material can be added."), code="closed")
    if not files:
        raise InvalidInput(_("Choose at least one file."), field="files")
    total = petition.attachments.count() + len(files)
    if total > settings.XINFANG_ATTACHMENT_MAX_COUNT:
        raise InvalidInput(
            _("At most %(n)s attachments per petition.") % {"n": settings.XINFANG_ATTACHMENT_MAX_COUNT},
            field="files",
        )
    validate_attachments(files, field="files")
    stored = _store_attachments(petition, files)
    record(petition, Action.ATTACH, actor, from_state=petition.state, data={"files": [a.original_name for a in stored]})
    return stored
