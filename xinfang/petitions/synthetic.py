"""Synthetic petitions in bulk, for load tests, benchmarks and capacity planning.

``generate_petitions(n)`` inserts ``n`` fictitious petitions spread over the active units, in every workflow state,
each with what the services would have written for it: 1–3 ``Petitioner`` rows (valid 身份证号), the
``PetitionAccess`` rows of the units that registered, hold or review it, 1–3 ``Clock`` rows (statutory kinds, due
dates from the real calendar code, ``owing_path`` copied from the owing unit) and 1–4 ``PetitionEvent`` rows.

How the data is shaped:

* Most petitions are registered at a 信访部门 (weighted towards counties, and skewed so that some units are much
  busier than others, as in reality); some are registered directly at a functional department. A petition is
  routed to the department of the same area whose name matches its topic (住建, 人社, 自然资源, 生态环境, …),
  accusations go to the 纪委监委, litigation-related matters to the 政法委 or the court. 复查 goes to the handling
  unit's parent (上一级机关), 复核 to the parent's parent, as in the services.
* Of the open petitions whose current clock is an obligation, about 10% are overdue (超期) and about 5% due within
  ``XINFANG_DUE_SOON_DAYS`` (临期); the rest run later. Closed petitions end within the last two years.
* 编号 are real numbers (``{unit code}-{year}-{serial}``) reserved from ``NumberSequence`` with one upsert per
  batch, so registrations made later (or concurrently) never collide with synthetic ones.
* Every petition gets a level-3 content category (内容分类; the taxonomy is loaded first when the database has
  none and the file is present). About ``RATED_SHARE`` of the petitions with a served reply carry ratings
  (评价, 国信发〔2022〕11号): one for the responsible unit and, when a 信访部门 registered the petition, one for it,
  mostly 满意 (``RATING_MIX``), more often 不满意 when the petitioner went on to 复查. Ratings are drawn from their
  own random stream, so adding them left every other row of a given seed as it was.

Speed and memory: rows are built as tuples, a batch at a time (one transaction per batch), and written with
``COPY … FROM STDIN`` on PostgreSQL (``executemany`` elsewhere, which is only meant for tests). Petition ids come
from the table's sequence, so nothing is read back per row. No model ``save`` runs and no signal is sent.
Everything is deterministic for a given ``seed``, unit tree and ``today``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import queue
import random
import threading
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from psycopg import Copy
from psycopg.copy import FileWriter

from xinfang.core import crypto, timeutil
from xinfang.deadlines.calendar import DayKind, WorkCalendar, compute_deadline
from xinfang.deadlines.rules import STATUTORY_RULES, ClockKind
from xinfang.deadlines.services import get_calendar
from xinfang.orgs.models import LEGAL_UNIT_TYPES, Level, Unit, UnitType
from xinfang.petitions.identity import id_check_char
from xinfang.petitions.models import (
    AccessReason,
    Category,
    Channel,
    Clock,
    Nature,
    NumberSequence,
    Outcome,
    Petition,
    PetitionAccess,
    Petitioner,
    PetitionerKind,
    PetitionEvent,
    Rating,
    RatingTarget,
    RoutingMode,
    Satisfaction,
    hash_tracking_code,
)
from xinfang.petitions.services.common import SYSTEM_LABEL
from xinfang.petitions.workflow import Action, State

DEFAULT_BATCH = 5000
HISTORY_DAYS = 730  # closed petitions ended within this many days before today
OVERDUE_SHARE = 0.10
DUE_SOON_SHARE = 0.05
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as the real 查询码 (services.intake)
# Ratings (评价): the share of replied petitions rated (参评率), and the mix of values — reported figures run at
# about 90% 满意 + 基本满意 (domain.md: 91.9% / 90.8%); petitions taken on to 复查 are less often satisfied.
RATED_SHARE = 0.7
RATING_MIX = {Satisfaction.SATISFIED: 0.78, Satisfaction.BASICALLY: 0.13, Satisfaction.DISSATISFIED: 0.09}
RATING_MIX_REVIEWED = {Satisfaction.SATISFIED: 0.35, Satisfaction.BASICALLY: 0.25, Satisfaction.DISSATISFIED: 0.40}
RATING_DAYS = 14  # rated within this many days of the reply being served

# --- the mix ---------------------------------------------------------------------------------------------------

# Share of petitions in each state (percent, roughly what a mature installation holds).
STATE_WEIGHTS: dict[State, float] = {
    State.REGISTERED: 6,
    State.PENDING_ACCEPTANCE: 6,
    State.DISPUTED: 0.5,
    State.HANDLING: 22,
    State.EXTENSION_REQUESTED: 1.5,
    State.DECISION_PENDING: 3,
    State.REPLIED: 7,
    State.REVIEW: 1.2,
    State.REVIEWED: 1,
    State.RECHECK: 0.4,
    State.DIVERTED: 6,
    State.DECLINED: 4,
    State.CLOSED: 40,
    State.TERMINATED: 0.4,
}
CHANNEL_WEIGHTS: dict[Channel, float] = {
    Channel.ONLINE: 45,
    Channel.LETTER: 20,
    Channel.VISIT: 18,
    Channel.PHONE: 9,
    Channel.EMAIL: 3,
    Channel.VIDEO: 3,
    Channel.FAX: 2,
}
# Where petitions are registered: the level of the 信访部门 (a level missing from the tree is left out).
LEVEL_WEIGHTS: dict[Level, float] = {
    Level.NATIONAL: 1,
    Level.PROVINCE: 6,
    Level.CITY: 20,
    Level.COUNTY: 48,
    Level.TOWNSHIP: 25,
}
DIRECT_SHARE = 0.15  # registered at a functional department rather than at a 信访部门

# --- texts -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    key: str
    keywords: tuple[str, ...]  # the handling unit is the area's unit whose name contains one of these
    nature: Nature
    weight: float
    titles: tuple[str, ...]
    requests: tuple[str, ...]
    facts: tuple[str, ...]
    law_related: bool = False


TOPICS: tuple[Topic, ...] = (
    Topic(
        "housing",
        ("住房和城乡建设",),
        Nature.APPEAL,
        18,
        (
            "{community}小区开发商逾期交房问题",
            "{community}物业公司违规收取停车费",
            "{community}{building}栋房屋墙体开裂漏水",
            "{road}旧城改造项目拆迁安置补偿问题",
        ),
        (
            "请求责令开发商按合同约定交房并支付逾期违约金",
            "请求核查物业收费标准并退还多收费用",
            "请求组织质量鉴定并督促开发商维修",
            "请求依法落实安置补偿，尽快回迁",
        ),
        (
            "我于{year}年购买{place}{community}{building}栋{room}室，合同约定{month}月交房，至今已逾期{n}个月，"
            "开发商以各种理由推脱，业主多次协商无果。",
            "{community}小区物业自今年起将车位管理费由每月{amount}元上调，未经业主大会同意，也未公示收费依据。",
            "入住不到两年，房屋外墙和卫生间多处开裂渗水，物业和开发商相互推诿，已影响正常居住。",
        ),
    ),
    Topic(
        "wages",
        ("人力资源和社会保障",),
        Nature.APPEAL,
        16,
        (
            "{company}拖欠农民工工资{amount}元",
            "{company}未依法缴纳社会保险",
            "讨要{place}{road}工地劳务报酬",
        ),
        (
            "请求责令{company}立即支付拖欠的工资",
            "请求督促单位补缴社会保险费",
            "请求劳动保障监察部门介入处理",
        ),
        (
            "我们{n}名工人在{company}承建的{road}项目务工，自{year}年{month}月起工资一直未结清，共计{amount}元，"
            "包工头失联，公司称已将工程款付给包工头。",
            "本人在{company}工作{n}年，单位从未为我缴纳养老和医疗保险，离职时才发现。",
        ),
    ),
    Topic(
        "land",
        ("自然资源",),
        Nature.APPEAL,
        9,
        (
            "{place}征地补偿款发放不到位",
            "宅基地审批长期无人办理",
            "{road}沿线违法占用耕地问题",
        ),
        (
            "请求按照批准的补偿标准足额发放征地补偿款",
            "请求依法审批宅基地申请",
            "请求查处违法占地行为，恢复耕地",
        ),
        (
            "{year}年村里{n}亩土地被征收用于{road}建设，村集体至今只发放了部分补偿款，账目也不公开。",
            "我家于{year}年提交宅基地申请，材料齐全，至今{n}个月没有答复，多次到窗口询问无结果。",
        ),
    ),
    Topic(
        "environment",
        ("生态环境",),
        Nature.APPEAL,
        12,
        (
            "{community}旁搅拌站夜间施工噪音扰民",
            "{company}排放污水污染河道",
            "{road}附近工厂烟尘异味严重",
        ),
        (
            "请求责令停止夜间施工",
            "请求对排污企业依法查处",
            "请求监测空气质量并督促企业整改",
        ),
        (
            "{community}小区旁的搅拌站每天夜里施工到凌晨{n}点，噪音严重影响居民休息，多次拨打热线未解决。",
            "{company}长期将未经处理的污水排入{road}旁的河道，河水发黑发臭，鱼虾大量死亡。",
        ),
    ),
    Topic(
        "education",
        ("教育",),
        Nature.APPEAL,
        6,
        (
            "孩子就近入学被拒问题",
            "{place}校外培训机构退费难",
            "{place}第{n}中学违规收取费用",
        ),
        (
            "请求按照学区划分安排孩子就近入学",
            "请求督促培训机构退还剩余课时费用",
            "请求核查学校收费行为并退还费用",
        ),
        (
            "我家房产在{community}，属于学区范围，今年孩子报名时学校以学位已满为由拒收。",
            "在{company}预付课时费{amount}元，机构突然停课，负责人联系不上，剩余费用无法退还。",
        ),
    ),
    Topic(
        "health",
        ("卫生健康",),
        Nature.APPEAL,
        5,
        ("对{place}人民医院诊疗过程有异议", "乡镇卫生院服务态度差"),
        ("请求组织医疗事故技术鉴定", "请求对相关医务人员进行处理"),
        ("家属于{year}年{month}月在医院接受手术，术后出现严重并发症，医院对诊疗过程的解释前后矛盾。",),
    ),
    Topic(
        "transport",
        ("交通运输",),
        Nature.SUGGESTION,
        6,
        ("建议增开{community}至市区公交线路", "{road}路面破损严重需维修", "出租车拒载绕路问题"),
        ("建议增开或调整公交线路", "请求尽快维修道路", "请求加强出租车行业监管"),
        ("{community}周边居民{n}千余人，最近的公交站步行需二十多分钟，早晚高峰出行十分不便。",),
    ),
    Topic(
        "police",
        ("公安", "派出所"),
        Nature.APPEAL,
        6,
        ("{community}小区治安问题", "户口迁移办理受阻", "报警后长期未立案"),
        ("请求加强巡逻防控", "请求依法办理户口迁移", "请求依法立案侦查"),
        ("{community}近{n}个月发生多起电动车被盗案件，小区监控损坏无人维修，居民缺乏安全感。",),
    ),
    Topic(
        "market",
        ("市场监督",),
        Nature.APPEAL,
        6,
        ("{company}销售过期食品", "消费维权投诉无人处理", "{company}预付卡跑路"),
        ("请求依法查处并赔偿损失", "请求督促商家退款", "请求追回预付卡余额"),
        ("本人在{company}购买的食品已过保质期，商家拒绝退换，投诉至今{n}天未收到处理结果。",),
    ),
    Topic(
        "accusation",
        ("纪委监委",),
        Nature.ACCUSATION,
        8,
        ("反映{place}有关干部违规收受礼金", "举报{place}村干部侵占集体资金", "反映{company}负责人利用职权谋利"),
        ("请求纪检监察机关调查核实并依纪依法处理", "请求查清资金去向并追回集体资金"),
        ("据群众反映，有关干部在{year}年项目审批过程中多次接受宴请和礼金，金额约{amount}元，并为相关企业提供便利。",),
    ),
    Topic(
        "law",
        ("政法委员会", "人民法院"),
        Nature.APPEAL,
        4,
        ("对民事判决执行不到位有异议", "申诉案件长期未得到答复"),
        ("请求督促法院依法执行", "请求对案件依法复查"),
        ("{year}年法院判决对方支付{amount}元，判决生效后已申请强制执行{n}个月，至今没有执行到位。",),
        law_related=True,
    ),
    Topic(
        "suggestion",
        ("人民政府", "办事处"),
        Nature.SUGGESTION,
        4,
        ("关于{place}老旧小区加装电梯的建议", "关于完善{road}停车设施的建议"),
        ("建议出台加装电梯补贴政策", "建议规划建设公共停车场"),
        ("{place}老旧小区老年住户多，上下楼困难，建议参照其他城市做法给予财政补贴并简化审批。",),
    ),
)

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国红梅志强文博海燕玉兰春生德胜子涵浩然欣怡宇轩"
_COMMUNITIES = (
    "阳光花园",
    "幸福家园",
    "锦绣华庭",
    "翠湖",
    "丽发新城",
    "金色港湾",
    "滨江苑",
    "书香门第",
    "东方名都",
    "绿地世纪城",
)
_ROADS = ("人民路", "解放路", "建设路", "中山路", "幸福路", "和平路", "新华街", "滨江大道", "工业园", "迎宾大道")
_COMPANIES = (
    "宏达建筑工程有限公司",
    "鑫源物业服务有限公司",
    "华联商贸有限公司",
    "恒通运输有限公司",
    "远景教育咨询有限公司",
    "永盛化工有限公司",
    "金鼎房地产开发有限公司",
    "顺发劳务有限公司",
)
_FIVE_QUESTION_CHANNELS = frozenset({Channel.VISIT.value, Channel.PHONE.value, Channel.VIDEO.value})
_FIVE_QUESTIONS = {
    "facts": "信访人陈述的基本事实已记录。",
    "request_and_reasons": "诉求明确，理由如上。",
    "difficulties": "家庭收入较低，有老人需要照顾。",
    "history": "此前曾通过热线反映一次。",
    "prior_handling": "有关单位曾口头答复，信访人不满意。",
}

# --- the workflow paths ----------------------------------------------------------------------------------------

# A milestone: (name, fewest days after the previous milestone, most days after it).
_M = tuple[str, int, int]
_RECEIVED: _M = ("received", 0, 0)
_ROUTED: _M = ("routed", 1, 12)
_ACCEPTED: _M = ("accepted", 1, 12)
_SUBMITTED: _M = ("submitted", 5, 50)
_REPLIED: _M = ("replied", 1, 8)
_REVIEW_REQ: _M = ("review_requested", 3, 28)
_REVIEWED: _M = ("reviewed", 5, 28)
_RECHECK_REQ: _M = ("recheck_requested", 3, 28)

# The milestones of each state, in order, and the one that started the running clock (the anchor of the dates);
# None for states without a running obligation, anchored on their last milestone.
_PATHS: dict[State, tuple[tuple[_M, ...], str | None]] = {
    State.REGISTERED: ((_RECEIVED,), "received"),
    State.PENDING_ACCEPTANCE: ((_RECEIVED, _ROUTED), "routed"),
    State.DISPUTED: ((_RECEIVED, ("disputed", 2, 14)), None),
    State.HANDLING: ((_RECEIVED, _ROUTED, _ACCEPTED), "accepted"),
    State.EXTENSION_REQUESTED: ((_RECEIVED, _ROUTED, _ACCEPTED, ("ext_requested", 20, 55)), "accepted"),
    State.DECISION_PENDING: ((_RECEIVED, _ROUTED, _ACCEPTED, _SUBMITTED), "accepted"),
    State.REPLIED: ((_RECEIVED, _ROUTED, _ACCEPTED, _SUBMITTED, _REPLIED), "replied"),
    State.REVIEW: ((_RECEIVED, _ROUTED, _ACCEPTED, _REPLIED, _REVIEW_REQ), "review_requested"),
    State.REVIEWED: ((_RECEIVED, _ROUTED, _ACCEPTED, _REPLIED, _REVIEW_REQ, _REVIEWED), "reviewed"),
    State.RECHECK: ((_RECEIVED, _ACCEPTED, _REPLIED, _REVIEW_REQ, _REVIEWED, _RECHECK_REQ), "recheck_requested"),
    State.DIVERTED: ((_RECEIVED, ("diverted", 1, 14)), None),
    State.DECLINED: ((_RECEIVED, ("declined", 1, 14)), None),
    State.CLOSED: ((_RECEIVED, _ROUTED, _ACCEPTED, _SUBMITTED, _REPLIED, ("closed", 30, 40)), None),
    State.TERMINATED: ((_RECEIVED, _REPLIED, _REVIEW_REQ, _REVIEWED, _RECHECK_REQ, ("terminated", 5, 28)), None),
}
# Why a clock stopped, by the milestone that stopped it (the services' stop_reason values).
_STOP_REASONS = {
    "routed": "forward",
    "disputed": "dispute",
    "accepted": "accepted",
    "replied": "replied",
    "review_requested": "used",
    "reviewed": "decided",
    "recheck_requested": "used",
    "terminated": "decided",
    "closed": "close",
    "diverted": "divert",
    "declined": "decline",
}

# The event each milestone writes: (action, state before, state after). "routed" and "accepted" vary.
_EVENTS: dict[str, tuple[Action, State | str, State]] = {
    "received": (Action.REGISTER, "", State.REGISTERED),
    "disputed": (Action.ESCALATE_DISPUTE, State.REGISTERED, State.DISPUTED),
    "ext_requested": (Action.REQUEST_EXTENSION, State.HANDLING, State.EXTENSION_REQUESTED),
    "submitted": (Action.SUBMIT_DECISION, State.HANDLING, State.DECISION_PENDING),
    "replied": (Action.APPROVE_DECISION, State.DECISION_PENDING, State.REPLIED),
    "review_requested": (Action.REQUEST_REVIEW, State.REPLIED, State.REVIEW),
    "reviewed": (Action.DECIDE_REVIEW, State.REVIEW, State.REVIEWED),
    "recheck_requested": (Action.REQUEST_RECHECK, State.REVIEWED, State.RECHECK),
    "terminated": (Action.DECIDE_RECHECK, State.RECHECK, State.TERMINATED),
    "closed": (Action.CLOSE, State.REPLIED, State.CLOSED),
    "diverted": (Action.DIVERT, State.REGISTERED, State.DIVERTED),
    "declined": (Action.DECLINE, State.REGISTERED, State.DECLINED),
}

_ROUTING_ACTIONS: dict[str, Action] = {
    RoutingMode.FORWARD: Action.FORWARD,
    RoutingMode.ASSIGN: Action.ASSIGN,
    RoutingMode.DISCIPLINE: Action.REFER_DISCIPLINE,
}
# Which unit acts at each milestone (the rest are the handling unit's): R registering, V review, C recheck.
_ACTING_SIDE = {
    "received": "R",
    "routed": "R",
    "disputed": "R",
    "diverted": "R",
    "declined": "R",
    "review_requested": "V",
    "reviewed": "V",
    "recheck_requested": "C",
    "terminated": "C",
}

# Clocks of each state: (kind or "intake", owing side, milestone it started on, milestone it stopped on or None).
# "intake" is ROUTE at a 信访部门 and NOTICE elsewhere (services.intake); owing sides: R registering unit,
# H handling unit, V review unit, C recheck unit, "" nobody (a window open to the petitioner).
_ClockSpec = tuple[ClockKind | str, str, str, str | None]
_HANDLE = "handle"  # HANDLE or HANDLE_SIMPLE
_CLOCKS: dict[State, tuple[_ClockSpec, ...]] = {
    State.REGISTERED: (("intake", "R", "received", None),),
    State.PENDING_ACCEPTANCE: (
        ("intake", "R", "received", "routed"),
        (ClockKind.NOTICE, "H", "routed", None),
        (ClockKind.OBJECTION_WINDOW, "H", "routed", None),
    ),
    State.DISPUTED: (("intake", "R", "received", "disputed"),),
    State.HANDLING: (
        ("intake", "R", "received", "routed"),
        (ClockKind.NOTICE, "H", "routed", "accepted"),
        (_HANDLE, "H", "accepted", None),
    ),
    State.EXTENSION_REQUESTED: (
        (ClockKind.NOTICE, "H", "routed", "accepted"),
        (_HANDLE, "H", "accepted", None),
    ),
    State.DECISION_PENDING: (
        (ClockKind.NOTICE, "H", "routed", "accepted"),
        (_HANDLE, "H", "accepted", None),
    ),
    State.REPLIED: (
        (_HANDLE, "H", "accepted", "replied"),
        (ClockKind.REVIEW_WINDOW, "", "replied", None),
        (ClockKind.RATING_WINDOW, "", "replied", None),
    ),
    State.REVIEW: (
        (_HANDLE, "H", "accepted", "replied"),
        (ClockKind.REVIEW_WINDOW, "", "replied", "review_requested"),
        (ClockKind.REVIEW, "V", "review_requested", None),
    ),
    State.REVIEWED: (
        (ClockKind.REVIEW, "V", "review_requested", "reviewed"),
        (ClockKind.RECHECK_WINDOW, "", "reviewed", None),
        (ClockKind.RATING_WINDOW, "", "reviewed", None),
    ),
    State.RECHECK: (
        (ClockKind.REVIEW, "V", "review_requested", "reviewed"),
        (ClockKind.RECHECK_WINDOW, "", "reviewed", "recheck_requested"),
        (ClockKind.RECHECK, "C", "recheck_requested", None),
    ),
    State.DIVERTED: (("intake", "R", "received", "diverted"),),
    State.DECLINED: (("intake", "R", "received", "declined"),),
    State.CLOSED: (
        (_HANDLE, "H", "accepted", "replied"),
        (ClockKind.REVIEW_WINDOW, "", "replied", "closed"),
        (ClockKind.RATING_WINDOW, "", "replied", "closed"),
    ),
    State.TERMINATED: (
        (ClockKind.REVIEW, "V", "review_requested", "reviewed"),
        (ClockKind.RECHECK, "C", "recheck_requested", "terminated"),
    ),
}
# Where the petition is now, by state (services: routing moves it to H, 复查 to V, 复核 to C).
_HOLDER: dict[State, str] = {
    State.REGISTERED: "R",
    State.DISPUTED: "R",
    State.DIVERTED: "R",
    State.DECLINED: "R",
    State.REVIEW: "V",
    State.REVIEWED: "V",
    State.RECHECK: "C",
    State.TERMINATED: "C",
}
_HANDLED_STATES = frozenset(
    {
        State.HANDLING,
        State.EXTENSION_REQUESTED,
        State.DECISION_PENDING,
        State.REPLIED,
        State.REVIEW,
        State.REVIEWED,
        State.RECHECK,
        State.CLOSED,
        State.TERMINATED,
    }
)
_REVIEW_STATES = frozenset({State.REVIEW, State.REVIEWED, State.RECHECK, State.TERMINATED})
_RECHECK_STATES = frozenset({State.RECHECK, State.TERMINATED})
_TERMINAL_STATES = frozenset({State.DIVERTED, State.DECLINED, State.CLOSED, State.TERMINATED})

# --- units -----------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Unit:
    id: int
    code: str
    path: str
    parent_id: int | None
    unit_type: str
    level: str
    division_code: str
    name: str


@dataclass(slots=True)
class _Area:
    """A registering unit with what routing from it needs: its government's departments by topic."""

    unit: _Unit  # the registering unit
    government: _Unit
    place: str  # short area name for texts (A1区, 模拟11省1市1县)
    handlers: dict[str, _Unit]  # topic key -> handling unit
    departments: list[_Unit]  # every other unit under the government (for 被反映单位)


