"""Registration of letters, visits and calls: 五必问, petitioners, errors that keep every input, the hint."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_user
from xinfang.orgs.models import Role
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.services.intake import FIVE_QUESTIONS
from xinfang.petitions.tests.helpers import ID_OK, register, to_replied
from xinfang.workbench.tests.conftest import on

pytestmark = pytest.mark.django_db

REGISTER = reverse("workbench:register")
HINT = reverse("workbench:register_hint")
DAY = dt.date(2026, 3, 2)


def visit(**overrides: Any) -> dict[str, Any]:
    """A complete visit: the five questions asked and answered, one petitioner."""
    data: dict[str, Any] = {
        "channel": "visit",
        "received_on": DAY.isoformat(),
        "title": "搅拌站夜间施工噪音扰民",
        "request": "请求责令搅拌站停止夜间施工",
        "facts_and_reasons": "每天夜里施工到凌晨两点。",
        "nature": "appeal",
        "category": "",
        "petitioner_kind": "person",
        "head_count": "1",
        "problem_division_code": "990101",
        "problem_address": "丽发新城",
        "accused_name": "",
        "accused_unit": "",
        "previous": "",
        "p-TOTAL_FORMS": "1",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "0",
        "p-MAX_NUM_FORMS": "1000",
        "p-0-name": "张三",
        "p-0-id_number": ID_OK,
        "p-0-phone": "13812345678",
        "p-0-address": "丽发新城3栋",
    }
    for key in FIVE_QUESTIONS:
        data[f"q-asked_{key}"] = "on"
        data[f"q-{key}"] = f"答复：{key}"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_only_registrars_register(client, personas):
    client.force_login(personas.handler_b)
    assert client.get(REGISTER).status_code == 403
    assert client.post(REGISTER, visit()).status_code == 403
    assert not Petition.objects.exists()


def test_registration_form_labels_every_field(client, personas):
    client.force_login(personas.registrar_a)
    html = client.get(REGISTER).content.decode()
    for field_id in [
        "id_channel",
        "id_title",
        "id_request",
        "id_p-0-name",
        "id_p-0-id_number",
        "id_q-asked_facts",
        "id_q-difficulties",
        "id_area_province",
        "id_category_q",
        "id_previous",
        "id_attachments",
        "register-accused_unit-q",
    ]:
        assert f'for="{field_id}"' in html, field_id
        assert f'id="{field_id}"' in html, field_id


def test_visit_with_the_five_questions_is_registered_and_opens_the_petition_page(client, personas, tree):
    client.force_login(personas.registrar_a)
    upload = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    with on(DAY):
        response = client.post(REGISTER, {**visit(accused_unit=str(tree.environment.pk)), "attachments": upload})
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:receipt", args=[petition.number])
    assert petition.channel == "visit" and petition.registered_by == personas.registrar_a
    assert petition.registering_unit == tree.county_dept and petition.current_unit == tree.county_dept
    assert petition.five_questions == {
        "facts": "每天夜里施工到凌晨两点。",
        "request_and_reasons": "请求责令搅拌站停止夜间施工",
        "difficulties": "答复：difficulties",
        "history": "答复：history",
        "prior_handling": "答复：prior_handling",
    }
    assert petition.accused_unit == tree.environment
    assert [p.name for p in petition.petitioners.all()] == ["张三"]
    assert [a.original_name for a in petition.attachments.all()] == ["现场照片.jpg"]
    with on(DAY):
        page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and petition.number in html
    shown = re.findall(r'id="receipt-code">([0-9A-Z]{12})<', html)  # the 查询码, shown this once with the number
    assert len(shown) == 1 and petition.check_tracking_code(shown[0])
    with on(DAY):
        again = client.get(response["Location"]).content.decode()
        page = client.get(reverse("workbench:petition", args=[petition.number]))
    assert petition.number in again and 'id="receipt-code"' not in again  # the code only once
    html = page.content.decode()
    assert "李登记" in html and "No.regist" in html  # 三亮 of the registrar on the timeline


def test_letter_needs_no_five_questions(client, personas):
    client.force_login(personas.registrar_a)
    data = visit(channel="letter")
    for key in FIVE_QUESTIONS:
        data.pop(f"q-asked_{key}")
        data.pop(f"q-{key}")
    with on(DAY):
        response = client.post(REGISTER, data)
    assert response.status_code == 302
    assert Petition.objects.get().five_questions == {}


def test_visit_without_the_five_questions_is_refused_per_question(client, personas):
    client.force_login(personas.registrar_a)
    data = visit()
    data.pop("q-asked_history")
    data.pop("q-asked_difficulties")
    with on(DAY):
        response = client.post(REGISTER, data)
    assert response.status_code == 200 and not Petition.objects.exists()
    five = response.context["five"]
    assert set(five.errors) == {"asked_history", "asked_difficulties"}
    html = response.content.decode()
    assert 'href="#id_q-asked_history"' in html  # the summary links to the box to tick
    assert 'id="id_q-asked_history_error"' in html


def test_errors_are_shown_per_field_and_summarised_and_nothing_typed_is_lost(client, personas):
    client.force_login(personas.registrar_a)
    data = visit(title="", **{"p-0-phone": "12345", "p-0-id_number": "110105194912310021"})
    with on(DAY):
        response = client.post(REGISTER, data)
    assert response.status_code == 200 and not Petition.objects.exists()
    html = response.content.decode()
    # per field, linked by id, and in the summary with a link to the field
    assert 'aria-invalid="true"' in html
    assert 'id="id_title_error"' in html and 'href="#id_title"' in html
    assert 'id="id_p-0-phone_error"' in html and 'href="#id_p-0-phone"' in html
    assert 'href="#id_p-0-id_number"' in html
    assert 'role="alert"' in html
    # everything typed is still there
    assert "请求责令搅拌站停止夜间施工" in html and "每天夜里施工到凌晨两点。" in html
    assert 'value="张三"' in html and 'value="12345"' in html and 'value="110105194912310021"' in html
    assert "答复：history" in html
    assert re.search(r'<input type="checkbox" name="q-asked_facts"[^>]*id="id_q-asked_facts"[^>]* checked>', html)
    assert 'value="visit" selected' in html


def test_a_refusal_of_the_service_is_shown_at_its_place_with_input_kept(client, personas):
    """Art. 20: at most 5 representatives — the service's rule, shown at the petitioners."""
    client.force_login(personas.registrar_a)
    data = visit(petitioner_kind="group", head_count="30", **{"p-TOTAL_FORMS": "6"})
    for i in range(6):
        data.update({f"p-{i}-name": f"代表{i}", f"p-{i}-is_representative": "on"})
    data.pop("p-0-id_number")
    data.pop("p-0-phone")
    with on(DAY):
        response = client.post(REGISTER, data)
    assert response.status_code == 200 and not Petition.objects.exists()
    assert response.context["people"].non_form_errors()
    html = response.content.decode()
    assert 'href="#petitioners"' in html and 'value="代表5"' in html


