"""Leaders over the shared tree, a 区长信箱, and petitions to put before them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from conftest import make_user
from xinfang.core import timeutil
from xinfang.instructions.models import LeaderMailbox
from xinfang.orgs.models import Role, User
from xinfang.petitions.tests.helpers import intake


@dataclass
class Leaders:
    county: User  # 区长 of A1区人民政府, who publishes 区长信箱
    city: User  # 市长 of A市人民政府: a leader above
    county2: User  # 区长 of A2区: a leader beside, not above


@pytest.fixture
def leaders(personas: Any, tree: Any) -> Leaders:
    county = make_user("county_leader", tree.county, Role.LEADER, full_name="陈区长")
    city = make_user("city_leader", tree.city, Role.LEADER, full_name="卫市长")
    county2 = make_user("county2_leader", tree.county2, Role.LEADER, full_name="周区长")
    for user, title in ((county, "区长"), (city, "市长"), (county2, "区长")):
        user.title = title
        user.save(update_fields=["title"])
    return Leaders(county, city, county2)


@pytest.fixture
def mailbox(leaders: Leaders, tree: Any) -> LeaderMailbox:
    return LeaderMailbox.objects.create(
        unit=tree.county, leader=leaders.county, title="区长信箱", registering_unit=tree.county_dept
    )


def online(**overrides: Any) -> Any:
    return intake(channel="online", **overrides)


def in_ten_days() -> dt.date:
    return timeutil.today() + dt.timedelta(days=10)
