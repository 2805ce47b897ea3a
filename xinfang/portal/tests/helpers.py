"""Builders for the portal tests: a valid submission POST, online petitions, and proving 编号 + 查询码."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from xinfang.orgs.models import User
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import intake

TZ = dt.timezone(dt.timedelta(hours=8))
MARCH_2 = dt.datetime(2026, 3, 2, 10, tzinfo=TZ)  # a Monday; a petition received then must be routed by 3-17


def submission(**overrides: Any) -> dict[str, Any]:
    """A complete, valid POST of the submission form (a person, A1区 in the test tree)."""
    data: dict[str, Any] = {
        "title": "小区路灯长期不亮",
        "facts": "丽发新城3栋门前的路灯已经坏了一个多月，夜里一片漆黑。",
        "request_and_reasons": "请尽快修复路灯，因为老人夜里出行不安全。",
        "difficulties": "",
        "history": "",
        "prior_handling": "",
        "nature": "appeal",
        "accused_name": "",
        "province": "990000",
        "city": "990100",
        "county": "990101",
        "township": "",
        "problem_address": "丽发新城3栋",
        "category_1": "",
        "category_2": "",
        "category_3": "",
        "petitioner_kind": "person",
        "head_count": "1",
        "name": "王五",
        "id_number": "",
        "phone": "13800001111",
        "address": "A1区丽发新城3栋101",
        "rep-TOTAL_FORMS": "5",
        "rep-INITIAL_FORMS": "0",
        "rep-MIN_NUM_FORMS": "0",
        "rep-MAX_NUM_FORMS": "5",
    }
    for i in range(5):
        data[f"rep-{i}-name"] = ""
        data[f"rep-{i}-phone"] = ""
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def register_online(tree: Any, citizen: User | None = None, **overrides: Any) -> tuple[Petition, str]:
    """An online petition received by A1区信访局 (unit A), as the portal would register it."""
    overrides.setdefault("channel", "online")
    return services.petition_register(actor=None, unit=tree.county_dept, data=intake(**overrides), citizen=citizen)


def prove(client: Client, petition: Petition, code: str) -> None:
    """Track with 编号 + 查询码, which grants this session the petition's page."""
    response = client.post("/track/", {"number": petition.number, "code": code})
    assert response.status_code == 302, response.content.decode()