def test_earlier_petition_by_number_makes_a_repeat(client, personas):
    with on(DAY):
        earlier, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    with on(DAY):
        response = client.post(REGISTER, visit(previous=earlier.number.lower()))
    assert response.status_code == 302
    petition = Petition.objects.exclude(pk=earlier.pk).get()
    assert petition.is_repeat and petition.previous == earlier


def test_unknown_earlier_petition_is_an_error_at_its_field(client, personas):
    client.force_login(personas.registrar_a)
    with on(DAY):
        response = client.post(REGISTER, visit(previous="NO-SUCH-1"))
    assert response.status_code == 200 and "previous" in response.context["form"].errors
    assert 'value="NO-SUCH-1"' in response.content.decode()


def test_adding_a_petitioner_row_keeps_everything_typed(client, personas):
    client.force_login(personas.registrar_a)
    response = client.post(REGISTER, {**visit(title=""), "add_petitioner": "1"})
    assert response.status_code == 200 and not Petition.objects.exists()
    html = response.content.decode()
    assert 'name="p-1-name"' in html and 'value="张三"' in html
    assert response.context["errors"] == []  # not an error: nothing was submitted yet
    row = client.get(reverse("workbench:petitioner_row"), {"p-TOTAL_FORMS": "2"}, HTTP_HX_REQUEST="true")
    row_html = row.content.decode()
    assert 'name="p-2-name"' in row_html and 'id="id_p-2-name"' in row_html
    assert 'hx-swap-oob="true"' in row_html and 'value="3"' in row_html


