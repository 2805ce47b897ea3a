"""Compiling and rendering admin-edited document templates in a sandboxed Django template engine.

Template text comes from the admin, so it is treated as code from a less trusted author:

- the engine has no loaders and only the allow-listed builtins of ``templatelib`` (no include/extends/load/debug);
- the context holds only strings, numbers, booleans and lists of strings (built by ``services.document_context``),
  never model instances, so ``{{ petition.petitioners.all }}`` or ``{{ unit.staff... }}`` cannot reach data the
  document must not show (anonymity, Art. 30) or anything else in the database;
- autoescape is off because the output is plain text for a .docx, not HTML;
- ``validate_template`` compiles the text and rejects unknown variable names when it is saved, so a typo shows
  up as a form error in the admin, not as a blank in a document served to a petitioner or a 500 at render time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import FilterExpression, Node, NodeList, Variable
from django.template.defaulttags import ForNode, WithNode
from django.template.smartif import TokenBase
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xinfang.documents.templatelib import ALLOWED_FILTERS, ALLOWED_TAGS

# Every name a template may use, with what it holds (shown in the admin next to the editor). The keys are the
# contract between ``services.document_context`` and the templates; a test checks they match exactly.
TEMPLATE_VARIABLES: dict[str, Promise] = {
    "unit_name": _("Name of the issuing unit"),
    "unit_address": _("Address of the issuing unit"),
    "unit_phone": _("Phone number of the issuing unit"),
    "reviewer_unit": _("The unit one level above the issuing unit: it decides a review or re-examination"),
    "handling_unit": _("The unit that handled the petition"),
    "registering_unit": _("The unit that registered the petition"),
    "sender_unit": _("The unit that forwarded or assigned the petition"),
    "review_unit": _("The unit that reviewed the handling opinion (复查)"),
    "recheck_unit": _("The unit that re-examined the review opinion (复核)"),
    "number": _("Petition number (编号)"),
    "title": _("Subject of the petition"),
    "request": _("The petitioner's request (诉求)"),
    "facts": _("Facts and reasons given by the petitioner"),
    "petitioner": _("The petitioner's name, or 信访人 when the petition is anonymous"),
    "other_party": _("The person or unit complained about"),
    "received_on": _("Date the petition was received"),
    "accepted_on": _("Date the petition was accepted"),
    "routed_on": _("Date the petition was forwarded or assigned"),
    "routed_as": _("转送 or 交办: how the petition reached the unit"),
    "outcome": _("Outcome code: support, explain, reject, uphold, revoke, modify or redo"),
    "outcome_label": _("The outcome in the official words (予以支持, 维持 …)"),
    "opinion_outcome_label": _("Outcome of the handling opinion (信访处理意见书)"),
    "review_outcome_label": _("Outcome of the review opinion (复查意见书)"),
    "legal_basis": _("Laws and rules the document relies on"),
    "body": _("The text the unit wrote for this document"),
    "issued_on": _("Date of issue"),
    "served_on": _("Date the petitioner received the document"),
    "date": _("Date printed under the signature (date of issue; today for a draft)"),
    "today": _("Today's date"),
    "handle_days": _("Handling period in days (60, or the simple-handling working days)"),
    "handle_due": _("Due date of the handling period (Art. 34)"),
    "simple": _("True when the petition is handled under the simple procedure"),
    "review_due": _("Last day to request a review (Art. 35)"),
    "recheck_due": _("Last day to request a re-examination (Art. 36)"),
    "remedy_due": _("Last day of the remedy this document opens (review or re-examination)"),
    "review_requested_on": _("Date the review was requested"),
    "recheck_requested_on": _("Date the re-examination was requested"),
    "extension_days": _("Days of the extension (Art. 34)"),
    "extension_reason": _("Reason for the extension"),
    "old_due": _("Due date before the extension"),
    "new_due": _("Due date after the extension"),
    "to_unit": _("The unit the petition is forwarded or assigned to"),
    "co_units": _("Co-handling units"),
    "feedback_days": _("Feedback period of an assignment in days"),
    "feedback_due": _("Due date of the feedback with the completion report"),
    "route": _("Code of the statutory procedure (diversion)"),
    "route_label": _("The statutory procedure the petitioner is directed to (Art. 31)"),
    "ground": _("Code of the ground for not accepting"),
    "ground_label": _("The ground for not accepting, in words"),
    "agreement_kind": _("mediation or settlement"),
    "agreement_label": _("调解协议书 or 和解协议书"),
    "is_draft": _("True when the document is a draft preview"),
}

# Names every Django template context defines (Context builtins) or that loops define.
_ALWAYS_DEFINED = frozenset({"True", "False", "None", "forloop"})


class _RestrictedEngine(Engine):
    # Engine.__init__ prepends ``default_builtins`` (defaulttags, defaultfilters, loader_tags) to ``builtins``;
    # emptying it is what makes the allow-list in templatelib the whole language.
    default_builtins: ClassVar[list[str]] = []


ENGINE = _RestrictedEngine(
    loaders=[],  # nothing to load from: a template cannot read files
    libraries={},  # {% load %} is not even a tag here, and there would be nothing to load
    builtins=["xinfang.documents.templatelib"],
    autoescape=False,  # plain text for a .docx: "&" must stay "&"
    string_if_invalid="",
    debug=True,  # keeps the line of a syntax error for the admin message; no effect on output
)


def compile_template(source: str) -> Template:
    """Compile with the restricted engine; raises ``TemplateSyntaxError``."""
    return Template(source, engine=ENGINE)


def _expressions(value: object) -> Iterator[FilterExpression]:
    """The filter expressions inside a node attribute (if-conditions are trees of smartif tokens)."""
    if isinstance(value, FilterExpression):
        yield value
    elif isinstance(value, TokenBase):
        for attr in ("first", "second", "value"):
            yield from _expressions(getattr(value, attr, None))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _expressions(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _expressions(item)


def _root_names(expr: FilterExpression) -> Iterator[str]:
    """The first lookup of the expression's variable and of its filter arguments: ``a.b|default:c`` → a, c."""
    variables: list[Any] = [expr.var]
    for _func, args in expr.filters:
        variables.extend(arg for is_lookup, arg in args if is_lookup)
    for var in variables:
        if isinstance(var, Variable) and var.lookups:
            yield var.lookups[0]


