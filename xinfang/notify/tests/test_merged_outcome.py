"""并案 outcome (issue 11): when the primary is decided, each merged item's petitioner is told the same as the
primary's petitioner — same template, their own channel, opt-out and daily cap — under their own 编号 naming the
primary's, and never anybody's name (Art. 30). So are the steps before the decision that change what they wait for:
受理 and 延期 (Art. 34), 导入法定途径 (Art. 31) and 不予受理 as out of scope. An item taken out of the merge (撤销并案)
is handled on its own again, and its petitioner is told so, once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xinfang.core.errors import RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.notify.models import PLACEHOLDERS, Notification, PetitionerMessageTemplate, PetitionerStep
from xinfang.notify.petitioner import (
    DEFAULTS,
    MERGED_STEPS,
    OUTCOME_STEPS,
    STEP_FOR_ACTION,
    petitioner_preference_set,
    rating_window_reminders,
    reaches_merged,
)
from xinfang.notify.tests import gateways
from xinfang.petitions import services
from xinfang.petitions.models import Clock, DeclineGround, Nature, Petition, PetitionEvent
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register, to_handling, to_replied
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db

PEOPLE = [("张三", "13812345678"), ("李四", "13987654321"), ("王五", "13700001111")]
REPLIED = "petitioner." + PetitionerStep.REPLIED
ACCEPTED = "petitioner." + PetitionerStep.ACCEPTED
EXTENDED = "petitioner." + PetitionerStep.EXTENDED


def person(name: str, phone: str) -> list[PetitionerData]:
    return [PetitionerData(name=name, id_number=ID_OK, phone=phone, address="丽发新城3栋")]


def merged_three(personas: Any, **extra: Any) -> list[Petition]:
    items = [
        register(personas.registrar_a, title=f"搅拌站噪音（{name}）", petitioners=person(name, phone), **extra)[0]
        for name, phone in PEOPLE
    ]
    for linked in items[1:]:
        services.petition_merge(petition=linked, actor=personas.registrar_a, primary=items[0])
    return items


def sent_to(phone: str) -> list[str]:
    return [text for to, text in gateways.SENT if to == phone]


def test_serving_the_primarys_reply_tells_each_of_the_three_petitioners_once(
    personas: Any, recording_gateway: None, zh_templates: None, run: Any
) -> None:
    primary, *merged = merged_three(personas)
    gateways.SENT.clear()
    run(to_replied, personas, primary)
    review_due = Clock.objects.filter(petition=primary, kind=ClockKind.REVIEW_WINDOW).get().due
    deadline = f"{review_due.year}年{review_due.month}月{review_due.day}日"
    for (_name, phone), item in zip(PEOPLE, [primary, *merged], strict=True):
        # One written-reply message each, with the same 复查 deadline (Art. 35), under their own 编号.
        (text,) = [t for t in sent_to(phone) if deadline in t]
        assert item.number in text and primary.number in text
        assert all(name not in text for name, _p in PEOPLE)  # nobody's name, not even their own (Art. 30)
    rows = Notification.objects.filter(kind=REPLIED)
    assert sorted(rows.values_list("petition_id", flat=True)) == sorted(p.pk for p in [primary, *merged])
    for row in rows.exclude(petition=primary).select_related("petition"):
        assert row.petition is not None and row.link.endswith(f"number={row.petition.number}")  # their own page


def test_an_opted_out_or_anonymous_merged_petitioner_is_not_told(
    personas: Any, recording_gateway: None, run: Any
) -> None:
    primary, opted_out, other = merged_three(personas)
    petitioner_preference_set(petition=opted_out, channel="", opted_out=True)
    Petition.objects.filter(pk=other.pk).update(is_anonymous=True)
    run(to_replied, personas, primary)
    assert set(Notification.objects.filter(kind=REPLIED).values_list("petition_id", flat=True)) == {primary.pk}
    assert not sent_to(PEOPLE[1][1]) and not sent_to(PEOPLE[2][1])


def test_the_daily_cap_applies_to_a_merged_petitioners_outcome_message(
    personas: Any, tree: Any, recording_gateway: None, run: Any, settings: Any
) -> None:
    from conftest import make_user

    primary, *merged = merged_three(personas)
    settings.XINFANG_PETITIONER_DAILY_CAP = 2
    run(to_replied, personas, primary)  # the merged petitioners' 受理 and reply messages today: within the cap
    assert not Notification.objects.filter(kind=ACCEPTED, petition__in=merged, status="failed").exists()
    assert not Notification.objects.filter(kind=REPLIED, petition__in=merged, status="failed").exists()
    services.petition_request_review(petition=primary, actor=None, reason="不服")
    head = make_user("county_head_cap", tree.county, "head")
    run(services.petition_decide_review, petition=primary, actor=head, outcome="uphold", opinion="维持")
    for item in merged:  # the third message the same day goes over it: written as capped, not sent
        row = Notification.objects.get(kind="petitioner." + PetitionerStep.REVIEW_DECIDED, petition=item)
        assert row.status == "failed" and row.error.startswith("capped")


def test_a_merged_item_that_asked_for_its_own_review_no_longer_hears_the_primarys_outcomes(
    personas: Any, tree: Any, recording_gateway: None, run: Any
) -> None:
    from conftest import make_user

    primary, left, stayed = merged_three(personas)
    run(to_replied, personas, primary)
    run(services.petition_request_review, petition=left, actor=None, reason="不服")
    run(services.petition_request_review, petition=primary, actor=None, reason="不服")
    head = make_user("county_head_review", tree.county, "head")
    run(services.petition_decide_review, petition=primary, actor=head, outcome="uphold", opinion="维持")
    kind = "petitioner." + PetitionerStep.REVIEW_DECIDED
    assert set(Notification.objects.filter(kind=kind).values_list("petition_id", flat=True)) == {
        primary.pk,
        stayed.pk,
    }


def test_the_rating_reminder_reaches_the_merged_petitioners_in_the_primarys_window(
    personas: Any, recording_gateway: None, run: Any
) -> None:
    primary, rated, silent = merged_three(personas)
    run(to_replied, personas, primary)
    services.petition_rate(petition=rated, actor=None, target="responsible_unit", value="satisfied")
    due = Clock.objects.filter(petition=primary, kind=ClockKind.RATING_WINDOW).get().due
    result = rating_window_reminders(today=due - dt.timedelta(days=1))
    kind = "petitioner." + PetitionerStep.RATING_WINDOW
    reminded = set(Notification.objects.filter(kind=kind).values_list("petition_id", flat=True))
    assert reminded == {primary.pk, silent.pk} and result == {"reminded": 2, "skipped": 1}
    assert rating_window_reminders(today=due - dt.timedelta(days=1)) == {"reminded": 0, "skipped": 1}


# --- 延期 and the other steps of a primary not yet decided (Arts. 23, 31, 34) ---


def zh_day(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def extend(personas: Any, run: Any, primary: Petition, reason: str = "需委托第三方开展噪声检测") -> dt.date:
    """The handler asks for 20 more days and the unit head approves (Art. 34); the handling clock's new due date."""
    run(services.petition_request_extension, petition=primary, actor=personas.handler_b, days=20, reason=reason)
    run(services.petition_approve_extension, petition=primary, actor=personas.head_b)
    return Clock.objects.get(petition=primary, kind=ClockKind.HANDLE).due


