"""Reads for the citizen portal: the area and category pickers, who may open a tracking page, and what it shows.

The portal is its own security boundary. A visitor sees a petition only after proving 编号 + 查询码 in this
session (``grant_tracking``) or as the signed-in citizen account that submitted it; everything shown is the
petitioner's view: public timeline events, no internal notes, no staff identities beyond the unit's name.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.articles import article_text
from xinfang.core.limits import is_id
from xinfang.core.throttling import guess_failed
from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import Level, Unit, UnitType, User
from xinfang.petitions.api.serializers import ClockSerializer, PublicEventSerializer
from xinfang.petitions.models import (
    Attachment,
    Category,
    Channel,
    Clock,
    DeclineGround,
    DivertRoute,
    Document,
    DocumentKind,
    DocumentStatus,
    Outcome,
    Petition,
    PetitionEvent,
    Rating,
    RatingTarget,
    ReviewOutcome,
    Satisfaction,
)
from xinfang.petitions.selectors import (
    petition_dept_for_division,
    petitioner_rights,
    petitions_visible_to,
    window_right,
)
from xinfang.petitions.services.merged_outcome import (
    ANSWERED_STATES,
    handling_clock,
    merged_primary,
    merged_rating_stage,
    others_identity,
    redact,
    shared_window,
    shared_window_open,
)
from xinfang.petitions.workflow import Action, State
from xinfang.portal.models import ServiceRating

# ---------------------------------------------------------------- areas (问题属地) and categories

REGION_LEVELS = ("province", "city", "county", "township")
CATEGORY_LEVELS = ("category_1", "category_2", "category_3")
_AREA_SUFFIXES = ("人民政府", "办事处")


def area_name(unit: Unit) -> str:
    """An area's name from its government's: 西地省人民政府 → 西地省, A1区东城街道办事处 → A1区东城街道."""
    for suffix in _AREA_SUFFIXES:
        if unit.name.endswith(suffix) and len(unit.name) > len(suffix):
            return unit.name[: -len(suffix)]
    return unit.name


def _governments() -> QuerySet[Unit]:
    return Unit.objects.active().filter(unit_type=UnitType.GOVERNMENT)


def top_areas() -> list[tuple[str, str]]:
    """Provinces: the province-level governments, as (division code, area name)."""
    return [(u.division_code, area_name(u)) for u in _governments().filter(level=Level.PROVINCE).order_by("path")]


def child_areas(division_code: str) -> list[tuple[str, str]]:
    """The areas one level below: governments whose parent is the government of ``division_code``."""
    if not is_id(division_code):
        return []
    qs = _governments().filter(parent__unit_type=UnitType.GOVERNMENT, parent__division_code=division_code)
    return [(u.division_code, area_name(u)) for u in qs.order_by("path")]


def region_choices(selected: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Choices of each picker level given the chosen codes above it; a level is empty until its parent is chosen.

    A chosen code that is not among its level's choices ends the chain, so a forged or stale value never loads
    the level below it.
    """
    result: dict[str, list[tuple[str, str]]] = {level: [] for level in REGION_LEVELS}
    result["province"] = top_areas()
    for upper, lower in itertools.pairwise(REGION_LEVELS):
        code = selected.get(upper, "")
        if not code or code not in {c for c, _name in result[upper]}:
            break
        result[lower] = child_areas(code)
    return result


def deepest(selected: dict[str, str], levels: tuple[str, ...]) -> tuple[str, str]:
    """The deepest level with a value, as (level, value); ("", "") when none is chosen."""
    for level in reversed(levels):
        if selected.get(level):
            return level, selected[level]
    return "", ""


def receiving_department(division_code: str) -> Unit | None:
    """The petition department that receives an online petition about this area (nearest level up)."""
    if not division_code:
        return None
    unit: Unit | None = petition_dept_for_division(division_code)
    return unit


