"""Documents as .docx: the template that applies, the facts it may use, and the Word file itself.

The petitions services create the ``Document`` rows (what was decided, when, by whom); this module only reads
them. A document is rendered when it is issued, or — for staff previewing a draft before the head signs it —
when it is a draft, with a 草稿 mark on every page. Returned (withdrawn) drafts are never rendered.

The wording inside a document is Chinese whatever the reader's interface language: a 信访处理意见书 is an
official act under the 信访工作条例 and its outcome words (予以支持, 维持 …) are the regulation's own terms. That
is why those terms are constants here and not translatable labels. Messages shown to staff are translatable.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import docx
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from xinfang.core import timeutil
from xinfang.core.errors import RuleViolation
from xinfang.deadlines import services as deadline_services
from xinfang.deadlines.calendar import EXTRA_EXTENDED
from xinfang.deadlines.rules import STATUTORY_RULES, ClockKind, DayKind
from xinfang.documents.defaults import DEFAULT_TEMPLATES
from xinfang.documents.models import DocumentTemplate
from xinfang.documents.templating import TemplateRenderError, render_template
from xinfang.orgs.models import Unit, User, ids_in_path
from xinfang.petitions.identity import mask_name
from xinfang.petitions.models import Clock, Document, DocumentKind, DocumentStatus, Petition

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The regulation's own words for each outcome: 信访处理意见书 (Art. 32); 复查/复核 (Shandong Art. 45).
OUTCOME_WORDS: dict[str, str] = {
    "support": "予以支持",
    "explain": "解释说明",
    "reject": "不予支持",
    "uphold": "维持",
    "revoke": "撤销",
    "modify": "变更",
    "redo": "责令重新作出",
}

# Art. 31(1)–(5), in the regulation's wording; completes "经审查，你反映的问题……".
ROUTE_WORDS: dict[str, str] = {
    "litigation": "应当通过审判机关诉讼程序或者复议程序、检察机关刑事立案程序或者法律监督程序、公安机关法律程序处理",
    "arbitration": "应当通过仲裁解决",
    "party_appeal": "可以通过党员申诉、申请复审等解决",
    "administrative": "可以通过行政复议、行政裁决、行政确认、行政许可、行政处罚等行政程序解决",
    "duty": "属于申请查处违法行为、履行保护人身权或者财产权等合法权益职责的事项",
}

# The grounds of petitions.DeclineGround; completes "经审查，……".
GROUND_WORDS: dict[str, str] = {
    "already_handled": "该信访事项已经受理或者正在办理，且仍在规定期限内",
    "terminated": "该信访事项已经复核终结，你仍以同一事实和理由提出投诉请求",
    "out_of_scope": "该事项不属于信访事项受理范围",
}

AGREEMENT_WORDS: dict[str, str] = {"mediation": "调解协议书", "settlement": "和解协议书"}

ROUTED_AS: dict[str, str] = {DocumentKind.FORWARDING_SLIP: "转送", DocumentKind.ASSIGNMENT_SLIP: "交办"}

# How an anonymous petitioner is addressed: the document must not name them (nor guess a name).
ANONYMOUS_ADDRESSEE = "信访人"

# Layout (GB/T 9704 sizes: 二号 22pt title, 三号 16pt body, 28pt fixed line spacing; A4 with its margins).
LATIN_FONT = "Times New Roman"
BODY_FONT = "宋体"
HEADING_FONT = "黑体"
TITLE_SIZE = Pt(22)
UNIT_SIZE = Pt(18)
BODY_SIZE = Pt(16)
SMALL_SIZE = Pt(14)
LINE_SPACING = Pt(28)
DRAFT_COLOUR = RGBColor(0xC0, 0x00, 0x00)
DRAFT_MARK = "草稿 · 未签发，不作为正式文书"
# "一、投诉请求" is a first-level heading (黑体); "一、搅拌站22时后停工。" in an agreement is a sentence.
_HEADING = re.compile(r"^[一二三四五六七八九十]+、[^。]{0,20}$")
_FILENAME_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class DocumentNotRenderable(RuleViolation):
    """The document is not in a state that may be rendered (withdrawn, or a draft outside a preview)."""

    default_code = "document_not_renderable"


# ----------------------------------------------------------------------------------------- small helpers


def cn_date(value: dt.date | None) -> str:
    """2026年11月22日 — the date form of official documents (no leading zeros)."""
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _iso(value: object) -> dt.date | None:
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def petitioner_display(petition: Petition, *, show_identity: bool = True) -> str:
    """How the document addresses the petitioner: a name, "张三、李四等12人", or 信访人 if anonymous."""
    if petition.is_anonymous:
        return ANONYMOUS_ADDRESSEE
    people = [p for p in petition.petitioners.order_by("-is_representative", "id") if p.name.strip()]
    if not people:
        return ANONYMOUS_ADDRESSEE
    # For a group, the representatives speak for it (Art. 20); name at most three of them.
    named = [p for p in people if p.is_representative] or people
    names = [p.name.strip() if show_identity else mask_name(p.name.strip()) for p in named[:3]]
    total = max(petition.head_count, len(people))
    text = "、".join(names)
    return f"{text}等{total}人" if total > len(names) else text


def _latest_clock(clocks: list[Clock], kinds: tuple[str, ...], *, start: dt.date | None = None) -> Clock | None:
    found = [c for c in clocks if c.kind in kinds and (start is None or c.start == start)]
    return found[-1] if found else None


def _window_due(clocks: list[Clock], kind: ClockKind, served: dt.date | None, *, owns_window: bool) -> dt.date | None:
    """The last day of a petitioner's window (复查 Art. 35, 复核 Art. 36).

    For the document that opens the window, the clock started on its service date is the one; a draft has no
    clock yet, so the date is computed as if it were served today — the same rule the clock will use.
    """
    if not owns_window:
        clock = _latest_clock(clocks, (kind,))
        return clock.due if clock else None
    clock = _latest_clock(clocks, (kind,), start=served) if served else None
    if clock is not None:
        return clock.due
    rule = STATUTORY_RULES[kind]
    return deadline_services.deadline_for(start=served or timeutil.today(), days=rule.days, kind=rule.day_kind).due


def _started_before(clocks: list[Clock], kind: ClockKind, limit: dt.date) -> Clock | None:
    found = [c for c in clocks if c.kind == kind and c.start <= limit]
    return found[-1] if found else None


# ----------------------------------------------------------------------------------------- the template


def template_for(kind: str, unit: Unit) -> DocumentTemplate:
    """The template for ``kind`` issued by ``unit``: the nearest unit's own along the path to the root, else the
    default, else the built-in text (if the default row was deleted). One query: the ancestors are in the path.
    """
    chain = ids_in_path(unit.path)  # root … unit itself
    rows = list(DocumentTemplate.objects.filter(Q(unit_id__in=chain) | Q(unit__isnull=True), kind=kind))
    if rows:
        # Deepest wins; the default (unit None) ranks below every unit.
        return max(rows, key=lambda t: chain.index(t.unit_id) if t.unit_id is not None else -1)
    title, body = DEFAULT_TEMPLATES[kind]
    return DocumentTemplate(kind=kind, title=title, body=body)


# ----------------------------------------------------------------------------------------- the context


def document_context(document: Document, *, show_identity: bool = True) -> dict[str, Any]:
    """Everything a template may use, as plain strings, numbers and booleans (see ``TEMPLATE_VARIABLES``).

    Only values, never model instances: a template must not be able to walk from the petition to data the
    document should not show. ``show_identity`` False masks names like the API does for staff who do not need
    them (Art. 30; Zhejiang Art. 26); an anonymous petitioner is 信访人 either way.
    """
    petition: Petition = document.petition
    unit: Unit = document.unit
    data: dict[str, Any] = document.data if isinstance(document.data, dict) else {}
    today = timeutil.today()
    clocks = list(petition.clocks.order_by("id"))
    # Earlier issued documents of the same petition: who forwarded it, what the opinion and review decided.
    prior = list(
        petition.documents.filter(pk__lt=document.pk, status=DocumentStatus.ISSUED).select_related("unit")
        if document.pk
        else []
    )

    def latest(*kinds: str) -> Document | None:
        found = [d for d in prior if d.kind in kinds]
        return found[-1] if found else None

    slips = (DocumentKind.FORWARDING_SLIP, DocumentKind.ASSIGNMENT_SLIP)
    if document.kind in slips:
        slip: Document | None = document
    elif document.kind == DocumentKind.COMPLETION_REPORT:
        slip = latest(DocumentKind.ASSIGNMENT_SLIP)  # the report goes back to the unit that assigned (Art. 22(3))
    else:
        slip = latest(*slips)
    opinion = latest(DocumentKind.OPINION)
    review = latest(DocumentKind.REVIEW_OPINION)
    served = document.served_on or document.issued_on

    # Handling period (Art. 34): the notice records the due date it announced; otherwise the running clock.
    handle_clock = _latest_clock(clocks, (ClockKind.HANDLE, ClockKind.HANDLE_SIMPLE))
    handle_due = _iso(data.get("due")) or (handle_clock.due if handle_clock else None)

    review_due = _window_due(clocks, ClockKind.REVIEW_WINDOW, served, owns_window=document.kind == DocumentKind.OPINION)
    recheck_due = _window_due(
        clocks,
        ClockKind.RECHECK_WINDOW,
        served,
        owns_window=document.kind == DocumentKind.REVIEW_OPINION and document.outcome != "redo",
    )
    remedy_due: dt.date | None = None
    if document.kind == DocumentKind.OPINION:
        remedy_due = review_due
    elif document.kind == DocumentKind.REVIEW_OPINION and document.outcome != "redo":
        remedy_due = recheck_due

    # Extension (Art. 34): approved notices carry both dates; a draft shows what approval would give.
    extension_days = int(data.get("days") or 0) if document.kind == DocumentKind.EXTENSION_NOTICE else 0
    old_due, new_due = _iso(data.get("old_due")), _iso(data.get("new_due"))
    if extension_days and new_due is None and handle_clock is not None:
        old_due = handle_clock.due
        new_due = deadline_services.deadline_for(
            start=handle_clock.start,
            days=handle_clock.days,
            kind=DayKind(handle_clock.day_kind),
            extra_days=extension_days,
            extra_reason=EXTRA_EXTENDED,
        ).due

    feedback_clock = _latest_clock(clocks, (ClockKind.FEEDBACK,), start=document.issued_on) or _latest_clock(
        clocks, (ClockKind.FEEDBACK,)
    )
    as_of = document.issued_on or today
    review_clock = _started_before(clocks, ClockKind.REVIEW, as_of)
    recheck_clock = _started_before(clocks, ClockKind.RECHECK, as_of)
    parent = unit.parent

    def name(u: Unit | None) -> str:
        return u.name if u is not None else ""

    route = str(data.get("route") or "")
    ground = str(data.get("ground") or "")
    agreement_kind = str(data.get("kind") or "") if document.kind == DocumentKind.AGREEMENT else ""
    return {
        "unit_name": unit.name,
        "unit_address": unit.address,
        "unit_phone": unit.phone,
        "reviewer_unit": name(parent),
        "handling_unit": name(petition.handling_unit),
        "registering_unit": name(petition.registering_unit),
        "sender_unit": name(slip.unit) if slip else name(petition.routed_from_unit),
        "review_unit": name(petition.review_unit),
        "recheck_unit": name(petition.recheck_unit),
        "number": petition.number,
        "title": petition.title,
        "request": petition.request,
        "facts": petition.facts_and_reasons,
        "petitioner": petitioner_display(petition, show_identity=show_identity),
        "other_party": petition.accused_name,
        "received_on": cn_date(petition.received_on),
        "accepted_on": cn_date(petition.accepted_on),
        "routed_on": cn_date(slip.issued_on) if slip else "",
        "routed_as": ROUTED_AS.get(slip.kind, "") if slip else "",
        "outcome": document.outcome,
        "outcome_label": OUTCOME_WORDS.get(document.outcome, ""),
        "opinion_outcome_label": OUTCOME_WORDS.get(opinion.outcome if opinion else petition.outcome, ""),
        "review_outcome_label": OUTCOME_WORDS.get(review.outcome, "") if review else "",
        "legal_basis": document.legal_basis,
        "body": document.body,
        "issued_on": cn_date(document.issued_on),
        "served_on": cn_date(document.served_on),
        "date": cn_date(document.issued_on or today),
        "today": cn_date(today),
        "handle_days": handle_clock.days if handle_clock else STATUTORY_RULES[ClockKind.HANDLE].days,
        "handle_due": cn_date(handle_due),
        "simple": bool(data.get("simple", petition.is_simple)),
        "review_due": cn_date(review_due),
        "recheck_due": cn_date(recheck_due),
        "remedy_due": cn_date(remedy_due),
        "review_requested_on": cn_date(review_clock.start) if review_clock else "",
        "recheck_requested_on": cn_date(recheck_clock.start) if recheck_clock else "",
        "extension_days": extension_days,
        "extension_reason": document.body if document.kind == DocumentKind.EXTENSION_NOTICE else "",
        "old_due": cn_date(old_due),
        "new_due": cn_date(new_due),
        "to_unit": str(data.get("to_unit") or ""),
        "co_units": "、".join(str(u) for u in data.get("co_units") or []),
        "feedback_days": data.get("feedback_days") or "",
        "feedback_due": cn_date(feedback_clock.due) if feedback_clock else "",
        "route": route,
        "route_label": ROUTE_WORDS.get(route, ""),
        "ground": ground,
        "ground_label": GROUND_WORDS.get(ground, ""),
        "agreement_kind": agreement_kind,
        "agreement_label": AGREEMENT_WORDS.get(agreement_kind, ""),
        "is_draft": document.status == DocumentStatus.DRAFT,
    }


# ----------------------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class RenderedText:
    title: str
    paragraphs: list[str]
    context: dict[str, Any]


def _check_renderable(document: Document, *, preview: bool) -> None:
    if document.status == DocumentStatus.ISSUED:
        return
    if document.status == DocumentStatus.DRAFT and preview:
        return
    if document.status == DocumentStatus.DRAFT:
        raise DocumentNotRenderable(_("This document is a draft; it can only be previewed."))
    raise DocumentNotRenderable(_("This document was returned and is not issued."))


def render_text(document: Document, *, preview: bool = False, show_identity: bool = True) -> RenderedText:
    """The document's title and paragraphs from the template that applies to its issuing unit."""
    _check_renderable(document, preview=preview)
    template = template_for(document.kind, document.unit)
    context = document_context(document, show_identity=show_identity)
    try:
        title = " ".join(render_template(template.title, context).split())
        body = render_template(template.body, context)
    except TemplateRenderError as exc:
        # Only a template that bypassed the admin's validation gets here: say which one, do not 500.
        where = template.unit.name if template.unit_id is not None and template.unit else _("default")
        raise DocumentNotRenderable(
            _("The %(kind)s template (%(where)s) cannot be used: %(error)s Correct it in the admin.")
            % {"kind": document.get_kind_display(), "where": where, "error": exc},
            code="template_invalid",
        ) from exc
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
    return RenderedText(title=title or str(document.get_kind_display()), paragraphs=paragraphs, context=context)


