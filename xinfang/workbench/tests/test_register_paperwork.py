"""Registration (issue 11): area and category pickers, one account of request and facts, attachments kept across a
problem, the 登记回执 and the printable case file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xinfang.petitions import services
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.workbench.tests.conftest import on
from xinfang.workbench.tests.test_register import DAY, REGISTER, visit

pytestmark = pytest.mark.django_db


def test_area_picker_posts_the_deepest_chosen_area_as_the_problem_code(client, personas):
    client.force_login(personas.registrar_a)
    data = visit(problem_division_code="", area_province="990000", area_city="990100", area_county="990102")
    with on(DAY):
        response = client.post(REGISTER, data)
    assert response.status_code == 302
    assert Petition.objects.get().problem_division_code == "990102"


def test_area_picker_refuses_a_county_outside_the_chosen_city(client, personas):
    client.force_login(personas.registrar_a)
    data = visit(area_province="990000", area_city="990100", area_county="123456")
    with on(DAY):
        response = client.post(REGISTER, data)
    assert response.status_code == 200 and not Petition.objects.exists()
    assert "area_county" in response.context["form"].errors


def test_area_partial_loads_the_next_level_and_sets_the_code(client, personas):
    client.force_login(personas.registrar_a)
    url = reverse("workbench:register_area")
    html = client.get(url, {"level": "city", "area_province": "990000", "area_city": "990100"}).content.decode()
    assert '<option value="990101">A1区</option>' in html and 'id="area-area_county" hx-swap-oob' in html
    assert 'name="problem_division_code" id="id_problem_division_code" value="990100"' in html
    forged = client.get(url, {"level": "city", "area_province": "990000", "area_city": "123456"}).content.decode()
    assert 'value="990000"' in forged and "<select" not in forged  # the chain ends at the forged level


def test_a_posted_code_shows_its_areas_chosen_in_the_picker(client, personas):
    client.force_login(personas.registrar_a)
    response = client.post(REGISTER, visit(title=""))  # problem_division_code=990101
    html = response.content.decode()
    assert re.search(r'<option value="990101" selected>A1区</option>', html)


def test_category_search_finds_any_level_and_the_chosen_category_is_posted(client, personas):
    top = Category.objects.create(name="城乡建设", level=1, full_name="城乡建设")
    mid = Category.objects.create(name="物业管理", level=2, parent=top, full_name="城乡建设 / 物业管理")
    leaf = Category.objects.create(name="物业收费", level=3, parent=mid, full_name="城乡建设 / 物业管理 / 物业收费")
    client.force_login(personas.registrar_a)
    html = client.get(reverse("workbench:register_category"), {"category_q": "物业"}).content.decode()
    assert f'value="{mid.pk}"' in html and f'value="{leaf.pk}"' in html and f'value="{top.pk}"' not in html
    below = client.get(reverse("workbench:register_category"), {"category_parent": mid.pk}).content.decode()
    assert f'value="{leaf.pk}"' in below
    chosen = client.get(reverse("workbench:register_category"), {"chosen": "1", "category": leaf.pk})
    assert "城乡建设 / 物业管理 / 物业收费" in chosen.content.decode()
    with on(DAY):
        assert client.post(REGISTER, visit(category=str(leaf.pk))).status_code == 302
    assert Petition.objects.get().category == leaf


def test_a_visit_gives_one_account_of_request_and_facts_which_the_documents_quote(client, personas):
    """Art. 19: the 五必问 "facts" and "request and reasons" are the petition's facts and request, not a pointer."""
    client.force_login(personas.registrar_a)
    with on(DAY):
        client.post(REGISTER, visit(**{"q-facts": "见五必问记录", "q-request_and_reasons": "见五必问记录"}))
    petition = Petition.objects.get()
    assert petition.facts_and_reasons == "每天夜里施工到凌晨两点。"
    assert petition.five_questions["facts"] == petition.facts_and_reasons
    assert petition.five_questions["request_and_reasons"] == petition.request
    assert "见五必问记录" not in str(petition.five_questions)


def test_intake_fills_request_and_facts_from_the_five_questions_when_left_empty(personas):
    data = IntakeData(
        channel="phone",
        title="供暖不热",
        request="",
        facts_and_reasons="",
        nature="appeal",
        petitioners=[PetitionerData(name="李四")],
        five_questions={"facts": "室温只有12度。", "request_and_reasons": "请求恢复供暖"},
    )
    with on(DAY):
        petition, _code = services.petition_register(
            actor=personas.registrar_a, unit=personas.registrar_a.unit, data=data
        )
    assert petition.request == "请求恢复供暖" and petition.facts_and_reasons == "室温只有12度。"


def _held_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "tmp" / "register"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_attachments_are_kept_across_a_problem_and_stored_on_the_next_post(client, personas):
    client.force_login(personas.registrar_a)
    photo = SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff\xe0photo", content_type="image/jpeg")
    with on(DAY):
        first = client.post(REGISTER, {**visit(title=""), "attachments": photo})
    html = first.content.decode()
    assert first.status_code == 200 and "现场照片.jpg" in html and len(_held_files()) == 1
    token = re.search(r'name="held_attachments" value="([^"]+)"', html)
    assert token is not None
    with on(DAY):
        second = client.post(REGISTER, {**visit(), "held_attachments": token.group(1)})
    assert second.status_code == 302
    petition = Petition.objects.get()
    assert [a.original_name for a in petition.attachments.all()] == ["现场照片.jpg"]
    assert _held_files() == []


def test_a_held_attachment_can_be_removed_and_a_forged_token_holds_nothing(client, personas):
    client.force_login(personas.registrar_a)
    photo = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0photo", content_type="image/jpeg")
    with on(DAY):
        first = client.post(REGISTER, {**visit(title=""), "attachments": photo})
    token = re.search(r'name="held_attachments" value="([^"]+)"', first.content.decode())
    key = re.search(r'name="drop_held" value="([^"]+)"', first.content.decode())
    assert token and key
    with on(DAY):
        client.post(REGISTER, {**visit(), "held_attachments": token.group(1), "drop_held": key.group(1)})
        client.post(REGISTER, {**visit(title="另一件"), "held_attachments": token.group(1) + "x"})
    assert all(not p.attachments.exists() for p in Petition.objects.all())


def _registered(client: Any, personas: Any) -> Petition:
    client.force_login(personas.registrar_a)
    with on(DAY):
        client.post(REGISTER, visit())
    return Petition.objects.get()


def test_the_receipt_shows_number_code_unit_deadline_and_how_to_track(client, personas):
    client.force_login(personas.registrar_a)
    with on(DAY):
        response = client.post(REGISTER, visit(), follow=True)
    html = response.content.decode()
    petition = Petition.objects.get()
    assert 'id="receipt-number">' + petition.number in html
    assert "A1区信访局" in html and "2026-03-02" in html
    assert 'id="receipt-deadline"' in html and "/track/" in html and "print.css" in html


def test_case_file_prints_for_who_may_see_it_with_identity_masked(client, personas):
    petition = _registered(client, personas)
    url = reverse("workbench:case_file", args=[petition.number])
    with on(DAY):
        html = client.get(url).content.decode()
    assert petition.number in html and 'id="case-file-timeline"' in html and 'id="case-file-clocks"' in html
    assert "13812345678" in html  # the registering unit sees the identity
    client.force_login(personas.outsider)
    with on(DAY):
        assert client.get(url).status_code == 404
        assert client.get(reverse("workbench:receipt", args=[petition.number])).status_code == 404