class UnitPool:
    """The active units in memory (about 100 bytes each) and the routing choices derived from them."""

    def __init__(self, units: Iterable[_Unit], rng: random.Random) -> None:
        self.by_id: dict[int, _Unit] = {u.id: u for u in units}
        if not self.by_id:
            raise ValueError("no active units")
        self.children: dict[int, list[_Unit]] = defaultdict(list)
        for u in sorted(self.by_id.values(), key=lambda u: u.path):
            if u.parent_id is not None:
                self.children[u.parent_id].append(u)
        depts_by_level: dict[str, list[_Unit]] = defaultdict(list)
        for u in self.by_id.values():
            if u.unit_type == UnitType.PETITION_DEPT:
                depts_by_level[u.level].append(u)
        if not depts_by_level:  # a tree without 信访部门: every unit registers
            for u in self.by_id.values():
                depts_by_level[u.level].append(u)
        self.levels: list[list[_Unit]] = []
        weights: list[float] = []
        for level, depts in sorted(depts_by_level.items()):
            depts.sort(key=lambda u: u.id)
            rng.shuffle(depts)  # which units are the busiest is a matter of the seed
            self.levels.append(depts)
            weights.append(LEVEL_WEIGHTS.get(Level(level), 1) if level in Level.values else 1)
        total = sum(weights)
        self.level_cum = [sum(weights[: i + 1]) / total for i in range(len(weights))]
        self._areas: dict[int, _Area] = {}

    def pick_registering(self, rnd: Callable[[], float]) -> _Unit:
        r = rnd()
        depts = self.levels[-1]
        for candidates, cum in zip(self.levels, self.level_cum, strict=True):
            if r <= cum:
                depts = candidates
                break
        # Squaring skews the choice towards the front of the (shuffled) list: of a level with n units the first
        # gets about 1/sqrt(n) of the level's petitions (4% of 640 counties), the median one 0.7 times the average.
        return depts[int(len(depts) * rnd() ** 2)]

    def area(self, unit: _Unit) -> _Area:
        area = self._areas.get(unit.id)
        if area is None:
            area = self._areas[unit.id] = self._make_area(unit)
        return area

    def _make_area(self, unit: _Unit) -> _Area:
        parent = self.by_id.get(unit.parent_id) if unit.parent_id is not None else None
        government = parent if parent is not None else unit
        siblings = [u for u in self.children.get(government.id, []) if u.id != unit.id]
        # The government itself handles suggestions; lower governments are not its departments.
        departments = [u for u in siblings if u.unit_type != UnitType.GOVERNMENT]
        handlers: dict[str, _Unit] = {}
        for topic in TOPICS:
            candidates = [u for u in [*departments, government] if any(k in u.name for k in topic.keywords)]
            if topic.law_related:
                candidates = [u for u in candidates if u.unit_type in LEGAL_UNIT_TYPES] or candidates
            if topic.nature == Nature.ACCUSATION:
                candidates = [u for u in candidates if u.unit_type == UnitType.DISCIPLINE] or candidates
            if not candidates:
                candidates = [u for u in departments if u.unit_type == UnitType.FUNCTIONAL_DEPT] or [government]
            handlers[topic.key] = candidates[0]
        place = government.name.removesuffix("人民政府").removesuffix("办事处") or government.name
        return _Area(unit, government, place, handlers, departments)

    def parent_or_self(self, unit: _Unit) -> _Unit:
        if unit.parent_id is None:
            return unit
        return self.by_id.get(unit.parent_id, unit)


