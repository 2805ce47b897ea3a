"""通报 typical cases on the bulletin's staff page, in its API and in its .docx/.xlsx (issue 13 item 5): chosen and
approved by the issuing unit; the petitioner's name, phone, 身份证号 and address never appear anywhere."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import openpyxl
import pytest
from django.test import Client
from rest_framework.test import APIClient

from xinfang.petitions.tests.helpers import ID_OK, register
from xinfang.supervision.bulletin import bulletin_generate
from xinfang.supervision.exports import bulletin_docx, bulletin_xlsx
from xinfang.supervision.models import BulletinCase, CaseVerdict
from xinfang.supervision.typical_cases import bulletin_case_add, bulletin_case_approve

pytestmark = pytest.mark.django_db

IDENTITY = ("张三", "13812345678", ID_OK, "丽发新城3栋")  # the petitioner planted by ``register``
GOOD = "接件当日上门核实，七日内解决噪音问题"


def _bulletin(tree: Any) -> Any:
    return bulletin_generate(unit=tree.county_dept, month=dt.date(2025, 1, 1))


def _assert_no_identity(text: str) -> None:
    for value in IDENTITY:
        assert value not in text


def _page_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api_client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_issuing_unit_chooses_and_approves_a_case_on_the_bulletin_page_without_identity(
    personas: Any, tree: Any, analyst: Any, dept_head: Any
) -> None:
    petition, _code = register(personas.registrar_a)
    bulletin = _bulletin(tree)
    url = f"/workbench/supervision/bulletins/{bulletin.pk}/"
    chooser = _page_client(analyst)
    form = {"petition": petition.number, "unit": tree.housing.pk, "verdict": CaseVerdict.GOOD_PRACTICE, "account": GOOD}
    assert chooser.post(f"{url}cases/", form).status_code == 302
    case = BulletinCase.objects.get()
    page = chooser.get(url).content.decode()
    assert GOOD in page and 'id="bulletin-cases"' in page
    reader = _page_client(personas.handler_b)  # staff of a unit the bulletin covers
    assert GOOD not in reader.get(url).content.decode()  # not shown until approved
    assert chooser.post(f"{url}cases/{case.pk}/approve/").status_code == 403  # an analyst does not approve
    assert _page_client(dept_head).post(f"{url}cases/{case.pk}/approve/").status_code == 302
    page = reader.get(url).content.decode()
    assert f"【典型经验】{petition.number}，A1区住房和城乡建设局：{GOOD}" in page
    assert f"{url}cases/" not in page  # a reader gets no form to choose or approve
    _assert_no_identity(page)
    _assert_no_identity(chooser.get(url).content.decode())


@pytest.mark.parametrize("leak", IDENTITY)
def test_the_page_refuses_an_account_naming_the_petitioner_at_its_field(
    personas: Any, tree: Any, analyst: Any, leak: str
) -> None:
    petition, _code = register(personas.registrar_a)
    bulletin = _bulletin(tree)
    form = {
        "petition": petition.number,
        "unit": tree.housing.pk,
        "verdict": CaseVerdict.NEGLIGENCE,
        "account": f"信访人{leak}反映的问题拖延三个月",
    }
    response = _page_client(analyst).post(f"/workbench/supervision/bulletins/{bulletin.pk}/cases/", form)
    assert response.status_code == 400
    assert 'id="id_account_error"' in response.content.decode()
    assert not BulletinCase.objects.exists()


def test_the_page_refuses_a_unit_outside_the_bulletin_and_an_unknown_petition(
    personas: Any, tree: Any, analyst: Any
) -> None:
    petition, _code = register(personas.registrar_a)
    url = f"/workbench/supervision/bulletins/{_bulletin(tree).pk}/cases/"
    client = _page_client(analyst)
    outside = {"petition": petition.number, "unit": tree.county2_housing.pk, "verdict": "good", "account": GOOD}
    assert 'id="id_unit_error"' in client.post(url, outside).content.decode()
    unknown = {"petition": "NO-SUCH-1", "unit": tree.housing.pk, "verdict": "good", "account": GOOD}
    response = client.post(url, unknown)
    assert response.status_code == 400 and 'id="id_petition_error"' in response.content.decode()
    assert not BulletinCase.objects.exists()


def test_the_api_lists_chooses_and_approves_cases_without_identity(
    personas: Any, tree: Any, analyst: Any, dept_head: Any
) -> None:
    petition, _code = register(personas.registrar_a)
    bulletin = _bulletin(tree)
    url = f"/api/v1/supervision/bulletins/{bulletin.pk}/cases/"
    chooser, reader = _api_client(analyst), _api_client(personas.handler_b)
    body = {"petition": petition.number, "unit": tree.housing.pk, "verdict": "good", "account": GOOD}
    created = chooser.post(url, body, format="json")
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    assert created.json()["approved"] is False
    assert reader.post(url, body, format="json").status_code == 403  # not the issuing unit
    assert reader.get(url).json() == []  # awaiting approval: only the issuing unit sees it
    assert chooser.post(f"{url}{case_id}/approve/").status_code == 403
    approved = _api_client(dept_head).post(f"{url}{case_id}/approve/")
    assert approved.status_code == 200 and approved.json()["approved"] is True
    again = _api_client(dept_head).post(f"{url}{case_id}/approve/")
    assert again.status_code == 409
    listed = reader.get(url)
    assert [c["petition"] for c in listed.json()] == [petition.number]
    assert listed.json()[0]["account"] == GOOD and listed.json()[0]["unit"] == "A1区住房和城乡建设局"
    for response in (created, approved, listed, reader.get(f"/api/v1/supervision/bulletins/{bulletin.pk}/")):
        _assert_no_identity(response.content.decode())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"account": f"信访人张三电话{'13812345678'}"}, "account"),
        ({"account": f"身份证号{ID_OK}"}, "account"),
        ({"petition": "NO-SUCH-1"}, "petition"),
        ({"unit": "abc"}, "unit"),
        ({"verdict": "praise"}, "verdict"),
    ],
)
def test_the_api_refuses_bad_case_input_naming_the_field(
    personas: Any, tree: Any, analyst: Any, change: dict[str, str], field: str
) -> None:
    petition, _code = register(personas.registrar_a)
    url = f"/api/v1/supervision/bulletins/{_bulletin(tree).pk}/cases/"
    body = {"petition": petition.number, "unit": tree.housing.pk, "verdict": "good", "account": GOOD, **change}
    response = _api_client(analyst).post(url, body, format="json")
    assert response.status_code == 400
    assert field in response.content.decode()
    _assert_no_identity(response.content.decode())
    assert not BulletinCase.objects.exists()


def test_approving_an_unknown_case_is_not_found(tree: Any, dept_head: Any) -> None:
    url = f"/api/v1/supervision/bulletins/{_bulletin(tree).pk}/cases/"
    client = _api_client(dept_head)
    assert client.post(f"{url}999999/approve/").status_code == 404
    assert client.post(f"{url}x/approve/").status_code == 404


def test_exports_print_only_approved_cases_and_no_identity(
    personas: Any, tree: Any, analyst: Any, dept_head: Any
) -> None:
    first, _code = register(personas.registrar_a)
    second, _code = register(personas.registrar_a)
    bulletin = _bulletin(tree)
    shown = bulletin_case_add(
        actor=analyst, bulletin=bulletin, petition=first, unit=tree.housing, verdict="negligence", account="拖延三月"
    )
    bulletin_case_add(
        actor=analyst, bulletin=bulletin, petition=second, unit=tree.housing, verdict="good", account="尚未批准的案例"
    )
    bulletin_case_approve(actor=dept_head, case=shown)
    document = docx.Document(io.BytesIO(bulletin_docx(bulletin)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"【不担当不作为典型案例】{first.number}，A1区住房和城乡建设局：拖延三月" in text
    assert "尚未批准的案例" not in text
    book = openpyxl.load_workbook(io.BytesIO(bulletin_xlsx(bulletin)))
    cells = "\n".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row)
    assert "拖延三月" in cells and "尚未批准的案例" not in cells
    _assert_no_identity(text)
    _assert_no_identity(cells)
    page = _page_client(personas.handler_b).get(f"/workbench/supervision/bulletins/{bulletin.pk}/docx/")
    assert page.status_code == 200