def _fonts(run: Any, *, east_asia: str = BODY_FONT, size: Any = BODY_SIZE, bold: bool = False) -> None:
    """Latin and East-Asian font of a run: Word picks w:eastAsia for CJK characters, w:ascii for the rest."""
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = True if bold else None  # None: inherit, rather than an explicit w:b="0" on every run
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def _paragraph(container: Any, text: str, *, align: Any = None, **font: Any) -> Any:
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    _fonts(paragraph.add_run(text), **font)
    return paragraph


def _setup(document: Any, *, title: str, unit_name: str, number: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    rpr = normal.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)  # last child of rPr is where the schema puts it
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")  # proofing and line breaking as Chinese
    normal.paragraph_format.space_after = Pt(0)  # the default template adds 10pt after every paragraph
    props = document.core_properties
    props.title = title
    props.subject = number
    props.author = unit_name
    props.comments = ""  # python-docx's default template says "generated by python-docx"
    props.language = "zh-CN"


def _page_footer(section: Any) -> None:
    """第 X 页, with X a PAGE field that Word fills in on every page."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(paragraph.add_run("第 "), size=SMALL_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    number_run = OxmlElement("w:r")
    number_text = OxmlElement("w:t")
    number_text.text = "1"
    number_run.append(number_text)
    field.append(number_run)
    paragraph._p.append(field)
    _fonts(paragraph.add_run(" 页"), size=SMALL_SIZE)


def _build_docx(rendered: RenderedText, *, draft: bool) -> bytes:
    ctx = rendered.context
    document = docx.Document()
    _setup(document, title=rendered.title, unit_name=ctx["unit_name"], number=ctx["number"])
    section = document.sections[0]
    if draft:
        # On every page, so no printed page of an unsigned draft can pass for the issued document.
        mark = section.header.paragraphs[0]
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(DRAFT_MARK)
        _fonts(run, east_asia=HEADING_FONT, size=SMALL_SIZE, bold=True)
        run.font.color.rgb = DRAFT_COLOUR
    _page_footer(section)

    # 版头: the issuing unit's name, centred above the title.
    _paragraph(
        document, ctx["unit_name"], align=WD_ALIGN_PARAGRAPH.CENTER, east_asia=HEADING_FONT, size=UNIT_SIZE, bold=True
    )
    heading = _paragraph(document, rendered.title, align=WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_SIZE, bold=True)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)
    number_line = _paragraph(
        document, f"信访事项编号：{ctx['number']}", align=WD_ALIGN_PARAGRAPH.CENTER, size=SMALL_SIZE
    )
    number_line.paragraph_format.space_after = Pt(18)

    for text in rendered.paragraphs:
        is_heading = bool(_HEADING.match(text))
        paragraph = _paragraph(document, text, east_asia=HEADING_FONT if is_heading else BODY_FONT)
        fmt = paragraph.paragraph_format
        fmt.line_spacing = LINE_SPACING
        # The salutation ("张三：", "A1区住建局：") starts at the margin; everything else is indented two characters.
        if not (text.endswith("：") and "。" not in text):
            fmt.first_line_indent = Pt(BODY_SIZE.pt * 2)

    # Signature block: issuing unit and date, right-aligned (the seal goes over them on paper).
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_before = Pt(24)
    for text in (ctx["unit_name"], ctx["date"]):
        signature = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        signature.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _render(document: Document, *, preview: bool, show_identity: bool) -> tuple[bytes, str]:
    rendered = render_text(document, preview=preview, show_identity=show_identity)
    content = _build_docx(rendered, draft=document.status == DocumentStatus.DRAFT)
    return content, _filename(rendered.title, document.petition.number)


def render_docx(document: Document, *, preview: bool = False, show_identity: bool = True) -> bytes:
    """The .docx of an issued document, or of a draft when ``preview`` (marked 草稿 on every page)."""
    return _render(document, preview=preview, show_identity=show_identity)[0]


def _filename(title: str, number: str) -> str:
    name = _FILENAME_UNSAFE.sub("_", f"{title}-{number}").strip(" ._") or "document"
    return f"{name[:150]}.docx"


def document_filename(document: Document) -> str:
    """信访处理意见书-990101XFJ-2026-000001.docx — the rendered title and the petition's 编号."""
    title = template_for(document.kind, document.unit).title
    context = document_context(document) if "{" in title else {}
    try:
        text = " ".join(render_template(title, context).split()) if context else title
    except TemplateRenderError:
        text = str(document.get_kind_display())
    return _filename(text or str(document.get_kind_display()), document.petition.number)


