"""典型案例 in a 通报 (issue 13, item 5): good practice and 不担当不作为 cases, chosen by the issuing unit's
supervisors or analysts and approved by its head or leader before they show.

A case is printed as its 编号, the unit concerned and the account of what went right or wrong — never the
petitioner's identity (name, phone, 身份证号, address, e-mail) nor an accusation's informant: the account is
refused when it contains any of those of the petition's petitioners, and nothing else of the petition is printed.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.orgs.models import Role, Unit, User
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.supervision.models import Bulletin, BulletinCase, CaseVerdict

CHOOSER_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.HEAD, Role.ANALYST)
APPROVER_ROLES = (Role.HEAD, Role.LEADER)
VERDICT_WORDS = {CaseVerdict.GOOD_PRACTICE: "典型经验", CaseVerdict.NEGLIGENCE: "不担当不作为典型案例"}
MIN_IDENTITY_CHARS = 2  # a one-character fragment of a name is not treated as the name


def _identity_fragments(petition: Petition) -> list[str]:
    out: list[str] = []
    for person in Petitioner.objects.filter(petition=petition):
        for value in (person.name, person.phone, person.id_number, person.address, person.email):
            text = (value or "").strip()
            if len(text) >= MIN_IDENTITY_CHARS:
                out.append(text)
    return out


def require_no_identity(petition: Petition, account: str) -> None:
    """Refuse an account that names a petitioner of ``petition`` or gives their phone, ID number, address."""
    for fragment in _identity_fragments(petition):
        if fragment in account:
            raise InvalidInput(
                _("The account must not identify the petitioner (name, phone, ID number, address)."),
                field="account",
            )


def may_choose(user: User, bulletin: Bulletin) -> bool:
    """Supervisors, analysts, heads and leaders of the bulletin's issuing unit choose its cases."""
    return user.unit_id == bulletin.unit_id and user.has_role(*CHOOSER_ROLES)


def may_approve(user: User, bulletin: Bulletin) -> bool:
    """The head or a leader of the issuing unit approves a case."""
    return user.unit_id == bulletin.unit_id and user.has_role(*APPROVER_ROLES)


def bulletin_cases_visible_to(user: User, bulletin: Bulletin) -> QuerySet[BulletinCase]:
    """Cases of ``bulletin`` (which the caller found through ``bulletins_visible_to``): the approved ones for
    every reader, and those awaiting approval too for the issuing unit's choosers and approvers."""
    qs = BulletinCase.objects.filter(bulletin=bulletin).select_related("petition", "unit").order_by("verdict", "id")
    if may_choose(user, bulletin):
        return qs
    return qs.filter(approved_at__isnull=False)


def bulletin_case_get(user: User, bulletin: Bulletin, pk: int) -> BulletinCase | None:
    return bulletin_cases_visible_to(user, bulletin).filter(pk=pk).first()


def case_line(case: BulletinCase) -> str:
    """One case as printed: 【kind】编号，unit：account. Nothing else of the petition."""
    return f"【{VERDICT_WORDS[CaseVerdict(case.verdict)]}】{case.petition.number}，{case.unit.name}：{case.account}"


@transaction.atomic
def bulletin_case_add(
    *, actor: User, bulletin: Bulletin, petition: Petition, unit: Unit, verdict: str, account: str
) -> BulletinCase:
    """Choose a typical case for ``bulletin``: a petition the actor may see, in the bulletin's scope."""
    if not may_choose(actor, bulletin):
        raise NotPermitted(_("Only supervisors, analysts and leaders of the issuing unit choose its typical cases."))
    if verdict not in CaseVerdict.values:
        raise InvalidInput(_("Choose good practice or failure to act."), field="verdict")
    if not petitions_visible_to(actor).filter(pk=petition.pk).exists():
        raise InvalidInput(_("Choose a petition you may see."), field="petition")
    if not unit.is_within(bulletin.scope_path):
        raise InvalidInput(_("%(unit)s is outside the bulletin's area.") % {"unit": unit.name}, field="unit")
    account = (account or "").strip()
    if not account:
        raise InvalidInput(_("Say what went right or wrong."), field="account")
    require_no_identity(petition, account)
    if BulletinCase.objects.filter(bulletin=bulletin, petition=petition).exists():
        raise RuleViolation(_("This petition is already a case of the bulletin."), code="exists")
    return BulletinCase.objects.create(
        bulletin=bulletin,
        petition=petition,
        unit=unit,
        verdict=verdict,
        account=account,
        chosen_by=actor,
        chosen_at=timeutil.now(),
    )


@transaction.atomic
def bulletin_case_approve(*, actor: User, case: BulletinCase) -> BulletinCase:
    """The issuing unit's head or leader approves a case; only approved cases show in the bulletin."""
    case = BulletinCase.objects.select_for_update().select_related("bulletin").get(pk=case.pk)
    if not may_approve(actor, case.bulletin):
        raise NotPermitted(_("Only the head or a leader of the issuing unit approves its typical cases."))
    if case.approved_at is not None:
        raise RuleViolation(_("This case is already approved."), code="already_approved")
    case.approved_by = actor
    case.approved_at = timeutil.now()
    case.save(update_fields=["approved_by", "approved_at"])
    return case


def bulletin_case_lines(bulletin: Bulletin) -> list[str]:
    """The approved cases as printed: 【kind】编号, unit: account. Nothing else of the petition."""
    rows = (
        BulletinCase.objects.filter(bulletin=bulletin, approved_at__isnull=False)
        .select_related("petition", "unit")
        .order_by("verdict", "id")
    )
    return [case_line(r) for r in rows]
