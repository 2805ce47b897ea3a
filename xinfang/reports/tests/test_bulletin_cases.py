"""通报 typical cases (issue 13 item 5): chosen and approved by the issuing unit; the printed case shows the 编号,
the unit and the account — never the petitioner's identity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.petitions.tests.helpers import ID_OK, register
from xinfang.supervision.bulletin import bulletin_generate
from xinfang.supervision.models import CaseVerdict
from xinfang.supervision.typical_cases import bulletin_case_add, bulletin_case_approve, bulletin_case_lines


def _bulletin(tree: Any) -> Any:
    return bulletin_generate(unit=tree.county_dept, month=dt.date(2025, 1, 1))


@pytest.mark.parametrize("leak", ["张三", "13812345678", ID_OK, "丽发新城3栋"])
def test_an_account_that_identifies_the_petitioner_is_refused(
    personas: Any, tree: Any, dept_head: Any, leak: str
) -> None:
    petition, _code = register(personas.registrar_a)
    with pytest.raises(InvalidInput) as error:
        bulletin_case_add(
            actor=dept_head,
            bulletin=_bulletin(tree),
            petition=petition,
            unit=tree.housing,
            verdict=CaseVerdict.NEGLIGENCE,
            account=f"信访人{leak}反映的问题拖延三个月未办理",
        )
    assert error.value.field == "account"


def test_an_approved_case_shows_number_unit_and_account_and_no_identity(
    personas: Any, tree: Any, analyst: Any, dept_head: Any
) -> None:
    petition, _code = register(personas.registrar_a)
    bulletin = _bulletin(tree)
    case = bulletin_case_add(
        actor=analyst,
        bulletin=bulletin,
        petition=petition,
        unit=tree.housing,
        verdict=CaseVerdict.GOOD_PRACTICE,
        account="接件当日上门核实，七日内解决噪音问题",
    )
    assert bulletin_case_lines(bulletin) == []  # not shown until approved
    with pytest.raises(NotPermitted):
        bulletin_case_approve(actor=analyst, case=case)
    bulletin_case_approve(actor=dept_head, case=case)
    lines = bulletin_case_lines(bulletin)
    assert lines == [f"【典型经验】{petition.number}，A1区住房和城乡建设局：接件当日上门核实，七日内解决噪音问题"]
    for identity in ("张三", "13812345678", ID_OK, "丽发新城"):
        assert identity not in lines[0]


def test_only_the_issuing_unit_chooses_cases(personas: Any, tree: Any) -> None:
    petition, _code = register(personas.registrar_a)
    with pytest.raises(NotPermitted):
        bulletin_case_add(
            actor=personas.head_b,
            bulletin=_bulletin(tree),
            petition=petition,
            unit=tree.housing,
            verdict=CaseVerdict.GOOD_PRACTICE,
            account="按期办结",
        )