def test_an_approved_extension_tells_each_merged_petitioner_the_new_date_and_reason_under_their_own_number_art_34(
    personas: Any, recording_gateway: None, zh_templates: None, run: Any
) -> None:
    primary, *merged = merged_three(personas)
    to_handling(personas, primary)  # outside ``run``: no message yet, only the extension's are looked at
    before = Clock.objects.get(petition=primary, kind=ClockKind.HANDLE).due
    due = extend(personas, run, primary)
    assert due > before
    for (_name, phone), item in zip(PEOPLE, [primary, *merged], strict=True):
        (text,) = sent_to(phone)  # exactly one message each: the extension's
        assert zh_day(due) in text and "需委托第三方开展噪声检测" in text and item.number in text
        assert all(name not in text for name, _p in PEOPLE)
        if item != primary:  # under their own 编号, naming the primary's that is handled
            assert primary.number in text and "并案办理" in text
    assert "并案办理" not in sent_to(PEOPLE[0][1])[0]  # the primary's petitioner: their own number alone
    rows = Notification.objects.filter(kind=EXTENDED)
    assert sorted(rows.values_list("petition_id", flat=True)) == sorted(p.pk for p in [primary, *merged])
    assert set(rows.values_list("status", flat=True)) == {"sent"}


def test_an_extension_reason_naming_another_petitioner_reaches_the_merged_ones_with_the_identity_taken_out_art_30(
    personas: Any, recording_gateway: None, zh_templates: None, run: Any
) -> None:
    primary, *_merged = merged_three(personas)
    to_handling(personas, primary)
    # A careless reason: it names the primary's petitioner and one of the merged ones.
    extend(personas, run, primary, reason="张三（13812345678）与李四反映的噪声需第三方检测")
    for name, phone in PEOPLE[1:]:
        (text,) = sent_to(phone)
        assert "张三" not in text and "13812345678" not in text and "××" in text and "需第三方检测" in text
        other = "王五" if name == "李四" else "李四"
        assert other not in text
    (own,) = sent_to(PEOPLE[0][1])  # the primary's petitioner never reads a merged petitioner's name either
    assert "李四" not in own and "需第三方检测" in own