def referenced_names(template: Template) -> tuple[set[str], set[str]]:
    """(names read from the context, names the template defines itself with for/with)."""
    used: set[str] = set()
    local: set[str] = set()
    for node in template.nodelist.get_nodes_by_type(Node):
        if isinstance(node, ForNode):
            local.update(node.loopvars)
        elif isinstance(node, WithNode):
            local.update(node.extra_context)
        for attr in vars(node).values():
            if isinstance(attr, Node | NodeList):
                continue  # child nodes are visited by get_nodes_by_type
            for expr in _expressions(attr):
                used.update(_root_names(expr))
    return used, local


def validate_template(source: str) -> None:
    """Model-field validator: the text compiles in the restricted engine and names only known variables."""
    try:
        template = compile_template(source)
    except TemplateSyntaxError as exc:
        info = getattr(exc, "template_debug", None) or {}
        raise ValidationError(
            _(
                "The template cannot be compiled (line %(line)s): %(error)s. Allowed tags: %(tags)s; allowed "
                "filters: %(filters)s."
            ),
            code="template_syntax",
            params={
                "line": info.get("line", "?"),
                "error": str(exc),
                "tags": ", ".join(ALLOWED_TAGS),
                "filters": ", ".join(ALLOWED_FILTERS),
            },
        ) from exc
    used, local = referenced_names(template)
    unknown = sorted(used - local - _ALWAYS_DEFINED - TEMPLATE_VARIABLES.keys())
    if unknown:
        raise ValidationError(
            _("Unknown variable(s): %(names)s. Use only the variables listed below the editor."),
            code="template_unknown_variable",
            params={"names": ", ".join(unknown)},
        )


class TemplateRenderError(Exception):
    """A stored template could not be compiled or rendered (it bypassed ``validate_template``)."""


def render_template(source: str, context: Mapping[str, object]) -> str:
    try:
        return compile_template(source).render(Context(dict(context), autoescape=False))
    except Exception as exc:  # a template is data: any failure in it must become one clear error, not a 500
        raise TemplateRenderError(str(exc)) from exc  # callers wrap it in a translated message with the context
