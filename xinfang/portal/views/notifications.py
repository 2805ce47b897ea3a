"""The petitioner's messages: the in-app notifications page of a citizen account (mark read), and the choice of
channel or no messages for one petition, on its tracking page (编号 + 查询码 session or the submitting account)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from xinfang.core.errors import DomainError, InvalidInput
from xinfang.notify import petitioner
from xinfang.notify import selectors as notify_selectors
from xinfang.notify import services as notify_services
from xinfang.notify.models import Channel
from xinfang.orgs.models import User
from xinfang.portal import selectors

PAGE_SIZE = 100


class NotifyChoiceForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("How to tell you"),
        required=False,
        choices=[("", gettext_lazy("Automatic (SMS, else e-mail, else in-app)")), *Channel.choices],
    )
    opted_out = forms.BooleanField(label=gettext_lazy("Send me no messages about this petition"), required=False)


def _citizen_or_redirect(request: HttpRequest) -> User | HttpResponse:
    citizen = selectors.citizen_user(request)
    if citizen is not None:
        return citizen
    if request.user.is_authenticated:  # staff read their notifications on the workbench
        return render(request, "portal/account/not_citizen.html", status=403)
    return HttpResponseRedirect(f"{reverse('portal:sign_in')}?next={reverse('portal:notifications')}")


@never_cache
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    """消息 — the in-app messages about the account's petitions, newest first."""
    citizen = _citizen_or_redirect(request)
    if not isinstance(citizen, User):
        return citizen
    rows = list(notify_selectors.notifications_for(citizen)[:PAGE_SIZE])
    context = {"rows": rows, "unread": sum(1 for r in rows if r.read_at is None)}
    return render(request, "portal/account/notifications.html", context)


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    citizen = _citizen_or_redirect(request)
    if not isinstance(citizen, User):
        return citizen
    row = notify_selectors.notification_get_own(citizen, pk)  # 404 for another's message
    notify_services.notification_mark_read(actor=citizen, notification=row)
    return HttpResponseRedirect(reverse("portal:notifications"))


@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    citizen = _citizen_or_redirect(request)
    if not isinstance(citizen, User):
        return citizen
    notify_services.notifications_mark_all_read(actor=citizen)
    return HttpResponseRedirect(reverse("portal:notifications"))


@require_POST
def track_notify(request: HttpRequest, number: str) -> HttpResponse:
    """The petitioner changes how (or whether) they are told of this petition's steps."""
    petition = selectors.petition_for_visitor(request, number)
    if petition is None:
        raise Http404
    form = NotifyChoiceForm(request.POST)
    back = f"{reverse('portal:track_detail', args=[petition.number])}#notify"
    try:
        if not form.is_valid():
            raise InvalidInput(_("Choose SMS, e-mail or in-app messages."), field="notify_channel")
        petitioner.petitioner_preference_set(
            petition=petition, channel=form.cleaned_data["channel"], opted_out=form.cleaned_data["opted_out"]
        )
    except DomainError as exc:
        return render(
            request,
            "portal/track/notify_error.html",
            {"petition": petition, "error": str(exc.message), "back": back},
            status=400,
        )
    messages.success(request, _("Your choice of messages was saved."))
    return HttpResponseRedirect(back)
