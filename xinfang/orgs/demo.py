"""A small fictitious unit tree and staff accounts for demonstrations, manual testing and tests.

西地省 (division code 990000) and everything under it are FICTITIOUS: GB/T 2260 assigns no province to 99, so
the demo cannot be mistaken for, or collide with, real divisions.

Tree convention (the same as the national generator, ``manage.py generate_units``):

* Each administrative level (province, city, county/district, township/subdistrict) has an *area root*: its
  人民政府 (``unit_type=government``; a township's 乡镇人民政府 or 街道办事处).
* The level's 党委, 信访局 (``petition_dept``), functional departments (住建局, 人社局, 教育局, 生态环境局,
  卫健委, 交通运输局, 公安局, 自然资源局, 市场监管局), 纪委监委 (``discipline``), 政法委
  (``political_legal``), 法院 (``court``) and 检察院 (``procuratorate``) are children of that government.
  At province level the functional departments are 厅.
* The governments of the next level down are children of the government too.
* A township has only its government, a 综治中心（信访办） as ``petition_dept`` and a 派出所.

So the tree parent of any unit is its 上一级机关 for 复查/复核 (Arts. 35–36): a county 住建局's decision is
re-examined by the county government, a city 住建局's by the city government (复查) and then by the province
government (复核). A 信访局 oversees its parent's subtree (``Unit.scope_path``).

Layout::

    西地省人民政府 990000
    ├── 省级部门 (中共西地省委员会, 西地省信访局, 西地省住房和城乡建设厅, …)
    ├── A市人民政府 990100 ── A1区 990101 (3 街道), A2区 990102 (2 街道), A3县 990103 (2 镇)
    ├── B市人民政府 990200 ── B1区 990201 (2 街道), B2县 990202 (3 镇)
    └── C市人民政府 990300 ── C1区 990301 (2 街道), C2县 990302 (2 镇)

Unit codes are the division code plus a two-digit position (``00`` the government, ``01``… the departments
in :data:`xinfang.orgs.catalogue.DEPARTMENTS` order): 99000000 is 西地省人民政府, 99000002 西地省信访局,
99010103 A1区住房和城乡建设局, 99010100101 A1区东城街道综治中心（信访办）.

Every demo account's password is ``xinfang-demo`` (:data:`DEMO_PASSWORD`). Both functions are idempotent:
run them again and they return what exists, creating only what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from xinfang.orgs.catalogue import DEPARTMENTS, TOWNSHIP_UNITS, unit_code
from xinfang.orgs.models import Level, Role, Unit, UnitType, User
from xinfang.orgs.services import bulk_create_units, staff_create

DEMO_PASSWORD = "xinfang-demo"  # noqa: S105 - the documented password of the demo accounts
PROVINCE_CODE = unit_code("990000", 0)

# (city, division code, [(county, division code, [township short names])])
_CITIES: tuple[tuple[str, str, tuple[tuple[str, str, tuple[str, ...]], ...]], ...] = (
    (
        "A市",
        "990100",
        (
            ("A1区", "990101", ("东城街道", "西城街道", "南湖街道")),
            ("A2区", "990102", ("北山街道", "河口街道")),
            ("A3县", "990103", ("青石镇", "白水乡")),
        ),
    ),
    (
        "B市",
        "990200",
        (
            ("B1区", "990201", ("新华街道", "人民街道")),
            ("B2县", "990202", ("柳林镇", "红星镇", "石桥乡")),
        ),
    ),
    (
        "C市",
        "990300",
        (
            ("C1区", "990301", ("中山街道", "解放街道")),
            ("C2县", "990302", ("松岭镇", "平安乡")),
        ),
    ),
)


@dataclass(frozen=True)
class _Spec:
    code: str
    name: str
    division_code: str
    level: Level
    unit_type: UnitType
    parent_code: str | None
    area_code: str  # code of the government this unit belongs to (its own code for a government)
    key: str  # "government" or a department key from the catalogue
    area_name: str = ""  # short name (A1区) for governments, used for DemoTree.areas


def _area_specs(
    area: str, division: str, level: Level, parent_code: str | None, *, government_name: str = ""
) -> list[_Spec]:
    gov_code = unit_code(division, 0)
    specs = [
        _Spec(
            gov_code,
            government_name or f"{area}人民政府",
            division,
            level,
            UnitType.GOVERNMENT,
            parent_code,
            gov_code,
            "government",
            area,
        )
    ]
    if level == Level.TOWNSHIP:
        for i, t in enumerate(TOWNSHIP_UNITS, start=1):
            specs.append(
                _Spec(
                    unit_code(division, i),
                    t.name.format(area=area),
                    division,
                    level,
                    t.unit_type,
                    gov_code,
                    gov_code,
                    t.key,
                )
            )
    else:
        for i, d in enumerate(DEPARTMENTS, start=1):
            specs.append(
                _Spec(
                    unit_code(division, i),
                    d.name_for(level, area),
                    division,
                    level,
                    d.unit_type,
                    gov_code,
                    gov_code,
                    d.key,
                )
            )
    return specs


def _demo_specs() -> list[_Spec]:
    """The whole demo tree, parents before children."""
    specs = _area_specs("西地省", "990000", Level.PROVINCE, None)
    for city, city_div, counties in _CITIES:
        specs += _area_specs(city, city_div, Level.CITY, PROVINCE_CODE)
        for county, county_div, townships in counties:
            specs += _area_specs(county, county_div, Level.COUNTY, unit_code(city_div, 0))
            for n, township in enumerate(townships, start=1):
                office = "办事处" if township.endswith("街道") else "人民政府"
                specs += _area_specs(
                    f"{county}{township}",
                    f"{county_div}{n:03d}",
                    Level.TOWNSHIP,
                    unit_code(county_div, 0),
                    government_name=f"{county}{township}{office}",
                )
    return specs


@dataclass(frozen=True)
class DemoTree:
    """Handy references into the demo tree (all lists in tree order)."""

    province: Unit  # 西地省人民政府
    province_petition: Unit  # 西地省信访局
    cities: list[Unit]  # city governments: A市, B市, C市
    counties: list[Unit]  # county/district governments
    townships: list[Unit]  # township governments / subdistrict offices
    departments: dict[tuple[int, str], Unit]  # (government id, catalogue key) -> unit
    areas: dict[str, Unit] = field(default_factory=dict)  # short name (西地省, A市, A1区, A1区东城街道) -> government

    def dept(self, area: Unit | str, key: str) -> Unit:
        """``tree.dept("A1区", "housing")`` is A1区住房和城乡建设局; ``area`` may be the government unit."""
        gov = self.areas[area] if isinstance(area, str) else area
        return self.departments[(gov.pk, key)]

    def area(self, name: str) -> Unit:
        return self.areas[name]


@transaction.atomic
def build_demo_tree() -> DemoTree:
    """Create (or load) the 西地省 demo tree; safe to call repeatedly."""
    specs = _demo_specs()
    by_code: dict[str, Unit] = {u.code: u for u in Unit.objects.filter(code__in=[s.code for s in specs])}
    new: list[Unit] = []
    for s in specs:  # parents come first, so a missing unit's parent is already in by_code
        if s.code in by_code:
            continue
        unit = Unit(
            name=s.name,
            code=s.code,
            division_code=s.division_code,
            level=s.level,
            unit_type=s.unit_type,
            parent=by_code[s.parent_code] if s.parent_code else None,
        )
        by_code[s.code] = unit
        new.append(unit)
    if new:
        bulk_create_units(new)
        # Saved units loaded above keep their fields; only the new instances were filled in by the insert.

    governments = [s for s in specs if s.key == "government"]
    levels: dict[Level, list[Unit]] = {lvl: [] for lvl in Level}
    for s in governments:
        levels[s.level].append(by_code[s.code])
    departments = {(by_code[s.area_code].pk, s.key): by_code[s.code] for s in specs if s.key != "government"}
    province = by_code[PROVINCE_CODE]
    return DemoTree(
        province=province,
        province_petition=departments[(province.pk, "petition")],
        cities=levels[Level.CITY],
        counties=levels[Level.COUNTY],
        townships=levels[Level.TOWNSHIP],
        departments=departments,
        areas={s.area_name: by_code[s.code] for s in governments},
    )


@dataclass(frozen=True)
class DemoLogin:
    """One demo account, for printing a "who can log in as what" table."""

    username: str
    password: str
    role_label: str  # Chinese, e.g. 登记员
    unit_name: str
    full_name: str = ""


# (username, roles, Chinese role label, (area, department key or "government"), full name, 工号, 职务)
_STAFF: tuple[tuple[str, tuple[Role, ...], str, tuple[str, str], str, str, str], ...] = (
    ("registrar", (Role.REGISTRAR,), "登记员", ("A1区", "petition"), "张明", "XF990101001", "信访接待科科员"),
    ("handler", (Role.HANDLER,), "承办人", ("A1区", "housing"), "李华", "XF990101002", "房产管理科科员"),
    ("head", (Role.HEAD,), "单位负责人（审批）", ("A1区", "housing"), "王强", "XF990101003", "局长"),
    ("supervisor", (Role.SUPERVISOR,), "督查督办", ("A市", "petition"), "赵敏", "XF990100001", "督查督办科科长"),
    ("leader", (Role.LEADER,), "领导", ("A市", "government"), "陈刚", "XF990100002", "副市长"),
    ("analyst", (Role.ANALYST,), "分析研判", ("西地省", "petition"), "刘洋", "XF990000001", "综合研判处科员"),
    ("admin", (Role.ADMIN,), "系统管理员", ("西地省", "petition"), "孙伟", "XF990000002", "信息化处处长"),
    (
        "city_handler",
        (Role.HANDLER,),
        "承办人（市级）",
        ("A市", "housing"),
        "周杰",
        "XF990100003",
        "房地产市场监管科科员",
    ),
    ("city_head", (Role.HEAD,), "单位负责人（市级）", ("A市", "housing"), "吴婷", "XF990100004", "局长"),
    ("review_handler", (Role.HANDLER,), "复查承办人", ("A市", "government"), "郑磊", "XF990100005", "市政府办公室科员"),
    ("review_head", (Role.HEAD,), "复查负责人", ("A市", "government"), "冯丽", "XF990100006", "市政府秘书长"),
    (
        "recheck_handler",
        (Role.HANDLER,),
        "复核承办人",
        ("西地省", "government"),
        "何军",
        "XF990000003",
        "省政府办公厅科员",
    ),
    ("recheck_head", (Role.HEAD,), "复核负责人", ("西地省", "government"), "许静", "XF990000004", "省政府副秘书长"),
)


@transaction.atomic
def create_demo_staff(tree: DemoTree) -> list[DemoLogin]:
    """Create one account per role, plus handler/head pairs for city handling, 复查 and 复核.

    registrar (A1区信访局); handler, head (A1区住建局); supervisor (A市信访局); leader (A市人民政府); analyst
    (西地省信访局); admin (superuser, 西地省信访局); city_handler, city_head (A市住建局, the first instance of the
    city-level flow); review_handler, review_head (A市人民政府, 复查 of A市住建局); recheck_handler,
    recheck_head (西地省人民政府, 复核). Existing usernames are left as they are.
    """
    existing = set(User.objects.filter(username__in=[s[0] for s in _STAFF]).values_list("username", flat=True))
    logins: list[DemoLogin] = []
    for username, roles, label, (area, key), full_name, staff_no, title in _STAFF:
        unit = tree.area(area) if key == "government" else tree.dept(area, key)
        if username not in existing:
            is_admin = Role.ADMIN in roles
            staff_create(
                username=username,
                password=DEMO_PASSWORD,
                unit=unit,
                roles=roles,
                full_name=full_name,
                staff_no=staff_no,
                title=title,
                is_staff=is_admin,
                is_superuser=is_admin,
            )
        logins.append(DemoLogin(username, DEMO_PASSWORD, label, unit.name, full_name))
    return logins


def demo_county_leader(county: Unit) -> User:
    """黄建华, 区委副书记 of A1区: the county leader the reception and casework demos share (created once)."""
    existing = User.objects.filter(username="a1_leader").first()
    if existing is not None:
        return existing
    return staff_create(
        username="a1_leader",
        password=DEMO_PASSWORD,
        unit=county,
        roles=[Role.LEADER],
        full_name="黄建华",
        staff_no="XF990101020",
        title="区委副书记",
    )
