"""指定承办人: ownership inside the holding unit — a head names the staff member who owns the item."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.services.common import lock, record, require
from xinfang.petitions.workflow import Action


def _name(user: User | None) -> str | None:
    return str(user) if user is not None else None


@transaction.atomic
def petition_assign_handler(*, petition: Petition, actor: User, assignee: User | None, note: str = "") -> Petition:
    """Name (or, with ``assignee`` None, clear) the 承办人 of a petition the actor's unit holds.

    The assignee must be an active staff member of the holding unit. No state changes; the internal timeline
    records the previous and the new name, so a reassignment is visible."""
    petition = lock(petition)
    require(petition, Action.ASSIGN_HANDLER, actor)
    if assignee is not None and (not assignee.is_active or assignee.unit_id != petition.current_unit_id):
        raise InvalidInput(
            _("The handler in charge must be an active staff member of %(unit)s.")
            % {"unit": petition.current_unit.name},
            field="assignee",
        )
    previous = petition.assignee
    if (previous.pk if previous else None) == (assignee.pk if assignee else None):
        raise InvalidInput(_("This person is already the handler in charge."), field="assignee")
    petition.assignee = assignee
    petition.save(update_fields=["assignee", "updated_at"])
    data = {"assignee": _name(assignee), "previous": _name(previous)}
    record(petition, Action.ASSIGN_HANDLER, actor, from_state=petition.state, data=data, note=note, public=False)
    return petition