def test_another_petitioner_named_by_surname_and_honorific_is_taken_out_too_art_30(
    personas: Any, recording_gateway: None, zh_templates: None, run: Any
) -> None:
    primary, *_merged = merged_three(personas)
    to_handling(personas, primary)
    extend(personas, run, primary, reason="张先生与老李反映的噪声需第三方检测")
    for _name, phone in PEOPLE[1:]:
        (text,) = sent_to(phone)
        assert "张先生" not in text and "需第三方检测" in text
    assert "老李" not in sent_to(PEOPLE[2][1])[0]  # 王五 is told without 李四's "老李"


def test_the_forms_of_a_name_take_a_compound_surname_whole_and_leave_other_names_alone() -> None:
    from xinfang.petitions.services.merged_outcome import name_forms

    assert name_forms("张三") == ["张先生", "张女士", "张某某", "张某", "老张", "小张"]
    assert name_forms("欧阳娜娜")[:2] == ["欧阳先生", "欧阳女士"]
    assert name_forms("John Smith") == [] and name_forms("张") == []


def test_an_opted_out_or_anonymous_merged_petitioner_hears_of_no_extension(
    personas: Any, recording_gateway: None, run: Any
) -> None:
    primary, opted_out, other = merged_three(personas)
    petitioner_preference_set(petition=opted_out, channel="", opted_out=True)
    Petition.objects.filter(pk=other.pk).update(is_anonymous=True)
    to_handling(personas, primary)
    extend(personas, run, primary)
    assert list(Notification.objects.filter(kind=EXTENDED).values_list("petition_id", flat=True)) == [primary.pk]
    assert not sent_to(PEOPLE[1][1]) and not sent_to(PEOPLE[2][1])
    assert len(sent_to(PEOPLE[0][1])) == 1


def test_the_daily_cap_applies_to_a_merged_petitioners_extension_message(
    personas: Any, recording_gateway: None, run: Any, settings: Any
) -> None:
    primary, *merged = merged_three(personas)
    settings.XINFANG_PETITIONER_DAILY_CAP = 1
    run(to_handling, personas, primary)  # 受理: the merged petitioners' first message today, within the cap
    assert set(Notification.objects.filter(kind=ACCEPTED, petition__in=merged).values_list("status", flat=True)) == {
        "sent"
    }
    gateways.SENT.clear()
    extend(personas, run, primary)
    for (_name, phone), item in zip(PEOPLE[1:], merged, strict=True):  # the second: written as capped, not sent
        row = Notification.objects.get(kind=EXTENDED, petition=item)
        assert row.status == "failed" and row.error.startswith("capped")
        assert not sent_to(phone)


