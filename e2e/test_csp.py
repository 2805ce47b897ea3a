"""The Content-Security-Policy in a real browser (issue 9, Build 4): chromium enforces it and reports each thing it
blocks; the pages that use scripts — portal, workbench with htmx, the leader's charts, the Swagger UI — block
nothing and still work (the language menu switches, the unit search answers Enter, the charts draw)."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db: None) -> str:
    from xinfang.orgs.demo import DEMO_PASSWORD, build_demo_tree, create_demo_staff
    from xinfang.petitions.demo import build_demo_petitions

    tree = build_demo_tree()
    create_demo_staff(tree)
    build_demo_petitions(tree, count=10)
    return DEMO_PASSWORD


def watch_violations(page: Any) -> list[str]:
    """Every CSP refusal on the page: console messages and securitypolicyviolation events."""
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return found


def login(page: Any, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/workbench/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action$='/workbench/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/workbench/(\?.*)?$"))


def test_pages_work_under_the_policy_and_nothing_is_blocked(live_server: Any, demo: str, desktop: Any) -> None:
    page, base = desktop, live_server.url
    violations = watch_violations(page)

    page.goto(f"{base}/")
    assert "script-src 'self';" in _policy(page, base, "/")
    page.select_option("#lang-select", "en")  # the handler lives in xinfang/site.js now
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.select_option("#lang-select", "zh-hans")
    page.wait_for_function("() => document.documentElement.lang === 'zh-Hans'")

    login(page, base, "registrar", demo)
    page.goto(f"{base}/workbench/register/")
    search = page.locator("#register-accused_unit-q")
    options = page.locator("#register-accused_unit-options")
    search.fill("住房")
    search.press("Enter")  # Enter searches (site.js) instead of submitting the registration form
    page.wait_for_function(
        "() => document.querySelector('#register-accused_unit-options').textContent.includes('住房')"
    )
    assert "/workbench/register/" in page.url
    assert options.locator("input").count() >= 1

    login(page, base, "leader", demo)
    page.goto(f"{base}/workbench/desk/")
    page.wait_for_selector("[data-chart][data-drawn] svg")

    page.goto(f"{base}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30000)

    assert violations == []


def _policy(page: Any, base: str, path: str) -> str:
    response = page.request.get(f"{base}{path}")
    header: str = response.headers.get("content-security-policy", "")
    return header