def load_units(within_path: str = "") -> list[_Unit]:
    qs = Unit.objects.active()
    if within_path:
        qs = qs.within(within_path)
    rows = qs.order_by("id").values_list(
        "id", "code", "path", "parent_id", "unit_type", "level", "division_code", "name"
    )
    return [_Unit(*row) for row in rows]


# --- one petition in memory ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Plan:
    state: State
    topic: Topic
    channel: str
    registering: _Unit
    handling: _Unit
    review: _Unit | None
    recheck: _Unit | None
    place: str
    direct: bool
    routing_mode: str
    simple: bool
    intake_kind: ClockKind
    dates: dict[str, dt.date]
    milestones: list[str]
    accused: _Unit | None
    petitioner_count: int
    group: bool
    previous_id: int | None
    number: str = ""
    id: int = 0


@dataclass
class GenerationResult:
    petitions: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    units: int = 0

    @property
    def per_second(self) -> float:
        return self.petitions / self.seconds if self.seconds else 0.0


class _Deadlines:
    """Due dates and explanations from the real calendar code, memoised (a few thousand distinct inputs)."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.memo: dict[tuple[dt.date, int, str], tuple[dt.date, str]] = {}

    def due(self, start: dt.date, days: int, kind: str) -> tuple[dt.date, str]:
        key = (start, days, kind)
        hit = self.memo.get(key)
        if hit is None:
            deadline = compute_deadline(start, days, DayKind(kind), self.calendar)
            steps = [{"code": s.code, "params": dict(s.params)} for s in deadline.steps]
            hit = self.memo[key] = (deadline.due, json.dumps(steps, ensure_ascii=False))
        return hit


def _weighted(weights: dict[Any, float], size: int = 1000) -> list[Any]:
    """A lookup table: picking a uniformly random element draws with the given weights, fast."""
    total = sum(weights.values())
    table: list[Any] = []
    for key, w in weights.items():
        table.extend([key] * max(1, round(size * w / total)))
    return table


def _calendar_span(days: int, kind: str) -> int:
    """Roughly how many calendar days a period spans (plain arithmetic, only used to place start dates)."""
    return days if kind == DayKind.CALENDAR else days * 7 // 5 + 2


class _Generator:
    def __init__(
        self, pool: UnitPool, rng: random.Random, today: dt.date, deadlines: _Deadlines, *, rating_seed: int = 0
    ) -> None:
        self.pool = pool
        self.rng = rng
        self.rnd = rng.random  # the C method: drawing through it is ~10x faster than randrange/randint
        # Ratings draw from their own stream: the other rows of a seed do not depend on them.
        self.rate_rnd = random.Random(rating_seed).random  # noqa: S311 - reproducible test data
        self.rating_values = _weighted(RATING_MIX)
        self.rating_values_reviewed = _weighted(RATING_MIX_REVIEWED)
        self.today = today
        self.deadlines = deadlines
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.states = _weighted(STATE_WEIGHTS)
        self.channels = _weighted(CHANNEL_WEIGHTS)
        self.offline_channels = [c for c in self.channels if c != Channel.ONLINE]
        self.topics = _weighted({t: t.weight for t in TOPICS})
        self.rules = {k: (r.days, str(r.day_kind), r.obligation, r.article) for k, r in STATUTORY_RULES.items()}
        self.due_soon_days = settings.XINFANG_DUE_SOON_DAYS
        self.categories = list(Category.objects.filter(level=3).order_by("id").values_list("id", flat=True))
        self.earlier_ids: list[int] = []  # petitions of this run a repeat petition may point to
        start = dt.date(1945, 1, 1)  # petitioners born 1945–2004
        self.birthdays = [f"{start + dt.timedelta(days=i):%Y%m%d}" for i in range(60 * 365)]
        self.five_questions = json.dumps(_FIVE_QUESTIONS, ensure_ascii=False)
        self.json_memo: dict[tuple[Any, ...], str] = {}
        self.outcomes = [Outcome.SUPPORT.value, Outcome.EXPLAIN.value, Outcome.EXPLAIN.value, Outcome.REJECT.value]

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.rnd() * len(seq))]

    def between(self, lo: int, hi: int) -> int:
        """A whole number from ``lo`` to ``hi`` inclusive."""
        return lo + int(self.rnd() * (hi - lo + 1))

    # -- planning (no database) --

    def plan(self) -> _Plan:
        rnd, pick, between = self.rnd, self.pick, self.between
        state: State = pick(self.states)
        topic: Topic = pick(self.topics)
        dept = self.pool.pick_registering(rnd)
        area = self.pool.area(dept)
        handler = area.handlers[topic.key]
        registering = dept
        direct = handler.id == dept.id  # the area has no other unit for the topic: handled where registered
        if (
            not direct
            and state != State.PENDING_ACCEPTANCE
            and handler.unit_type != UnitType.GOVERNMENT
            and rnd() < DIRECT_SHARE
        ):
            registering, direct = handler, True  # registered at the department that handles it
        if direct and state == State.PENDING_ACCEPTANCE:
            state = State.REGISTERED  # nowhere to route it
        if registering.unit_type == UnitType.PETITION_DEPT:
            channel = pick(self.channels)
        else:
            channel = pick(self.offline_channels)
        review = self.pool.parent_or_self(handler) if state in _REVIEW_STATES else None
        recheck = self.pool.parent_or_self(review) if review is not None and state in _RECHECK_STATES else None
        accused = None
        if topic.nature == Nature.ACCUSATION:
            others = [u for u in area.departments if u.id not in (handler.id, registering.id)]
            if others:
                accused = pick(others)
            mode = RoutingMode.DISCIPLINE
        else:
            mode = RoutingMode.ASSIGN if rnd() < 0.2 else RoutingMode.FORWARD
        simple = rnd() < 0.1
        intake_kind = ClockKind.ROUTE if registering.unit_type == UnitType.PETITION_DEPT else ClockKind.NOTICE
        milestones, dates = self._dates(state, direct, intake_kind, simple)
        n_people = 1 if rnd() < 0.75 else between(2, 3)
        previous = None
        if self.earlier_ids and rnd() < 0.03:
            previous = pick(self.earlier_ids)
        return _Plan(
            state=state,
            topic=topic,
            channel=channel,
            registering=registering,
            handling=handler,
            review=review,
            recheck=recheck,
            place=area.place,
            direct=direct,
            routing_mode="" if direct else mode,
            simple=simple,
            intake_kind=intake_kind,
            dates=dates,
            milestones=milestones,
            accused=accused,
            petitioner_count=n_people,
            group=n_people > 1 and rnd() < 0.3,
            previous_id=previous,
        )

    def _kind(self, kind: ClockKind | str, intake_kind: ClockKind, simple: bool) -> ClockKind:
        if kind == "intake":
            return intake_kind
        if kind == _HANDLE:
            return ClockKind.HANDLE_SIMPLE if simple else ClockKind.HANDLE
        return ClockKind(kind)

    def _dates(
        self, state: State, direct: bool, intake_kind: ClockKind, simple: bool
    ) -> tuple[list[str], dict[str, dt.date]]:
        """The dates of the state's milestones: the running clock's due date decides where they sit."""
        rnd, between = self.rnd, self.between
        today = self.today
        path, anchor_name = _PATHS[state]
        if direct:  # registered where it is handled: never routed
            path = tuple(m for m in path if m[0] != "routed")
        names = [m[0] for m in path]
        running = next((c for c in _CLOCKS[state] if c[3] is None), None)
        if anchor_name is None or running is None:
            anchor = len(path) - 1
            anchor_date = today - dt.timedelta(days=int(rnd() * HISTORY_DAYS))
        else:
            anchor = names.index(anchor_name)
            days, kind, obligation, _article = self.rules[self._kind(running[0], intake_kind, simple)]
            span = _calendar_span(days, kind)
            soon = self.due_soon_days
            if obligation:
                r = rnd()
                if r < OVERDUE_SHARE:
                    due = today - dt.timedelta(days=between(1, 60))
                elif r < OVERDUE_SHARE + DUE_SOON_SHARE:
                    due = today + dt.timedelta(days=between(0, max(0, soon - 1)))
                else:
                    due = today + dt.timedelta(days=between(soon + 2, max(soon + 2, span)))
            else:  # a window open to the petitioner: may have passed already
                due = today + dt.timedelta(days=between(-span, span))
            anchor_date = min(today, due - dt.timedelta(days=span))
        dates: dict[str, dt.date] = {names[anchor]: anchor_date}
        for i in range(anchor - 1, -1, -1):
            _name, lo, hi = path[i + 1]
            dates[names[i]] = dates[names[i + 1]] - dt.timedelta(days=between(lo, hi))
        for i in range(anchor + 1, len(path)):
            _name, lo, hi = path[i]
            dates[names[i]] = min(today, dates[names[i - 1]] + dt.timedelta(days=between(lo, hi)))
        return names, dates

    # -- rows --

    def _at(self, day: dt.date) -> dt.datetime:
        """A moment in office hours of ``day``, local time."""
        minute = 480 + int(self.rnd() * 600)
        return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.tz)

    def _json(self, key: tuple[Any, ...], value: dict[str, Any]) -> str:
        """``json.dumps(value)``, memoised by ``key`` (event data repeats per unit, channel and date)."""
        text = self.json_memo.get(key)
        if text is None:
            if len(self.json_memo) > 200_000:
                self.json_memo.clear()
            text = self.json_memo[key] = json.dumps(value, ensure_ascii=False)
        return text

    def _words(self, p: _Plan) -> dict[str, object]:
        """The fill-ins of one petition's texts (shared by its title, request and facts, so they agree)."""
        rnd, pick, between = self.rnd, self.pick, self.between
        return {
            "place": p.place,
            "community": pick(_COMMUNITIES),
            "road": pick(_ROADS),
            "company": pick(_COMPANIES),
            "building": between(1, 30),
            "room": between(101, 2604),
            "year": p.dates["received"].year - between(0, 3),
            "month": between(1, 12),
            "n": between(2, 20),
            "amount": 100 * between(30, 3000),
            "urgent": rnd() < 0.02,
        }

    def _person(self, p: _Plan, representative: bool) -> tuple[Any, ...]:
        rnd, pick = self.rnd, self.pick
        name = pick(_SURNAMES) + pick(_GIVEN) + (pick(_GIVEN) if rnd() < 0.6 else "")
        born = self.birthdays[int(rnd() * len(self.birthdays))]
        first17 = f"{p.registering.division_code[:6]}{born}{int(rnd() * 1000):03d}"
        phone = f"1{pick('3456789')}{int(rnd() * 1e9):09d}"
        address = f"{p.place}{pick(_COMMUNITIES)}{1 + int(rnd() * 30)}栋{101 + int(rnd() * 2500)}室"
        email = f"user{int(rnd() * 1e6)}@example.com" if rnd() < 0.1 else ""
        # petition_id, is_representative, name, id_number, phone, address, email
        return (p.id, representative, name, first17 + id_check_char(first17), phone, address, email)

    def ratings(self, p: _Plan, replied: dt.date | None) -> list[tuple[Any, ...]]:
        """The ratings of one petition (as ``petition_rate`` writes them): none unless a reply was served."""
        rnd = self.rate_rnd
        if replied is None or rnd() >= RATED_SHARE:
            return []
        values = self.rating_values_reviewed if p.state in _REVIEW_STATES else self.rating_values
        on = min(self.today, replied + dt.timedelta(days=int(rnd() * (RATING_DAYS + 1))))
        at = self._at(on)
        # petition_id, target, unit_id, value, comment, stage, created_at
        out = [
            (
                p.id,
                RatingTarget.RESPONSIBLE_UNIT,
                p.handling.id,
                values[int(rnd() * len(values))],
                "",
                State.REPLIED,
                at,
            )
        ]
        if p.registering.unit_type == UnitType.PETITION_DEPT:
            value = values[int(rnd() * len(values))]
            out.append((p.id, RatingTarget.PETITION_DEPT, p.registering.id, value, "", State.REPLIED, at))
        return out

    def rows(
        self, p: _Plan
    ) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]], list[Any], list[Any], list[Any]]:
        rnd, pick, between = self.rnd, self.pick, self.between
        topic = p.topic
        state = p.state
        d = p.dates
        holder = {"R": p.registering, "H": p.handling, "V": p.review, "C": p.recheck}
        current = holder[_HOLDER.get(state, "H")] or p.handling
        received = d["received"]
        last = d[p.milestones[-1]]
        registered_at = self._at(received)
        code = "".join([_CODE_ALPHABET[int(rnd() * 32)] for _ in range(12)])
        five = self.five_questions if p.channel in _FIVE_QUESTION_CHANNELS else "{}"
        words = self._words(p)
        kind = PetitionerKind.GROUP if p.group else PetitionerKind.PERSON
        head_count = between(5, 60) if p.group else p.petitioner_count
        accepted = d.get("accepted") if state in _HANDLED_STATES else None
        replied = d.get("replied")
        petition = (
            p.id,
            p.number,
            hash_tracking_code(code),
            state,
            p.channel,
            topic.nature,
            pick(self.categories) if self.categories else None,
            p.registering.id,
            current.id,
            p.handling.id if state in _HANDLED_STATES else None,
            None if p.direct or "routed" not in d else p.registering.id,
            p.routing_mode if "routed" in d else "",
            received,
            registered_at,
            accepted,
            last if state in _TERMINAL_STATES else None,
            pick(topic.titles).format_map(words)[:200],
            pick(topic.requests).format_map(words),
            pick(topic.facts).format_map(words),
            five,
            kind,
            head_count,
            p.registering.division_code,
            f"{p.place}{pick(_ROADS)}{between(1, 300)}号",
            (p.accused.name if p.accused else "")[:100],
            p.accused.id if p.accused else None,
            words["urgent"],
            topic.law_related,
            p.group,  # is_collective
            p.petitioner_count > 1 and not p.group,  # is_joint
            p.previous_id is not None,
            p.previous_id,
            p.simple and state in _HANDLED_STATES,
            p.review.id if p.review else None,
            p.recheck.id if p.recheck else None,
            replied,
            d.get("reviewed"),
            pick(self.outcomes) if replied else "",
            self._at(last),
        )
        people = [self._person(p, p.group) for _ in range(p.petitioner_count)]

        access = [(p.id, p.registering.id, p.registering.path, AccessReason.REGISTERED)]
        seen = {p.registering.id}
        for unit, reason in (
            (p.handling if "routed" in d or state in _HANDLED_STATES else None, AccessReason.ROUTED),
            (p.review, AccessReason.REVIEW),
            (p.recheck, AccessReason.REVIEW),
        ):
            if unit is not None and unit.id not in seen:
                seen.add(unit.id)
                access.append((p.id, unit.id, unit.path, reason))

        clocks: list[Any] = []
        for spec_kind, side, started, stopped in _CLOCKS[state]:
            if p.direct:  # no routing: the intake clock runs until acceptance and no NOTICE follows it
                if started == "routed":
                    continue
                if stopped == "routed":
                    stopped = "accepted"
            if started not in d or (stopped is not None and stopped not in d):
                continue  # a milestone this path does not have
            kind_ = self._kind(spec_kind, p.intake_kind, p.simple)
            days, day_kind, obligation, article = self.rules[kind_]
            owing = holder[side] if side else None
            start = d[started]
            due, explanation = self.deadlines.due(start, days, day_kind)
            clocks.append(
                (
                    p.id,
                    kind_,
                    owing.id if owing else None,
                    owing.path if owing else "",
                    obligation,
                    article,
                    start,
                    days,
                    day_kind,
                    due,
                    explanation,
                    d[stopped] if stopped is not None else None,
                    _STOP_REASONS[stopped] if stopped is not None else "",
                    self._at(start),
                )
            )

        events: list[Any] = []
        before: State | str
        names = p.milestones
        for name in [names[0], *names[1:][-3:]]:  # the registration and the last three steps
            at = registered_at if name == "received" else self._at(d[name])
            if name == "routed":
                action = _ROUTING_ACTIONS[p.routing_mode or RoutingMode.FORWARD]
                before, after = State.REGISTERED, State.PENDING_ACCEPTANCE
                data = self._json(("to", p.handling.id), {"to_unit": p.handling.name, "to_unit_id": p.handling.id})
                unit = p.registering
            elif name == "accepted":
                action = Action.ACCEPT_SIMPLE if p.simple else Action.ACCEPT
                before = State.REGISTERED if p.direct else State.PENDING_ACCEPTANCE
                after, data, unit = State.HANDLING, "{}", p.handling
            else:
                action, before, after = _EVENTS[name]
                data = "{}"
                if name == "received":
                    data = self._json(
                        ("reg", p.registering.id, p.channel, received),
                        {"unit": p.registering.name, "channel": p.channel, "received_on": received.isoformat()},
                    )
                unit = holder[_ACTING_SIDE.get(name, "H")] or current
            events.append((p.id, action, unit.id, SYSTEM_LABEL, at, before, after, data))
        return petition, people, access, clocks, events, self.ratings(p, replied)


