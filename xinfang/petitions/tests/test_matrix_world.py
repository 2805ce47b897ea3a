"""A shared world for the matrix tests: one petition in every workflow state, built once per module.

Building a petition into a late state takes a dozen service calls, and the matrices need hundreds of cases,
so the world is committed inside one module-wide transaction (``world_fixture``) and every test runs in a
savepoint on top of it (pytest-django's ``db``), which is rolled back after the test. That is the same
layering as Django's ``TestCase.setUpTestData`` and works on SQLite and PostgreSQL alike.

All petitions are built through the services, at fixed dates (Asia/Shanghai):

- ``OLD`` (Mon 5 January 2026): the petitions that need time to pass — the one closed after its review window,
  one replied item whose window has passed, and one registered item whose routing clock is overdue by ``NOW``;
- ``NOW`` (Tue 10 March 2026): every other state. Tests that depend on "today" travel to ``NOW``.

The petitions of the state table are reports and accusations (检举控告类) with no accused unit, so that the
input checks of every service pass (``petition_refer_discipline`` only takes accusations) and the state is the
only thing that can refuse an action. ``registered_appeal`` is an appeal, for diversion (Art. 31).
"""

from __future__ import annotations

import datetime as dt
import inspect
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings

import conftest
from conftest import Personas, Tree, make_tree
from xinfang.orgs.models import User
from xinfang.petitions import services
from xinfang.petitions.models import Nature, Petition
from xinfang.petitions.tests.helpers import register, to_handling, to_replied
from xinfang.petitions.workflow import State

TZ = dt.timezone(dt.timedelta(hours=8))
OLD = dt.datetime(2026, 1, 5, 10, tzinfo=TZ)
NOW = dt.datetime(2026, 3, 10, 10, tzinfo=TZ)
PASSWORD = "pw-xinfang-test"  # the password conftest.make_user gives every account
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The root conftest's persona fixture, called as a plain function so the world reuses the same accounts.
_make_personas = inspect.unwrap(conftest.personas)


@dataclass
class World:
    tree: Tree
    people: Personas
    citizen: User  # an account without a unit: a member of the public
    petitions: dict[str, Petition] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)  # 查询码 by key

    def add(self, key: str, petition: Petition, code: str) -> Petition:
        self.petitions[key] = petition
        self.codes[key] = code
        return petition

    def fresh(self, key: str) -> Petition:
        return Petition.objects.get(pk=self.petitions[key].pk)


def _accusation(world: World, key: str, **overrides: Any) -> Petition:
    overrides.setdefault("nature", Nature.ACCUSATION)
    # The registrar confirms at registration that no unit is accused (Art. 30 ¶3), so routing is not refused.
    overrides.setdefault("accused_confirmed", True)
    return world.add(key, *register(world.people.registrar_a, **overrides))


def _to_review(p: Personas, petition: Petition) -> None:
    to_replied(p, petition)
    services.petition_request_review(petition=petition, actor=None, reason="对处理意见不服")


def _to_reviewed(p: Personas, petition: Petition) -> None:
    _to_review(p, petition)
    services.petition_decide_review(petition=petition, actor=p.county_head, outcome="uphold", opinion="维持原意见")


def _to_recheck(p: Personas, petition: Petition) -> None:
    _to_reviewed(p, petition)
    services.petition_request_recheck(petition=petition, actor=None, reason="对复查意见不服")


