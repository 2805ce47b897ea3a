"""Admin pages for units and staff; a parent change in the admin moves the whole subtree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xinfang.orgs.models import SEGMENT, Role, Unit, User, path_segment
from xinfang.orgs.tests.factories import UserFactory


@pytest.fixture
def admin_client_(client, tree):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True, unit=tree["省政府"]))
    return client


def _form(unit: Unit, **changes):
    data = {
        "name": unit.name,
        "code": unit.code,
        "division_code": unit.division_code,
        "level": unit.level,
        "unit_type": unit.unit_type,
        "parent": unit.parent_id or "",
        "address": unit.address,
        "phone": unit.phone,
        "is_active": "on" if unit.is_active else "",
    }
    return {**data, **changes}


def test_unit_changelist_searches_by_name_and_code(admin_client_, tree):
    url = reverse("admin:orgs_unit_changelist")
    assert "县政府" in admin_client_.get(url, {"q": "县政"}).content.decode()
    assert admin_client_.get(url, {"q": tree["镇政府"].code, "level__exact": "township"}).status_code == 200


def test_changing_the_parent_in_the_admin_moves_the_subtree(admin_client_, tree):
    county = tree["县政府"]
    url = reverse("admin:orgs_unit_change", args=[county.pk])
    response = admin_client_.post(url, _form(county, parent=tree["外省市政府"].pk, phone="12345"))
    assert response.status_code == 302
    county.refresh_from_db()
    town = Unit.objects.get(pk=tree["镇政府"].pk)
    assert county.phone == "12345"
    assert county.path == tree["外省市政府"].path + path_segment(county.pk)
    assert town.path == county.path + path_segment(town.pk)
    assert town.depth == len(town.path) // SEGMENT - 1


def test_admin_refuses_moving_a_unit_under_its_own_subordinate(admin_client_, tree):
    county = tree["县政府"]
    url = reverse("admin:orgs_unit_change", args=[county.pk])
    response = admin_client_.post(url, _form(county, parent=tree["镇政府"].pk))
    assert response.status_code == 200  # the form is shown again with the error
    assert response.context["adminform"].form.errors["parent"]
    county.refresh_from_db()
    assert county.parent_id == tree["市政府"].pk


def test_admin_checks_the_division_code_length_for_the_level(admin_client_, tree):
    url = reverse("admin:orgs_unit_add")
    response = admin_client_.post(
        url,
        _form(tree["镇政府"], code="NEWTOWN1", parent=tree["县政府"].pk, division_code="990101"),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["division_code"]


def test_user_admin_shows_unit_fields_and_roles_inline(admin_client_, tree):
    user = UserFactory.create(unit=tree["县政府"], roles=[Role.HANDLER])
    page = admin_client_.get(reverse("admin:orgs_user_change", args=[user.pk])).content.decode()
    assert 'name="staff_no"' in page
    assert 'name="roles-0-role"' in page
    assert admin_client_.get(reverse("admin:orgs_user_changelist"), {"q": "县政府"}).status_code == 200
    assert User.objects.get(pk=user.pk).role_set() == {Role.HANDLER}
