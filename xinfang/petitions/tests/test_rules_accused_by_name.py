"""Art. 30 ¶3 by name: an accusation whose accused is given only as text never reaches the unit it names.

The leak this closes (issue 9): an accusation submitted through the public API with
``accused_name="A1区住房和城乡建设局"`` could be forwarded by the registrar to that very unit, whose handler and head
then saw the informant's phone and 身份证号. The guard only looked at ``accused_unit``, which nothing set.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from conftest import make_user
from xinfang.core.errors import RuleViolation
from xinfang.orgs.models import Role
from xinfang.orgs.names import Strength, name_forms, normalise, strength
from xinfang.petitions import selectors, services
from xinfang.petitions.models import Nature, Petition, PetitionEvent
from xinfang.petitions.services.accused import accused_matches, names_unit
from xinfang.petitions.services.routing import urgent_report_recipients
from xinfang.petitions.tests.helpers import register
from xinfang.petitions.workflow import Action, State
from xinfang.supervision.assignments import require_not_accused

pytestmark = pytest.mark.django_db

ID_OK = "11010519491231002X"


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def submit_accusation(accused_name: str, **extra: Any) -> Petition:
    body = {
        "title": "反映干部收受好处",
        "request": "请查处有关人员",
        "nature": "accusation",
        "accused_name": accused_name,
        "petitioners": [{"name": "举报人", "phone": "13912345678", "id_number": ID_OK}],
        "problem_division_code": "990101",
        **extra,
    }
    response = APIClient().post("/api/v1/petitions/", body, format="json")
    assert response.status_code == 201, response.content
    return Petition.objects.get(number=response.json()["number"])


# ---------------------------------------------------------------- the reproduction


def test_public_accusation_naming_a_unit_is_not_forwarded_to_it_and_its_staff_never_see_the_informant(personas, tree):
    p = personas
    petition = submit_accusation("A1区住房和城乡建设局")
    registrar = client_for(p.registrar_a)

    response = registrar.post(
        f"/api/v1/petitions/{petition.number}/forward/", {"to_unit": tree.housing.pk}, format="json"
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "accused_named" and body["article"] == "Art. 30 ¶3"
    assert "A1区住房和城乡建设局" in body["detail"]
    petition.refresh_from_db()
    assert petition.current_unit == tree.county_dept and petition.state == State.REGISTERED
    for person in (p.handler_b, p.head_b):
        assert client_for(person).get(f"/api/v1/petitions/{petition.number}/").status_code == 404
        assert not selectors.petitions_visible_to(person).filter(pk=petition.pk).exists()


def test_the_name_refusal_holds_even_after_staff_confirm_that_no_unit_is_accused(personas, tree):
    p = personas
    petition = submit_accusation("区住建局的王某")
    services.petition_confirm_accused(petition=petition, actor=p.registrar_a, accused_unit=None, note="仅反映个人")

    with pytest.raises(RuleViolation) as refused:
        services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=tree.housing)

    assert refused.value.code == "accused_named"
    # Any other unit may now receive it: the accusation goes where it can be handled.
    services.petition_refer_discipline(petition=petition, actor=p.registrar_a, to_unit=tree.discipline)
    petition.refresh_from_db()
    assert petition.current_unit == tree.discipline


def test_an_unconfirmed_accusation_is_routed_nowhere_until_staff_confirm_its_accused_unit(personas, tree):
    p = personas
    petition = submit_accusation("某干部")
    before = PetitionEvent.objects.filter(petition=petition).count()

    for call in (
        lambda: services.petition_refer_discipline(petition=petition, actor=p.registrar_a, to_unit=tree.discipline),
        lambda: services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=tree.legal),
        lambda: services.petition_assign(
            petition=petition, actor=p.registrar_a, to_unit=tree.discipline, feedback_days=30
        ),
    ):
        with pytest.raises(RuleViolation) as refused:
            call()
        assert refused.value.code == "accused_unconfirmed" and refused.value.article == "Art. 30 ¶3"
    assert PetitionEvent.objects.filter(petition=petition).count() == before

    services.petition_confirm_accused(petition=petition, actor=p.registrar_a, accused_unit=tree.environment)
    services.petition_refer_discipline(petition=petition, actor=p.registrar_a, to_unit=tree.discipline)
    petition.refresh_from_db()
    assert petition.current_unit == tree.discipline


def test_confirmation_is_an_internal_timeline_line_and_hides_the_petition_from_the_accused_side(personas, tree):
    p = personas
    petition = submit_accusation("某干部")
    assert selectors.petitions_visible_to(p.supervisor).filter(pk=petition.pk).exists()

    services.petition_confirm_accused(petition=petition, actor=p.registrar_a, accused_unit=tree.city_dept, note="")

    event = PetitionEvent.objects.filter(petition=petition, action=Action.CONFIRM_ACCUSED).get()
    assert event.is_public is False and event.data["accused_unit"] == "A市信访局"
    petition.refresh_from_db()
    assert petition.accused_unit == tree.city_dept and petition.accused_confirmed_by == p.registrar_a
    assert not selectors.petitions_visible_to(p.supervisor).filter(pk=petition.pk).exists()


def test_confirming_the_holder_as_accused_passes_the_accusation_to_the_petition_department_above(personas, tree):
    p = personas
    petition, _code = register(
        p.registrar_a,
        nature=Nature.ACCUSATION,
        accused_name="信访干部",
        title="反映信访局干部",
        accused_confirmed=False,
    )
    assert petition.current_unit == tree.county_dept

    services.petition_confirm_accused(petition=petition, actor=p.registrar_a, accused_unit=tree.county_dept)

    petition.refresh_from_db()
    assert petition.current_unit == tree.city_dept and petition.state == State.REGISTERED
    assert petition.clocks.filter(kind="route", owing_unit=tree.city_dept, stopped_on__isnull=True).exists()
    assert not selectors.petitions_visible_to(p.registrar_a).filter(pk=petition.pk).exists()


def test_staff_registration_with_a_chosen_unit_or_no_unit_is_confirmed_and_a_bare_text_is_not(personas, tree):
    p = personas
    chosen, _ = register(p.registrar_a, nature=Nature.ACCUSATION, accused_unit=tree.environment)
    none, _ = register(p.registrar_a, nature=Nature.ACCUSATION, accused_name="张某", accused_confirmed=True)
    text_only, _ = register(p.registrar_a, nature=Nature.ACCUSATION, accused_name="张某")
    appeal, _ = register(p.registrar_a, accused_confirmed=True)

    assert chosen.accused_confirmed_at is not None and chosen.accused_confirmed_by == p.registrar_a
    assert none.accused_confirmed_at is not None and none.accused_unit is None
    assert text_only.accused_confirmed_at is None
    assert appeal.accused_confirmed_at is None  # nothing to confirm outside 检举控告


def test_a_public_submission_cannot_confirm_its_own_accused_unit(personas, tree):
    petition = submit_accusation("某干部", accused_confirmed=True)
    assert petition.accused_confirmed_at is None


def test_an_accusation_handed_in_at_the_unit_it_names_is_passed_on_at_once(personas, tree):
    housing_registrar = make_user("housing_registrar", tree.housing, Role.REGISTRAR, Role.HANDLER)

    petition, _ = register(housing_registrar, nature=Nature.ACCUSATION, accused_name="本区住建局领导")

    assert petition.registering_unit == tree.housing
    assert petition.current_unit == tree.county_dept


# ---------------------------------------------------------------- the desks: 督办, 包案, 约访 … go through one guard


def test_desk_work_on_an_accusation_waits_for_confirmation_and_never_goes_to_the_named_unit(personas, tree):
    p = personas
    petition = submit_accusation("A1区生态环境局")

    with pytest.raises(RuleViolation) as named:
        require_not_accused(petition, unit=tree.environment, field="target_unit")
    assert named.value.code == "accused_named" and named.value.field == "target_unit"
    with pytest.raises(RuleViolation) as unconfirmed:
        require_not_accused(petition, unit=tree.discipline)
    assert unconfirmed.value.code == "accused_unconfirmed"

    petition = services.petition_confirm_accused(petition=petition, actor=p.registrar_a, accused_unit=tree.environment)
    require_not_accused(petition, unit=tree.discipline)  # allowed now
    with pytest.raises(RuleViolation):
        require_not_accused(petition, person=p.accused, field="leader")


def test_supervision_order_on_an_unconfirmed_accusation_is_refused_through_the_api(personas, tree):
    p = personas
    petition = submit_accusation("某干部")
    response = client_for(p.supervisor).post(
        "/api/v1/supervision/orders/",
        {"petition": petition.number, "target_unit": tree.county_dept.pk, "matter": "请加快办理", "reply_days": 10},
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "accused_unconfirmed"


def test_a_major_urgent_report_is_not_sent_to_a_government_the_accusation_names(personas, tree):
    p = personas
    petition = submit_accusation("A1区政府")
    petition = services.petition_confirm_accused(petition=petition, actor=p.registrar_a, accused_unit=None)

    recipients = urgent_report_recipients(petition)

    assert tree.county not in recipients
    assert tree.city in recipients


# ---------------------------------------------------------------- resolving the text against the unit tree


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("A1区住房和城乡建设局", "A1区住房和城乡建设局"),
        ("A1区住建局", "A1区住房和城乡建设局"),
        ("区住建局工作人员", "A1区住房和城乡建设局"),
        ("住建局", "A1区住房和城乡建设局"),
        ("A市住建局", "A市住房和城乡建设局"),
        ("Ａ１区 生态环境局", "A1区生态环境局"),
        ("区环保局", "A1区生态环境局"),
        ("区政府", "A1区人民政府"),
    ],
)
def test_the_accused_text_is_matched_to_the_unit_it_names_within_the_problem_area_first(personas, tree, text, first):
    petition = submit_accusation(text)

    matches = accused_matches(petition)

    assert matches and matches[0].unit.name == first
    assert tree.county2_housing not in [m.unit for m in matches]  # another county's 住建局 is not named


def test_a_bare_short_name_names_only_the_unit_of_the_problem_area(personas, tree):
    petition = submit_accusation("住建局")
    assert names_unit(petition, tree.housing)
    assert not names_unit(petition, tree.county2_housing)
    assert not names_unit(petition, tree.city_housing)  # "住建局" alone is the county's own bureau


def test_matches_are_in_the_staff_detail_until_confirmed(personas, tree):
    p = personas
    petition = submit_accusation("住建局")
    registrar = client_for(p.registrar_a)

    accused = registrar.get(f"/api/v1/petitions/{petition.number}/").json()["accused"]
    assert accused["confirmed"] is False and accused["name"] == "住建局"
    assert accused["matches"][0]["unit"]["name"] == "A1区住房和城乡建设局"
    assert accused["matches"][0]["strength"] == "bare"
    assert Action.CONFIRM_ACCUSED in registrar.get(f"/api/v1/petitions/{petition.number}/").json()["allowed_actions"]

    response = registrar.post(
        f"/api/v1/petitions/{petition.number}/confirm-accused/", {"accused_unit": tree.housing.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    accused = registrar.get(f"/api/v1/petitions/{petition.number}/").json()["accused"]
    assert accused["confirmed"] is True and accused["unit"]["name"] == "A1区住房和城乡建设局"
    assert accused["matches"] == []


def test_confirm_needs_exactly_one_of_a_unit_or_no_unit(personas, tree):
    petition = submit_accusation("某干部")
    registrar = client_for(personas.registrar_a)
    url = f"/api/v1/petitions/{petition.number}/confirm-accused/"
    assert registrar.post(url, {}, format="json").status_code == 400
    both = registrar.post(url, {"accused_unit": tree.housing.pk, "no_unit": True}, format="json")
    assert both.status_code == 400
    assert registrar.post(url, {"no_unit": True}, format="json").status_code == 200


def test_only_an_accusation_has_an_accused_unit_to_confirm(personas, tree):
    p = personas
    appeal, _ = register(p.registrar_a)
    assert Action.CONFIRM_ACCUSED not in selectors.allowed_actions(p.registrar_a, appeal)
    with pytest.raises(RuleViolation):
        services.petition_confirm_accused(petition=appeal, actor=p.registrar_a, accused_unit=None)


# ---------------------------------------------------------------- name forms (pure)


@pytest.mark.parametrize(
    ("text", "name", "area", "expected"),
    [
        ("A1区住房和城乡建设局", "A1区住房和城乡建设局", "A1区", Strength.QUALIFIED),
        ("A1区住建局", "A1区住房和城乡建设局", "A1区", Strength.QUALIFIED),
        ("区住建局", "A1区住房和城乡建设局", "A1区", Strength.LEVEL),
        ("住建局", "A1区住房和城乡建设局", "A1区", Strength.BARE),
        ("区委", "中共A1区委员会", "A1区", Strength.LEVEL),
        ("村民委员会", "中共A1区委员会", "A1区", Strength.NONE),
        ("政府", "A1区人民政府", "A1区", Strength.NONE),
        ("区人社局", "A1区人力资源和社会保障局", "A1区", Strength.LEVEL),
        ("A2区住建局", "A1区住房和城乡建设局", "A1区", Strength.NONE),
    ],
)
def test_name_forms_say_how_precisely_a_text_names_a_unit(text, name, area, expected):
    assert strength(normalise(text), name_forms(name, area)) == expected


# ---------------------------------------------------------------- the workbench


def test_petition_page_shows_the_unconfirmed_accused_and_its_matches_then_confirms(client, personas, tree):
    p = personas
    petition = submit_accusation("区住建局")
    client.force_login(p.registrar_a)
    page = client.get(f"/workbench/p/{petition.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    status = html[html.index('id="accused-status"') :][:600]
    assert "A1区住房和城乡建设局" in status
    assert 'id="action-confirm_accused"' in html

    response = client.post(f"/workbench/p/{petition.number}/act/confirm_accused/", {"accused_unit": tree.housing.pk})

    assert response.status_code in (200, 302)
    petition.refresh_from_db()
    assert petition.accused_unit == tree.housing and petition.accused_confirmed_at is not None


def test_registering_with_no_unit_accused_ticked_confirms_it(client, personas, tree):
    from xinfang.workbench.tests.test_register import visit

    client.force_login(personas.registrar_a)
    data = visit(nature="accusation", title="反映某村干部侵占补偿款", accused_name="村干部李某", accused_none="on")
    response = client.post("/workbench/register/", data)
    assert response.status_code in (200, 302), response.content[:500]
    petition = Petition.objects.get(title="反映某村干部侵占补偿款")
    assert petition.accused_confirmed_at is not None and petition.accused_unit is None


def test_registration_page_shows_the_units_the_typed_accused_text_names(client, personas, tree):
    client.force_login(personas.registrar_a)
    response = client.get(
        "/workbench/register/accused/",
        {"accused_name": "区住建局", "nature": "accusation", "problem_division_code": "990101"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "A1区住房和城乡建设局" in response.content.decode()
    appeal = client.get("/workbench/register/accused/", {"accused_name": "区住建局", "nature": "appeal"})
    assert "A1区住房和城乡建设局" not in appeal.content.decode()
