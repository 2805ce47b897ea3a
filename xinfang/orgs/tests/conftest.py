from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xinfang.orgs.models import Level, Unit, UnitType
from xinfang.orgs.tests.factories import UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at Django's default cost takes ~0.3 s per password; the demo creates over a dozen accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree(db):
    """A 4-level tree: province → city → county → township, with a petition department at the top two.

    Returned as a dict of name → unit.
    """
    prov = UnitFactory.create(name="省政府", level=Level.PROVINCE)
    prov_xf = UnitFactory.create(name="省信访局", parent=prov, level=Level.PROVINCE, unit_type=UnitType.PETITION_DEPT)
    city = UnitFactory.create(name="市政府", parent=prov)
    city_xf = UnitFactory.create(name="市信访局", parent=city, level=Level.CITY, unit_type=UnitType.PETITION_DEPT)
    county = UnitFactory.create(name="县政府", parent=city)
    county2 = UnitFactory.create(name="另一县政府", parent=city)
    town = UnitFactory.create(name="镇政府", parent=county)
    other_prov = UnitFactory.create(name="外省政府", level=Level.PROVINCE)
    other_city = UnitFactory.create(name="外省市政府", parent=other_prov)
    units = [prov, prov_xf, city, city_xf, county, county2, town, other_prov, other_city]
    return {u.name: Unit.objects.get(pk=u.pk) for u in units}


@pytest.fixture
def staff(db):
    return UserFactory.create()


@pytest.fixture
def api(staff):
    client = APIClient()
    client.force_authenticate(staff)
    return client
