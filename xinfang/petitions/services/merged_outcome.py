"""并案 outcome — what a merged item's petitioner gets when the primary is decided (issue 11).

A petition merged into a primary (state ``MERGED``, ``services.merging``) is answered by the primary's handling:

- **Who hears an outcome.** ``outcome_recipients(P)`` is the one answer to "whose petitions does an outcome of P
  reach": P and the items still merged into P. The petitioner notices (``notify.petitioner``) and the rating
  reminder use it, so each merged item's petitioner gets the same message as the primary's, on their own channel
  and under their own 编号.
- **Who hears a step that changes the wait.** Before the primary is decided its merged petitioners wait on its
  handling: its acceptance (and the 60-day clock it starts, Art. 34), its extension (延期, Art. 34) and its ending
  without an answer on the matter (导入法定途径, Art. 31; 不予受理 as out of scope) reach them too
  (``notify.petitioner.MERGED_STEPS``). Whatever staff wrote for the primary's petitioner (a reason) reaches them
  with every other petitioner's identity taken out (``others_identity``, ``redact``; Art. 30), as the opinion does
  on their tracking page; and that page shows the primary's handling clock (``handling_clock``).
- **Rating.** A merged item's petitioner rates on their own item (the rating row is theirs, so each petitioner's
  rating counts once in 满意率), in the primary's rating window (the same clock: it closes when the primary's does),
  the petition department that received *their* item and the unit that handled the primary (谁初次办理、谁接受评价).
- **复查 / 复核.** Each petitioner has their own 30 days from receiving the opinion (Arts. 35, 36). The primary's
  petitioner using their request does not shorten the merged petitioner's: the primary's window clock stopped as
  "used" still counts until its due date for them. The request unmerges nothing: the merged item's own record
  leaves ``MERGED`` for ``REVIEW`` (or ``RECHECK``) with the primary's handling unit (and reviewer) as its own and
  ``merged_into`` kept, and its timeline names the primary whose opinion is contested. From there it follows the
  ordinary review chain on its own record; later outcomes of the primary no longer reach it.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import Unit
from xinfang.petitions.models import AccessReason, Clock, Petition, Petitioner
from xinfang.petitions.services.common import grant, require_window_open
from xinfang.petitions.workflow import State

REDACTED = "××"  # what stands for another petitioner's name, number or address in a text shown to a petitioner
USED_STOP = "used"  # Clock.stop_reason of a window its petitioner used (services.review._escalate)
# The primary states in which its written answer stands (not sent back to be decided again, Art. 35).
ANSWERED_STATES = frozenset(
    {State.REPLIED, State.REVIEW, State.REVIEWED, State.RECHECK, State.CLOSED, State.TERMINATED}
)


def outcome_recipients(petition: Petition) -> list[Petition]:
    """The petitions an outcome of ``petition`` reaches: itself, then the items still merged into it (by id)."""
    merged = Petition.objects.filter(merged_into=petition, state=State.MERGED).select_related(
        "registering_unit", "current_unit", "submitted_by"
    )
    return [petition, *merged.order_by("id")]


def outcome_recipients_of(primaries: list[Petition]) -> dict[int, list[Petition]]:
    """``outcome_recipients`` of many petitions in one query: {primary id: [primary, *merged items by id]}."""
    out: dict[int, list[Petition]] = {p.pk: [p] for p in primaries}
    merged = Petition.objects.filter(merged_into_id__in=list(out), state=State.MERGED).select_related(
        "registering_unit", "current_unit", "submitted_by"
    )
    for item in merged.order_by("id"):
        assert item.merged_into_id is not None  # noqa: S101 - filtered on it
        out[item.merged_into_id].append(item)
    return out


def others_identity(petition: Petition, primary: Petition) -> list[str]:
    """Identifying strings of every other petitioner whose item the primary's handling answers — the primary's and
    the items merged into it, ``petition`` itself left out (names, ID numbers, phones, addresses, e-mails) — longest
    first so that no part of a longer one is left behind."""
    others = Petition.objects.filter(merged_into=primary).exclude(pk=petition.pk).values_list("pk", flat=True)
    ids = [pk for pk in [primary.pk, *others] if pk != petition.pk]
    people = Petitioner.objects.filter(petition_id__in=ids)
    words = {w.strip() for p in people for w in (p.name, p.id_number, p.phone, p.address, p.email)}
    words |= {form for p in people for form in name_forms(p.name)}
    return sorted((w for w in words if len(w) >= 2), key=len, reverse=True)


#: Two-character surnames (复姓) common enough to be written in a reply; any other name's surname is its first
#: character.
COMPOUND_SURNAMES = frozenset(  # two characters each
    re.findall("..", "欧阳司马诸葛上官东方皇甫尉迟公孙慕容长孙宇文司徒夏侯轩辕令狐端木独孤南宫西门呼延申屠澹台")
)
_CHINESE_NAME = re.compile(r"^[\u4e00-\u9fff·]{2,5}$")


def name_forms(name: str) -> list[str]:
    """How staff may refer to a person without the full name — 张先生, 张女士, 张某(某), 老张, 小张 — for a Chinese
    name of two to five characters (a compound surname such as 欧阳 taken whole); nothing for any other name."""
    name = name.strip()
    if not _CHINESE_NAME.match(name):
        return []
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[0]
    return [surname + suffix for suffix in ("先生", "女士", "某某", "某")] + ["老" + surname, "小" + surname]


def redact(text: str, words: list[str]) -> str:
    """The text with each of ``words`` replaced (Art. 30: one petitioner never learns who else petitioned)."""
    for word in words:
        text = text.replace(word, REDACTED)
    return text


def handling_clock(primary: Petition) -> Clock | None:
    """The primary's running handling clock (60 days or simple handling, as extended: Art. 34), which its merged
    petitioners wait on too; None before acceptance and once it stopped (answered, agreed, ended)."""
    return (
        Clock.objects.filter(
            petition=primary, kind__in=[ClockKind.HANDLE, ClockKind.HANDLE_SIMPLE], stopped_on__isnull=True
        )
        .order_by("-id")
        .first()
    )


def merged_primary(petition: Petition) -> Petition | None:
    """The primary whose handling answers ``petition``, while it is merged; None otherwise."""
    if petition.state != State.MERGED or petition.merged_into_id is None:
        return None
    return Petition.objects.select_related("registering_unit", "handling_unit", "review_unit").get(
        pk=petition.merged_into_id
    )


def shared_window(primary: Petition, kind: ClockKind) -> Clock | None:
    """The primary's latest window clock of ``kind``, as it stands for a merged item's petitioner."""
    return Clock.objects.filter(petition=primary, kind=kind).order_by("-id").first()


def shared_window_open(clock: Clock | None, today: dt.date) -> bool:
    """Open for a merged item's petitioner: until its due date, unless it ended for another reason than being
    used by the primary's petitioner (their request does not shorten another petitioner's 30 days)."""
    if clock is None or today > clock.due:
        return False
    return clock.stopped_on is None or clock.stop_reason == USED_STOP


def require_shared_window(primary: Petition, kind: ClockKind, what: str, article: str) -> Clock:
    """``require_window_open`` on the primary's clock for a merged item's petitioner (same refusals and words)."""
    clock = shared_window(primary, kind)
    if clock is not None and shared_window_open(clock, timeutil.today()):
        return clock
    return require_window_open(primary, kind, what, article)


def require_petitioner_window(
    petition: Petition, primary: Petition | None, kind: ClockKind, what: str, article: str
) -> Clock | None:
    """The petitioner's window of ``kind`` must be open: their own, or — for a merged item (``primary`` given) — the
    primary's as it stands for them (``require_shared_window``). Raises the window's refusal citing ``article``."""
    if primary is not None:
        return require_shared_window(primary, kind, what, article)
    return require_window_open(petition, kind, what, article)


def merged_rating_stage(primary: Petition) -> State:
    """Which opinion a merged item's rating is about: the 复查 opinion once one was served, else the reply."""
    return State.REVIEWED if primary.review_served_on is not None else State.REPLIED


def merged_review_terms(petition: Petition, primary: Petition, *, recheck: bool) -> None:
    """Before a merged item's own 复查/复核 opens: the primary's answer must still stand, and the item takes the
    primary's handling unit (and reviewer) as its own so the review chain runs on it. Saves those fields and lets
    the unit that answered it see it (its record now carries that unit's opinion to review)."""
    if primary.state not in ANSWERED_STATES:
        raise RuleViolation(
            _("%(n)s is being decided again; you will be told its new answer.") % {"n": primary.number},
            code="primary_redo",
            article="Art. 35",
        )
    petition.handling_unit = primary.handling_unit
    fields = ["handling_unit"]
    if recheck:
        petition.review_unit = primary.review_unit
        fields.append("review_unit")
    petition.save(update_fields=fields)
    for unit in (primary.handling_unit, primary.review_unit if recheck else None):
        if isinstance(unit, Unit):
            grant(petition, unit, AccessReason.ROUTED)


def grant_rated_unit(petition: Petition, unit: Unit) -> None:
    """A merged item's rating of the unit that handled its primary counts where that unit's ratings count: the
    unit answered this item too, so it is among the units the item's figures are placed at (stats.facts)."""
    grant(petition, unit, AccessReason.ROUTED)