def test_acceptance_of_the_primary_tells_the_merged_petitioners_its_reply_date_but_forwarding_does_not(
    personas: Any, tree: Any, recording_gateway: None, zh_templates: None, run: Any
) -> None:
    primary, *merged = merged_three(personas)
    run(services.petition_forward, petition=primary, actor=personas.registrar_a, to_unit=tree.housing)
    forwarded = "petitioner." + PetitionerStep.FORWARDED
    assert list(Notification.objects.filter(kind=forwarded).values_list("petition_id", flat=True)) == [primary.pk]
    run(services.petition_accept, petition=primary, actor=personas.handler_b, notice="已受理")
    due = Clock.objects.get(petition=primary, kind=ClockKind.HANDLE).due  # 60 days (Art. 34)
    for item in merged:
        row = Notification.objects.get(kind=ACCEPTED, petition=item)
        assert zh_day(due) in row.body and item.number in row.body and primary.number in row.body


def test_a_primary_directed_to_the_statutory_procedure_tells_the_merged_petitioners_art_31(
    personas: Any, recording_gateway: None, run: Any
) -> None:
    primary, *merged = merged_three(personas, nature=Nature.APPEAL, is_law_related=True)
    guidance = "请张三依法向A1区人民法院申请再审"
    run(services.petition_divert, petition=primary, actor=personas.registrar_a, route="litigation", guidance=guidance)
    kind = "petitioner." + PetitionerStep.DIVERTED
    rows = {r.petition_id: r for r in Notification.objects.filter(kind=kind)}
    assert set(rows) == {p.pk for p in [primary, *merged]}
    for item in merged:
        assert "张三" not in rows[item.pk].body and "依法向A1区人民法院申请再审" in rows[item.pk].body


def test_a_primary_declined_as_out_of_scope_tells_the_merged_petitioners(
    personas: Any, recording_gateway: None, run: Any
) -> None:
    primary, *merged = merged_three(personas)
    run(
        services.petition_decline,
        petition=primary,
        actor=personas.registrar_a,
        ground=DeclineGround.OUT_OF_SCOPE,
        reason="不属于信访事项",
    )
    kind = "petitioner." + PetitionerStep.DECLINED
    assert set(Notification.objects.filter(kind=kind).values_list("petition_id", flat=True)) == {
        p.pk for p in [primary, *merged]
    }


@pytest.mark.parametrize("ground", [DeclineGround.ALREADY_HANDLED, DeclineGround.TERMINATED])
def test_a_decline_on_the_primary_petitioners_own_bar_is_not_told_to_the_merged_ones_art_19_art_36(
    ground: str,
) -> None:
    # Art. 19 ¶3 and Art. 36 ¶3 bar a petitioner on their own earlier petition: not the merged petitioner's bar.
    event = PetitionEvent(action=Action.DECLINE, data={"ground": ground, "text": "…"})
    assert not reaches_merged(PetitionerStep.DECLINED, event)
    event.data["ground"] = DeclineGround.OUT_OF_SCOPE
    assert reaches_merged(PetitionerStep.DECLINED, event)


def test_the_steps_merged_petitioners_hear_are_the_outcomes_and_those_that_change_their_wait() -> None:
    assert PetitionerStep.EXTENDED in MERGED_STEPS and OUTCOME_STEPS <= MERGED_STEPS
    for step in (PetitionerStep.FORWARDED, PetitionerStep.ASSIGNED, PetitionerStep.URGE_ANSWERED):
        assert step not in MERGED_STEPS  # routing before acceptance; the primary's petitioner's own reminder
    assert PetitionerStep.MERGED not in MERGED_STEPS and PetitionerStep.REGISTERED not in MERGED_STEPS


# --- 撤销并案: the item taken out is handled on its own again, and its petitioner is told so (one message) ---

UNMERGED = "petitioner." + PetitionerStep.UNMERGED


