# factory_boy's declarations are unannotated; the factories' create()/build() are typed and return the model.
# mypy: allow-untyped-calls
"""factory_boy factories for units and staff (importable by other apps' tests).

Call ``UnitFactory.create(...)`` / ``UserFactory.create(...)`` from typed code: they return the model type.
"""

from __future__ import annotations

from typing import Any, cast

from factory.declarations import LazyAttribute, Sequence, SubFactory
from factory.django import DjangoModelFactory, Password
from factory.helpers import post_generation

from xinfang.orgs.models import LEVEL_RANK, Level, StaffRole, Unit, UnitType, User

_BY_RANK = {rank: level for level, rank in LEVEL_RANK.items()}


def _level_below(parent: Unit | None) -> Level:
    """A child's default level: one below its parent (a township stays a township); a root is a province."""
    if parent is None:
        return Level.PROVINCE
    return _BY_RANK.get(LEVEL_RANK[Level(parent.level)] + 1, Level.TOWNSHIP)


class UnitFactory(DjangoModelFactory[Unit]):
    """A government unit; pass ``parent=`` to hang it in a tree (its path is computed by ``Unit.save``)."""

    class Meta:
        model = Unit

    name = Sequence(lambda n: f"测试单位{n}")
    code = Sequence(lambda n: f"T{n:07d}")
    parent = None
    level = LazyAttribute(lambda o: _level_below(o.parent))
    division_code = LazyAttribute(lambda o: "990101001" if o.level == Level.TOWNSHIP else "990101")
    unit_type = UnitType.GOVERNMENT


class UserFactory(DjangoModelFactory[User]):
    """A staff user in a new unit. ``UserFactory(roles=[Role.HANDLER])`` adds roles; the password is ``pw``."""

    class Meta:
        model = User
        skip_postgeneration_save = True  # the roles hook writes StaffRole rows, not the user

    username = Sequence(lambda n: f"user{n}")
    password = Password("pw")
    full_name = Sequence(lambda n: f"职员{n}")
    staff_no = Sequence(lambda n: f"S{n:05d}")
    title = "科员"
    unit = SubFactory(UnitFactory)

    @post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create or not extracted:
            return
        user = cast(User, self)  # post_generation hooks receive the created object, not the factory
        StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in extracted])
        user.__dict__.pop("_role_cache", None)
