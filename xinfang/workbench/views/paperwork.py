"""Paperwork to print: the 登记回执 (receipt) handed to a visitor or read to a caller, and the 案卷 (case file).

The receipt is the page the registrar lands on after registering: it carries the 查询码 this once (the code is
stored only as a keyed hash, ADR 0004), the 编号, the receiving unit, the received date, how to track and the first
time limit. Opened again later, it prints without the code. The case file is for whoever may see the petition,
with the petitioner's identity masked exactly as on the petition page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from xinfang.core import timeutil
from xinfang.core.audit import identity_read_record
from xinfang.core.models import IdentitySurface
from xinfang.deadlines.rules import ClockKind
from xinfang.petitions import selectors
from xinfang.petitions.api.serializers import ClockSerializer, PetitionerOutSerializer, staff_label
from xinfang.workbench.access import staff_required, staff_user
from xinfang.workbench.display import timeline
from xinfang.workbench.views.petition import _clocks, _documents, _five_questions
from xinfang.workbench.views.register import RECEIPT_SESSION_KEY


@never_cache
@staff_required
@require_GET
def receipt(request: HttpRequest, key: str) -> HttpResponse:
    """登记回执 — printable; the 查询码 appears only on the first view after registration."""
    user = staff_user(request)
    petition = selectors.petition_get_visible(user, key)
    code = ""
    pending = request.session.get(RECEIPT_SESSION_KEY)
    if isinstance(pending, dict) and pending.get("number") == petition.number:
        code = str(pending.get("code") or "")
        del request.session[RECEIPT_SESSION_KEY]
    clock = (
        petition.clocks.filter(kind__in=[ClockKind.ROUTE, ClockKind.NOTICE])
        .select_related("owing_unit")
        .order_by("start", "id")
        .first()
    )
    petitioners = list(petition.petitioners.order_by("id").values_list("name", flat=True))
    context = {
        "nav": "register",
        "petition": petition,
        "code": code,
        "unit": petition.registering_unit,
        "registered_by": staff_label(petition.registered_by) if petition.registered_by_id else "",
        "petitioner_names": "、".join(n for n in petitioners if n) if not petition.is_anonymous else "",
        "clock": ClockSerializer(clock, context={"today": timeutil.today()}).data if clock else None,
        "track_url": request.build_absolute_uri(reverse("portal:track")),
    }
    return render(request, "workbench/receipt.html", context)


@staff_required
@require_GET
def case_file(request: HttpRequest, key: str) -> HttpResponse:
    """案卷 — the case, the timeline, the clocks and the documents list, for printing (identity as on the page)."""
    user = staff_user(request)
    petition = selectors.petition_get_visible(user, key)
    show_identity = selectors.can_see_identity(user, petition)
    if show_identity:
        identity_read_record(user=user, petition_ids=[petition.pk], surface=IdentitySurface.PETITION_PAGE)
    context = {
        "petition": petition,
        "show_identity": show_identity,
        "petitioners": PetitionerOutSerializer(
            petition.petitioners.order_by("id"), many=True, context={"show_identity": show_identity}
        ).data,
        "registered_by": staff_label(petition.registered_by) if petition.registered_by_id else "",
        "five_questions": _five_questions(petition),
        "clocks": _clocks(petition),
        "timeline": timeline(petition),
        "attachments": list(petition.attachments.order_by("id")),
        "documents": _documents(user, petition),
        "printed_on": timeutil.today(),
        "printed_by": staff_label(user),
    }
    return render(request, "workbench/case_file.html", context)