# --- writing ---------------------------------------------------------------------------------------------------


class _Table:
    """A model's table with the columns the generator fills; every other column gets its default."""

    def __init__(self, model: type[models.Model], names: Sequence[str], *, with_pk: bool = False) -> None:
        self.model = model
        meta = model._meta
        self.fields = [meta.get_field(n) for n in names]
        given = {f.name for f in self.fields}
        extra_fields = []
        for f in meta.concrete_fields:
            if f.name in given or (f.primary_key and not with_pk):
                continue
            if f.has_default() or f.null or f.empty_strings_allowed:  # get_default() gives None or ''
                extra_fields.append(f)
            else:
                raise ImproperlyConfigured(
                    f"synthetic: {meta.label}.{f.name} is required and has no default; add it to the generator"
                )
        self.all_fields: list[Any] = [*self.fields, *extra_fields]
        self.extra = tuple(f.get_default() for f in extra_fields)
        self.json_positions = [i for i, f in enumerate(self.all_fields) if isinstance(f, models.JSONField)]
        # Sealed by _seal_people already: sent as they are, never encrypted a second time by the field.
        self.sealed_positions = {i for i, f in enumerate(self.all_fields) if isinstance(f, crypto.EncryptedTextField)}
        self.copy_extra = tuple(
            json.dumps(v) if isinstance(f, models.JSONField) else v
            for f, v in zip(extra_fields, self.extra, strict=True)
        )
        self.columns = [f.column for f in self.all_fields]
        self.table = meta.db_table

    def encode(self, rows: list[tuple[Any, ...]]) -> Any:
        """Turn rows into what ``load`` sends: COPY text on PostgreSQL, prepared parameters elsewhere.

        Kept apart from ``load`` so that a writer thread only sends bytes while this thread builds the next batch.
        """
        if connection.vendor == "postgresql":
            extra = self.copy_extra
            buffer = io.BytesIO()
            with connection.cursor() as cursor, Copy(cursor.cursor, binary=False, writer=FileWriter(buffer)) as copy:
                for row in rows:
                    copy.write_row(row + extra)
            return buffer.getvalue()
        prepared = []
        for row in rows:
            values = list(row + self.extra)
            for i in self.json_positions:
                if isinstance(values[i], str):
                    values[i] = json.loads(values[i])
            prepared.append(
                [
                    v if i in self.sealed_positions else f.get_db_prep_save(v, connection)
                    for i, (f, v) in enumerate(zip(self.all_fields, values, strict=True))
                ]
            )
        return prepared

    def load(self, encoded: Any) -> None:
        if not encoded:
            return
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in self.columns)
        if connection.vendor == "postgresql":
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {qn(self.table)} ({cols}) FROM STDIN") as copy,
            ):
                copy.write(encoded)
            return
        # Other databases (SQLite in tests): parameterised INSERTs with each value prepared by its field.
        placeholders = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {qn(self.table)} ({cols}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
        with connection.cursor() as cursor:
            cursor.executemany(sql, encoded)


_PETITION = (
    "id",
    "number",
    "tracking_code_hash",
    "state",
    "channel",
    "nature",
    "category",
    "registering_unit",
    "current_unit",
    "handling_unit",
    "routed_from_unit",
    "routing_mode",
    "received_on",
    "registered_at",
    "accepted_on",
    "closed_on",
    "title",
    "request",
    "facts_and_reasons",
    "five_questions",
    "petitioner_kind",
    "head_count",
    "problem_division_code",
    "problem_address",
    "accused_name",
    "accused_unit",
    "is_urgent",
    "is_law_related",
    "is_collective",
    "is_joint",
    "is_repeat",
    "previous",
    "is_simple",
    "review_unit",
    "recheck_unit",
    "reply_served_on",
    "review_served_on",
    "outcome",
    "updated_at",
)
_PETITIONER = (
    "petition",
    "is_representative",
    "name",
    "id_number",
    "phone",
    "address",
    "email",
    "id_number_hash",
    "phone_hash",
)


def _seal_people(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Encrypt 身份证号, phone and address of a batch of petitioner rows and add their keyed hashes (as the model does).

    One cipher for the batch; Fernet costs ~20 µs a value, far below the COPY that follows.
    """
    cipher = crypto.field_cipher()

    def seal(value: str) -> str:
        return cipher.encrypt(value.encode()).decode("ascii") if value else ""

    return [
        (
            pid,
            rep,
            name,
            seal(idn),
            seal(phone),
            seal(address),
            email,
            crypto.id_number_hash(idn),
            crypto.phone_hash(phone),
        )
        for pid, rep, name, idn, phone, address, email in rows
    ]


_ACCESS = ("petition", "unit", "unit_path", "reason")
_CLOCK = (
    "petition",
    "kind",
    "owing_unit",
    "owing_path",
    "is_obligation",
    "article",
    "start",
    "days",
    "day_kind",
    "due",
    "explanation",
    "stopped_on",
    "stop_reason",
    "created_at",
)
_EVENT = ("petition", "action", "actor_unit", "actor_label", "at", "from_state", "to_state", "data")
_RATING = ("petition", "target", "unit", "value", "comment", "stage", "created_at")


def _allocate_ids(n: int) -> list[int]:
    table = Petition._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [row[0] for row in cursor.fetchall()]
        # SQLite and others: the batch runs in one write transaction, so max(id) cannot move under us.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        start = int(cursor.fetchone()[0]) + 1
    return list(range(start, start + n))


def _reserve_numbers(needed: dict[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    """Add ``needed[(unit, year)]`` to each counter in one statement; return the first serial of each range."""
    qn = connection.ops.quote_name
    table = qn(NumberSequence._meta.db_table)
    last = qn("last")
    first: dict[tuple[int, int], int] = {}
    items = sorted(needed.items())  # a fixed order: concurrent callers lock the rows in the same order
    chunk = 2000
    with connection.cursor() as cursor:
        for i in range(0, len(items), chunk):
            part = items[i : i + chunk]
            values = ", ".join(["(%s, %s, %s)"] * len(part))
            params: list[int] = []
            for (unit_id, year), n in part:
                params += [unit_id, year, n]
            cursor.execute(
                f"INSERT INTO {table} (unit_id, year, {last}) VALUES {values} "  # noqa: S608 - names from _meta
                f"ON CONFLICT (unit_id, year) DO UPDATE SET {last} = {table}.{last} + excluded.{last} "
                f"RETURNING unit_id, year, {last}",
                params,
            )
            for unit_id, year, new_last in cursor.fetchall():
                first[(unit_id, year)] = int(new_last) - needed[(unit_id, year)] + 1
    return first


def ensure_units(*, from_demo: bool = False) -> str:
    """Make sure there are units to spread petitions over; return the subtree path to use ('' for all).

    With ``from_demo`` the 西地省 demo tree is created if missing and used alone. Otherwise every active unit is
    used, and the demo tree is created only when there is no active unit at all.
    """
    if from_demo or not Unit.objects.active().exists():
        from xinfang.orgs.demo import build_demo_tree

        tree = build_demo_tree()
        return tree.province.path if from_demo else ""
    return ""


class _InlineSink:
    """Writes each batch in the caller's thread and connection, in its own (nested) transaction."""

    def __init__(self, tables: dict[str, _Table], *, unchecked: bool = False) -> None:
        self.tables = tables
        self.unchecked = unchecked
        self.committed = 0
        self.committed_ids: list[int] = []

    def write(self, out: dict[str, Any]) -> None:
        with transaction.atomic():
            if self.unchecked:
                # Replication mode skips the foreign-key triggers (as pg_restore --disable-triggers does); the
                # rows reference units read at the start and petitions of this batch or of committed ones.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            for name, table in self.tables.items():
                table.load(out[name])

    def put(self, out: dict[str, Any], ids: list[int]) -> None:
        self.write(out)
        self.committed += len(ids)
        self.committed_ids.extend(ids[: max(0, 10_000 - len(self.committed_ids))])

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


class _ThreadedSink(_InlineSink):
    """Writes batches from worker threads, each with its own connection, while the caller builds the next ones.

    PostgreSQL then checks constraints and maintains indexes on one core while Python builds rows on the other.
    The queue holds at most one batch per worker, so memory stays bounded. A worker's error is raised in the
    caller at the next ``put`` or at ``close``.
    """

    def __init__(self, tables: dict[str, _Table], workers: int, *, unchecked: bool = False) -> None:
        super().__init__(tables, unchecked=unchecked)
        self.queue: queue.Queue[tuple[dict[str, Any], list[int]] | None] = queue.Queue(maxsize=workers)
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._work, name=f"synthetic-writer-{i}", daemon=True) for i in range(workers)
        ]
        for t in self.threads:
            t.start()

    def _work(self) -> None:
        try:
            while (item := self.queue.get()) is not None:
                if self.errors:
                    continue  # drain after a failure
                out, ids = item
                try:
                    self.write(out)
                except BaseException as exc:
                    self.errors.append(exc)
                    continue
                with self.lock:
                    self.committed += len(ids)
                    self.committed_ids.extend(ids[: max(0, 10_000 - len(self.committed_ids))])
        finally:
            connection.close()  # this thread's own connection

    def _raise(self) -> None:
        if self.errors:
            raise self.errors[0]

    def put(self, out: dict[str, Any], ids: list[int]) -> None:
        self._raise()
        self.queue.put((out, ids))

    def close(self) -> None:
        for _ in self.threads:
            self.queue.put(None)
        for t in self.threads:
            t.join()
        self._raise()

    def abort(self) -> None:
        self.errors.append(RuntimeError("aborted"))  # the workers drain the queue without writing
        for _ in self.threads:
            self.queue.put(None)
        for t in self.threads:
            t.join()