def build_world() -> World:
    tree = make_tree()
    people = _make_personas(tree)
    citizen = User.objects.create_user(username="citizen", password=PASSWORD, full_name="市民")
    w = World(tree=tree, people=people, citizen=citizen)
    p = people

    with time_machine.travel(OLD, tick=False):
        to_replied(p, _accusation(w, "replied_old"))
        to_replied(p, _accusation(w, State.CLOSED))
        _accusation(w, "overdue")

    with time_machine.travel(NOW, tick=False):
        services.petition_close(petition=w.petitions[State.CLOSED], actor=p.handler_b)

        _accusation(w, State.REGISTERED)
        services.petition_forward(
            petition=_accusation(w, State.PENDING_ACCEPTANCE), actor=p.registrar_a, to_unit=tree.housing
        )
        services.petition_escalate_dispute(
            petition=_accusation(w, State.DISPUTED),
            actor=p.registrar_a,
            units=[tree.housing, tree.environment],
            reason="住建与生态环境均认为不属本单位职责",
        )
        petition = to_handling(p, _accusation(w, State.HANDLING))
        services.petition_add_attachments(
            petition=petition, actor=p.registrar_a, files=[SimpleUploadedFile("现场照片.jpg", b"\xff\xd8\xff photo")]
        )
        petition = to_handling(p, _accusation(w, State.EXTENSION_REQUESTED))
        services.petition_request_extension(petition=petition, actor=p.handler_b, days=20, reason="需委托检测")
        petition = to_handling(p, _accusation(w, State.DECISION_PENDING))
        services.petition_submit_decision(
            petition=petition, actor=p.handler_b, outcome="explain", opinion="经核查……", legal_basis=""
        )
        to_replied(p, _accusation(w, State.REPLIED))
        _to_review(p, _accusation(w, State.REVIEW))
        _to_reviewed(p, _accusation(w, State.REVIEWED))
        _to_recheck(p, _accusation(w, State.RECHECK))
        services.petition_divert(
            petition=_accusation(w, State.DIVERTED, is_law_related=True),
            actor=p.registrar_a,
            route="litigation",
            guidance="请向A1区人民法院提起诉讼",
        )
        services.petition_decline(
            petition=_accusation(w, State.DECLINED), actor=p.registrar_a, ground="out_of_scope", reason="不属信访事项"
        )
        petition = _accusation(w, State.TERMINATED)
        _to_recheck(p, petition)
        services.petition_decide_recheck(petition=petition, actor=p.city_head, outcome="uphold", opinion="维持")

        # 并案: an item closed into another petition the same unit holds (both registered at unit A).
        services.petition_merge(
            petition=_accusation(w, State.MERGED), actor=p.registrar_a, primary=_accusation(w, "merge_primary")
        )

        # Extras for the API permission matrix.
        _accusation(w, "registered_appeal", nature=Nature.APPEAL)
        petition = _accusation(w, "assigned_replied")
        services.petition_assign(petition=petition, actor=p.registrar_a, to_unit=tree.housing, feedback_days=30)
        services.petition_accept(petition=petition, actor=p.handler_b)
        services.petition_submit_decision(petition=petition, actor=p.handler_b, outcome="explain", opinion="经核查")
        services.petition_approve_decision(petition=petition, actor=p.head_b)
        petition = _accusation(w, "hearing")
        _to_recheck(p, petition)
        services.petition_start_hearing(petition=petition, actor=p.city_head)

    for key in w.petitions:
        w.petitions[key] = w.fresh(key)
    return w


def world_fixture(django_db_blocker: Any) -> Iterator[World]:
    """Body of a module-scoped ``world`` fixture: build, yield, then roll everything back.

    Uploaded files go to a temporary MEDIA_ROOT that is removed afterwards.
    """
    with (
        tempfile.TemporaryDirectory(prefix="xinfang-media-") as media,
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_fixture(django_db_blocker)


@pytest.mark.django_db
def test_world_holds_one_petition_in_every_state(world: World) -> None:
    states = {key: world.fresh(key).state for key in world.petitions}
    for state in State:
        assert states[state] == state, f"the world's {state} petition is {states[state]}"
    assert states["registered_appeal"] == State.REGISTERED
    assert states["assigned_replied"] == State.REPLIED
    assert states["hearing"] == State.RECHECK and world.fresh("hearing").hearing_open
    assert states["replied_old"] == State.REPLIED


@pytest.mark.django_db
def test_world_changes_made_by_one_test_are_rolled_back(world: World) -> None:
    # Runs after the test above in file order; a rolled-back change never leaks into the next test.
    petition = world.fresh(State.REGISTERED)
    assert petition.state == State.REGISTERED
    services.petition_decline(
        petition=petition, actor=world.people.registrar_a, ground="out_of_scope", reason="不属信访事项"
    )
    assert world.fresh(State.REGISTERED).state == State.DECLINED


@pytest.mark.django_db
def test_world_is_intact_after_a_test_changed_it(world: World) -> None:
    assert world.fresh(State.REGISTERED).state == State.REGISTERED
