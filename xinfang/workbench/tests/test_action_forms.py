"""Every workflow action of the API's ACTIONS map works through its HTML form, with the API's own inputs.

The happy paths are the API tests' table (``test_api_staff.HAPPY``), posted as form data to the workbench: the
same serializer parses them and the same service runs, so the two faces cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from xinfang.petitions.api.views import ACTIONS
from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.tests.test_api_staff import HAPPY, _resolve
from xinfang.petitions.tests.test_matrix_world import NOW, World, world_fixture
from xinfang.petitions.workflow import TRANSITIONS, Action, State
from xinfang.workbench.actionforms import ACTION_FIELD_LABELS, FIELD_LABELS, ActionForm, action_form

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_fixture(django_db_blocker)


def test_every_serializer_field_has_a_translatable_label() -> None:
    for action, spec in ACTIONS.items():
        for name, _field in spec.serializer().fields.items():
            assert (action, name) in ACTION_FIELD_LABELS or name in FIELD_LABELS, (action, name)


@pytest.mark.parametrize("action", list(HAPPY), ids=[a.value for a in HAPPY])
def test_action_through_its_html_form(client, world: World, action: Action) -> None:
    key, persona, body = HAPPY[action]
    user = getattr(world.people, persona)
    petition = world.fresh(key)
    before = petition.state
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("workbench:petition", args=[petition.number]))
        assert f'id="action-{action.value}"' in page.content.decode()  # offered to this persona now
        response = client.post(reverse("workbench:act", args=[petition.number, action.value]), _resolve(world, body))
    assert response.status_code == 302, response.content.decode()[:3000]
    after = world.fresh(key)
    expected = TRANSITIONS[action].target or before
    if action == Action.OBJECT:
        expected = State.REGISTERED
    if action == Action.ORDER_REDO:
        expected = State.HANDLING
    if action == Action.UNMERGE:
        expected = State.REGISTERED  # back to the state it had before the merge
    assert after.state == expected
    event = PetitionEvent.objects.filter(petition=after).order_by("-id").first()
    assert event is not None and event.action == action and event.actor == user


@pytest.mark.parametrize("action", [*ACTIONS, Action.ATTACH], ids=[a.value for a in [*ACTIONS, Action.ATTACH]])
def test_every_form_renders_a_label_for_each_control(world: World, action: Action) -> None:
    petition = world.fresh(State.REGISTERED)
    form = action_form(action, petition, world.people.registrar_a)
    assert form is not None
    html = render_to_string("workbench/_action.html", {"form": form, "petition": petition})
    for view in form.fields():
        if view.picker is not None:
            assert f'<fieldset class="unit-picker" id="{view.id}"' in html and f'for="{view.id}-q"' in html
        else:
            assert f'for="{view.id}"' in html and f'id="{view.id}"' in html, view.name
    assert f'action="{reverse("workbench:act", args=[petition.number, action.value])}"' in html
    if isinstance(form, ActionForm):
        assert form.label == str(action.label)
