"""Error pages in the reader's language (zh-Hans by default), never Django's English debug page (issue 11), and
the site's icon."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import path

from xinfang.urls import urlpatterns as site_urls

pytestmark = pytest.mark.django_db


def _fail(request: Any) -> Any:
    raise RuntimeError("boom")


urlpatterns = [*site_urls, path("__fail__/", _fail)]


@override_settings(DEBUG=False)
def test_missing_page_is_a_chinese_404_page(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "Page not found" not in html  # translated, not the English source
    assert "Django" not in html and "URLconf" not in html
    assert 'href="/"' in html


@override_settings(DEBUG=False)
def test_missing_page_follows_the_chosen_language(client: Client) -> None:
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_server_error_is_a_plain_500_page_without_details() -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/__fail__/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>" in html and "boom" not in html and "Traceback" not in html
    assert "Server Error (500)" not in html  # Django's bare default


def test_favicon_is_linked_and_served(client: Client) -> None:
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
