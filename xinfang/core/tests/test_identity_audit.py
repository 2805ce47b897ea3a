"""Audit of unmasked identity reads (issue 9, Build 4; Art. 30; 个人信息保护法 Art. 51, 54).

Each surface that shows a petitioner's identity unmasked writes exactly one ``IdentityRead`` per petition (or
booking) shown; a masked view writes none. The audit list is limited to supervisors and administrators, by scope.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import Personas, Tree, make_user
from xinfang.core.audit import identity_read_record
from xinfang.core.models import IdentityRead, IdentitySurface
from xinfang.documents.tests.helpers import doc_of
from xinfang.orgs.models import Role
from xinfang.petitions.models import DocumentKind, Petition
from xinfang.petitions.tests.helpers import register, to_replied
from xinfang.reception import services as reception
from xinfang.reception.models import ReceptionSession
from xinfang.reception.tests.helpers import Desk, make_desk, monthly

pytestmark = pytest.mark.django_db

LIST = "/api/v1/audit/identity-reads/"
EXPORT = "/api/v1/audit/identity-reads/export/"
TZ = ZoneInfo("Asia/Shanghai")


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reads(**filters: Any) -> list[tuple[str, int | None, str]]:
    return list(IdentityRead.objects.filter(**filters).values_list("user__username", "petition_id", "surface"))


@pytest.fixture
def petition(personas: Personas) -> Petition:
    registered, _ = register(personas.registrar_a)
    return registered


# ------------------------------------------------------------------------------------------------ surfaces


def test_petition_page_unmasked_writes_one_read_and_masked_none(personas: Personas, petition: Petition) -> None:
    # registrar A registered it: sees identity. The supervisor above sees the case, masked (Art. 30).
    assert page(personas.registrar_a).get(reverse("workbench:petition", args=[petition.number])).status_code == 200
    assert page(personas.supervisor).get(reverse("workbench:petition", args=[petition.number])).status_code == 200

    assert reads() == [("registrar_a", petition.pk, "petition_page")]


def test_api_detail_unmasked_writes_one_read_and_masked_none(personas: Personas, petition: Petition) -> None:
    shown = api(personas.registrar_a).get(f"/api/v1/petitions/{petition.number}/").json()
    masked = api(personas.supervisor).get(f"/api/v1/petitions/{petition.number}/").json()

    assert shown["petitioners"][0]["phone"] == "13812345678"
    assert masked["petitioners"][0]["phone"] == "138****5678"
    assert reads() == [("registrar_a", petition.pk, "api_detail")]


def test_api_action_answer_with_identity_writes_one_read(personas: Personas, petition: Petition) -> None:
    response = api(personas.registrar_a).post(
        f"/api/v1/petitions/{petition.number}/forward/", {"to_unit": personas.handler_b.unit_id}, format="json"
    )

    assert response.status_code == 200, response.content
    assert reads() == [("registrar_a", petition.pk, "api_action")]


def test_docx_download_unmasked_writes_one_read_and_masked_none(personas: Personas, petition: Petition) -> None:
    replied = to_replied(personas, petition, outcome="support")
    opinion = doc_of(replied, DocumentKind.OPINION)
    url = f"/api/v1/petitions/{replied.number}/documents/{opinion.pk}/docx"

    assert api(personas.handler_b).get(url).status_code == 200  # the handling unit: names unmasked
    assert api(personas.supervisor).get(url).status_code == 200  # above: names masked

    assert reads() == [("handler_b", replied.pk, "docx")]


def test_ledger_export_writes_one_read_per_unmasked_row(personas: Personas) -> None:
    first, _ = register(personas.registrar_a, title="路灯不亮")
    second, _ = register(personas.registrar_a, title="道路破损")

    shown = page(personas.registrar_a).get(reverse("workbench:ledger_export") + "?tab=all")
    masked = page(personas.supervisor).get(reverse("workbench:ledger_export") + "?tab=all")

    assert shown.status_code == masked.status_code == 200
    shown.getvalue()  # the whole file is produced (the audit does not depend on it, but a stream may)
    masked.getvalue()
    assert sorted(reads()) == sorted([("registrar_a", first.pk, "ledger"), ("registrar_a", second.pk, "ledger")])


def test_identity_read_record_is_one_insert_for_many_petitions(personas: Personas) -> None:
    petitions = [register(personas.registrar_a, title=f"事项{i}")[0] for i in range(5)]
    with CaptureQueriesContext(connection) as captured:
        written = identity_read_record(
            user=personas.registrar_a, surface=IdentitySurface.LEDGER, petition_ids=[p.pk for p in petitions]
        )
    assert written == 5 and IdentityRead.objects.count() == 5
    assert [q["sql"].split()[0] for q in captured.captured_queries].count("INSERT") == 1


@pytest.fixture
def session(tree: Tree, personas: Personas) -> tuple[Desk, ReceptionSession]:
    desk = make_desk(tree, personas)
    schedule = monthly(desk, 15)
    (made,) = reception.sessions_generate(schedule=schedule, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    with time_machine.travel(dt.datetime(2026, 4, 10, 10, 0, tzinfo=TZ), tick=False):
        reception.booking_create(
            session=made,
            data=reception.BookingData(slot_start=dt.time(9), name="王五", phone="13900001111", summary="停车"),
        )
    return desk, made


def test_reception_session_page_with_whole_phones_writes_one_read_per_booking(
    personas: Personas, session: tuple[Desk, ReceptionSession]
) -> None:
    desk, made = session
    booking = made.bookings.get()
    host = page(desk.desk).get(f"/workbench/reception/sessions/{made.pk}/")
    above = page(personas.supervisor).get(f"/workbench/reception/sessions/{made.pk}/")

    assert "13900001111" in host.content.decode()
    assert above.status_code == 200 and "13900001111" not in above.content.decode()
    rows: list[tuple[Any, ...]] = list(
        IdentityRead.objects.values_list("user__username", "booking_id", "petition_id", "surface")
    )
    assert rows == [("registrar_a", booking.pk, None, "reception_session")]


def test_booking_api_with_whole_phones_writes_one_read_and_masked_none(
    personas: Personas, session: tuple[Desk, ReceptionSession]
) -> None:
    desk, made = session
    url = f"/api/v1/reception/sessions/{made.pk}/bookings/"
    host = api(desk.desk).get(url).json()
    above = api(personas.supervisor).get(url).json()

    assert host["results"][0]["phone"] == "13900001111"
    assert above["results"][0]["phone"] == "139****1111"
    assert reads() == [("registrar_a", None, "api_bookings")]


def test_identity_reads_are_append_only(personas: Personas, petition: Petition) -> None:
    identity_read_record(user=personas.registrar_a, surface="api_detail", petition_ids=[petition.pk])
    row = IdentityRead.objects.get()
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()


# ------------------------------------------------------------------------------------------------ the list


@pytest.fixture
def audit(personas: Personas, tree: Tree) -> dict[str, Any]:
    """Reads of a petition of A1区 and of one of A2区, and a read of a booking without petition."""
    a1, _ = register(personas.registrar_a)
    a2_registrar = make_user("a2_registrar", tree.county2_housing, Role.REGISTRAR)
    a2, _ = register(a2_registrar)
    identity_read_record(user=personas.registrar_a, surface="api_detail", petition_ids=[a1.pk])
    identity_read_record(user=a2_registrar, surface="petition_page", petition_ids=[a2.pk])
    identity_read_record(user=personas.registrar_a, surface="api_bookings", bookings={99: None})
    return {"a1": a1, "a2": a2, "a2_registrar": a2_registrar}


def listed(user: Any, query: str = "") -> list[str]:
    response = api(user).get(f"{LIST}?{query}")
    assert response.status_code == 200, response.content
    return [r["petition"] for r in response.json()["results"]]


def test_supervisor_lists_only_reads_of_petitions_in_scope(personas: Personas, audit: dict[str, Any]) -> None:
    # The supervisor at A市信访局 oversees A1区 and A2区; both petitions are in scope; the booking row is not.
    assert sorted(listed(personas.supervisor)) == sorted([audit["a1"].number, audit["a2"].number])


def test_supervisor_elsewhere_sees_no_read_outside_scope(personas: Personas, tree: Tree, audit: dict[str, Any]) -> None:
    a2_supervisor = make_user("a2_supervisor", tree.county2, Role.SUPERVISOR)
    assert listed(a2_supervisor) == [audit["a2"].number]


def test_superuser_lists_every_read(audit: dict[str, Any]) -> None:
    from xinfang.orgs.models import User

    root = User.objects.create_superuser("root", password="pw-xinfang-test")
    assert sorted(listed(root)) == sorted(["", audit["a1"].number, audit["a2"].number])


def test_staff_without_supervisor_or_admin_role_are_refused(personas: Personas, audit: dict[str, Any]) -> None:
    assert api(personas.handler_b).get(LIST).status_code == 403
    assert api(personas.registrar_a).get(EXPORT).status_code == 403
    assert APIClient().get(LIST).status_code in {401, 403}


def test_list_filters_by_petition_user_and_dates(personas: Personas, audit: dict[str, Any]) -> None:
    sup = personas.supervisor
    assert listed(sup, f"petition={audit['a1'].number}") == [audit["a1"].number]
    assert listed(sup, f"petition={audit['a2'].pk}") == [audit["a2"].number]
    assert listed(sup, f"user={audit['a2_registrar'].pk}") == [audit["a2"].number]
    today = dt.datetime.now(TZ).date()
    assert len(listed(sup, f"from={today}&to={today}")) == 2
    assert listed(sup, f"to={today - dt.timedelta(days=1)}") == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("user=abc", "user"),
        ("user=99999999999999999999", "user"),
        ("from=2026-13-01", "from"),
        ("to=yesterday", "to"),
        ("from=2026-05-02&to=2026-05-01", "from"),
        ("petition=" + "9" * 41, "petition"),
    ],
)
def test_bad_filters_are_a_400_naming_the_field(personas: Personas, query: str, field: str) -> None:
    response = api(personas.supervisor).get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_csv_export_has_the_same_rows_as_the_list(personas: Personas, audit: dict[str, Any]) -> None:
    response = api(personas.supervisor).get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.getvalue().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sorted(r["petition"] for r in rows) == sorted([audit["a1"].number, audit["a2"].number])
    assert {r["surface"] for r in rows} == {"api_detail", "petition_page"}
