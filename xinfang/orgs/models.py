"""The unit tree (机关、单位) and staff accounts with roles.

The tree is stored as a materialised path of fixed-width, zero-padded ids (8 digits per level). A subtree
is one range scan on the indexed ``path`` column (``path >= P AND path < P+1`` where P+1 is P read as a
number and incremented); ancestors are the ids encoded in the path, so they need no walk at all. Only digits
are used so the ordering is the same under any collation (SQLite BINARY, PostgreSQL C or ICU/glibc locales).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from collections.abc import Iterable

SEGMENT = 8  # digits per path segment: ids up to 99,999,999


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township (subdistrict)")


LEVEL_RANK = {Level.NATIONAL: 0, Level.PROVINCE: 1, Level.CITY: 2, Level.COUNTY: 3, Level.TOWNSHIP: 4}


class UnitType(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("Party committee")
    GOVERNMENT = "government", _("Government")
    PETITION_DEPT = "petition_dept", _("Petition department")
    FUNCTIONAL_DEPT = "functional_dept", _("Functional department")
    DISCIPLINE = "discipline", _("Discipline inspection and supervision organ")
    POLITICAL_LEGAL = "political_legal", _("Political and legal department")
    PEOPLES_CONGRESS = "peoples_congress", _("People's congress")
    CPPCC = "cppcc", _("CPPCC")
    COURT = "court", _("Court")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    MASS_ORGANISATION = "mass_org", _("Mass organisation")
    STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise or institution")
    OTHER = "other", _("Other")


# Units that may receive litigation-related (涉法涉诉) matters (Art. 22 ¶2, Art. 28 ¶2).
LEGAL_UNIT_TYPES = frozenset({UnitType.POLITICAL_LEGAL, UnitType.COURT, UnitType.PROCURATORATE})

division_code_validator = RegexValidator(
    r"^(\d{6}|\d{9})$",
    _("A division code (行政区划代码, GB/T 2260) has 6 digits, or 9 for a township."),
)


def path_segment(unit_id: int) -> str:
    return str(unit_id).zfill(SEGMENT)


def path_upper_bound(path: str) -> str | None:
    """The smallest digit string of the same length greater than every string starting with ``path``.

    ``None`` means there is no such bound: the empty path (every unit) or a path of nines (nothing of that
    length sorts after it).
    """
    if not path or set(path) == {"9"}:
        return None
    return str(int(path) + 1).zfill(len(path))


def ids_in_path(path: str) -> list[int]:
    return [int(path[i : i + SEGMENT]) for i in range(0, len(path), SEGMENT)]


class UnitQuerySet(models.QuerySet["Unit"]):
    def within(self, path: str) -> UnitQuerySet:
        """Units whose path starts with ``path`` (the subtree, root included): one indexed range scan."""
        upper = path_upper_bound(path)
        qs = self.filter(path__gte=path)
        return qs.filter(path__lt=upper) if upper else qs

    def subtree(self, unit: Unit, *, include_self: bool = True) -> UnitQuerySet:
        qs = self.within(unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def ancestors(self, unit: Unit, *, include_self: bool = False) -> UnitQuerySet:
        ids = ids_in_path(unit.path)
        if not include_self:
            ids = ids[:-1]
        return self.filter(pk__in=ids).order_by("depth")

    def active(self) -> UnitQuerySet:
        return self.filter(is_active=True)


class Unit(models.Model):
    """A 机关/单位 in the hierarchy.

    The tree parent is the 上一级机关、单位 used for 复查/复核 (Arts. 35–36).
    """

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("unit code"),
        max_length=16,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Z]{4,16}$", _("Use 4–16 digits or capital letters."))],
        help_text=_("Used as the prefix of the petition numbers this unit registers."),
    )
    division_code = models.CharField(
        _("division code"), max_length=9, validators=[division_code_validator], db_index=True
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    unit_type = models.CharField(_("type"), max_length=24, choices=UnitType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=SEGMENT * 12, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        indexes = [models.Index(fields=["level", "unit_type"], name="unit_level_type_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep ``path`` and ``depth`` in step with ``parent``; a new row needs its id first."""
        if self.pk is None:
            self.path = f"tmp-{id(self)}"  # unique placeholder, replaced before the transaction ends
            super().save(*args, **kwargs)
            kwargs = {"update_fields": ["path", "depth"]}
        self.path = (self.parent.path if self.parent else "") + path_segment(self.pk)
        self.depth = len(self.path) // SEGMENT - 1
        super().save(*args, **kwargs)

    @property
    def ancestor_ids(self) -> list[int]:
        return ids_in_path(self.path)[:-1]

    @property
    def is_petition_department(self) -> bool:
        return self.unit_type == UnitType.PETITION_DEPT

    @property
    def scope_path(self) -> str:
        """The part of the tree this unit oversees.

        A 信访部门 oversees its level: the subtree of its parent (本级党委、政府). Any other unit oversees its
        own subtree (for example a government over its departments and the levels below).
        """
        if self.is_petition_department and self.parent_id is not None:
            return self.path[:-SEGMENT]
        return self.path

    def is_within(self, path: str) -> bool:
        return self.path.startswith(path)


def common_superior_path(paths: Iterable[str]) -> str:
    """The longest shared path prefix on segment boundaries: the 共同的上一级机关 (Art. 24); '' if none."""
    items = list(paths)
    if not items:
        return ""
    shortest = min(len(p) for p in items)
    prefix = ""
    for i in range(0, shortest, SEGMENT):
        seg = items[0][i : i + SEGMENT]
        if all(p[i : i + SEGMENT] == seg for p in items):
            prefix += seg
        else:
            break
    return prefix


class Role(models.TextChoices):
    REGISTRAR = "registrar", _("Registrar")
    HANDLER = "handler", _("Handler")
    HEAD = "head", _("Unit head (approver)")
    SUPERVISOR = "supervisor", _("Supervisor")
    LEADER = "leader", _("Leader")
    ANALYST = "analyst", _("Analyst")
    ADMIN = "admin", _("Administrator")


# Roles that look over the units below their own (Access rule: 信访部门 and supervisory roles).
OVERSIGHT_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ANALYST, Role.ADMIN})


class User(AbstractUser):
    """A staff account (belongs to a unit) or, without a unit, a citizen account."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    staff_no = models.CharField(_("staff number"), max_length=20, blank=True)  # 工号 (三亮)
    title = models.CharField(_("position"), max_length=50, blank=True)  # 职务
    full_name = models.CharField(_("full name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_unit_staff(self) -> bool:
        return self.unit_id is not None and self.is_active

    def role_set(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("role", flat=True)) if self.pk else frozenset()
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set() & set(roles))

    @property
    def oversees_below(self) -> bool:
        """信访部门 staff and supervisory roles see the units under them.

        The access rule itself lives in petitions.selectors.
        """
        if self.unit is None:
            return False
        return self.unit.is_petition_department or self.has_role(*OVERSIGHT_ROLES)


class StaffRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="staffrole_unique")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"
