"""Demo 人民建议征集: an open call of A1区信访局 with proposals at each step, one adopted and shown on the public page.

Run after the demo staff exist (``load_demo``). Idempotent: nothing is added once the demo call exists.
"""

from __future__ import annotations

import datetime as dt

from xinfang.orgs.models import User
from xinfang.proposals import services
from xinfang.proposals.models import Call, Proposal

CALL_TOPIC = "城市公共空间改造金点子征集"


def build_demo_proposals(today: dt.date) -> dict[str, int]:
    """One open call; a proposal waiting for referral, one being evaluated, one adopted and implemented (public,
    with a commendation), one not adopted with its reason. Returns counts."""
    if not Call.objects.filter(topic=CALL_TOPIC).exists():
        registrar = User.objects.get(username="registrar")  # A1区信访局, receives and refers
        head = User.objects.get(username="head")  # A1区住房和城乡建设局, decides
        handler = User.objects.get(username="handler")  # same unit, reports what was done
        housing = head.unit
        assert housing is not None  # noqa: S101 - the demo staff belong to units
        call = services.call_create(
            actor=registrar,
            topic=CALL_TOPIC,
            description="围绕老旧小区、街角空地和口袋公园的改造，欢迎提出具体可行的建议。",
            opens_on=today - dt.timedelta(days=20),
            closes_on=today + dt.timedelta(days=40),
        )

        def submit(title: str, reason: str, suggestion: str, *, public: bool = True) -> Proposal:
            return services.proposal_submit(
                title=title,
                reason=reason,
                suggestion=suggestion,
                call=call,
                proposer_name="周明" if public else "",
                is_public=public,
            )

        adopted = submit(
            "在丽发新城东侧空地建设口袋公园",
            "东侧空地长期闲置，堆放杂物，周边三个小区没有活动场地。",
            "清理空地，铺设步道，增设座椅和儿童游乐设施，由社区负责日常维护。",
        )
        services.proposal_refer(proposal=adopted, actor=registrar, to_unit=housing)
        services.proposal_decide(
            proposal=adopted, actor=head, outcome="adopted", reason="建议具体可行，已列入今年老旧小区改造计划。"
        )
        services.proposal_implement(
            proposal=adopted, actor=handler, feedback="口袋公园已完成施工并向居民开放，设座椅12处、儿童游乐区1处。"
        )
        services.proposal_commend(
            proposal=adopted, actor=head, kind="commendation", given_on=today, text="感谢周明同志提出的宝贵建议。"
        )
        declined = submit(
            "在主干道中央设置自行车道",
            "骑行的人越来越多，但没有专用车道。",
            "在幸福路中央隔离带位置改建双向自行车道。",
            public=False,
        )
        services.proposal_refer(proposal=declined, actor=registrar, to_unit=housing)
        services.proposal_decide(
            proposal=declined,
            actor=head,
            outcome="not_adopted",
            reason="中央隔离带下方有主供水管线，改建不具备条件；已转交交通部门研究路侧骑行道方案。",
        )
        evaluating = submit(
            "老旧小区加装电梯统一招标", "各小区分别招标，价格差异大。", "由街道统一组织招标，集中采购。"
        )
        services.proposal_refer(proposal=evaluating, actor=registrar, to_unit=housing)
        submit("社区食堂延长营业时间", "上班族下班后赶不上社区食堂。", "工作日晚餐延长至19:30。", public=False)
    return {"calls": Call.objects.count(), "proposals": Proposal.objects.count()}