def _ascii_fallback(document: Document) -> str:
    """For clients without RFC 5987 support: the kind code and the 编号 in ASCII."""
    number = unicodedata.normalize("NFKD", document.petition.number).encode("ascii", "ignore").decode()
    number = re.sub(r"[^A-Za-z0-9._-]+", "_", number).strip("_")
    return f"{document.kind}-{number or document.pk}.docx"


def docx_response(document: Document, *, preview: bool = False, show_identity: bool = True) -> HttpResponse:
    """An attachment download of the document (Chinese file name via RFC 5987 ``filename*``)."""
    content, filename = _render(document, preview=preview, show_identity=show_identity)
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii_fallback(document)}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Content-Length"] = str(len(content))
    # Personal data: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


# ----------------------------------------------------------------------------------------- lookups


def _document_id(doc_id: int | str) -> int:
    try:
        return int(doc_id)
    except (TypeError, ValueError):
        raise Http404 from None


def public_document_or_404(petition: Petition, doc_id: int | str) -> Document:
    """A document the petitioner may download: addressed to them (is_public) and issued. 404 otherwise.

    The caller has already proven the petitioner (编号 + 查询码 or their account); slips, objections and
    completion reports between units, drafts and returned drafts are never offered.
    """
    document = (
        Document.objects.select_related("unit__parent")
        .filter(petition=petition, pk=_document_id(doc_id), is_public=True, status=DocumentStatus.ISSUED)
        .first()
    )
    if document is None:
        raise Http404
    document.petition = petition  # the caller's instance: no second read of the petition
    return document


def staff_document_or_404(petition: Petition, doc_id: int | str, *, user: User, preview: bool = False) -> Document:
    """A document of a petition the user may see (the caller used ``petition_get_visible``). 404 otherwise.

    Issued documents are open to everyone who sees the petition. A draft is previewed only by staff of the unit
    preparing it (the handler and the head who signs): it is not yet an act of that unit.
    """
    allowed = Q(status=DocumentStatus.ISSUED)
    if preview and user.unit_id is not None:
        allowed |= Q(status=DocumentStatus.DRAFT, unit_id=user.unit_id)
    document = (
        Document.objects.select_related("unit__parent")
        .filter(allowed, petition=petition, pk=_document_id(doc_id))
        .first()
    )
    if document is None:
        raise Http404
    document.petition = petition  # the caller's instance: no second read of the petition
    return document
