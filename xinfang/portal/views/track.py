"""查询 — tracking with 编号 + 查询码, the petitioner's page, and what the petitioner can do there (Art. 21).

The follow-up actions (催办, 评价, 复查/复核 requests, more material) post with htmx and get back the page's live
part; without JavaScript the same forms post normally and the page is shown again (POST-redirect-GET on success).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.core.files import protected_file_response
from xinfang.core.throttling import guess_wait
from xinfang.documents.services import docx_response, public_document_or_404
from xinfang.orgs.models import User
from xinfang.petitions import services
from xinfang.petitions.models import Petition, RatingTarget
from xinfang.portal import selectors
from xinfang.portal.forms import (
    AttachmentsForm,
    RateForm,
    ReasonForm,
    ServiceRatingForm,
    TrackForm,
    UrgeForm,
    apply_error,
)
from xinfang.portal.services import editable_until, service_rating_give, service_rating_of
from xinfang.portal.throttle import SUBMIT, TRACK, refuse_attempt, throttle_wait, wait_minutes
from xinfang.portal.views.common import is_htmx


@never_cache
@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """The 编号 + 查询码 form. A wrong pair gets one generic answer, whichever half is wrong."""
    if request.method != "POST":
        form = TrackForm(initial={"number": request.GET.get("number", "")[:40]})
        return render(request, "portal/track_form.html", {"form": form})
    form = TrackForm(request.POST)
    wait = throttle_wait(request, TRACK)
    if wait is not None:
        refuse_attempt(form, wait)
        return render(request, "portal/track_form.html", {"form": form}, status=429)
    if form.is_valid() and (held := guess_wait(form.cleaned_data["number"])) is not None:
        refuse_attempt(form, held)  # too many wrong codes for this 编号, from anywhere
        return render(request, "portal/track_form.html", {"form": form}, status=429)
    if form.is_valid():
        petition = selectors.find_by_code(form.cleaned_data["number"], form.cleaned_data["code"])
        if petition is not None:
            request.session.cycle_key()
            selectors.grant_tracking(request, petition)
            return HttpResponseRedirect(reverse("portal:track_detail", args=[petition.number]))
        form.add_error(None, _("No petition matches this number and query code. Check both and try again."))
    return render(request, "portal/track_form.html", {"form": form}, status=400)


SERVICE_RATING_TOKEN = "service_rating_token"  # noqa: S105 - the session key's name, not a secret


def _service_rater(request: HttpRequest, petition: Petition, *, create: bool = False) -> tuple[User | None, str]:
    """Who rates the online service: the account holding the petition, else this tracking session's token."""
    citizen = selectors.citizen_user(request)
    if citizen is not None and petition.submitted_by_id == citizen.pk:
        return citizen, ""
    token = request.session.get(SERVICE_RATING_TOKEN, "")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(24) if create else ""
        if token:
            request.session[SERVICE_RATING_TOKEN] = token
    return None, token


def _service_rating_context(request: HttpRequest, petition: Petition, bound: forms.Form | None) -> dict[str, Any]:
    account, token = _service_rater(request, petition)
    given = service_rating_of(petition, account=account, session_token=token)
    until = editable_until(given) if given is not None else None
    initial = {"value": given.value, "comment": given.comment} if given is not None else {}
    return {
        "service_rating": given,
        "service_rating_until": until,
        "service_rating_editable": until is None or timeutil.today() <= until,
        "service_rating_form": bound or ServiceRatingForm(prefix="service", initial=initial),
    }


