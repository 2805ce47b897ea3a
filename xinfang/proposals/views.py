"""Pages of people's proposals: the public side under /proposals/ and a staff list and detail page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render

from xinfang.core.errors import DomainError
from xinfang.proposals import selectors, services
from xinfang.proposals.forms import ProposalForm
from xinfang.proposals.models import Call, Proposal
from xinfang.workbench.access import staff_required, staff_user

_RECEIPT_KEY = "proposal_receipt"


def calls(request: HttpRequest) -> HttpResponse:
    """Open calls for proposals, and a link to make a proposal on any matter."""
    return render(request, "proposals/calls.html", {"calls": selectors.open_calls()})


def submit(request: HttpRequest, call_id: int | None = None) -> HttpResponseBase:
    call = get_object_or_404(selectors.open_calls(), pk=call_id) if call_id is not None else None
    form = ProposalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data: dict[str, Any] = dict(form.cleaned_data)
            try:
                proposal = services.proposal_submit(call=call, **data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            else:
                request.session[_RECEIPT_KEY] = proposal.pk
                return redirect("proposals:receipt")
        status = 400
    return render(request, "proposals/submit.html", {"form": form, "call": call}, status=status)


def receipt(request: HttpRequest) -> HttpResponseBase:
    """回执 with the proposal number, shown to the browser that submitted it."""
    pk = request.session.get(_RECEIPT_KEY)
    proposal = Proposal.objects.select_related("receiving_unit").filter(pk=pk).first() if pk else None
    if proposal is None:
        return redirect("proposals:calls")
    return render(request, "proposals/receipt.html", {"proposal": proposal})


def adopted(request: HttpRequest) -> HttpResponse:
    """The public page of adopted proposals and what came of them: no proposer data is read or shown."""
    return render(request, "proposals/adopted.html", {"proposals": selectors.public_adopted()[:200]})


@staff_required
def desk(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    rows = selectors.proposals_visible_to(user).select_related("receiving_unit", "owning_unit")[:200]
    return render(request, "proposals/desk.html", {"proposals": rows, "calls": Call.objects.filter(unit=user.unit)})


@staff_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    proposal = selectors.proposal_get_visible(user, pk)
    return render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "events": proposal.events.select_related("actor_unit"),
            "clocks": proposal.clocks.select_related("owing_unit"),
            "actions": selectors.allowed_actions(user, proposal),
        },
    )