def test_unmerging_tells_the_items_petitioner_once_under_their_own_number_and_nobody_else(
    personas: Any, recording_gateway: None, zh_templates: None, run: Any
) -> None:
    primary, taken_out, stayed = merged_three(personas)
    gateways.SENT.clear()
    run(services.petition_unmerge, petition=taken_out, actor=personas.registrar_a, note="张三与李四所反映并非同一事项")
    (text,) = sent_to(PEOPLE[1][1])  # the seeded zh-Hans template (notify 0008)
    assert taken_out.number in text and "单独办理" in text and personas.registrar_a.unit.name in text
    assert primary.number in text  # the 编号 it was merged into (told in the 并案 message), never who wrote it
    assert all(name not in text for name, _p in PEOPLE) and PEOPLE[0][1] not in text  # nobody's identity (Art. 30)
    assert not sent_to(PEOPLE[0][1]) and not sent_to(PEOPLE[2][1])  # the primary's and the other merged petitioner
    (row,) = Notification.objects.filter(kind=UNMERGED)
    assert row.petition_id == taken_out.pk and row.link.endswith(f"number={taken_out.number}")
    assert stayed.pk not in set(Notification.objects.values_list("petition_id", flat=True))


def test_after_unmerging_a_decline_on_the_primarys_own_bar_is_told_to_its_petitioner_alone_art_19_art_30(
    personas: Any, recording_gateway: None, zh_templates: None, run: Any
) -> None:
    # 张三's earlier item is accepted and within its limit at A1区住建局; he writes again to A市信访局 (Art. 19 ¶3).
    earlier, _ = register(personas.registrar_a)
    to_handling(personas, earlier)
    actor = personas.city_dept_head
    primary, _ = register(actor, previous=earlier, title="搅拌站噪音（张三）", petitioners=person(*PEOPLE[0]))
    items = [register(actor, title=f"搅拌站噪音（{n}）", petitioners=person(n, ph))[0] for n, ph in PEOPLE[1:]]
    for item in items:
        services.petition_merge(petition=item, actor=actor, primary=primary)
    ground, reason = DeclineGround.ALREADY_HANDLED, "张三反映的事项正在A1区住建局办理期限内"
    with pytest.raises(RuleViolation):  # refused while they are merged (petitions/tests/test_merge_decline.py)
        services.petition_decline(petition=primary, actor=actor, ground=ground, reason=reason)
    gateways.SENT.clear()
    for item in items:
        run(services.petition_unmerge, petition=item, actor=actor)
    run(services.petition_decline, petition=primary, actor=actor, ground=ground, reason=reason)
    declined = "petitioner." + PetitionerStep.DECLINED
    assert list(Notification.objects.filter(kind=declined).values_list("petition_id", flat=True)) == [primary.pk]
    for (_name, phone), item in zip(PEOPLE[1:], items, strict=True):
        (text,) = sent_to(phone)  # one message: handled on its own again, not the other petitioner's bar
        assert item.number in text and "单独办理" in text and "住建局" not in text and "张三" not in text


def test_the_unmerged_step_offers_its_placeholders_and_its_seeded_and_default_texts_use_only_those(
    zh_templates: None,
) -> None:
    assert PLACEHOLDERS[PetitionerStep.UNMERGED] == frozenset({"number", "primary", "unit", "link"})
    assert STEP_FOR_ACTION[Action.UNMERGE] == PetitionerStep.UNMERGED
    assert PetitionerStep.UNMERGED not in MERGED_STEPS  # told to the item taken out only, never the primary's
    PetitionerMessageTemplate.objects.get(kind=PetitionerStep.UNMERGED, channel="").full_clean()
    text = DEFAULTS[PetitionerStep.UNMERGED]
    template = PetitionerMessageTemplate(kind=PetitionerStep.UNMERGED, subject=str(text.subject), body=str(text.body))
    template.full_clean(exclude=["channel"])


def test_without_the_seeded_template_the_unmerged_default_is_filled(personas: Any, run: Any) -> None:
    PetitionerMessageTemplate.objects.filter(kind=PetitionerStep.UNMERGED).delete()
    primary, taken_out, _stayed = merged_three(personas)
    run(services.petition_unmerge, petition=taken_out, actor=personas.registrar_a)
    row = Notification.objects.get(kind=UNMERGED)
    assert "{" not in row.body and taken_out.number in row.body and primary.number in row.body
