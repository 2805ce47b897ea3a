"""Demo petitions for ``make run``: a few hundred items spread over every state, made through the services.

Each petition is driven step by step with the clock moved back to the day each step happened (time-machine), so
timelines, clocks, overdue items and review windows look like a real few months of work. Texts are fictitious.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.orgs.demo import DEMO_PASSWORD, DemoLogin, DemoTree
from xinfang.orgs.models import Role, Unit, User
from xinfang.orgs.services import staff_create
from xinfang.petitions import services
from xinfang.petitions.models import Category, Channel, Nature, Petition
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.petitions.workflow import State

TZ = ZoneInfo("Asia/Shanghai")

# (title, request, facts and reasons, nature, department key of the competent unit)
TEMPLATES: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "丽发新城旁搅拌站夜间施工噪音扰民",
        "请求责令搅拌站夜间停止施工",
        "搅拌站每天施工至凌晨两点，噪音严重影响附近居民休息，多次向物业反映无果。",
        Nature.APPEAL,
        "housing",
    ),
    (
        "小区电梯频繁故障无人维修",
        "请求督促物业及时维修电梯",
        "3栋电梯本月停运五次，老人上下楼困难，物业以维修资金不足为由推诿。",
        Nature.APPEAL,
        "housing",
    ),
    (
        "安置房迟迟未交房",
        "请求按合同约定时间交付安置房",
        "拆迁安置协议约定去年年底交房，至今仍未交付，过渡费也已停发。",
        Nature.APPEAL,
        "housing",
    ),
    (
        "工地拖欠农民工工资",
        "请求责令施工方支付拖欠的工资",
        "在某工地务工八个月，包工头以工程款未结为由拖欠工资四万余元。",
        Nature.APPEAL,
        "hrss",
    ),
    (
        "社保缴费年限认定有误",
        "请求更正社保缴费年限",
        "本人1998年至2003年在原国企工作期间的缴费记录缺失，影响退休待遇。",
        Nature.APPEAL,
        "hrss",
    ),
    (
        "学校周边交通拥堵存在安全隐患",
        "建议在学校门口设置护学岗和减速带",
        "放学时段接送车辆乱停，学生穿行马路危险。",
        Nature.SUGGESTION,
        "transport",
    ),
    (
        "幼儿园收费标准过高",
        "请求核查幼儿园收费是否合规",
        "民办幼儿园每学期收取名目繁多的费用，家长负担重。",
        Nature.APPEAL,
        "education",
    ),
    (
        "河道被倾倒建筑垃圾",
        "请求清理河道并查处倾倒行为",
        "夜间有车辆向南湖河道倾倒建筑垃圾，河水发臭。",
        Nature.APPEAL,
        "environment",
    ),
    (
        "餐馆油烟直排影响居民",
        "请求督促餐馆安装油烟净化设施",
        "楼下餐馆油烟直排，窗户无法打开。",
        Nature.APPEAL,
        "environment",
    ),
    (
        "建议增开公交线路",
        "建议增开连接新区和火车站的公交线路",
        "新区居民出行不便，现有线路绕行时间长。",
        Nature.SUGGESTION,
        "transport",
    ),
    ("医院挂号难问题", "建议优化预约挂号系统", "专家号一放出即被抢空，怀疑有号贩子倒卖。", Nature.SUGGESTION, "health"),
    (
        "村干部侵占集体土地补偿款",
        "请求查处村干部侵占补偿款问题",
        "村委会未公开征地补偿款分配情况，部分款项去向不明。",
        Nature.ACCUSATION,
        "discipline",
    ),
    (
        "市场监管执法人员吃拿卡要",
        "请求查处执法人员违纪问题",
        "检查时执法人员暗示需要请客送礼才能通过。",
        Nature.ACCUSATION,
        "discipline",
    ),
    (
        "宅基地审批久拖不办",
        "请求依法办理宅基地审批",
        "申请材料齐全已提交一年，至今没有答复。",
        Nature.APPEAL,
        "natural_resources",
    ),
    ("超市销售过期食品", "请求查处超市销售过期食品", "在某超市购买的牛奶已过保质期一周。", Nature.APPEAL, "market"),
    ("对法院判决执行不满", "请求督促法院强制执行", "民事判决生效两年，被执行人仍未履行。", Nature.APPEAL, "court"),
)

# Target share of each end state (how far a petition is driven), for a realistic spread.
PLAN: tuple[tuple[str, int], ...] = (
    ("registered", 8),
    ("pending_acceptance", 10),
    ("disputed", 1),
    ("handling", 18),
    ("extension_requested", 3),
    ("decision_pending", 4),
    ("replied", 12),
    ("review", 4),
    ("reviewed", 3),
    ("recheck", 2),
    ("closed", 16),
    ("terminated", 3),
    ("diverted", 5),
    ("declined", 3),
    ("agreement", 3),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("建国", "秀英", "桂兰", "志强", "海燕", "伟", "芳", "敏", "静", "磊", "洋", "丽", "军", "勇", "艳")


@dataclass
class Cast:
    registrar: User
    handler: User
    head: User
    review_head: User  # A1区人民政府 (复查 of A1区 departments, Art. 35)
    recheck_head: User  # A市人民政府 (复核, Art. 36)
    county_dept: Unit
    county: Unit


def _extra_staff(tree: DemoTree) -> list[DemoLogin]:
    """Accounts the county flow needs beyond the orgs demo: 复查 at A1区政府 and handlers of other departments."""
    county = tree.area("A1区")
    wanted = [
        (
            "county_review_head",
            (Role.HEAD, Role.HANDLER),
            "复查负责人（区政府）",
            county,
            "钱进",
            "XF990101010",
            "区政府办公室主任",
        ),
    ]
    for key in (
        "hrss",
        "transport",
        "education",
        "environment",
        "health",
        "discipline",
        "natural_resources",
        "market",
        "court",
    ):
        try:
            unit = tree.dept(county, key)
        except KeyError:
            continue
        wanted.append(
            (f"a1_{key}", (Role.HANDLER, Role.HEAD), "承办人兼负责人", unit, f"{unit.name[:4]}承办", "", "科长")
        )
    logins: list[DemoLogin] = []
    existing = set(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True))
    for username, roles, label, unit, name, staff_no, title in wanted:
        if username not in existing:
            staff_create(
                username=username,
                password=DEMO_PASSWORD,
                unit=unit,
                roles=roles,
                full_name=name,
                staff_no=staff_no or f"XF{unit.division_code}{len(logins) + 20:03d}",
                title=title,
            )
        logins.append(DemoLogin(username, DEMO_PASSWORD, label, unit.name, name))
    return logins


class _Driver:
    """Walks one petition forward in time; stops (returns False) once the next step would be in the future."""

    def __init__(self, start: dt.datetime, now: dt.datetime, rng: random.Random) -> None:
        self.t = start
        self.now = now
        self.rng = rng

    def step(self, lo: int, hi: int, fn: Callable[[], object]) -> bool:
        nxt = self.t + dt.timedelta(days=self.rng.randint(lo, hi), hours=self.rng.randint(0, 6))
        if nxt >= self.now:
            return False
        self.t = nxt
        with time_machine.travel(self.t, tick=False):
            fn()
        return True


def _intake(
    rng: random.Random,
    template: tuple[str, str, str, str, str],
    category: Category | None,
    channel: str,
    previous: Petition | None = None,
) -> IntakeData:
    title, request, facts, nature, _key = template
    group = rng.random() < 0.08
    people = [
        PetitionerData(
            name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            phone=f"13{rng.randint(0, 999999999):09d}",
            address="A市A1区" + rng.choice(["丽发新城", "南湖小区", "东城花园", "北山村"]),
            is_representative=group,
        )
    ]
    if group:
        people += [
            PetitionerData(name=rng.choice(SURNAMES) + rng.choice(GIVEN), is_representative=True)
            for _ in range(rng.randint(1, 3))
        ]
    anonymous = nature == Nature.ACCUSATION and rng.random() < 0.5
    return IntakeData(
        channel=channel,
        title=title,
        request=request,
        facts_and_reasons=facts,
        nature=nature,
        category=category,
        petitioner_kind="group" if group else "person",
        head_count=rng.randint(5, 40) if group else 1,
        is_anonymous=anonymous,
        petitioners=[] if anonymous else people,
        problem_division_code="990101",
        problem_address="A市A1区",
        is_law_related=template[4] == "court",
        previous=previous,
        five_questions={"facts": facts, "request_and_reasons": request} if channel in ("visit", "phone") else {},
    )


def _drive(d: _Driver, cast: Cast, tree: DemoTree, p: Petition, goal: str, key: str) -> None:
    """Move ``p`` towards ``goal``; each step is a real service call on the day it happens."""
    county = cast.county
    if goal == "registered":
        return
    if goal == "diverted":
        d.step(
            1,
            5,
            lambda: services.petition_divert(
                petition=p, actor=cast.registrar, route="litigation", guidance="请依法向人民法院提起诉讼。"
            ),
        )
        return
    if goal == "declined":
        d.step(
            1,
            5,
            lambda: services.petition_decline(
                petition=p, actor=cast.registrar, ground="out_of_scope", reason="所反映事项不属于信访事项受理范围。"
            ),
        )
        return
    target = _target(tree, county, key)
    handler = User.objects.filter(unit=target, roles__role=Role.HANDLER).first() or cast.handler
    head = User.objects.filter(unit=target, roles__role=Role.HEAD).first() or cast.head
    if key == "discipline":
        ok = d.step(1, 6, lambda: services.petition_refer_discipline(petition=p, actor=cast.registrar, to_unit=target))
    elif key == "court":
        d.step(
            1,
            5,
            lambda: services.petition_divert(
                petition=p, actor=cast.registrar, route="litigation", guidance="请向执行法院申请强制执行。"
            ),
        )
        return
    elif d.rng.random() < 0.2:
        ok = d.step(
            1, 6, lambda: services.petition_assign(petition=p, actor=cast.registrar, to_unit=target, feedback_days=30)
        )
    else:
        ok = d.step(1, 6, lambda: services.petition_forward(petition=p, actor=cast.registrar, to_unit=target))
    if not ok or goal == "pending_acceptance":
        return
    if goal == "disputed":
        if d.step(1, 4, lambda: services.petition_object(petition=p, actor=handler, reason="该事项属于其他部门职责。")):
            d.step(
                1,
                3,
                lambda: services.petition_escalate_dispute(
                    petition=p,
                    actor=cast.registrar,
                    units=[target, tree.dept(county, "environment")],
                    reason="两部门对管辖有争议",
                ),
            )
        return
    simple = not p.is_repeat and d.rng.random() < 0.15
    if not d.step(
        1, 10, lambda: services.petition_accept(petition=p, actor=handler, notice="你反映的问题已受理。", simple=simple)
    ):
        return
    if goal == "handling":
        return
    if goal == "agreement":
        d.step(
            5,
            30,
            lambda: services.petition_record_agreement(
                petition=p, actor=handler, kind="mediation", text="双方自愿达成调解协议。"
            ),
        )
        return
    if goal == "extension_requested" and not simple:
        d.step(
            20,
            50,
            lambda: services.petition_request_extension(petition=p, actor=handler, days=30, reason="需委托第三方检测"),
        )
        return
    outcome = d.rng.choice(["support", "support", "explain", "reject"])
    if not d.step(
        5,
        8 if simple else 45,
        lambda: services.petition_submit_decision(
            petition=p,
            actor=handler,
            outcome=outcome,
            opinion="经调查核实，现答复如下……",
            legal_basis="《信访工作条例》第三十二条",
        ),
    ):
        return
    if goal == "decision_pending":
        return
    if not d.step(1, 3, lambda: services.petition_approve_decision(petition=p, actor=head)):
        return
    if p.routing_mode == "assign":
        d.step(0, 3, lambda: services.petition_submit_report(petition=p, actor=handler, report="已办结，报告如下。"))
    if d.rng.random() < 0.7:
        d.step(
            0,
            10,
            lambda: services.petition_rate(
                petition=p,
                actor=None,
                target="responsible_unit",
                value=d.rng.choice(["satisfied", "satisfied", "satisfied", "basically", "dissatisfied"]),
            ),
        )
    if goal == "replied":
        return
    if goal == "closed":
        d.step(31, 40, lambda: services.petition_close(petition=p, actor=None))
        return
    if target.parent_id != county.pk:
        return
    if not d.step(3, 25, lambda: services.petition_request_review(petition=p, actor=None, reason="对处理意见不服")):
        return
    if goal == "review":
        return
    if not d.step(
        5,
        25,
        lambda: services.petition_decide_review(
            petition=p, actor=cast.review_head, outcome="uphold", opinion="维持原处理意见。"
        ),
    ):
        return
    if goal == "reviewed":
        return
    if not d.step(3, 25, lambda: services.petition_request_recheck(petition=p, actor=None, reason="仍不服")):
        return
    if goal == "recheck":
        return
    d.step(
        5,
        25,
        lambda: services.petition_decide_recheck(
            petition=p, actor=cast.recheck_head, outcome="uphold", opinion="维持复查意见。"
        ),
    )


def _local_targets(county: Unit) -> None:
    """兴国县-style local practice for first-time items in A1区: 3天见面 and 21天办结 (overlays, never the law)."""
    from xinfang.deadlines.models import LocalTarget
    from xinfang.deadlines.rules import ClockKind, DayKind

    for kind, days, label in ((ClockKind.NOTICE, 3, "3天见面"), (ClockKind.HANDLE, 21, "21天办结")):
        LocalTarget.objects.get_or_create(
            unit=county,
            kind=kind,
            defaults={
                "days": days,
                "day_kind": DayKind.CALENDAR,
                "include_subtree": True,
                "first_time_only": True,
                "label": label,
            },
        )


def _target(tree: DemoTree, county: Unit, key: str) -> Unit:
    try:
        return tree.dept(county, key)
    except KeyError:
        return tree.dept(county, "housing")


AGES = {
    "registered": (0, 25),
    "pending_acceptance": (3, 25),
    "disputed": (10, 40),
    "handling": (10, 90),
    "extension_requested": (40, 70),
    "decision_pending": (30, 70),
    "replied": (30, 60),
    "review": (50, 90),
    "reviewed": (80, 120),
    "recheck": (110, 150),
    "closed": (100, 160),
    "terminated": (150, 200),
    "diverted": (5, 120),
    "declined": (5, 120),
    "agreement": (30, 120),
}


@transaction.atomic
def build_demo_petitions(tree: DemoTree, *, count: int = 300, seed: int = 2026) -> tuple[Counter[str], list[DemoLogin]]:
    """Create ``count`` petitions (if the demo has none yet). Returns the states reached and extra logins."""
    logins = _extra_staff(tree)
    county = tree.area("A1区")
    county_dept = tree.dept(county, "petition")
    if Petition.objects.filter(registering_unit=county_dept).exists():
        return Counter(Petition.objects.values_list("state", flat=True)), logins
    _local_targets(county)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    cast = Cast(
        registrar=User.objects.get(username="registrar"),
        handler=User.objects.get(username="handler"),
        head=User.objects.get(username="head"),
        review_head=User.objects.get(username="county_review_head"),
        recheck_head=User.objects.get(username="review_head"),
        county_dept=county_dept,
        county=county,
    )
    categories = list(Category.objects.filter(level=3)[:200])
    now = timeutil.now()
    goals = [g for g, w in PLAN for _ in range(w)]
    terminated: list[Petition] = []
    for _ in range(count):
        goal = rng.choice(goals)
        template = TEMPLATES[rng.randrange(len(TEMPLATES))]
        if template[3] == Nature.ACCUSATION:
            goal = rng.choice(["registered", "pending_acceptance", "handling", "replied"])
        lo, hi = AGES[goal]
        start = (now - dt.timedelta(days=rng.randint(lo, hi))).astimezone(TZ).replace(hour=9, minute=rng.randint(0, 59))
        channel = rng.choice([Channel.ONLINE] * 4 + [Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.EMAIL])
        category = rng.choice(categories) if categories else None
        previous = terminated.pop() if goal == "declined" and terminated else None
        with time_machine.travel(start, tick=False):
            data = _intake(rng, template, category, channel, previous)
            actor = None if channel == Channel.ONLINE else cast.registrar
            p, _code = services.petition_register(actor=actor, unit=county_dept, data=data)
        driver = _Driver(start, now, rng)
        # A step the rules refuse in this random history (e.g. a window that closed) simply ends the walk there.
        with contextlib.suppress(DomainError):
            _drive(driver, cast, tree, p, goal, template[4])
        p.refresh_from_db()
        if p.state == State.TERMINATED:
            terminated.append(p)
    return Counter(Petition.objects.values_list("state", flat=True)), logins


# A year of history for the dashboards: mostly finished matters (replied, closed, agreements, reviews), some still
# open and by now overdue, some repeats of earlier ones, each driven through the real services on its own days.
HISTORY_PLAN: tuple[tuple[str, int], ...] = (
    ("closed", 8),
    ("replied", 6),
    ("agreement", 2),
    ("reviewed", 1),
    ("diverted", 1),
    ("declined", 1),
    ("handling", 1),
)
HISTORY_MONTHS = 12
HISTORY_PER_MONTH = 12


def build_demo_history(
    tree: DemoTree, *, months: int = HISTORY_MONTHS, per_month: int = HISTORY_PER_MONTH, seed: int = 2025
) -> int:
    """About a year of petitions received 1–12 months ago (if there are none from before the demo month yet).

    Returns how many were created. Run ``manage.py stats rebuild`` after it (``load_demo`` does)."""
    county = tree.area("A1区")
    county_dept = tree.dept(county, "petition")
    now = timeutil.now()
    oldest = (now - dt.timedelta(days=200)).date()
    if Petition.objects.filter(registering_unit=county_dept, received_on__lt=oldest).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not security
    cast = Cast(
        registrar=User.objects.get(username="registrar"),
        handler=User.objects.get(username="handler"),
        head=User.objects.get(username="head"),
        review_head=User.objects.get(username="county_review_head"),
        recheck_head=User.objects.get(username="review_head"),
        county_dept=county_dept,
        county=county,
    )
    categories = list(Category.objects.filter(level=3)[:200])
    goals = [g for g, w in HISTORY_PLAN for _ in range(w)]
    answered: list[Petition] = []
    created = 0
    if per_month <= 0:
        return 0
    for back in range(months, 0, -1):
        this_month: list[Petition] = []  # repeats only ever link to a matter of an earlier month
        # a little seasonal swing so that the trend line and the 同比/环比 arrows have something to say
        for _ in range(per_month + rng.randint(-4, 4)):
            days_ago = rng.randint(30 * back - 29, 30 * back) + 7
            start = (now - dt.timedelta(days=days_ago)).astimezone(TZ).replace(hour=9, minute=rng.randint(0, 59))
            goal = rng.choice(goals)
            template = TEMPLATES[rng.randrange(len(TEMPLATES))]
            if template[3] == Nature.ACCUSATION and goal in ("reviewed", "agreement"):
                goal = "replied"
            channel = rng.choice([Channel.ONLINE] * 4 + [Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.EMAIL])
            category = rng.choice(categories) if categories else None
            previous = answered.pop(rng.randrange(len(answered))) if answered and rng.random() < 0.1 else None
            with time_machine.travel(start, tick=False):
                data = _intake(rng, template, category, channel, previous)
                actor = None if channel == Channel.ONLINE else cast.registrar
                p, _code = services.petition_register(actor=actor, unit=county_dept, data=data)
            with contextlib.suppress(DomainError):
                _drive(_Driver(start, now, rng), cast, tree, p, goal, template[4])
            created += 1
            if goal in ("closed", "replied") and template[3] != Nature.ACCUSATION:
                this_month.append(p)
        answered += this_month
    return created
