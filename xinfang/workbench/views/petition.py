"""The petition page: the whole case, timeline, clocks, attachments, documents, and the actions allowed now.

Every lookup goes through ``petition_get_visible`` (404 for missing and forbidden alike). The actions shown are
``allowed_actions``; each posts to ``act``, which validates with the action's serializer and calls the same
service as the API (``ACTIONS``). A refused action (``DomainError``) is shown at its form with the article,
with everything typed kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core import timeutil
from xinfang.core.articles import article_text
from xinfang.core.audit import identity_read_record
from xinfang.core.errors import DomainError
from xinfang.core.files import protected_file_response
from xinfang.core.models import IdentitySurface
from xinfang.insight.integration import staff_insight
from xinfang.instructions.views import petition_card as instruction_card
from xinfang.orgs.models import Role, User
from xinfang.petitions import selectors
from xinfang.petitions.api.serializers import ClockSerializer, PetitionerOutSerializer, staff_label
from xinfang.petitions.models import Document, DocumentStatus, Petition
from xinfang.petitions.services.accused import accused_status
from xinfang.petitions.workflow import Action
from xinfang.workbench.access import is_htmx, staff_required, staff_user
from xinfang.workbench.actionforms import BaseActionForm, action_form
from xinfang.workbench.display import CLOCK_STATUS, outcome_label, timeline


def _action_forms(user: User, petition: Petition, bound: BaseActionForm | None = None) -> list[BaseActionForm]:
    forms: list[BaseActionForm] = []
    cache: dict[tuple[Any, ...], Any] = {}
    for action in selectors.allowed_actions(user, petition):
        form = bound if bound is not None and bound.action == action else action_form(action, petition, user)
        if form is not None:
            form.fields(cache)
            forms.append(form)
    return forms


def _clocks(petition: Petition) -> list[dict[str, Any]]:
    today = timeutil.today()
    rows = ClockSerializer(
        petition.clocks.select_related("owing_unit").order_by("start", "id"), many=True, context={"today": today}
    ).data
    out = []
    for row in rows:
        clock = dict(row)
        clock["status_label"] = str(CLOCK_STATUS.get(clock["status"], clock["status"]))
        clock["article"] = article_text(clock["article"]) if clock["article"] else ""
        out.append(clock)
    return out


def _documents(user: User, petition: Petition) -> list[dict[str, Any]]:
    docs = []
    is_head = user.has_role(Role.HEAD)
    for doc in petition.documents.select_related("unit", "author"):
        issued = doc.status == DocumentStatus.ISSUED
        draft = doc.status == DocumentStatus.DRAFT
        may_preview = draft and doc.unit_id == user.unit_id and (is_head or doc.author_id == user.pk)
        docs.append(
            {
                "doc": doc,
                "outcome": outcome_label(doc.outcome),
                "author": staff_label(doc.author),
                "download": reverse("workbench:document", args=[petition.number, doc.pk]) if issued else "",
                "preview": (
                    reverse("workbench:document", args=[petition.number, doc.pk]) + "?preview=1" if may_preview else ""
                ),
                # Drafts are the drafting unit's business until the head signs them.
                "show_body": issued or doc.unit_id == user.unit_id,
            }
        )
    return docs


def render_petition(
    request: HttpRequest, user: User, petition: Petition, *, bound: BaseActionForm | None = None
) -> HttpResponse:
    show_identity = selectors.can_see_identity(user, petition)
    if show_identity:
        identity_read_record(user=user, petition_ids=[petition.pk], surface=IdentitySurface.PETITION_PAGE)
    previous_visible = bool(
        petition.previous_id and selectors.petitions_visible_to(user).filter(pk=petition.previous_id).exists()
    )
    forms = _action_forms(user, petition, bound)
    context = {
        "petition": petition,
        "insight": staff_insight(user, petition),
        "can_link": any(f.action == Action.LINK_REPEAT for f in forms),
        "show_identity": show_identity,
        "petitioners": PetitionerOutSerializer(
            petition.petitioners.order_by("id"), many=True, context={"show_identity": show_identity}
        ).data,
        "registered_by": staff_label(petition.registered_by) if petition.registered_by_id else "",
        "five_questions": _five_questions(petition),
        "previous_visible": previous_visible,
        "co_handlers": [c.unit for c in petition.co_handlers.select_related("unit").order_by("id")],
        "clocks": _clocks(petition),
        "timeline": timeline(petition),
        "attachments": list(petition.attachments.order_by("id")),
        "documents": _documents(user, petition),
        "forms": forms,
        "holds": petition.current_unit_id == user.unit_id,
        "accused": accused_status(petition),
        **instruction_card(user, petition),  # 领导阅批 (staff only; never the petitioner's page)
    }
    return render(request, "workbench/petition.html", context)


def _five_questions(petition: Petition) -> list[tuple[str, str]]:
    from xinfang.petitions.services.intake import FIVE_QUESTIONS
    from xinfang.workbench.forms import QUESTION_LABELS

    answers = petition.five_questions or {}
    return [(str(QUESTION_LABELS[k]), answers[k]) for k in FIVE_QUESTIONS if answers.get(k)]


@staff_required
def petition_detail(request: HttpRequest, key: str) -> HttpResponse:
    user = staff_user(request)
    petition = selectors.petition_get_visible(user, key)
    return render_petition(request, user, petition)


def _after(request: HttpRequest, user: User, petition: Petition, action: Action) -> HttpResponse:
    """Back to the petition while the unit holds it; otherwise to the inbox, saying where it went."""
    fresh = selectors.petitions_visible_to(user).filter(pk=petition.pk).select_related("current_unit").first()
    page = reverse("workbench:petition", args=[petition.number])
    if fresh is None:
        messages.success(request, _("Done. The petition has left your unit."))
        url = reverse("workbench:inbox")
    elif fresh.current_unit_id != user.unit_id:
        messages.success(
            request,
            format_html(
                "{} <a href='{}'>{}</a>",
                _("“%(action)s” done. The petition is now held by %(unit)s.")
                % {"action": action.label, "unit": fresh.current_unit.name},
                page,
                fresh.number,
            ),
        )
        url = reverse("workbench:inbox")
    else:
        messages.success(request, _("“%(action)s” done.") % {"action": action.label})
        url = page
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@staff_required
@require_POST
def act(request: HttpRequest, key: str, action: str) -> HttpResponse:
    user = staff_user(request)
    petition = selectors.petition_get_visible(user, key)
    try:
        chosen = Action(action)
    except ValueError:
        raise Http404 from None
    form = action_form(chosen, petition, user, request.POST, request.FILES)
    if form is None:
        raise Http404
    allowed = chosen in selectors.allowed_actions(user, petition)
    if not allowed:
        # Someone else acted first, or the form was stale: say so and keep what was typed.
        form.non_field_errors.append(
            _("“%(action)s” is not possible for you on this petition now.") % {"action": chosen.label}
        )
    elif form.is_valid():
        try:
            form.call()
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return _after(request, user, petition, chosen)
    if is_htmx(request):
        return render(request, "workbench/_action.html", {"form": form, "petition": petition, "swapped": True})
    if not allowed:
        messages.error(request, form.non_field_errors[-1])
        return redirect("workbench:petition", key=petition.number)
    return render_petition(request, user, petition, bound=form)


@staff_required
def attachment(request: HttpRequest, key: str, attachment_id: int) -> HttpResponseBase:
    """Download an attachment of a petition the user may see (404 otherwise); behind nginx, via X-Accel-Redirect."""
    petition = selectors.petition_get_visible(staff_user(request), key)
    found = petition.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise Http404
    return protected_file_response(found.file, filename=found.original_name, content_type=found.content_type)


@staff_required
def document(request: HttpRequest, key: str, document_id: int) -> HttpResponse:
    """The .docx of an issued document, or the preview of a draft for the unit preparing it."""
    from xinfang.documents.services import docx_response, staff_document_or_404

    user = staff_user(request)
    petition = selectors.petition_get_visible(user, key)
    preview = request.GET.get("preview") == "1"
    doc: Document = staff_document_or_404(petition, document_id, user=user, preview=preview)
    try:
        show_identity = selectors.can_see_identity(user, petition)
        response = docx_response(doc, preview=preview, show_identity=show_identity)
        if show_identity:
            identity_read_record(user=user, petition_ids=[petition.pk], surface=IdentitySurface.DOCX)
        return response
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("workbench:petition", key=petition.number)
