"""Art. 30 ¶3 on the joint pages and API: an accusation never reaches the accused side, even through a centre or a
conference that side may see (the intake summary, the session matter, the agenda item and its decision)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import make_user
from xinfang.core import timeutil
from xinfang.joint import selectors, services
from xinfang.joint.models import Intake, JointSession
from xinfang.joint.tests import helpers as h
from xinfang.orgs.models import Role
from xinfang.petitions.tests.helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def api(user: Any) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def centre_world(personas: Any, tree: Any) -> dict[str, Any]:
    """The A1区 centre with an intake and a session on an accusation against A1区政府, and one on an appeal."""
    p = personas
    centre, window = h.centre(p, tree)
    accusation, _ = register(p.registrar_a, nature="accusation", accused_unit=tree.county, title="反映区政府")
    appeal, _ = register(p.registrar_a, title="电梯故障")
    now, today = timeutil.now(), timeutil.today()
    for petition, summary in ((accusation, "举报区政府违规征地"), (appeal, "电梯长期故障")):
        Intake.objects.create(
            centre=centre,
            window=window,
            kind="petition",
            summary=summary,
            petition=petition,
            taken_by=p.registrar_a,
            taken_on=today,
            created_at=now,
        )
        JointSession.objects.create(
            centre=centre,
            held_on=today,
            led_by="区信访局",
            matter=f"会商：{summary}",
            petition=petition,
            outcome="已答复",
            recorded_by=p.registrar_a,
            created_at=now,
        )
    Intake.objects.create(  # a litigation-type matter: no petition, shown to all who see the centre
        centre=centre,
        window=window,
        kind="litigation",
        summary="借款纠纷",
        litigation_route="court",
        taken_by=p.registrar_a,
        taken_on=today,
        created_at=now,
    )
    return {"centre": centre, "accusation": accusation}


def test_centre_page_hides_an_accusation_intake_from_the_accused_government(personas, tree, centre_world):
    centre = centre_world["centre"]
    accused_leader = make_user("a1_gov_leader", tree.county, Role.LEADER)  # oversees A1区: sees the centre
    assert list(selectors.centres_visible_to(accused_leader)) == [centre]
    page = client_for(accused_leader).get(reverse("joint:centre", args=[centre.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "电梯长期故障" in html and "借款纠纷" in html and "举报区政府违规征地" not in html
    html = client_for(personas.registrar_a).get(reverse("joint:centre", args=[centre.pk])).content.decode()
    assert "电梯长期故障" in html and "举报区政府违规征地" in html  # the centre's own unit still sees both


def test_sessions_page_hides_an_accusation_session_from_the_accused_government(personas, tree, centre_world):
    centre = centre_world["centre"]
    accused_leader = make_user("a1_gov_leader", tree.county, Role.LEADER)
    page = client_for(accused_leader).get(reverse("joint:sessions", args=[centre.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "会商：电梯长期故障" in html and "会商：举报区政府违规征地" not in html
    html = client_for(personas.registrar_a).get(reverse("joint:sessions", args=[centre.pk])).content.decode()
    assert "会商：电梯长期故障" in html and "会商：举报区政府违规征地" in html


@pytest.fixture
def meeting_world(personas: Any, tree: Any) -> dict[str, Any]:
    """A city conference meeting (生态环境局 a member) with an accusation against 生态环境局 on the agenda, decided."""
    p = personas
    m = h.meeting(p, h.conference(p, tree))
    accusation, _ = register(p.registrar_a, nature="accusation", accused_unit=tree.environment, title="举报生态环境局")
    item = h.petition_item(p, m, accusation)
    services.decision_record(
        actor=p.supervisor,
        item=item,
        text="纪委监委核查举报事项",
        assignments=[services.AssignmentSpec(tree.discipline, h.days(10))],
    )
    other = services.agenda_item_add(actor=p.supervisor, meeting=m, kind="hot_issue", title="物业收费纠纷集中")
    services.decision_record(
        actor=p.supervisor,
        item=other,
        text="住建局牵头规范物业收费",
        assignments=[services.AssignmentSpec(tree.housing, h.days(10))],
    )
    return {"meeting": m, "item": item, "other": other}


def test_meeting_page_hides_an_accusation_item_and_its_decision_from_the_accused_member(personas, meeting_world):
    m = meeting_world["meeting"]
    html = client_for(personas.accused).get(reverse("joint:meeting", args=[m.pk])).content.decode()
    assert "物业收费纠纷集中" in html and "住建局牵头规范物业收费" in html
    assert "举报生态环境局" not in html and "纪委监委核查举报事项" not in html
    html = client_for(personas.supervisor).get(reverse("joint:meeting", args=[m.pk])).content.decode()
    assert "举报生态环境局" in html and "纪委监委核查举报事项" in html


def test_meeting_api_hides_an_accusation_item_and_its_decision_from_the_accused_member(personas, meeting_world):
    m, item, other = meeting_world["meeting"], meeting_world["item"], meeting_world["other"]
    body = api(personas.accused).get(f"/api/v1/joint/meetings/{m.pk}/").json()
    assert [i["id"] for i in body["items"]] == [other.pk]
    assert [d["text"] for d in body["items"][0]["decisions"]] == ["住建局牵头规范物业收费"]
    body = api(personas.supervisor).get(f"/api/v1/joint/meetings/{m.pk}/").json()
    assert [i["id"] for i in body["items"]] == [item.pk, other.pk]
    assert [d["text"] for d in body["items"][0]["decisions"]] == ["纪委监委核查举报事项"]


def test_meeting_agenda_selector_leaves_out_the_accused_sides_items_and_decisions(personas, meeting_world):
    m, item, other = meeting_world["meeting"], meeting_world["item"], meeting_world["other"]
    agenda = selectors.meeting_agenda(personas.accused, m)
    assert [i.pk for i in agenda.items] == [other.pk]
    assert set(agenda.decisions) == {other.pk}
    full = selectors.meeting_agenda(personas.supervisor, m)
    assert [i.pk for i in full.items] == [item.pk, other.pk] and set(full.decisions) == {item.pk, other.pk}


def test_meeting_page_queries_do_not_grow_with_the_agenda(personas, tree):
    """The decision form's unit list is read once for the page, not once per agenda item."""
    p = personas
    m = h.meeting(p, h.conference(p, tree))
    c = client_for(p.supervisor)
    url = reverse("joint:meeting", args=[m.pk])
    services.agenda_item_add(actor=p.supervisor, meeting=m, kind="hot_issue", title="议题1")
    c.get(url)  # warm the session and the user's roles
    with CaptureQueriesContext(connection) as one:
        assert c.get(url).status_code == 200
    for n in range(2, 5):
        services.agenda_item_add(actor=p.supervisor, meeting=m, kind="hot_issue", title=f"议题{n}")
    with CaptureQueriesContext(connection) as four:
        assert c.get(url).status_code == 200
    assert len(four) == len(one), [q["sql"] for q in four.captured_queries]
