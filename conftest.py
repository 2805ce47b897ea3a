"""Shared test personas (Healthchecks style) over a small unit tree.

    西地省政府 ─┬ 省信访局
               └ A市政府 ─┬ A市信访局 (supervisor above A) · A市住建局
                          ├ A1区政府 ─┬ A1区信访局 = unit A (registrar) · A1区住建局 = unit B (handler, head)
                          │           └ A1区纪委监委 · A1区政法委 · A1区生态环境局 (the accused unit)
                          └ A2区政府 ── A2区住建局 (an outsider unit)

The tree parent is the 上一级机关: 复查 of A1区住建局 goes to A1区政府, 复核 to A市政府 (Arts. 35–36).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.test import override_settings

from xinfang.orgs.models import Role, StaffRole, Unit, User

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _test_process_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Settings for the whole test process.

    * Uploaded files go to a temporary MEDIA_ROOT of this process, never to var/media. Under pytest-xdist
      (``make test`` runs ``-n auto``) every worker has its own base temporary directory, so two workers never
      write or delete each other's files. Tests that need an empty MEDIA_ROOT of their own still override it
      (``settings.MEDIA_ROOT = tmp_path``). ``override_settings`` sends ``setting_changed``, which makes the
      default storage forget a location it may already have read.
    * Passwords are hashed with a fast hasher: ``personas`` alone creates 12 users, and PBKDF2 (about 0.4 s a
      hash on the CI machine) made that fixture cost 5 s per test. What the tests check of passwords (a login
      succeeds, a wrong one fails) does not depend on the hasher.
    * No second factor is asked (whatever XINFANG_DEBUG says): tests sign in with ``force_login`` and the admin
      tests use a session without a device. The two-factor tests (``core/tests/test_twofactor.py``) switch both on.
    """
    with override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        PASSWORD_HASHERS=FAST_HASHERS,
        XINFANG_2FA_REQUIRED_ROLES=[],
        XINFANG_2FA_ADMIN=False,
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Every test starts with an empty cache: throttle counters, and the deadlines configuration cached by unit
    path and version (``deadlines.services``), must not outlive the rolled-back rows of the test that filled them —
    SQLite reuses the ids of rolled-back rows, so a later test's unit could meet another test's cached target."""
    from django.core.cache import cache

    cache.clear()
    yield


@dataclass
class Tree:
    province: Unit
    province_dept: Unit
    city: Unit
    city_dept: Unit
    city_housing: Unit
    county: Unit
    county_dept: Unit  # unit A
    housing: Unit  # unit B
    discipline: Unit
    legal: Unit
    environment: Unit
    county2: Unit
    county2_housing: Unit


def _unit(name: str, code: str, division: str, level: str, unit_type: str, parent: Unit | None) -> Unit:
    return Unit.objects.create(
        name=name, code=code, division_code=division, level=level, unit_type=unit_type, parent=parent
    )


def make_tree() -> Tree:
    prov = _unit("西地省人民政府", "990000GOV", "990000", "province", "government", None)
    prov_dept = _unit("西地省信访局", "990000XFJ", "990000", "province", "petition_dept", prov)
    city = _unit("A市人民政府", "990100GOV", "990100", "city", "government", prov)
    city_dept = _unit("A市信访局", "990100XFJ", "990100", "city", "petition_dept", city)
    city_housing = _unit("A市住房和城乡建设局", "990100ZJJ", "990100", "city", "functional_dept", city)
    county = _unit("A1区人民政府", "990101GOV", "990101", "county", "government", city)
    county_dept = _unit("A1区信访局", "990101XFJ", "990101", "county", "petition_dept", county)
    housing = _unit("A1区住房和城乡建设局", "990101ZJJ", "990101", "county", "functional_dept", county)
    discipline = _unit("A1区纪委监委", "990101JW", "990101", "county", "discipline", county)
    legal = _unit("A1区委政法委", "990101ZFW", "990101", "county", "political_legal", county)
    env = _unit("A1区生态环境局", "990101HBJ", "990101", "county", "functional_dept", county)
    county2 = _unit("A2区人民政府", "990102GOV", "990102", "county", "government", city)
    county2_housing = _unit("A2区住房和城乡建设局", "990102ZJJ", "990102", "county", "functional_dept", county2)
    return Tree(
        prov,
        prov_dept,
        city,
        city_dept,
        city_housing,
        county,
        county_dept,
        housing,
        discipline,
        legal,
        env,
        county2,
        county2_housing,
    )


def make_user(username: str, unit: Unit | None, *roles: str, full_name: str = "") -> User:
    user = User.objects.create_user(
        username=username,
        password="pw-xinfang-test",  # noqa: S106 - a test fixture's password
        unit=unit,
        full_name=full_name or username,
        staff_no=f"No.{username[:6]}",
        title="科员",
    )
    StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in roles])
    return user


@dataclass
class Personas:
    registrar_a: User  # registrar of unit A (A1区信访局)
    handler_b: User  # handler of unit B (A1区住建局)
    head_b: User  # unit head of B
    supervisor: User  # supervisor above A (A市信访局)
    outsider: User  # handler at an outsider unit (A2区住建局)
    accused: User  # handler at the accused unit (A1区生态环境局)
    discipline: User  # handler and head at A1区纪委监委
    legal: User  # handler at A1区委政法委
    county_head: User  # head of A1区政府 (复查 of unit B)
    county_registrar: User  # registrar at A1区政府 (records a petitioner's request made by letter)
    city_head: User  # head of A市政府 (复核)
    city_dept_head: User  # head at A市信访局 (routes, decides disputes)


@pytest.fixture
def tree(db: None) -> Tree:
    return make_tree()


@pytest.fixture
def personas(tree: Tree) -> Personas:
    return Personas(
        registrar_a=make_user("registrar_a", tree.county_dept, Role.REGISTRAR, Role.HANDLER, full_name="李登记"),
        handler_b=make_user("handler_b", tree.housing, Role.HANDLER, full_name="王承办"),
        head_b=make_user("head_b", tree.housing, Role.HEAD, full_name="赵局长"),
        supervisor=make_user("supervisor", tree.city_dept, Role.SUPERVISOR, full_name="孙督查"),
        outsider=make_user("outsider", tree.county2_housing, Role.HANDLER, Role.HEAD, full_name="周外单位"),
        accused=make_user("accused", tree.environment, Role.HANDLER, Role.HEAD, Role.REGISTRAR, full_name="吴被诉"),
        discipline=make_user("discipline", tree.discipline, Role.HANDLER, Role.HEAD, full_name="郑纪检"),
        legal=make_user("legal", tree.legal, Role.HANDLER, Role.HEAD, full_name="冯政法"),
        county_head=make_user("county_head", tree.county, Role.HEAD, Role.HANDLER, full_name="陈区长"),
        county_registrar=make_user("county_registrar", tree.county, Role.REGISTRAR, full_name="褚登记"),
        city_head=make_user("city_head", tree.city, Role.HEAD, Role.HANDLER, full_name="卫市长"),
        city_dept_head=make_user(
            "city_dept_head", tree.city_dept, Role.HEAD, Role.REGISTRAR, Role.HANDLER, full_name="蒋主任"
        ),
    )
