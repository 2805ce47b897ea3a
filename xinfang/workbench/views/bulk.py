"""批量操作: the inbox's bulk actions — a result per selected row (done, or refused with the service's reason)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput
from xinfang.orgs.models import User
from xinfang.petitions.api.views import ACTIONS
from xinfang.petitions.models import Petition
from xinfang.workbench import bulk
from xinfang.workbench.access import staff_required, staff_user
from xinfang.workbench.actionforms import FIELD_LABELS
from xinfang.workbench.ledger import Export, export_response

# The inputs each bulk action reads from the toolbar (the serializer of ACTIONS[action] validates them).
INPUTS: dict[str, tuple[str, ...]] = {
    "assign_handler": ("assignee", "note"),
    "forward": ("to_unit", "note"),
    "assign": ("to_unit", "feedback_days", "note"),
}


def _bad(request: HttpRequest, errors: list[tuple[str, str]], back: str) -> HttpResponse:
    """400 with the fields named (never a 500), and a link back to the list."""
    return render(request, "workbench/bulk_result.html", {"nav": "inbox", "errors": errors, "back": back}, status=400)


@staff_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponseBase:
    user = staff_user(request)
    back = request.POST.get("back", "")
    back = back if back.startswith("?") or not back else ""  # only a query string of the inbox: no open redirect
    try:
        ids = bulk.parse_ids(request.POST.getlist("ids"))
    except InvalidInput as error:
        return _bad(request, [(gettext("Selected rows"), str(error.message))], back)
    chosen = request.POST.get("action", "")
    if chosen == bulk.EXPORT:
        qs = Petition.objects.filter(pk__in=[p.pk for p in bulk.selected(user, ids)]).order_by("pk")
        today = timeutil.today()
        name = f"台账-selected-{today.isoformat()}"
        return export_response(Export(user=user, queryset=qs, name=name, today=today), request.POST.get("format", ""))
    if chosen in bulk.DESK_LABELS:
        return _desk_action(request, user, chosen, ids, back)
    try:
        action = bulk.parse_action(chosen)
    except InvalidInput as error:
        return _bad(request, [(gettext("Action"), str(error.message))], back)
    payload: dict[str, Any] = {}
    for name in INPUTS[action.value]:
        value = request.POST.get(name, "")
        if value != "" or name == "note":
            payload[name] = value
    ser = ACTIONS[action].serializer(data=payload)
    if not ser.is_valid():
        errors = []
        for name, messages in ser.errors.items():
            label = str(FIELD_LABELS.get(name, name))
            texts = messages if isinstance(messages, list) else [messages]
            errors += [(label, str(m)) for m in texts]
        return _bad(request, errors, back)
    results = bulk.bulk_apply(actor=user, action=action, ids=ids, data=dict(ser.validated_data))
    return _results(request, str(action.label), results, back)


def _results(request: HttpRequest, label: str, results: list[bulk.ItemResult], back: str) -> HttpResponse:
    context = {
        "nav": "inbox",
        "action": {"label": label},
        "results": results,
        "done": [r for r in results if r.done],
        "refused": [r for r in results if not r.done],
        "back": back,
    }
    return render(request, "workbench/bulk_result.html", context)


def _desk_action(request: HttpRequest, user: User, chosen: str, ids: list[int], back: str) -> HttpResponse:
    """督办 or 重点 on each row through the desk's own service; bad input is a 400 naming the field."""
    labels = {"matter": gettext("Supervision matter"), "reply_days": gettext("Reply period (working days)")}
    labels["reason"] = gettext("Reason")
    try:
        if chosen == bulk.SUPERVISE:
            matter = bulk.parse_matter(request.POST.get("matter", ""))
            days = bulk.parse_reply_days(request.POST.get("reply_days", ""))
            results = bulk.bulk_supervise(actor=user, ids=ids, matter=matter, reply_days=days)
        else:
            reason = bulk.parse_reason(request.POST.get("reason", ""))
            results = bulk.bulk_mark_key(actor=user, ids=ids, reason=reason)
    except InvalidInput as error:
        return _bad(request, [(labels.get(error.field or "", gettext("Action")), str(error.message))], back)
    return _results(request, str(bulk.DESK_LABELS[chosen]), results, back)