def _page_context(
    request: HttpRequest, petition: Petition, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    page = selectors.track_page(petition, timeutil.today())
    bound = bound or {}
    rate_forms = {
        slot.target: bound.get(f"rate-{slot.target}")
        or RateForm(prefix=f"rate-{slot.target}", initial={"target": slot.target})
        for slot in page.rating_slots
    }
    return {
        "page": page,
        "petition": petition,
        "urge_form": bound.get("urge") or UrgeForm(prefix="urge"),
        "rate_forms": rate_forms,
        "review_form": bound.get("review") or ReasonForm(prefix="review"),
        "recheck_form": bound.get("recheck") or ReasonForm(prefix="recheck"),
        "attach_form": bound.get("attach") or AttachmentsForm(prefix="attach"),
        **_service_rating_context(request, petition, bound.get("service")),
    }


@never_cache
@require_GET
def track_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The petitioner's page: status, clocks, timeline, documents, materials and the actions open now."""
    petition = selectors.petition_for_visitor(request, number)
    if petition is None:
        # The same answer for a number that does not exist and one this visitor has not proved.
        return HttpResponseRedirect(f"{reverse('portal:track')}?{urlencode({'number': number})}")
    return render(request, "portal/track.html", _page_context(request, petition))


def _act(
    request: HttpRequest,
    number: str,
    key: str,
    form: forms.Form,
    perform: Callable[[Petition, dict[str, Any]], Any],
    done: str,
    anchor: str,
) -> HttpResponse:
    petition = selectors.petition_for_visitor(request, number)
    if petition is None:
        if is_htmx(request):  # e.g. the session expired: send the whole page to the tracking form
            response = HttpResponse(status=204)
            response["HX-Redirect"] = f"{reverse('portal:track')}?{urlencode({'number': number})}"
            return response
        raise Http404
    ok = False
    if form.is_valid():
        try:
            perform(petition, form.cleaned_data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            ok = True
    fresh = selectors.petition_for_visitor(request, number)
    assert fresh is not None  # noqa: S101 - it was visible a moment ago and petitions are never deleted
    if is_htmx(request):
        context = _page_context(request, fresh, None if ok else {key: form})
        context["status_message"] = done if ok else ""
        return render(request, "portal/track/live.html", context)
    if ok:
        messages.success(request, done)
        return HttpResponseRedirect(f"{reverse('portal:track_detail', args=[fresh.number])}#{anchor}")
    context = _page_context(request, fresh, {key: form})
    context["error_anchor"] = anchor  # without JavaScript: a link at the top to the form that needs attention
    return render(request, "portal/track.html", context, status=400)


@require_POST
def urge(request: HttpRequest, number: str) -> HttpResponse:
    """催办 — only once a time limit has passed (the service refuses otherwise, saying the next due date)."""
    return _act(
        request,
        number,
        "urge",
        UrgeForm(request.POST, prefix="urge"),
        lambda p, d: services.petition_urge(petition=p, actor=None, message=d["message"]),
        _("Your reminder was sent to the unit that owes the overdue step."),
        "act-urge",
    )


@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """评价 — 满意 / 基本满意 / 不满意 for the petition department or the responsible unit."""
    # Each target's form has its own prefix (two rating forms can be on the page); the hidden field says which.
    target = next((t for t in RatingTarget.values if f"rate-{t}-target" in request.POST), RatingTarget.RESPONSIBLE_UNIT)
    return _act(
        request,
        number,
        f"rate-{target}",
        RateForm(request.POST, prefix=f"rate-{target}", initial={"target": target}),
        lambda p, d: services.petition_rate(
            petition=p, actor=None, target=d["target"], value=d["value"], comment=d["comment"]
        ),
        _("Thank you: your rating was recorded."),
        "act-rate",
    )


@require_POST
def rate_service(request: HttpRequest, number: str) -> HttpResponse:
    """Rate the online service itself (not the handling): once per account or tracking session, editable a while."""

    def perform(petition: Petition, data: dict[str, Any]) -> Any:
        account, token = _service_rater(request, petition, create=True)
        return service_rating_give(
            petition=petition, account=account, session_token=token, value=data["value"], comment=data["comment"]
        )

    return _act(
        request,
        number,
        "service",
        ServiceRatingForm(request.POST, prefix="service"),
        perform,
        _("Thank you: your rating of the online service was recorded."),
        "service-rating",
    )


@require_POST
def request_review(request: HttpRequest, number: str) -> HttpResponse:
    """申请复查 — within 30 days of receiving the written reply (Art. 35)."""
    return _act(
        request,
        number,
        "review",
        ReasonForm(request.POST, prefix="review"),
        lambda p, d: services.petition_request_review(petition=p, actor=None, reason=d["reason"]),
        _("Your request for a review was sent to the unit one level above."),
        "act-review",
    )


@require_POST
def request_recheck(request: HttpRequest, number: str) -> HttpResponse:
    """申请复核 — within 30 days of receiving the review opinion (Art. 36)."""
    return _act(
        request,
        number,
        "recheck",
        ReasonForm(request.POST, prefix="recheck"),
        lambda p, d: services.petition_request_recheck(petition=p, actor=None, reason=d["reason"]),
        _("Your request for a re-examination was sent to the unit one level above the reviewer."),
        "act-recheck",
    )


@require_POST
def add_attachments(request: HttpRequest, number: str) -> HttpResponse:
    """补充材料 — more files while the petition is open (the submission limits apply)."""
    form = AttachmentsForm(request.POST, request.FILES, prefix="attach")
    wait = throttle_wait(request, SUBMIT)
    if wait is not None and form.is_valid():
        form.add_error(
            None,
            _("Too many uploads from your connection. Wait %(minutes)s minutes, then try again.")
            % {"minutes": wait_minutes(wait)},
        )
    return _act(
        request,
        number,
        "attach",
        form,
        lambda p, d: services.petition_add_attachments(petition=p, actor=None, files=d["new_files"]),
        _("Your files were added to the petition."),
        "materials",
    )


@require_GET
def document_download(request: HttpRequest, number: str, doc_id: int) -> HttpResponse:
    """An issued document addressed to the petitioner, as .docx (rendered by the documents app)."""
    petition = selectors.petition_for_visitor(request, number)
    if petition is None:
        raise Http404
    document = public_document_or_404(petition, doc_id)
    try:
        return docx_response(document)
    except DomainError as exc:  # a template the admin broke: say so instead of failing
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(f"{reverse('portal:track_detail', args=[petition.number])}#documents")


@require_GET
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponseBase:
    """A file the petitioner provided, for this visitor (404 for staff additions and for petitions not proved)."""
    petition = selectors.petition_for_visitor(request, number)
    if petition is None:
        raise Http404
    found = selectors.petitioner_attachment(petition, attachment_id)
    if found is None:
        raise Http404
    return protected_file_response(found.file, filename=found.original_name, content_type=found.content_type)
