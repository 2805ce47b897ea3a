"""Suggestions in the product: the staff detail's fields, the petitioner's view without them, fingerprints after
registration and by backfill, and the registration-time suggestions (API and workbench fragment)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from xinfang.insight import integration
from xinfang.insight.models import PetitionFingerprint
from xinfang.insight.tests.test_dedup import ORIGINAL, RESUBMITTED
from xinfang.petitions import services
from xinfang.petitions.models import Category
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register, to_handling

pytestmark = pytest.mark.django_db

OTHER_ID = "110105198001010016"


@pytest.fixture
def categories(settings, tmp_path):
    """A small category tree and no trained model: suggestions come from the cold start."""
    settings.XINFANG_ROUTING_MODEL = str(tmp_path / "no-model")
    tree = {}
    for top, mid, leaf in [
        ("环境保护", "噪声污染", "施工噪声"),
        ("环境保护", "大气污染", "扬尘污染"),
        ("劳动和社会保障", "工资福利", "拖欠工资"),
        ("城乡建设", "市政设施", "路灯维修"),
    ]:
        a = tree.get(top) or Category.objects.create(name=top, level=1, full_name=top)
        tree[top] = a
        b = Category.objects.get_or_create(name=mid, level=2, parent=a, full_name=f"{top} / {mid}")[0]
        tree[f"{top} / {mid} / {leaf}"] = Category.objects.create(
            name=leaf, level=3, parent=b, full_name=f"{top} / {mid} / {leaf}"
        )
    return tree


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_staff_detail_carries_routing_suggestions_repeat_candidates_and_similar_petitions(personas, categories):
    earlier, _ = register(
        personas.registrar_a, title="丽发新城搅拌站施工噪声扰民", request=ORIGINAL, facts_and_reasons=""
    )
    copy, _ = register(
        personas.registrar_a,
        title="联名反映搅拌站",
        request=ORIGINAL,
        facts_and_reasons="",
        petitioners=[PetitionerData(name="李四", id_number=OTHER_ID)],
    )
    for p in (earlier, copy):
        integration.fingerprint_petition(p)
    again, _ = register(personas.registrar_a, title="再次投诉搅拌站施工噪声", request=RESUBMITTED, facts_and_reasons="")

    body = _api(personas.registrar_a).get(f"/api/v1/petitions/{again.number}/").json()

    routing = body["routing_suggestions"]
    assert routing["categories"][0]["label"] == "环境保护"
    assert routing["categories"][0]["category"] == categories["环境保护"].pk
    assert len(routing["categories"]) <= 3
    (repeat,) = body["repeat_candidates"]
    assert repeat["number"] == earlier.number and repeat["state"] == "registered"
    assert repeat["received_on"] == earlier.received_on.isoformat() and repeat["similarity"] >= 0.3
    assert repeat["bars_acceptance"] is False and repeat["linked"] is False
    similar = body["similar_petitions"]
    assert [s["number"] for s in similar] == [copy.number]  # by someone else; the same petitioner's is a repeat


def test_suggestions_are_absent_from_the_petitioners_tracking_view_and_from_lists(personas, categories):
    petition, code = register(personas.registrar_a, title="搅拌站施工噪声", request=ORIGINAL, facts_and_reasons="")
    tracked = APIClient().get(f"/api/v1/track/{petition.number}", {"code": code}).json()
    listed = _api(personas.registrar_a).get("/api/v1/petitions/").json()["results"][0]
    for payload in (tracked, listed):
        assert not {"routing_suggestions", "repeat_candidates", "similar_petitions"} & set(payload)


def test_routing_suggestions_only_while_the_petition_waits_to_be_routed_or_accepted(personas, categories):
    petition, _ = register(personas.registrar_a, title="搅拌站施工噪声", request=ORIGINAL, facts_and_reasons="")
    to_handling(personas, petition)
    body = _api(personas.handler_b).get(f"/api/v1/petitions/{petition.number}/").json()
    assert body["routing_suggestions"] is None


def test_unit_suggestions_name_the_local_petition_department_and_the_usual_unit(personas, categories):
    # History at A1区信访局: environment matters went to A1区住建局 twice.
    leaf = categories["环境保护 / 噪声污染 / 施工噪声"]
    for _ in range(2):
        p, _ = register(personas.registrar_a, title="噪声", request="噪声扰民", facts_and_reasons="", category=leaf)
        to_handling(personas, p)
    petition, _ = register(personas.registrar_a, title="搅拌站施工噪声", request=ORIGINAL, facts_and_reasons="")
    # The department whose remit 环境保护 is comes first; the usual (here: mistaken) unit after it.
    competent, usual = integration.unit_suggestions(petition, "环境保护")
    assert (competent.unit.name, competent.reason, competent.share) == ("A1区生态环境局", "competent", None)
    assert (usual.unit, usual.reason, usual.share) == (personas.handler_b.unit, "usual", 1.0)
    assert integration.unit_suggestions(petition, "劳动和社会保障") == []  # no 人社局 in this tree

    # At A市信访局, a problem in A1区 (990101) suggests A1区信访局 (属地).
    at_city, _ = register(personas.city_dept_head, title="搅拌站施工噪声", request=ORIGINAL, facts_and_reasons="")
    (local,) = integration.unit_suggestions(at_city, "")
    assert (local.unit.name, local.reason) == ("A1区信访局", "locality")


def test_a_new_petition_is_fingerprinted_after_its_registration_commits(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        petition, _ = register(personas.registrar_a, title="搅拌站", request=ORIGINAL, facts_and_reasons="")
    assert not PetitionFingerprint.objects.filter(petition=petition).exists()  # nothing inside the transaction
    for callback in callbacks:
        callback()
    assert PetitionFingerprint.objects.filter(petition=petition).count() > 0


def test_backfill_command_fingerprints_petitions_without_one(personas):
    first, _ = register(personas.registrar_a, title="搅拌站", request=ORIGINAL, facts_and_reasons="")
    second, _ = register(personas.registrar_a, title="搅拌站再次", request=RESUBMITTED, facts_and_reasons="")
    PetitionFingerprint.objects.all().delete()
    out = StringIO()
    call_command("fingerprint_petitions", stdout=out)
    assert "fingerprinted 2 petitions" in out.getvalue()
    assert {s.petition.pk for s in integration.similar_petitions(second)} == {first.pk}
    call_command("fingerprint_petitions", stdout=out)
    assert "fingerprinted 0 petitions" in out.getvalue()  # idempotent


def test_draft_suggestions_at_registration_api(personas, categories):
    earlier, _ = register(personas.registrar_a, title="丽发新城搅拌站施工噪声", request=ORIGINAL, facts_and_reasons="")
    body = {
        "title": "再次投诉搅拌站施工噪声",
        "request": RESUBMITTED,
        "petitioners": [{"name": "张三", "id_number": ID_OK}],
    }
    response = _api(personas.registrar_a).post("/api/v1/insight/suggestions/", body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["categories"][0]["label"] == "环境保护"
    assert [c["number"] for c in data["repeat_candidates"]] == [earlier.number]
    # A registrar of a unit that may not see the earlier petition (A1区生态环境局) is not told about it.
    hidden = _api(personas.accused).post("/api/v1/insight/suggestions/", body, format="json").json()
    assert hidden["repeat_candidates"] == []
    # Looking petitions up by a person's ID number is a registration step: a handler is refused, as on screen.
    refused = _api(personas.handler_b).post("/api/v1/insight/suggestions/", body, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有登记员可以登记信访事项。"


def test_registration_screen_fragment_shows_categories_and_repeat_candidates(personas, categories, client):
    earlier, _ = register(personas.registrar_a, title="丽发新城搅拌站施工噪声", request=ORIGINAL, facts_and_reasons="")
    client.force_login(personas.registrar_a)
    page = client.get("/workbench/register/")
    assert 'id="insight-suggestions"' in page.content.decode()
    typed = {"title": "再次投诉搅拌站施工噪声", "request": RESUBMITTED, "facts_and_reasons": ""}
    only_text = client.post("/workbench/insight/register/suggestions/", typed, HTTP_HX_REQUEST="true")
    assert only_text.status_code == 200
    assert "环境保护" in only_text.content.decode() and earlier.number not in only_text.content.decode()
    with_person = client.post(
        "/workbench/insight/register/suggestions/", {**typed, "p-0-id_number": ID_OK}, HTTP_HX_REQUEST="true"
    )
    html = with_person.content.decode()
    assert earlier.number in html and "register/previous/?previous=" in html
    client.force_login(personas.handler_b)  # not a registrar
    assert client.post("/workbench/insight/register/suggestions/", typed).status_code == 403


def test_linking_is_a_service_call_not_a_side_effect_of_suggesting(personas):
    earlier, _ = register(personas.registrar_a, title="丽发新城搅拌站", request=ORIGINAL, facts_and_reasons="")
    again, _ = register(personas.registrar_a, title="再次投诉丽发新城搅拌站", request=RESUBMITTED, facts_and_reasons="")
    integration.staff_insight(personas.registrar_a, again)
    again.refresh_from_db()
    assert again.previous_id is None
    services.petition_link_repeat(petition=again, actor=personas.registrar_a, previous=earlier)
    (candidate,) = integration.staff_insight(personas.registrar_a, again).repeats
    assert candidate.earlier.pk == earlier.pk


def test_suggested_units_follow_the_suggested_category(personas, categories, tree):
    """劳动和社会保障 at A1区信访局: A1区人社局 first even where history sent such petitions to A1区住建局 more often;
    the 人社局 of another county is outside the holder's area and not suggested."""
    from xinfang.orgs.models import Unit

    def dept(name, division, parent):
        return Unit.objects.create(
            name=name,
            code=f"{division}RSJ",
            division_code=division,
            level="county",
            unit_type="functional_dept",
            parent=parent,
        )

    hrss = dept("A1区人力资源和社会保障局", "990101", tree.county)
    dept("A2区人力资源和社会保障局", "990102", tree.county2)
    wages = categories["劳动和社会保障 / 工资福利 / 拖欠工资"]
    for _ in range(3):  # a history of mistaken routing: wages to 住建局
        p, _ = register(personas.registrar_a, title="欠薪", request="拖欠工资", facts_and_reasons="", category=wages)
        to_handling(personas, p)
    petition, _ = register(personas.registrar_a, title="拖欠工资", request="请求支付工资", facts_and_reasons="")

    suggested = integration.unit_suggestions(petition, "劳动和社会保障")
    assert [(s.unit, s.reason) for s in suggested] == [(hrss, "competent"), (personas.handler_b.unit, "usual")]
    housing = integration.unit_suggestions(petition, "城乡建设")
    assert (housing[0].unit, housing[0].reason) == (personas.handler_b.unit, "competent")