# ---------------------------------------------------------------- the duplicate-petitioner hint


@pytest.fixture
def elsewhere(personas: Any, tree: Any) -> Any:
    """A registrar in another county (A2): its petitions are not visible to unit A."""
    return make_user("registrar_a2", tree.county2_housing, Role.REGISTRAR, full_name="外区登记")


def test_hint_shows_open_petitions_of_the_same_petitioner_with_a_link_when_visible(client, personas, elsewhere):
    with on(DAY):
        mine, _ = register(personas.registrar_a)
        other, _ = register(elsewhere, petitioners=[PetitionerData(name="张三", phone="13812345678")])
        secret, _ = register(elsewhere, nature="accusation", petitioners=[PetitionerData(name="张三", id_number=ID_OK)])
        done, _ = register(personas.registrar_a)
        to_replied(personas, done)
    client.force_login(personas.registrar_a)
    response = client.get(HINT, {"p-0-id_number": ID_OK.lower(), "p-0-phone": "13812345678"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    matters = {m.number: m for m in response.context["matters"]}
    assert matters[mine.number].visible
    assert reverse("workbench:petition", args=[mine.number]) in html
    assert not matters[other.number].visible  # shown (编号, state, unit) but without a link
    assert reverse("workbench:petition", args=[other.number]) not in html and "A2区住房和城乡建设局" in html
    assert secret.number not in matters  # an accusation elsewhere is never disclosed (Art. 30)
    assert done.number in matters  # replied: still open (rating, review window)


def test_hint_ignores_closed_petitions_and_partial_values(client, personas):
    with on(DAY):
        closed, _ = register(personas.registrar_a)
        services.petition_decline(petition=closed, actor=personas.registrar_a, ground="out_of_scope", reason="不属于")
    client.force_login(personas.registrar_a)
    assert client.get(HINT, {"p-0-id_number": ID_OK}).context["matters"] == []
    partial = client.get(HINT, {"p-0-id_number": ID_OK[:10], "p-0-phone": "138"})
    assert partial.context["matters"] == [] and partial.context["invalid_id"]


def test_hint_offers_to_link_the_earlier_petition(client, personas):
    with on(DAY):
        mine, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    html = client.get(HINT, {"p-0-phone": "13812345678"}).content.decode()
    assert reverse("workbench:register_previous") in html and 'hx-target="#previous-field"' in html
    field = client.get(reverse("workbench:register_previous"), {"previous": mine.number}).content.decode()
    assert 'id="previous-field"' in field and f'value="{mine.number}"' in field


def test_hint_is_shown_again_when_the_form_comes_back_with_errors(client, personas):
    with on(DAY):
        mine, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    with on(DAY):
        response = client.post(REGISTER, visit(title=""))
    assert mine.number in response.content.decode()


def test_all_problems_show_at_once_including_the_checklist(client, personas):
    client.force_login(personas.registrar_a)
    data = visit(title="")
    data.pop("q-asked_facts")
    with on(DAY):
        response = client.post(REGISTER, data)
    assert "title" in response.context["form"].errors
    assert "asked_facts" in response.context["five"].errors
