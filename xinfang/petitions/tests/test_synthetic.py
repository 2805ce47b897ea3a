"""Synthetic petitions (xinfang.petitions.synthetic): the rows must look like what the services write."""

from __future__ import annotations

import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from rest_framework.test import APIClient

from conftest import make_tree
from xinfang.core import timeutil
from xinfang.deadlines.calendar import DayKind
from xinfang.deadlines.services import deadline_for
from xinfang.orgs.demo import PROVINCE_CODE
from xinfang.orgs.models import Role, StaffRole, Unit, User
from xinfang.petitions import selectors, synthetic
from xinfang.petitions.identity import id_number_is_valid
from xinfang.petitions.models import (
    AccessReason,
    Clock,
    NumberSequence,
    Petition,
    PetitionAccess,
    Petitioner,
    PetitionEvent,
)
from xinfang.petitions.tests.helpers import register
from xinfang.petitions.workflow import OPEN_STATES, TERMINAL_STATES

pytestmark = pytest.mark.django_db

N = 200


def staff(username, unit, *roles):
    """A staff account without a password (hashing one is most of the cost of conftest.make_user)."""
    user = User.objects.create(username=username, unit=unit, full_name=username)
    StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in roles])
    return user


@pytest.fixture
def generated(tree):
    return synthetic.generate_petitions(N, seed=7, batch_size=64)


def test_counts_and_rows_per_petition(generated):
    assert generated.petitions == N
    assert Petition.objects.count() == N
    assert generated.rows["petition"] == N
    assert generated.rows["petitioner"] == Petitioner.objects.count()
    assert generated.rows["clock"] == Clock.objects.count()
    assert generated.rows["event"] == PetitionEvent.objects.count()
    assert generated.rows["access"] == PetitionAccess.objects.count()
    for model, low, high in ((Petitioner, 1, 3), (Clock, 1, 3), (PetitionEvent, 1, 4), (PetitionAccess, 1, 4)):
        per_petition = Counter(model.objects.values_list("petition_id", flat=True))
        assert len(per_petition) == N, model
        assert low <= min(per_petition.values()) and max(per_petition.values()) <= high, model


def test_states_channels_and_natures_are_mixed(generated):
    states = set(Petition.objects.values_list("state", flat=True))
    assert len(states) >= 8
    assert states & OPEN_STATES and states & TERMINAL_STATES
    assert len(set(Petition.objects.values_list("channel", flat=True))) >= 4
    assert set(Petition.objects.values_list("nature", flat=True)) >= {"appeal", "accusation"}


def test_numbers_are_unique_real_numbers_reserved_in_the_sequence(generated, tree):
    numbers = list(Petition.objects.values_list("number", "registering_unit__code", "received_on"))
    assert len({n for n, _, _ in numbers}) == N
    for number, code, received in numbers:
        assert re.fullmatch(rf"{code}-{received.year}-\d{{6}}", number), number
    # Each (unit, year) counter covers every serial issued.
    per_key = Counter((code, received.year) for _, code, received in numbers)
    for (code, year), n in per_key.items():
        assert NumberSequence.objects.get(unit__code=code, year=year).last >= n


def test_rows_pass_model_validation(generated):
    for petition in Petition.objects.all():
        petition.full_clean(validate_unique=False)
    for person in Petitioner.objects.all():
        person.full_clean()
        assert id_number_is_valid(person.id_number)
    for clock in Clock.objects.all():
        clock.full_clean()
    for event in PetitionEvent.objects.all():
        event.full_clean()


def test_every_petition_is_visible_to_staff_of_its_registering_and_current_units(generated, tree):
    registering_access = PetitionAccess.objects.filter(reason=AccessReason.REGISTERED)
    assert registering_access.count() == N
    for access in PetitionAccess.objects.select_related("unit"):
        assert access.unit_path == access.unit.path
    seen: set[int] = set()
    for i, unit in enumerate(Unit.objects.all()):
        user = staff(f"staff{i}", unit, Role.HANDLER)
        visible = set(selectors.petitions_visible_to(user).values_list("pk", flat=True))
        held = set(Petition.objects.filter(current_unit=unit).values_list("pk", flat=True))
        # Everything a unit holds is visible to it, except accusations against that very unit (Art. 30).
        accused = set(Petition.objects.filter(nature="accusation", accused_unit=unit).values_list("pk", flat=True))
        assert held - accused <= visible
        seen |= visible
    assert seen == set(Petition.objects.values_list("pk", flat=True))


def test_clocks_are_consistent(generated):
    today = timeutil.today()
    clocks = list(Clock.objects.select_related("owing_unit", "petition"))
    for clock in clocks:
        if clock.owing_unit is None:
            assert clock.owing_path == ""
            assert not clock.is_obligation
        else:
            assert clock.owing_path == clock.owing_unit.path
        assert clock.due >= clock.start
        assert clock.due == deadline_for(start=clock.start, days=clock.days, kind=DayKind(clock.day_kind)).due
        if clock.stopped_on is None and clock.is_obligation:
            assert clock.petition.state in OPEN_STATES
    running = [c for c in clocks if c.stopped_on is None and c.is_obligation]
    assert any(c.due < today for c in running), "some clocks are overdue"
    assert any(c.due >= today for c in running), "some clocks still run"
    # No petition has two running clocks of the same kind.
    kinds = Counter((c.petition_id, c.kind) for c in clocks if c.stopped_on is None)
    assert max(kinds.values()) == 1


