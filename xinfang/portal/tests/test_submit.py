"""Guided online submission (Arts. 19–21): the receipt, errors next to their fields, nothing typed lost."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from xinfang.core.errors import InvalidInput
from xinfang.petitions.models import Category, Petition
from xinfang.portal.models import CitizenProfile
from xinfang.portal.tests.helpers import submission

pytestmark = pytest.mark.django_db


def zh(msgid: str, **params: Any) -> str:
    with translation.override("zh-hans"):
        text = translation.gettext(msgid)
    return text % params if params else text


def test_form_labels_every_field_and_shows_the_attachment_limits(client: Client, tree: Any, settings: Any) -> None:
    settings.XINFANG_ATTACHMENT_MAX_COUNT = 7
    html = client.get("/submit/").content.decode()
    for field in ("title", "facts", "request_and_reasons", "difficulties", "history", "prior_handling", "province"):
        assert f'<label for="id_{field}">' in html
    assert "<legend>" in html  # radio groups (kind of matter, who is petitioning) are fieldsets with a legend
    assert "multiple" in html and 'accept=".pdf,' in html
    assert "7" in re.search(r'id="id_attachments_helptext">([^<]*)<', html).group(1)  # type: ignore[union-attr]
    assert 'hx-get="/submit/region/"' in html


def test_submission_creates_the_petition_at_the_areas_petition_department_and_shows_number_and_code(
    client: Client, tree: Any
) -> None:
    response = client.post("/submit/", submission(difficulties="老人摔倒过", history="2025年打过12345"))
    assert response.status_code == 302 and response["Location"] == "/receipt/"
    petition = Petition.objects.get()
    assert petition.registering_unit == tree.county_dept  # petition_dept_for_division("990101")
    assert petition.channel == "online" and petition.problem_division_code == "990101"
    assert petition.request == "请尽快修复路灯，因为老人夜里出行不安全。"
    assert petition.facts_and_reasons.startswith("丽发新城3栋门前")
    assert petition.five_questions["difficulties"] == "老人摔倒过"
    assert petition.five_questions["history"] == "2025年打过12345"
    assert [(p.name, p.phone, p.address) for p in petition.petitioners.all()] == [
        ("王五", "13800001111", "A1区丽发新城3栋101")
    ]
    assert petition.submitted_by is None

    receipt = client.get("/receipt/")
    html = receipt.content.decode()
    assert receipt.status_code == 200
    assert "no-store" in receipt["Cache-Control"]
    assert petition.number in html
    code = re.search(r'id="receipt-code">([0-9A-Z]+)<', html).group(1)  # type: ignore[union-attr]
    assert petition.check_tracking_code(code)
    assert tree.county_dept.name in html
    assert petition.clocks.get().due.isoformat() in html  # the first clock's due date, with its explanation
    assert "<details" in html

    # The code is shown once; the session may follow the petition without typing it.
    assert client.get("/receipt/").status_code == 302
    assert client.get(f"/track/{petition.number}/").status_code == 200


def test_a_validation_error_keeps_every_typed_value_and_names_the_field(client: Client, tree: Any) -> None:
    data = submission(
        facts="",
        difficulties="夜里看不见路",
        history="去年反映过一次",
        prior_handling="社区说会修",
        accused_name="某物业公司",
        id_number="11010519491231002X",
        is_joint="on",
    )
    response = client.post("/submit/", data)
    html = response.content.decode()
    assert response.status_code == 400
    assert not Petition.objects.exists()
    # Every typed value is back in the form.
    for value in (
        "小区路灯长期不亮",
        "请尽快修复路灯",
        "夜里看不见路",
        "去年反映过一次",
        "社区说会修",
        "某物业公司",
        "11010519491231002X",
        "王五",
        "13800001111",
        "A1区丽发新城3栋101",
        "丽发新城3栋",
    ):
        assert value in html, value
    assert re.search(r'<option value="990101" selected>', html)  # the chosen county, with its list loaded
    assert re.search(r'name="is_joint"[^>]*checked', html)
    # The error is next to the field (and linked to it) and in the summary at the top.
    assert 'id="id_facts_error"' in html
    assert re.search(r'<textarea[^>]*aria-describedby="id_facts_helptext id_facts_error"', html)
    assert re.search(r'<textarea[^>]*aria-invalid="true"', html)
    assert 'href="#id_facts"' in html and 'id="error-summary"' in html


def test_files_must_be_chosen_again_after_an_error_and_the_form_says_so(client: Client, tree: Any) -> None:
    upload = SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    response = client.post("/submit/", {**submission(title=""), "attachments": [upload]})
    html = response.content.decode()
    assert response.status_code == 400
    assert zh("Choose your files again: they are not kept after an error.") in html


def test_an_attachment_of_a_refused_type_is_named_next_to_the_field(client: Client, tree: Any) -> None:
    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = client.post("/submit/", {**submission(), "attachments": [upload]})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_attachments_error"' in html and "run.exe" in html


def test_attachments_are_stored_with_the_petition(client: Client, tree: Any) -> None:
    files = [
        SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff", content_type="image/jpeg"),
        SimpleUploadedFile("说明.txt", "路灯坏了".encode(), content_type="text/plain"),
    ]
    assert client.post("/submit/", {**submission(), "attachments": files}).status_code == 302
    assert sorted(a.original_name for a in Petition.objects.get().attachments.all()) == ["现场.jpg", "说明.txt"]


def group(n: int, **overrides: Any) -> dict[str, Any]:
    reps = {"rep-TOTAL_FORMS": str(max(n, 5))}
    for i in range(max(n, 5)):
        reps[f"rep-{i}-name"] = f"代表{i + 1}" if i < n else ""
        reps[f"rep-{i}-phone"] = f"1390000000{i}" if i < n else ""
    return submission(**{"petitioner_kind": "group", "head_count": "30", **reps, **overrides})


def test_a_group_with_six_representatives_is_refused_with_the_article_20_message(client: Client, tree: Any) -> None:
    response = client.post("/submit/", group(6))
    html = response.content.decode()
    assert response.status_code == 400
    assert zh("A group chooses at most %(n)s representatives (Art. 20).", n=5) in html
    assert 'href="#representatives"' in html
    assert "代表6" in html  # the sixth row is still there to correct
    assert not Petition.objects.exists()


def test_a_group_names_its_representatives_and_the_submitter_can_be_one_of_them(client: Client, tree: Any) -> None:
    assert client.post("/submit/", group(3, name="代表1")).status_code == 302
    petition = Petition.objects.get()
    assert petition.petitioner_kind == "group" and petition.head_count == 30 and petition.is_collective
    people = {p.name: p.is_representative for p in petition.petitioners.all()}
    assert people == {"代表1": True, "代表2": True, "代表3": True}


def test_a_group_needs_a_head_count_of_two_and_a_representative(client: Client, tree: Any) -> None:
    response = client.post("/submit/", group(0, head_count="1"))
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_head_count_error"' in html
    assert zh("Name at least one representative of the group (Art. 20).") in html


def test_anonymous_petition_keeps_no_identity_and_refuses_typed_identity(client: Client, tree: Any) -> None:
    response = client.post("/submit/", submission(is_anonymous="on"))
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    anonymous = submission(is_anonymous="on", name="", phone="", address="")
    assert client.post("/submit/", anonymous).status_code == 302
    petition = Petition.objects.get()
    assert petition.is_anonymous and not petition.petitioners.exists()


def test_name_and_address_are_required_unless_anonymous(client: Client, tree: Any) -> None:
    html = client.post("/submit/", submission(name="", address="")).content.decode()
    assert 'id="id_name_error"' in html and 'id="id_address_error"' in html


def test_a_service_refusal_is_shown_on_the_field_it_names(client: Client, tree: Any, monkeypatch: Any) -> None:
    def refuse(**kwargs: Any) -> Any:
        raise InvalidInput("人数不对", field="head_count")

    monkeypatch.setattr("xinfang.portal.views.submit.services.petition_register", refuse)
    html = client.post("/submit/", submission()).content.decode()
    assert 'id="id_head_count_error"' in html and "人数不对" in html


def test_signed_in_citizen_is_recorded_as_submitter_and_phone_is_prefilled(
    client: Client, tree: Any, citizen: Any
) -> None:
    CitizenProfile.objects.create(user=citizen, phone="13911112222")
    client.force_login(citizen)
    assert 'value="13911112222"' in client.get("/submit/").content.decode()
    assert client.post("/submit/", submission()).status_code == 302
    assert Petition.objects.get().submitted_by == citizen


def test_staff_signed_in_on_the_portal_is_not_recorded_as_a_citizen(client: Client, personas: Any) -> None:
    client.force_login(personas.handler_b)
    assert client.post("/submit/", submission()).status_code == 302
    assert Petition.objects.get().submitted_by is None


def test_an_area_without_a_petition_department_is_refused_on_the_picker(client: Client, tree: Any) -> None:
    tree.county_dept.is_active = False
    tree.county_dept.save()
    tree.city_dept.is_active = False
    tree.city_dept.save()
    tree.province_dept.is_active = False
    tree.province_dept.save()
    html = client.post("/submit/", submission()).content.decode()
    assert 'id="id_county_error"' in html


def test_the_chosen_topic_is_the_deepest_category(client: Client, tree: Any) -> None:
    top = Category.objects.create(name="城乡建设", level=1, full_name="城乡建设")
    mid = Category.objects.create(name="市政设施", level=2, parent=top, full_name="城乡建设 / 市政设施")
    assert client.post("/submit/", submission(category_1=str(top.pk), category_2=str(mid.pk))).status_code == 302
    assert Petition.objects.get().category == mid


def test_region_partial_loads_the_next_level_and_the_receiving_department(client: Client, tree: Any) -> None:
    html = client.get("/submit/region/", {"level": "province", "province": "990000"}).content.decode()
    assert '<option value="990100">A市</option>' in html
    assert 'id="pick-city" hx-swap-oob="innerHTML"' in html
    assert 'id="pick-county" hx-swap-oob="innerHTML"></div>' in html  # deeper levels are emptied
    assert tree.province_dept.name in html

    html = client.get("/submit/region/", {"level": "city", "province": "990000", "city": "990100"}).content.decode()
    assert '<option value="990101">A1区</option>' in html and '<option value="990102">A2区</option>' in html
    assert tree.city_dept.name in html

    html = client.get(
        "/submit/region/", {"level": "county", "province": "990000", "city": "990100", "county": "990101"}
    ).content.decode()
    assert tree.county_dept.name in html
    assert "<select" not in html  # the test tree has no townships under A1区


def test_region_partial_ignores_a_code_outside_the_chosen_parent(client: Client, tree: Any) -> None:
    html = client.get("/submit/region/", {"level": "city", "province": "990000", "city": "123456"}).content.decode()
    assert "<select" not in html


def test_category_partial_loads_the_subtopics(client: Client, db: None) -> None:
    top = Category.objects.create(name="城乡建设", level=1, full_name="城乡建设")
    Category.objects.create(name="市政设施", level=2, parent=top, full_name="城乡建设 / 市政设施")
    html = client.get("/submit/category/", {"level": "category_1", "category_1": str(top.pk)}).content.decode()
    assert "市政设施" in html and 'id="pick-category_2" hx-swap-oob="innerHTML"' in html
    assert 'hx-get="/submit/category/"' in html


def test_without_javascript_the_next_level_loads_without_judging_the_form(client: Client, tree: Any) -> None:
    data = submission(title="", city="", county="", _refresh="region")
    response = client.post("/submit/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="990101">' not in html and '<option value="990100">A市</option>' in html
    assert 'id="error-summary"' not in html and "王五" in html
    assert not Petition.objects.exists()


def test_submissions_are_throttled_per_client_and_keep_what_was_typed(
    client: Client, tree: Any, monkeypatch: Any
) -> None:
    from xinfang.portal.throttle import PortalThrottle

    monkeypatch.setattr(PortalThrottle, "THROTTLE_RATES", {"public_submit": "1/hour", "public_track": "1/hour"})
    assert client.post("/submit/", submission()).status_code == 302
    response = client.post("/submit/", submission(title="第二件"))
    assert response.status_code == 429
    assert "第二件" in response.content.decode()
    assert Petition.objects.count() == 1
