"""htmx: the searchable unit picker (name or code contains), inside the sender's area, with each unit's parents."""

from __future__ import annotations

import json
import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from xinfang.core.limits import parse_id
from xinfang.orgs.models import UnitType
from xinfang.petitions import selectors
from xinfang.workbench import selectors as wb
from xinfang.workbench.access import staff_required, staff_user
from xinfang.workbench.actionforms import UnitPicker

_NAME = re.compile(r"^[a-z_]{1,40}$")
_PREFIX = re.compile(r"^[a-z0-9_-]{1,60}$")


@staff_required
def unit_search(request: HttpRequest) -> HttpResponse:
    """The options of one picker. With ``petition``: units in the holding unit's area (where it may route,
    Art. 22); without: the registrar's province (the unit complained about)."""
    user = staff_user(request)
    params = request.GET
    name = params.get("field", "")
    prefix = params.get("prefix", "")
    if not _NAME.match(name) or not _PREFIX.match(prefix):
        return HttpResponse(status=400)
    multiple = params.get("multiple") == "1"
    unit_type = params.get("type", "")
    unit_type = unit_type if unit_type in UnitType.values else ""
    key = params.get("petition", "")
    chosen_ids = [i for i in (parse_id(v) for v in params.getlist(name)) if i is not None]
    own = params.get("own") == "1"  # the inbox's bulk toolbar: units the user's own unit may route to
    if key:
        petition = selectors.petition_get_visible(user, key)
        sender = petition.current_unit
        scope, exclude = sender.scope_path, sender.pk
    elif own and user.unit is not None:
        scope, exclude = user.unit.scope_path, user.unit.pk
    else:
        scope, exclude = wb.picker_scope_for_registration(user), None
    chosen, options, more = wb.unit_options(
        scope, exclude=exclude, text=params.get("unit_q", "")[:100], unit_type=unit_type, selected=chosen_ids
    )
    vals = {"field": name, "prefix": prefix, "multiple": "1" if multiple else "0", "petition": key, "type": unit_type}
    if own:
        vals["own"] = "1"
    picker = UnitPicker(
        chosen=chosen,
        options=options,
        more=more,
        multiple=multiple,
        search_url=reverse("workbench:unit_search"),
        vals=json.dumps(vals),
        allow_none=not key and not own,
    )
    fid = f"{prefix}-{name}"
    return render(request, "workbench/_unit_options.html", {"picker": picker, "name": name, "fid": fid})