def generate_petitions(
    count: int,
    *,
    seed: int = 1,
    batch_size: int = DEFAULT_BATCH,
    within_path: str = "",
    today: dt.date | None = None,
    workers: int = 2,
    skip_fk_checks: bool = False,
    load_categories: bool = True,
    progress: Callable[[GenerationResult], None] | None = None,
) -> GenerationResult:
    """Insert ``count`` synthetic petitions over the active units (of the subtree ``within_path`` if given).

    On PostgreSQL, outside a transaction, ``workers`` threads write the batches (0: write in this thread);
    inside a transaction (tests) or on another database everything happens in the caller's transaction.
    ``skip_fk_checks`` (PostgreSQL superuser only) writes without the deferred foreign-key checks, which are
    about a third of the database's work for these rows. ``load_categories`` loads the content taxonomy first
    when there is no category yet (and the taxonomy file is present), so that petitions carry categories.

    No signal is sent: the statistics rollup must be rebuilt afterwards (``manage.py stats rebuild``; the
    ``generate_petitions`` command does it unless told not to).
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    units = load_units(within_path)
    if not units:
        raise ValueError(f"no active units{' under ' + within_path if within_path else ''}")
    pool = UnitPool(units, rng)
    if load_categories:
        ensure_categories()
    gen = _Generator(pool, rng, today or timeutil.today(), _Deadlines(get_calendar()), rating_seed=seed)
    tables = {
        "petition": _Table(Petition, _PETITION, with_pk=True),
        "petitioner": _Table(Petitioner, _PETITIONER),
        "access": _Table(PetitionAccess, _ACCESS),
        "clock": _Table(Clock, _CLOCK),
        "event": _Table(PetitionEvent, _EVENT),
        "rating": _Table(Rating, _RATING),
    }
    threaded = workers > 0 and connection.vendor == "postgresql" and not connection.in_atomic_block
    if skip_fk_checks and not is_superuser():
        raise ValueError("skip_fk_checks needs a PostgreSQL superuser connection")
    sink = (
        _ThreadedSink(tables, workers, unchecked=skip_fk_checks)
        if threaded
        else _InlineSink(tables, unchecked=skip_fk_checks)
    )
    result = GenerationResult(rows=dict.fromkeys(tables, 0), units=len(units))
    done = 0
    try:
        while done < count:
            n = min(batch_size, count - done)
            gen.earlier_ids = sink.committed_ids  # a repeat petition points to one that is already committed
            plans = [gen.plan() for _ in range(n)]
            needed: dict[tuple[int, int], int] = defaultdict(int)
            for p in plans:
                needed[(p.registering.id, p.dates["received"].year)] += 1
            with transaction.atomic():  # outside a transaction the serials are taken for good at once
                first = _reserve_numbers(needed)
                ids = _allocate_ids(n)
            for p, pk in zip(plans, ids, strict=True):
                key = (p.registering.id, p.dates["received"].year)
                serial = first[key]
                first[key] = serial + 1
                p.number = f"{p.registering.code}-{key[1]}-{serial:06d}"
                p.id = pk
            out: dict[str, list[Any]] = {name: [] for name in tables}
            for p in plans:
                petition, people, access, clocks, events, ratings = gen.rows(p)
                out["petition"].append(petition)
                out["petitioner"] += people
                out["access"] += access
                out["clock"] += clocks
                out["event"] += events
                out["rating"] += ratings
            out["petitioner"] = _seal_people(out["petitioner"])  # encrypted at rest, with the search hashes
            for name, rows in out.items():
                result.rows[name] += len(rows)
            del plans
            sink.put({name: table.encode(out[name]) for name, table in tables.items()}, ids)
            del out
            done += n
            result.petitions = sink.committed
            result.seconds = time.monotonic() - started
            if progress is not None:
                progress(result)
        sink.close()
    except BaseException:
        sink.abort()
        raise
    result.petitions = sink.committed
    result.seconds = time.monotonic() - started
    if progress is not None and threaded:
        progress(result)
    return result


def ensure_categories() -> int:
    """Load the content taxonomy (内容分类) when there is no category and the file is present; returns created."""
    from xinfang.petitions.taxonomy import DEFAULT_TAXONOMY, load_taxonomy, read_taxonomy

    if Category.objects.exists() or not DEFAULT_TAXONOMY.exists():
        return 0
    return load_taxonomy(read_taxonomy(DEFAULT_TAXONOMY))


def is_superuser() -> bool:
    """Whether the connection is a PostgreSQL superuser (who may skip foreign-key triggers)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser')")
        row = cursor.fetchone()
    return bool(row and row[0] == "on")


def analyze() -> None:
    """Refresh the planner statistics of the tables the generator fills (PostgreSQL; no-op elsewhere)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Petition, Petitioner, PetitionAccess, Clock, PetitionEvent, Rating, NumberSequence):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
