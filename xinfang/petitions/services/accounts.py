"""认领: a citizen account takes in an earlier petition (sent before signing up, or by letter or visit).

The caller (the portal) has proven 编号 + 查询码 first, as for every petitioner action. The petition joins the
account's list (``Petition.submitted_by``), and the internal timeline says so without naming the account.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.services.common import lock, record, require
from xinfang.petitions.workflow import Action


@transaction.atomic
def petition_claim(*, petition: Petition, account: User) -> Petition:
    """Add ``petition`` to the citizen ``account`` (a user without a unit, never staff).

    Refused (``NotPermitted``) when another account already holds it: a petition belongs to one account, and the
    refusal says no more than a wrong 查询码 would. Claiming one's own petition again changes nothing and writes
    no event. The event is internal and holds no identity: no actor, no account, no data (Art. 21)."""
    if account.unit_id is not None or account.is_staff or account.is_superuser or not account.is_active:
        raise InvalidInput(_("Only a citizen account can add a petition to its list."), field="account")
    petition = lock(petition)
    require(petition, Action.CLAIM, None)
    if petition.submitted_by_id == account.pk:
        return petition
    if petition.submitted_by_id is not None:
        raise NotPermitted(_("This petition cannot be added to your account."))
    petition.submitted_by = account
    petition.save(update_fields=["submitted_by", "updated_at"])
    record(petition, Action.CLAIM, None, from_state=petition.state, public=False)
    return petition
