"""The fictitious 西地省 demo tree and accounts."""

from __future__ import annotations

import pytest

from xinfang.orgs.demo import DEMO_PASSWORD, build_demo_tree, create_demo_staff
from xinfang.orgs.models import Level, Role, Unit, UnitType, User

pytestmark = pytest.mark.django_db


def test_build_demo_tree_is_idempotent():
    first = build_demo_tree()
    count = Unit.objects.count()
    second = build_demo_tree()
    assert Unit.objects.count() == count
    assert second.province.pk == first.province.pk
    assert second.departments.keys() == first.departments.keys()
    assert [c.pk for c in second.cities] == [c.pk for c in first.cities]


def test_build_demo_tree_fills_in_units_that_were_deleted():
    tree = build_demo_tree()
    police = tree.dept("A1区东城街道", "police")
    police.delete()
    again = build_demo_tree()
    assert again.dept("A1区东城街道", "police").code == police.code


def test_demo_tree_shape():
    tree = build_demo_tree()
    assert tree.province.name == "西地省人民政府"
    assert tree.province.division_code == "990000"
    assert [c.name for c in tree.cities] == ["A市人民政府", "B市人民政府", "C市人民政府"]
    assert all(2 <= c.children.filter(unit_type=UnitType.GOVERNMENT).count() <= 3 for c in tree.cities)
    assert all(2 <= c.children.filter(unit_type=UnitType.GOVERNMENT).count() <= 3 for c in tree.counties)
    assert all(len(t.division_code) == 9 and t.level == Level.TOWNSHIP for t in tree.townships)
    assert tree.dept("A1区", "housing").name == "A1区住房和城乡建设局"
    assert tree.dept("A1区", "housing").code == "99010103"
    assert Unit.objects.filter(code__startswith="99").count() == Unit.objects.count()
    assert Unit.objects.values("code").distinct().count() == Unit.objects.count()


def test_demo_tree_has_a_petition_department_at_every_level():
    tree = build_demo_tree()
    for gov in [tree.province, *tree.cities, *tree.counties, *tree.townships]:
        petition = tree.dept(gov, "petition")
        assert petition.unit_type == UnitType.PETITION_DEPT
        assert petition.parent_id == gov.pk
        assert petition.level == gov.level
        assert petition.scope_path == gov.path  # a 信访部门 oversees its government's subtree
    assert tree.province_petition.name == "西地省信访局"


def test_demo_departments_hang_under_their_government_as_the_superior_unit():
    tree = build_demo_tree()
    a1 = tree.area("A1区")
    for key in ("party", "housing", "hrss", "education", "environment", "health", "transport", "police"):
        assert tree.dept(a1, key).parent_id == a1.pk
    legal = {tree.dept(a1, k).unit_type for k in ("political_legal", "court", "procuratorate")}
    assert legal == {UnitType.POLITICAL_LEGAL, UnitType.COURT, UnitType.PROCURATORATE}
    assert a1.parent_id == tree.area("A市").pk
    assert tree.area("A市").parent_id == tree.province.pk


def test_create_demo_staff_gives_one_account_per_role_and_is_idempotent():
    tree = build_demo_tree()
    logins = create_demo_staff(tree)
    again = create_demo_staff(tree)
    assert [x.username for x in again] == [x.username for x in logins]
    assert User.objects.count() == len(logins)

    users = {u.username: u for u in User.objects.select_related("unit")}
    assert {r for u in users.values() for r in u.role_set()} == set(Role.values)
    assert users["registrar"].unit == tree.dept("A1区", "petition")
    assert users["handler"].unit == users["head"].unit == tree.dept("A1区", "housing")
    assert users["supervisor"].unit == tree.dept("A市", "petition")
    assert users["leader"].unit == tree.area("A市")
    assert users["analyst"].unit == tree.province_petition
    assert users["city_head"].unit == tree.dept("A市", "housing")
    assert users["review_head"].unit == tree.area("A市")  # 复查 of A市住建局
    assert users["recheck_head"].unit == tree.province  # 复核
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not users["handler"].is_staff
    for login in logins:
        user = users[login.username]
        assert login.password == DEMO_PASSWORD
        assert user.check_password(DEMO_PASSWORD)
        assert user.full_name and user.staff_no and user.title
        assert user.unit is not None
        assert login.unit_name == user.unit.name
