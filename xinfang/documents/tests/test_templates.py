"""Templates: seeded defaults for every kind, unit overrides along the tree, and the sandboxed engine."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from xinfang.documents import services as documents
from xinfang.documents.defaults import DEFAULT_TEMPLATES
from xinfang.documents.models import DocumentTemplate
from xinfang.documents.services import DocumentNotRenderable
from xinfang.documents.templating import TEMPLATE_VARIABLES, render_template, validate_template
from xinfang.documents.tests.helpers import body_text, doc_of
from xinfang.petitions.models import DocumentKind
from xinfang.petitions.tests.helpers import register, to_replied

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- seeded defaults


def test_every_document_kind_has_a_seeded_default_template():
    defaults = {t.kind: t for t in DocumentTemplate.objects.filter(unit=None)}
    assert set(defaults) == set(DocumentKind.values)
    assert set(DEFAULT_TEMPLATES) == set(DocumentKind.values)
    for kind, template in defaults.items():
        assert template.title and template.body, kind


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_every_seeded_default_compiles_and_uses_only_documented_variables(kind):
    title, body = DEFAULT_TEMPLATES[kind]
    validate_template(title)
    validate_template(body)


def test_the_context_provides_exactly_the_documented_variables(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition)
    context = documents.document_context(doc_of(petition, DocumentKind.OPINION))
    assert set(context) == set(TEMPLATE_VARIABLES)
    # Only plain values: a template cannot walk from a model instance to data it must not show.
    assert all(isinstance(v, str | int | bool) for v in context.values())


def test_the_built_in_text_is_used_if_a_default_row_was_deleted(tree):
    DocumentTemplate.objects.filter(kind=DocumentKind.OPINION, unit=None).delete()
    template = documents.template_for(DocumentKind.OPINION, tree.housing)
    assert (template.title, template.body) == DEFAULT_TEMPLATES[DocumentKind.OPINION]


# ---------------------------------------------------------------- unit overrides, nearest wins


def test_a_units_template_applies_to_its_subtree_but_not_elsewhere(tree, django_assert_num_queries):
    own = DocumentTemplate.objects.create(kind=DocumentKind.OPINION, unit=tree.county, title="A1区意见书", body="x")
    default = DocumentTemplate.objects.get(kind=DocumentKind.OPINION, unit=None)

    with django_assert_num_queries(1):  # ancestors come from the unit's path: no walk up the tree
        assert documents.template_for(DocumentKind.OPINION, tree.housing) == own  # a unit below A1区政府
    assert documents.template_for(DocumentKind.OPINION, tree.county) == own  # the unit itself
    assert documents.template_for(DocumentKind.OPINION, tree.county2_housing) == default  # A2区: elsewhere
    assert documents.template_for(DocumentKind.OPINION, tree.city) == default  # above: not affected
    assert documents.template_for(DocumentKind.REVIEW_OPINION, tree.housing).unit is None  # other kinds: default


def test_the_nearest_units_template_wins(tree):
    DocumentTemplate.objects.create(kind=DocumentKind.OPINION, unit=tree.city, title="A市", body="x")
    county = DocumentTemplate.objects.create(kind=DocumentKind.OPINION, unit=tree.county, title="A1区", body="x")
    housing = DocumentTemplate.objects.create(kind=DocumentKind.OPINION, unit=tree.housing, title="住建", body="x")
    assert documents.template_for(DocumentKind.OPINION, tree.housing) == housing
    assert documents.template_for(DocumentKind.OPINION, tree.environment) == county


def test_a_unit_template_is_used_in_the_rendered_document(tree, personas):
    DocumentTemplate.objects.create(
        kind=DocumentKind.OPINION,
        unit=tree.county,
        title="A1区信访事项处理意见书",
        body="{{ petitioner }}：\n本区统一格式：{{ outcome_label }}，复查机关{{ reviewer_unit }}，"
        "截至{{ remedy_due }}。",
    )
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition, outcome="support")
    document = doc_of(petition, DocumentKind.OPINION)
    text = body_text(documents.render_docx(document))
    assert "A1区信访事项处理意见书" in text
    assert f"本区统一格式：予以支持，复查机关{tree.county.name}" in text
    assert documents.document_filename(document) == f"A1区信访事项处理意见书-{petition.number}.docx"


# ---------------------------------------------------------------- the sandboxed engine


@pytest.mark.parametrize(
    "source",
    [
        "{% include 'base.html' %}",  # would read a file
        "{% extends 'base.html' %}",
        "{% load static %}",  # would pull in an installed library
        "{% debug %}",  # would dump the context and sys.modules
        "{% url 'admin:index' %}",
        "{{ title|safe }}",  # not an allowed filter
    ],
)
def test_templates_cannot_read_files_load_libraries_or_use_tags_outside_the_allow_list(source):
    with pytest.raises(ValidationError) as info:
        validate_template(source)
    assert info.value.code == "template_syntax"


def test_a_syntax_error_names_the_line_and_the_cause():
    with pytest.raises(ValidationError) as info:
        validate_template("第一行\n{% if outcome %}未闭合")
    message = info.value.messages[0]
    assert "(line 2)" in message or "第 2 行" in message
    assert "endif" in message


def test_an_unknown_variable_is_refused_by_name_but_loop_variables_are_fine():
    with pytest.raises(ValidationError) as info:
        validate_template("{{ reviwer_unit }} {% if petitioner.name %}{% endif %}{{ x|default:nobody }}")
    assert info.value.code == "template_unknown_variable"
    assert "nobody, reviwer_unit" in info.value.messages[0]
    validate_template(
        "{% for u in co_units %}{{ u }}{{ forloop.counter }}{% endfor %}{% with n=number %}{{ n }}{% endwith %}"
    )


def test_output_is_plain_text_not_html_escaped():
    assert render_template("{{ title }}", {"title": "A&B <C> “D”"}) == "A&B <C> “D”"


def test_a_stored_template_that_does_not_compile_is_a_clear_error_not_a_crash(personas):
    # Only possible by bypassing the admin (shell, SQL); the renderer still answers with a reason.
    DocumentTemplate.objects.filter(kind=DocumentKind.OPINION, unit=None).update(body="{% if %}")
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition)
    with pytest.raises(DocumentNotRenderable) as info:
        documents.render_docx(doc_of(petition, DocumentKind.OPINION))
    assert info.value.code == "template_invalid"
