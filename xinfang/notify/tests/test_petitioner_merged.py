"""并案 tells the merged item's petitioner (issue 11): their item is handled together with 编号X and they will be
told the outcome ("件件有着落、事事有回音"). The primary's petitioner hears nothing of it (another's item, Art. 30)."""

from __future__ import annotations

from typing import Any

import pytest

from xinfang.notify.models import PLACEHOLDERS, Channel, Notification, PetitionerMessageTemplate, PetitionerStep
from xinfang.notify.petitioner import DEFAULTS, petitioner_preference_set
from xinfang.petitions import services
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register

pytestmark = pytest.mark.django_db

KIND = "petitioner." + PetitionerStep.MERGED


def person(name: str, phone: str) -> list[PetitionerData]:
    return [PetitionerData(name=name, id_number=ID_OK, phone=phone, address="丽发新城3栋")]


@pytest.fixture
def pair(personas: Any) -> tuple[Any, Any]:
    primary, _ = register(personas.registrar_a, title="搅拌站噪音", petitioners=person("张三", "13812345678"))
    linked, _ = register(personas.registrar_a, title="搅拌站噪音（联名）", petitioners=person("李四", "13987654321"))
    return primary, linked


def test_the_merged_items_petitioner_is_told_which_number_handles_it_and_that_the_outcome_follows(
    personas: Any, pair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    primary, linked = pair
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary)
    (row,) = Notification.objects.filter(kind=KIND)
    assert row.petition == linked and row.address == "13987654321" and row.channel == Channel.SMS
    # The seeded zh-Hans template (notify 0006): 编号 of both items, the unit, and the promise of the outcome.
    assert linked.number in row.body and primary.number in row.body
    assert personas.registrar_a.unit.name in row.body and "办理结果将告知您" in row.body
    assert primary.number in row.subject
    assert "李四" not in row.body and "张三" not in row.body  # a message never names anybody (Art. 30)


def test_the_primarys_petitioner_gets_no_merge_message(
    personas: Any, pair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    primary, linked = pair
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary)
    assert not Notification.objects.filter(petition=primary, kind=KIND).exists()
    # The address is encrypted at rest, so an SQL equality on it would match nothing: compare decrypted values.
    assert "13812345678" not in [n.address for n in Notification.objects.filter(kind=KIND)]


def test_an_opted_out_petitioner_gets_no_merge_message(
    personas: Any, pair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    primary, linked = pair
    petitioner_preference_set(petition=linked, channel="", opted_out=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary)
    assert not Notification.objects.filter(kind=KIND).exists()


def test_without_the_seeded_template_the_built_in_default_is_filled(
    personas: Any, pair: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    PetitionerMessageTemplate.objects.filter(kind=PetitionerStep.MERGED).delete()
    primary, linked = pair
    with django_capture_on_commit_callbacks(execute=True):
        services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary)
    row = Notification.objects.get(kind=KIND)
    assert "{" not in row.body and primary.number in row.body and linked.number in row.body


def test_the_merged_step_offers_its_placeholders_and_every_default_uses_only_those(zh_templates: None) -> None:
    assert PLACEHOLDERS[PetitionerStep.MERGED] == frozenset({"number", "primary", "unit", "link"})
    seeded = PetitionerMessageTemplate.objects.get(kind=PetitionerStep.MERGED, channel="")
    seeded.full_clean()  # the admin's placeholder check accepts the seeded zh-Hans text
    text = DEFAULTS[PetitionerStep.MERGED]
    template = PetitionerMessageTemplate(kind=PetitionerStep.MERGED, subject=str(text.subject), body=str(text.body))
    template.full_clean(exclude=["channel"])
