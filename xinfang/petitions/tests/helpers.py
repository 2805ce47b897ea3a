"""Small builders for petition tests: register and drive a petition through the services."""

from __future__ import annotations

from typing import Any

from xinfang.orgs.models import Unit, User
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.petitions.workflow import State

ID_OK = "11010519491231002X"  # a valid 身份证号 (check digit X)


def intake(**overrides: Any) -> IntakeData:
    data: dict[str, Any] = {
        "channel": "letter",
        "title": "小区旁搅拌站夜间施工噪音扰民",
        "request": "请求责令搅拌站停止夜间施工",
        "facts_and_reasons": "A1区丽发新城旁的搅拌站每天夜里施工到凌晨两点，噪音严重影响居民休息。",
        "petitioners": [PetitionerData(name="张三", id_number=ID_OK, phone="13812345678", address="丽发新城3栋")],
        "problem_division_code": "990101",
    }
    data.update(overrides)
    return IntakeData(**data)


def register(registrar: User, unit: Unit | None = None, **overrides: Any) -> tuple[Petition, str]:
    target = unit or registrar.unit
    assert target is not None
    return services.petition_register(actor=registrar, unit=target, data=intake(**overrides))


def to_handling(p: Any, petition: Petition) -> Petition:
    """registrar A forwards to unit B, handler B accepts."""
    services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=p.handler_b.unit)
    return services.petition_accept(petition=petition, actor=p.handler_b, notice="已受理")


def to_replied(p: Any, petition: Petition, outcome: str = "explain") -> Petition:
    to_handling(p, petition)
    services.petition_submit_decision(
        petition=petition,
        actor=p.handler_b,
        outcome=outcome,
        opinion="经调查核实……",
        legal_basis="《环境噪声污染防治法》",
    )
    return services.petition_approve_decision(petition=petition, actor=p.head_b)


def terminated(p: Any) -> Petition:
    """A new petition driven to its end: replied, 复查 upheld, 复核 upheld — no unit accepts its matter again
    (Art. 36 ¶3)."""
    earlier, _ = register(p.registrar_a)
    to_replied(p, earlier)
    services.petition_request_review(petition=earlier, actor=None, reason="不服")
    services.petition_decide_review(petition=earlier, actor=p.county_head, outcome="uphold", opinion="维持")
    services.petition_request_recheck(petition=earlier, actor=None, reason="不服")
    services.petition_decide_recheck(petition=earlier, actor=p.city_head, outcome="uphold", opinion="维持")
    earlier.refresh_from_db()
    assert earlier.state == State.TERMINATED
    return earlier
