"""Content-Security-Policy without inline scripts (issue 9, Build 4).

The header is on every HTML page; no template carries code the policy would block (inline <script>, on…=
handlers, javascript: URLs, style attributes or blocks, htmx code evaluation), so the pages keep working under it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from xinfang.core.csp import API_DOCS_POLICY, HEADER

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR) / "xinfang"
TEMPLATES = sorted(ROOT.rglob("templates/**/*.html"))
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
# Attributes in markup: on…= handlers; style= and <style> need 'unsafe-inline' in style-src.
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    """What in ``html`` the policy would refuse to run: each finding as a short excerpt."""
    found = [
        m.group(0)
        for m in SCRIPT_TAG.finditer(html)
        if "src=" not in m.group(1) and "application/json" not in m.group(1)  # json_script is data, never run
    ]
    found += [m.group(0) for m in HANDLER.finditer(html)]
    found += [m.group(0) for m in STYLE_ATTR.finditer(html)]
    found += re.findall(r"<style\b", html, re.IGNORECASE)
    found += re.findall(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", html, re.IGNORECASE)
    # htmx: hx-on handlers, js: values and [filters] in hx-trigger are code that htmx evaluates (allowEval off).
    found += re.findall(r"\bhx-on\S*=", html)
    found += re.findall(r"""hx-(?:vals|vars)\s*=\s*["']\s*js:""", html)
    found += [t for t in re.findall(r'''hx-trigger\s*=\s*"([^"]*)"''', html) if "[" in t]
    return found


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 50  # the glob reaches the apps' templates (a test over nothing proves nothing)
    assert ROOT / "core" / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_carries_inline_code(template: Path) -> None:
    assert inline_code(template.read_text(encoding="utf-8")) == []


def test_the_checker_finds_what_it_claims_to() -> None:
    bad = (
        '<script>alert(1)</script><button onclick="x()"></button><p style="color:red"></p><style>p{}</style>'
        '<a href="javascript:x()"></a><b hx-on:click="x()"></b><i hx-trigger="keyup[key==\'Enter\']"></i>'
    )
    assert len(inline_code(bad)) == 7
    good = '<script src="/static/x.js" defer></script><script id="d" type="application/json">{}</script>'
    assert inline_code(good) == []


@pytest.mark.parametrize("url", ["/", "/workbench/login/", "/admin/login/"])
def test_html_pages_carry_the_policy(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    assert response[HEADER] == POLICY
    assert inline_code(response.content.decode()) == []


def test_signed_in_pages_carry_the_policy(personas: Any) -> None:
    client = Client()
    client.force_login(personas.registrar_a)
    response = client.get(reverse("workbench:inbox"))
    assert response.status_code == 200
    assert response[HEADER] == POLICY
    assert inline_code(response.content.decode()) == []


def test_error_pages_carry_the_policy_too() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response[HEADER] == POLICY


def test_htmx_is_told_not_to_add_styles_or_evaluate_code() -> None:
    html = Client().get("/").content.decode()
    config = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", html)
    assert config is not None
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert '"allowEval": false' in config.group(1)


def test_json_answers_carry_no_page_policy() -> None:
    response = Client().get("/api/v1/categories/")
    assert response.status_code == 200
    assert HEADER not in response


def test_api_docs_run_no_inline_script_and_relax_styles_only() -> None:
    page = Client().get("/api/docs/")
    assert page.status_code == 200
    assert page[HEADER] == API_DOCS_POLICY
    assert "script-src 'self';" in API_DOCS_POLICY and "unsafe-eval" not in API_DOCS_POLICY
    html = page.content.decode()
    scripts = SCRIPT_TAG.findall(html)
    assert scripts and all("src=" in attrs for attrs in scripts)
    start = re.search(r'<script src="([^"]*script=[^"]*)"', html)
    assert start is not None
    script = Client().get(start.group(1).replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
