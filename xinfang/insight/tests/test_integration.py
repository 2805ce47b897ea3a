"""The spine hooks: fingerprints, near-identical petitions, 重复信访 candidates with their bar, suggestions."""

from __future__ import annotations

import pytest

from xinfang.insight import integration
from xinfang.insight.models import PetitionFingerprint
from xinfang.insight.tests.test_dedup import ORIGINAL, RESUBMITTED, SAME_STREET_OTHER_MATTER
from xinfang.petitions.models import Category, DeclineGround, Petition
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import register
from xinfang.petitions.workflow import State

pytestmark = pytest.mark.django_db

OTHER_ID = "110105198001010016"  # another valid 身份证号


def _person(id_number: str = "11010519491231002X", phone: str = "13812345678") -> list[PetitionerData]:
    return [PetitionerData(name="张三", id_number=id_number, phone=phone)]


def test_similar_petitions_are_found_through_fingerprints(personas):
    first, _ = register(personas.registrar_a, title="搅拌站噪音", request=ORIGINAL, facts_and_reasons="")
    other, _ = register(personas.registrar_a, title="路灯", request=SAME_STREET_OTHER_MATTER, facts_and_reasons="")
    copy, _ = register(
        personas.registrar_a,
        title="联名反映",
        request=ORIGINAL,
        facts_and_reasons="",
        petitioners=_person(OTHER_ID, ""),
    )
    for p in (first, other, copy):
        assert integration.fingerprint_petition(p) > 0
    assert integration.fingerprint_petition(first) == PetitionFingerprint.objects.filter(petition=first).count()
    found = integration.similar_petitions(copy)
    assert [(s.petition.pk, s.similarity, s.same_petitioner) for s in found] == [(first.pk, 1.0, False)]


def test_repeat_candidates_show_the_earlier_state_and_the_bar(personas):
    earlier, _ = register(personas.registrar_a, title="丽发新城搅拌站噪音扰民", request=ORIGINAL, facts_and_reasons="")
    register(personas.registrar_a, title="丽发新城南门路灯不亮", request=SAME_STREET_OTHER_MATTER, facts_and_reasons="")
    register(
        personas.registrar_a,
        title="别人的同一件事",
        request=RESUBMITTED,
        facts_and_reasons="",
        petitioners=_person(OTHER_ID, ""),
    )
    again, _ = register(
        personas.registrar_a,
        title="再次投诉丽发新城搅拌站",
        request=RESUBMITTED,
        facts_and_reasons="",
        petitioners=_person(phone="13812345678", id_number=""),
    )
    (only,) = integration.repeat_candidates(again)
    assert only.earlier.pk == earlier.pk
    assert (only.matched_on, only.state, only.bar_ground) == ("phone", State.REGISTERED, "")
    Petition.objects.filter(pk=earlier.pk).update(state=State.TERMINATED)
    (only,) = integration.repeat_candidates(again)
    assert only.bar_ground == DeclineGround.TERMINATED
    assert "990101XFJ" in only.bar_message  # names the earlier item (in the active language)
    assert Petition.objects.get(pk=again.pk).previous_id is None  # only a proposal: nothing was linked


def test_routing_suggestions_cold_start_from_the_category_tree(personas, settings, tmp_path):
    settings.XINFANG_ROUTING_MODEL = str(tmp_path / "none")
    labour = Category.objects.create(name="劳动和社会保障", level=1, full_name="劳动和社会保障")
    wages = Category.objects.create(name="工资福利", level=2, parent=labour, full_name="劳动和社会保障 / 工资福利")
    Category.objects.create(name="拖欠工资", level=3, parent=wages, full_name="劳动和社会保障 / 工资福利 / 拖欠工资")
    transport = Category.objects.create(name="交通运输", level=1, full_name="交通运输")
    Category.objects.create(name="公交线路", level=2, parent=transport, full_name="交通运输 / 公交线路")
    petition, _ = register(
        personas.registrar_a, title="公司拖欠工资", request="请帮我们讨回拖欠工资", facts_and_reasons=""
    )
    best = integration.routing_suggestions(petition, k=2)[0]
    assert best.label == "劳动和社会保障"


def test_locate_problem_uses_the_unit_tree(personas):
    petition, _ = register(personas.registrar_a, title="A2区丽发新城搅拌站", request="噪音", facts_and_reasons="")
    place = integration.locate_problem(petition)
    assert place is not None and place.code == "990102"