def category_choices(selected: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """The three levels of the content taxonomy (内容分类), each loaded once its parent is chosen."""
    result: dict[str, list[tuple[str, str]]] = {level: [] for level in CATEGORY_LEVELS}
    result["category_1"] = [(str(c.pk), c.name) for c in Category.objects.filter(level=1).order_by("name")]
    for upper, lower in itertools.pairwise(CATEGORY_LEVELS):
        value = selected.get(upper, "")
        if not value or value not in {v for v, _name in result[upper]}:
            break
        result[lower] = [(str(c.pk), c.name) for c in Category.objects.filter(parent_id=int(value)).order_by("name")]
    return result


# ---------------------------------------------------------------- who may open a tracking page

TRACKED_SESSION_KEY = "tracked"
MAX_TRACKED = 20


def citizen_user(request: HttpRequest) -> User | None:
    """The signed-in citizen account (a user without a unit), or None for visitors and staff."""
    user = request.user
    if isinstance(user, User) and user.is_authenticated and user.is_active and user.unit_id is None:
        return user
    return None


def tracked_ids(session: SessionBase) -> list[int]:
    raw = session.get(TRACKED_SESSION_KEY, [])
    return [int(i) for i in raw if isinstance(i, int)] if isinstance(raw, list) else []


def grant_tracking(request: HttpRequest, petition: Petition) -> None:
    """Remember in this session that the visitor proved 编号 + 查询码, so follow-up needs no code again."""
    ids = [i for i in tracked_ids(request.session) if i != petition.pk]
    ids.append(petition.pk)
    request.session[TRACKED_SESSION_KEY] = ids[-MAX_TRACKED:]


def find_by_code(number: str, code: str) -> Petition | None:
    """The petition with this 编号 and 查询码; None for a wrong number and a wrong code alike (no oracle).

    A miss counts as a guess against the 编号 (``core.throttling``); callers ask ``guess_wait`` first."""
    petition = Petition.objects.filter(number=number.strip()).first()
    if petition is None or not code.strip() or not petition.check_tracking_code(code):
        guess_failed(number)
        return None
    return petition


def petition_for_visitor(request: HttpRequest, number: str) -> Petition | None:
    """The petition if this session proved its code or the signed-in citizen submitted it; else None.

    Missing and forbidden give the same answer, so the page is no oracle for numbers.
    """
    petition = (
        Petition.objects.select_related(
            "registering_unit", "current_unit", "handling_unit__parent", "review_unit__parent", "recheck_unit"
        )
        .filter(number=number)
        .first()
    )
    if petition is None:
        return None
    if petition.pk in tracked_ids(request.session):
        return petition
    citizen = citizen_user(request)
    if citizen is not None and petition.submitted_by_id == citizen.pk:
        return petition
    return None


def citizen_petitions(user: User) -> QuerySet[Petition]:
    """The petitions a citizen account submitted while signed in or claimed with 编号 + 查询码, newest first."""
    return Petition.objects.filter(submitted_by=user).select_related("current_unit").order_by("-id")


# ---------------------------------------------------------------- the tracking page

CLOCK_STATUS_LABELS = {
    "running": gettext_lazy("Running"),
    "due_soon": gettext_lazy("Due soon"),
    "overdue": gettext_lazy("Overdue"),
    "stopped": gettext_lazy("Finished"),
    "closed": gettext_lazy("Period ended"),
}

_DETAIL_LABELS = {
    "to_unit": gettext_lazy("Sent to"),
    "co_units": gettext_lazy("Co-handling units"),
    "unit": gettext_lazy("unit"),
    "due": gettext_lazy("due"),
    "old_due": gettext_lazy("Previous due date"),
    "new_due": gettext_lazy("New due date"),
    "days": gettext_lazy("days"),
    "reason": gettext_lazy("Reason"),
    "outcome": gettext_lazy("outcome"),
    "served_on": gettext_lazy("Served on"),
    "route": gettext_lazy("Statutory procedure"),
    "ground": gettext_lazy("Ground"),
    "text": gettext_lazy("text"),
    "value": gettext_lazy("rating"),
    "target": gettext_lazy("rated"),
    "channel": gettext_lazy("channel"),
    "received_on": gettext_lazy("received on"),
    "reply_due": gettext_lazy("Written reply due"),
    "leader": gettext_lazy("Leader"),
    "on": gettext_lazy("Date"),
    "meeting": gettext_lazy("Meeting"),
    "view": gettext_lazy("Petitioner's view"),
    "primary": gettext_lazy("Handled together with"),  # 并案: the 编号 of the primary petition
}
_CHOICE_LABELS: dict[str, dict[str, Any]] = {
    "outcome": {**dict(Outcome.choices), **dict(ReviewOutcome.choices), "redo": Action.ORDER_REDO.label},
    "route": dict(DivertRoute.choices),
    "ground": dict(DeclineGround.choices),
    "value": dict(Satisfaction.choices),
    "view": dict(Satisfaction.choices),
    "target": dict(RatingTarget.choices),
    "channel": dict(Channel.choices),
}


@dataclass
class TimelineEntry:
    at: dt.datetime
    title: str
    by: str
    state: str
    details: list[tuple[str, str]] = field(default_factory=list)


def _detail_value(key: str, value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    labels = _CHOICE_LABELS.get(key)
    if labels is not None and value in labels:
        return str(labels[value])
    return str(value)


def timeline(events: list[PetitionEvent]) -> list[TimelineEntry]:
    """The public timeline in plain words: what happened, which unit, the new status and the public details.

    The API's ``PublicEventSerializer`` decides which details are public; internal notes and staff names never
    appear.
    """
    entries = []
    for event, data in zip(events, PublicEventSerializer(events, many=True).data, strict=True):
        public = data["public_data"]
        if event.actor_unit is not None:
            by = event.actor_unit.name
        elif event.action in {Action.RATE, Action.URGE, Action.REQUEST_REVIEW, Action.REQUEST_RECHECK, Action.ATTACH}:
            by = _("You (the petitioner)")
        else:
            by = str(public.get("unit", "")) if event.action == Action.REGISTER else ""
        details = [
            (str(_DETAIL_LABELS[k]), _detail_value(k, v))
            for k, v in public.items()
            if k in _DETAIL_LABELS and v not in ("", None, []) and not (k == "unit" and by == v)
        ]
        changed = event.from_state != event.to_state and bool(event.to_state)
        entries.append(
            TimelineEntry(
                at=event.at,
                title=str(data["action_label"]),
                by=by,
                state=str(data["to_state_label"]) if changed else "",
                details=details,
            )
        )
    return entries


def petitioner_attachments(attachments: list[Attachment], events: list[PetitionEvent]) -> list[Attachment]:
    """Files the petitioner provided: all but those staff added later (an ATTACH event with a staff actor)."""
    staff_added = Counter(
        name for e in events if e.action == Action.ATTACH and e.actor_id is not None for name in e.data.get("files", [])
    )
    result = []
    for a in reversed(attachments):  # staff additions are the later ones
        if staff_added[a.original_name] > 0:
            staff_added[a.original_name] -= 1
            continue
        result.append(a)
    return list(reversed(result))


def petitioner_attachment(petition: Petition, attachment_id: int) -> Attachment | None:
    """One of the files the petitioner provided (as listed on the page); None for staff additions and others."""
    events = list(petition.events.public().filter(action=Action.ATTACH))
    files = petitioner_attachments(list(petition.attachments.order_by("id")), events)
    return next((a for a in files if a.pk == attachment_id), None)


def _rating_stage(petition: Petition) -> str:
    # The same rule as services.petition_rate: one rating per target for the reply and one after the review.
    return State.REVIEWED if petition.state in {State.REVIEWED, State.TERMINATED} else State.REPLIED


@dataclass
class RatingSlot:
    target: str
    label: str
    unit: Unit
    given: Rating | None


def rating_slots(petition: Petition, ratings: list[Rating]) -> list[RatingSlot]:
    """What the petitioner can rate (谁初次办理、谁接受评价): the petition department and the responsible unit."""
    stage = _rating_stage(petition)
    given = {r.target: r for r in ratings if r.stage == stage}
    slots = []
    if petition.registering_unit.is_petition_department:
        slots.append(
            RatingSlot(
                RatingTarget.PETITION_DEPT,
                str(RatingTarget.PETITION_DEPT.label),
                petition.registering_unit,
                given.get(RatingTarget.PETITION_DEPT),
            )
        )
    if petition.handling_unit is not None:
        slots.append(
            RatingSlot(
                RatingTarget.RESPONSIBLE_UNIT,
                str(RatingTarget.RESPONSIBLE_UNIT.label),
                petition.handling_unit,
                given.get(RatingTarget.RESPONSIBLE_UNIT),
            )
        )
    return slots


_WINDOWS = (
    (Action.REQUEST_REVIEW, ClockKind.REVIEW_WINDOW, "Art. 35"),
    (Action.REQUEST_RECHECK, ClockKind.RECHECK_WINDOW, "Art. 36"),
)


def _closed_windows(petition: Petition, clocks: list[Clock], rights: dict[str, dict[str, Any]]) -> None:
    """After the petition closed because a window passed unused, still say when and why it closed.

    ``petitioner_rights`` lists the 复查/复核 windows only while the petition is in the state that allows them;
    this adds the closed window of a petition that has since been closed, with the same sentence.
    """
    if petition.state != State.CLOSED:
        return
    for action, kind, article in _WINDOWS:
        clock = next((c for c in reversed(clocks) if c.kind == kind), None)
        if clock is None or str(action) in rights or clock.stop_reason != "expired":
            continue
        rights[str(action)] = {
            "action": str(action),
            "label": str(action.label),
            "available": False,
            "until": clock.due.isoformat(),
            "article": article,
            "reason": _("Closed on %(due)s: the period is %(days)s days from %(start)s (%(article)s).")
            % {
                "due": clock.due.isoformat(),
                "days": clock.days,
                "start": clock.start.isoformat(),
                "article": article_text(article),
            },
        }


# The 五必问 beyond the matter's own facts and request (those two are the petition's fields; see intake).
_QUESTION_LABELS = {
    "facts": gettext_lazy("Facts"),
    "request_and_reasons": gettext_lazy("Request and reasons"),
    "difficulties": gettext_lazy("Practical difficulties"),
    "history": gettext_lazy("Petition history"),
    "prior_handling": gettext_lazy("Earlier handling"),
}


def petitioner_text(petition: Petition) -> list[tuple[str, str]]:
    """What the petitioner wrote, as (label, text): title, facts, request, the other 五必问 answers, and where.

    Only the petitioner's own words: for an accusation (Art. 30) the person or unit complained about is shown as
    the informant named it (``accused_name``), never the unit staff confirmed; no identity, no staff field.
    """
    rows: list[tuple[str, str]] = [
        (_("Title"), petition.title),
        (_("Facts and reasons"), petition.facts_and_reasons),
        (_("Request"), petition.request),
    ]
    answers = petition.five_questions if isinstance(petition.five_questions, dict) else {}
    own = {"facts": petition.facts_and_reasons, "request_and_reasons": petition.request}
    for key, label in _QUESTION_LABELS.items():
        answer = answers.get(key)
        # The facts and the request are normally the matter's fields themselves: shown once.
        if isinstance(answer, str) and answer.strip() and answer.strip() != own.get(key, "").strip():
            rows.append((str(label), answer))
    if petition.accused_name:
        rows.append((_("Person or unit complained about"), petition.accused_name))
    if petition.problem_address:
        rows.append((_("Where the problem is"), petition.problem_address))
    return [(label, text) for label, text in rows if text.strip()]


# ---------------------------------------------------------------- 并案: the primary's outcome on a merged item's page

_MERGED_WINDOWS = (
    (Action.REQUEST_REVIEW, ClockKind.REVIEW_WINDOW, "Art. 35"),
    (Action.REQUEST_RECHECK, ClockKind.RECHECK_WINDOW, "Art. 36"),
    (Action.RATE, ClockKind.RATING_WINDOW, "国信发〔2022〕11号"),
)


@dataclass
class MergedOutcome:
    """What a merged item's page shows of the primary that answers it (``petitions.services.merged_outcome``)."""

    primary_number: str
    document: Document | None  # the latest opinion served on the primary (reply, 复查 or 复核 opinion)
    opinion: str  # its text, with every other petitioner's identity taken out
    outcome_label: str
    rights: dict[str, dict[str, Any]]
    review_unit: Unit | None
    recheck_unit: Unit | None
    responsible_unit: Unit | None
    stage: str
    # The primary's running handling clock (its due date as extended, Art. 34): what the merged petitioner waits on.
    handling_clock: Clock | None = None


def merged_outcome(petition: Petition, today: dt.date) -> MergedOutcome | None:
    """The primary's served outcome and the merged petitioner's own rights on it, while ``petition`` is merged.

    The rights read the primary's window clocks with the merged petitioner's rule (``shared_window_open``): the
    primary's petitioner using their 复查 request does not close another petitioner's 30 days (Arts. 35, 36).
    """
    primary = merged_primary(petition)
    if primary is None:
        return None
    documents = primary.documents.filter(
        is_public=True,
        status=DocumentStatus.ISSUED,
        kind__in=[DocumentKind.OPINION, DocumentKind.REVIEW_OPINION, DocumentKind.RECHECK_OPINION],
        served_on__isnull=False,
    ).select_related("unit")
    document = documents.exclude(outcome="redo").order_by("-served_on", "-id").first()
    rights: dict[str, dict[str, Any]] = {}
    answered = primary.state in ANSWERED_STATES
    for action, kind, article in _MERGED_WINDOWS:
        clock = shared_window(primary, kind)
        if clock is None:
            continue
        is_open = shared_window_open(clock, today) and (answered or action == Action.RATE)
        rights[str(action)] = window_right(action, clock, article, is_open)
    labels: dict[str, Any] = {**dict(Outcome.choices), **dict(ReviewOutcome.choices)}
    outcome = document.outcome if document is not None else primary.outcome
    handling = primary.handling_unit
    review = primary.review_unit
    return MergedOutcome(
        primary_number=primary.number,
        document=document,
        opinion=redact(document.body, others_identity(petition, primary)) if document is not None else "",
        outcome_label=str(labels.get(outcome, outcome)),
        rights=rights,
        review_unit=handling.parent if handling is not None else None,
        recheck_unit=review.parent if review is not None else None,
        responsible_unit=handling,
        stage=merged_rating_stage(primary),
        handling_clock=handling_clock(primary),
    )


def merged_rating_slots(petition: Petition, merged: MergedOutcome, ratings: list[Rating]) -> list[RatingSlot]:
    """A merged item's petitioner rates the petition department that received their item and the unit that
    handled the primary, once per opinion (the same stages as ``services.petition_rate``)."""
    given = {r.target: r for r in ratings if r.stage == merged.stage}
    slots = []
    if petition.registering_unit.is_petition_department:
        target = RatingTarget.PETITION_DEPT
        slots.append(RatingSlot(target, str(target.label), petition.registering_unit, given.get(target)))
    if merged.responsible_unit is not None:
        target = RatingTarget.RESPONSIBLE_UNIT
        slots.append(RatingSlot(target, str(target.label), merged.responsible_unit, given.get(target)))
    return slots


@dataclass
class TrackPage:
    petition: Petition
    clocks: list[dict[str, Any]]
    next_due: dict[str, Any] | None
    ratings: list[Rating]
    timeline: list[TimelineEntry]
    documents: list[Document]
    attachments: list[Attachment]
    rights: dict[str, dict[str, Any]]
    rating_slots: list[RatingSlot]
    review_unit: Unit | None
    recheck_unit: Unit | None
    # What the petitioner wrote (or said at the counter, as recorded): see ``petitioner_text``.
    written: list[tuple[str, str]] = field(default_factory=list)
    # 并案: while the item is merged, the primary's outcome and the petitioner's rights on it (``merged_outcome``).
    merged: MergedOutcome | None = None

    @property
    def active_clocks(self) -> list[dict[str, Any]]:
        """Time limits still running (including 临期 and 超期)."""
        return [c for c in self.clocks if c["status"] in {"running", "due_soon", "overdue"}]

    @property
    def finished_clocks(self) -> list[dict[str, Any]]:
        """Time limits met, stopped, or windows that have passed."""
        return [c for c in self.clocks if c["status"] not in {"running", "due_soon", "overdue"}]


def track_page(petition: Petition, today: dt.date) -> TrackPage:
    """Everything the tracking page shows, in a fixed number of queries whatever the petition's history."""
    clock_rows = list(petition.clocks.select_related("owing_unit").order_by("start", "id"))
    clocks = list(ClockSerializer(clock_rows, many=True, context={"today": today}).data)
    for row, data in zip(clock_rows, clocks, strict=True):
        data["status_label"] = str(CLOCK_STATUS_LABELS.get(data["status"], data["status"]))
        data["article_text"] = article_text(row.article)
        days_left = data["days_left"]
        data["overdue_days"] = -days_left if days_left is not None and days_left < 0 else 0
    running = [c for c in clocks if c["is_obligation"] and c["status"] in {"running", "due_soon"}]
    next_due = min(running, key=lambda c: c["due"]) if running else None
    events = list(petition.events.public().select_related("actor_unit"))
    documents = list(
        petition.documents.filter(is_public=True, status=DocumentStatus.ISSUED).select_related("unit").order_by("id")
    )
    rights = {r["action"]: r for r in petitioner_rights(petition, today)}
    ratings = list(petition.ratings.select_related("unit").order_by("id"))
    _closed_windows(petition, clock_rows, rights)
    handling = petition.handling_unit
    review = petition.review_unit
    page = TrackPage(
        petition=petition,
        clocks=clocks,
        next_due=next_due,
        timeline=timeline(events),
        documents=documents,
        attachments=petitioner_attachments(list(petition.attachments.order_by("id")), events),
        rights=rights,
        ratings=ratings,
        rating_slots=rating_slots(petition, ratings),
        review_unit=handling.parent if handling is not None else None,
        recheck_unit=review.parent if review is not None else None,
        written=petitioner_text(petition),
    )
    merged = merged_outcome(petition, today)
    if merged is not None:  # 并案: the rights and the units come from the primary that answers this item
        page.merged = merged
        page.rights = {**rights, **merged.rights}
        page.rating_slots = merged_rating_slots(petition, merged, ratings)
        page.review_unit, page.recheck_unit = merged.review_unit, merged.recheck_unit
    return page


# ---------------------------------------------------------------- ratings of the online service (statistics)


def service_ratings_visible_to(user: User) -> QuerySet[ServiceRating]:
    """Ratings of the online service on the petitions ``user`` (staff) may see: the statistics layer's source."""
    return ServiceRating.objects.filter(petition__in=petitions_visible_to(user))


# ---------------------------------------------------------------- Art. 18: published channels


def info_areas() -> list[tuple[str, str]]:
    """Areas to filter the list of petition departments by: provinces and cities."""
    qs = _governments().filter(level__in=[Level.PROVINCE, Level.CITY]).order_by("path")
    return [(u.division_code, area_name(u)) for u in qs]


def petition_departments(area_code: str = "") -> QuerySet[Unit]:
    """Active petition departments: in one area's subtree, or by default those at national to city level."""
    qs = Unit.objects.active().filter(unit_type=UnitType.PETITION_DEPT)
    if area_code:
        government = _governments().filter(division_code=area_code).first()
        if government is None:
            return Unit.objects.none()
        qs = qs.within(government.path)
    else:
        qs = qs.filter(level__in=[Level.NATIONAL, Level.PROVINCE, Level.CITY])
    return qs.order_by("path")
