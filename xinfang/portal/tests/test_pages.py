"""The start page (阳光信访) and the published channels and procedure (Art. 18)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_home_offers_submit_track_and_sign_in(client: Client, db: None) -> None:
    html = client.get("/").content.decode()
    for url in ('href="/submit/"', 'href="/track/"', 'href="/account/sign-in/"', 'href="/info/"'):
        assert url in html
    with translation.override("zh-hans"):
        assert translation.gettext("Submit a petition online") in html


def test_home_is_available_in_english(client: Client, db: None) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html and "Submit a petition online" in html


def test_info_lists_the_petition_departments_with_address_and_phone(client: Client, tree: Any) -> None:
    tree.city_dept.address = "A市人民路1号"
    tree.city_dept.phone = "0999-12345678"
    tree.city_dept.save()
    html = client.get("/info/").content.decode()
    assert tree.province_dept.name in html and tree.city_dept.name in html
    assert "A市人民路1号" in html and 'href="tel:0999-12345678"' in html
    assert tree.county_dept.name not in html  # county departments are listed per area
    assert tree.housing.name not in html  # only petition departments
    html = client.get("/info/", {"area": "990100"}).content.decode()
    assert tree.county_dept.name in html and tree.city_dept.name in html
    assert tree.province_dept.name not in html


def test_info_states_the_procedure_with_its_time_limits_and_reception_times(
    client: Client, tree: Any, settings: Any
) -> None:
    settings.XINFANG_RECEPTION_HOURS = "每周一至周五 8:30—17:00"
    html = client.get("/info/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "每周一至周五 8:30—17:00" in html
    for text in ("15 days from receipt", "60 days from acceptance", "at most 30 days", "Art. 35", "Art. 36"):
        assert text in html, text
    assert "http://testserver/" in html  # the online address


def test_info_ignores_an_unknown_area(client: Client, tree: Any) -> None:
    assert tree.city_dept.name in client.get("/info/", {"area": "<script>"}).content.decode()