def test_overdue_list_and_inbox_work_on_generated_data(generated, tree):
    supervisor = staff("sup", tree.city_dept, Role.SUPERVISOR)
    overdue = selectors.overdue_clocks(supervisor, timeutil.today())
    assert overdue.exists()
    client = APIClient()
    client.force_authenticate(supervisor)
    response = client.get("/api/v1/clocks/overdue/")
    assert response.status_code == 200, response.content
    assert response.json()["results"]
    busiest = Counter(Petition.objects.values_list("current_unit_id", flat=True)).most_common(1)[0][0]
    clerk = staff("clerk", Unit.objects.get(pk=busiest), Role.HANDLER)
    client.force_authenticate(clerk)
    response = client.get("/api/v1/petitions/?box=inbox")
    assert response.status_code == 200, response.content
    assert response.json()["results"]
    response = client.get("/api/v1/petitions/?box=visible&page_size=5")
    assert response.status_code == 200 and len(response.json()["results"]) == 5


def test_registration_after_generation_does_not_collide(generated, tree):
    synthetic_numbers = set(Petition.objects.values_list("number", flat=True))
    petition, _ = register(staff("registrar", tree.county_dept, Role.REGISTRAR))
    assert petition.number not in synthetic_numbers
    year = petition.received_on.year
    issued = [n for n in synthetic_numbers if n.startswith(f"{tree.county_dept.code}-{year}-")]
    assert int(petition.number.rsplit("-", 1)[1]) == len(issued) + 1
    # And a second generation run continues after the registration.
    synthetic.generate_petitions(20, seed=8)
    assert Petition.objects.count() == N + 21
    assert Petition.objects.values("number").distinct().count() == N + 21


def test_same_seed_same_data(tree):
    first = synthetic.generate_petitions(30, seed=3)
    rows = list(Petition.objects.order_by("id").values_list("title", "state", "registering_unit", "received_on"))
    Petition.objects.all().delete()
    second = synthetic.generate_petitions(30, seed=3)
    again = list(Petition.objects.order_by("id").values_list("title", "state", "registering_unit", "received_on"))
    assert rows == again
    assert first.rows == second.rows


def test_command_uses_existing_units(tree):
    out = StringIO()
    call_command("generate_petitions", "--count", "25", "--batch", "10", stdout=out)
    assert "Inserted 25 petitions" in out.getvalue()
    tree_ids = {u.pk for u in Unit.objects.all()}
    assert set(Petition.objects.values_list("registering_unit_id", flat=True)) <= tree_ids


def test_command_without_units_creates_the_demo_tree(db):
    assert not Unit.objects.exists()
    call_command("generate_petitions", "--count", "15", stdout=StringIO())
    assert Unit.objects.exists()
    assert Petition.objects.count() == 15


def test_command_units_from_demo_keeps_to_the_demo_tree(tree):
    call_command("generate_petitions", "--count", "15", "--units-from-demo", stdout=StringIO())
    demo_root = Unit.objects.get(code=PROVINCE_CODE)
    units = Unit.objects.filter(pk__in=Petition.objects.values("registering_unit"))
    assert all(u.path.startswith(demo_root.path) for u in units)


def test_rejects_bad_arguments(tree):
    with pytest.raises(ValueError, match="count"):
        synthetic.generate_petitions(-1)
    with pytest.raises(ValueError, match="batch_size"):
        synthetic.generate_petitions(1, batch_size=0)
    if not synthetic.is_superuser():
        with pytest.raises(ValueError, match="superuser"):
            synthetic.generate_petitions(1, skip_fk_checks=True)


@pytest.mark.django_db(transaction=True)
def test_writer_threads_on_postgresql():
    """Outside a transaction on PostgreSQL, batches are written by worker threads with their own connections."""
    if connection.vendor != "postgresql":
        pytest.skip("writer threads are only used on PostgreSQL")
    make_tree()
    result = synthetic.generate_petitions(300, seed=5, batch_size=40, workers=2)
    assert result.petitions == Petition.objects.count() == 300
    assert Petition.objects.values("number").distinct().count() == 300
    assert Clock.objects.filter(owing_unit__isnull=False).exclude(owing_path=F("owing_unit__path")).count() == 0
    repeat = Petition.objects.filter(previous__isnull=False).select_related("previous")
    assert all(p.previous.pk < p.pk for p in repeat)


def test_replied_petitions_carry_ratings_and_every_petition_a_category(generated):
    """The benchmark measures real 满意率 and category breakdowns (国信发〔2022〕11号): ratings only after a served
    reply, one per target, the 信访部门 rated only when it registered the petition; mostly satisfied."""
    from xinfang.petitions.models import Category, Rating

    assert Category.objects.filter(level=3).exists()
    assert not Petition.objects.filter(category__isnull=True).exists()
    assert Petition.objects.exclude(category__level=3).count() == 0
    ratings = Rating.objects.select_related("petition__registering_unit", "petition")
    assert ratings.exists()
    assert not ratings.filter(petition__reply_served_on__isnull=True).exists()
    for r in ratings:
        assert r.created_at.date() >= r.petition.reply_served_on
        if r.target == "petition_dept":
            assert r.unit_id == r.petition.registering_unit_id and r.petition.registering_unit.is_petition_department
        else:
            assert r.unit_id == r.petition.handling_unit_id
    replied = Petition.objects.filter(reply_served_on__isnull=False).count()
    rated = Rating.objects.values("petition").distinct().count()
    assert 0.4 < rated / replied < 0.95  # 参评率 about RATED_SHARE
    good = Rating.objects.filter(value__in=["satisfied", "basically"]).count()
    assert good / Rating.objects.count() > 0.6
