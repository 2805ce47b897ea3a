"""The standard set of units that sit under each area's 人民政府, shared by the demo tree and the generator.

The position of a department in :data:`DEPARTMENTS` is also the two-digit suffix of its unit code (the area's
government gets ``00``), so codes stay stable whatever subset of departments a generator picks. The order puts
the units that receive the most petitions first, so that taking the first *n* gives a realistic mix.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.orgs.models import Level, UnitType


@dataclass(frozen=True)
class Department:
    key: str  # stable handle used by DemoTree.departments and tests
    unit_type: UnitType
    province_name: str  # name templates; {area} is the area's short name (西地省, A市, A1区)
    city_name: str
    county_name: str
    national_name: str

    def name_for(self, level: Level, area: str) -> str:
        template = {
            Level.NATIONAL: self.national_name,
            Level.PROVINCE: self.province_name,
            Level.CITY: self.city_name,
        }.get(level, self.county_name)
        return template.format(area=area)


def _dept(key: str, unit_type: UnitType, province: str, local: str, national: str, city: str = "") -> Department:
    return Department(key, unit_type, province, city or local, local, national)


_F = UnitType.FUNCTIONAL_DEPT

# At province level functional departments are 厅, below they are 局; courts differ per level (高级/中级/基层).
DEPARTMENTS: tuple[Department, ...] = (
    _dept("party", UnitType.PARTY_COMMITTEE, "中共{area}委员会", "中共{area}委员会", "中共中央办公厅"),
    _dept("petition", UnitType.PETITION_DEPT, "{area}信访局", "{area}信访局", "国家信访局"),
    _dept("housing", _F, "{area}住房和城乡建设厅", "{area}住房和城乡建设局", "住房和城乡建设部"),
    _dept("hrss", _F, "{area}人力资源和社会保障厅", "{area}人力资源和社会保障局", "人力资源和社会保障部"),
    _dept("natural_resources", _F, "{area}自然资源厅", "{area}自然资源局", "自然资源部"),
    _dept("police", _F, "{area}公安厅", "{area}公安局", "公安部"),
    _dept("education", _F, "{area}教育厅", "{area}教育局", "教育部"),
    _dept("environment", _F, "{area}生态环境厅", "{area}生态环境局", "生态环境部"),
    _dept("health", _F, "{area}卫生健康委员会", "{area}卫生健康委员会", "国家卫生健康委员会"),
    _dept("transport", _F, "{area}交通运输厅", "{area}交通运输局", "交通运输部"),
    _dept("market", _F, "{area}市场监督管理局", "{area}市场监督管理局", "国家市场监督管理总局"),
    _dept("discipline", UnitType.DISCIPLINE, "{area}纪委监委", "{area}纪委监委", "中央纪委国家监委"),
    _dept(
        "political_legal",
        UnitType.POLITICAL_LEGAL,
        "中共{area}委政法委员会",
        "中共{area}委政法委员会",
        "中央政法委员会",
    ),
    _dept(
        "court",
        UnitType.COURT,
        "{area}高级人民法院",
        "{area}人民法院",
        "最高人民法院",
        city="{area}中级人民法院",
    ),
    _dept("procuratorate", UnitType.PROCURATORATE, "{area}人民检察院", "{area}人民检察院", "最高人民检察院"),
)

DEPARTMENT_KEYS = tuple(d.key for d in DEPARTMENTS)


@dataclass(frozen=True)
class TownshipUnit:
    key: str
    unit_type: UnitType
    name: str  # {area} is the township's full name (A1区东城街道)


# A township (乡镇/街道) is much smaller: its 综治中心 doubles as the 信访办, plus the local police station.
TOWNSHIP_UNITS: tuple[TownshipUnit, ...] = (
    TownshipUnit("petition", UnitType.PETITION_DEPT, "{area}综治中心（信访办）"),
    TownshipUnit("police", _F, "{area}派出所"),
)


def unit_code(division_code: str, index: int, *, prefix: str = "") -> str:
    """``prefix`` + division code + two-digit position (00 = the area's government)."""
    return f"{prefix}{division_code}{index:02d}"
