"""A registration hands the petition it has just written to the figures and the search index, which then do not
read it back (issue 9, intake under load). What they compute from it must be exactly what they compute from the
stored row: these tests compare the two for petitions of every kind intake takes."""

from __future__ import annotations

from typing import Any

import pytest

from xinfang.petitions.models import Nature, Petition, PetitionerKind
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register
from xinfang.search.models import SearchDocument
from xinfang.search.services import build_documents
from xinfang.stats import facts
from xinfang.stats.models import PetitionStatState

pytestmark = pytest.mark.django_db

GROUP = [PetitionerData(name="刘桂兰", phone="13907310001", address="A1区城南街道", is_representative=True)]


def kinds(tree: Any) -> dict[str, dict[str, Any]]:
    return {
        "letter": {},
        "visit-by-a-group": {
            "channel": "visit",
            "petitioner_kind": PetitionerKind.GROUP,
            "head_count": 6,
            "is_collective": True,
            "petitioners": GROUP,
        },
        "accusation-of-a-unit": {"nature": Nature.ACCUSATION, "accused_unit": tree.environment},
        "proposal-by-phone": {"channel": "phone", "nature": Nature.SUGGESTION, "problem_division_code": "990102"},
        "with-five-questions": {
            "channel": "visit",
            "five_questions": {"facts": "夜间施工噪音", "history": "反映过两次"},
            "petitioners": [PetitionerData(name="张三", id_number=ID_OK, phone="13812345678")],
        },
    }


@pytest.mark.parametrize(
    "kind", ["letter", "visit-by-a-group", "accusation-of-a-unit", "proposal-by-phone", "with-five-questions"]
)
def test_what_is_computed_from_the_written_petition_equals_what_is_computed_from_its_row(personas, tree, kind):
    petition, _ = register(personas.registrar_a, **kinds(tree)[kind])
    from_row = facts.contributions_for([petition.pk], new=True)
    assert facts.contributions_for([petition.pk], new=True, written=[petition]) == from_row
    # What registration stored (from the petition in memory) is what the stored row gives.
    assert PetitionStatState.objects.get(petition=petition).data == from_row[petition.pk]
    stored = SearchDocument.objects.get(petition=petition)
    (rebuilt,) = build_documents([petition.pk])
    assert (stored.title, stored.body, stored.names) == (rebuilt.title, rebuilt.body, rebuilt.names)


def test_a_repeat_is_not_first_time_in_either_form(personas):
    earlier, _ = register(personas.registrar_a)
    repeat, _ = register(personas.registrar_a, previous=earlier)
    assert facts.is_first_time(earlier) and not facts.is_first_time(repeat)
    flagged = dict(
        Petition.objects.filter(pk__in=[earlier.pk, repeat.pk])
        .annotate(first=facts._flag(facts.FIRST_TIME))
        .values_list("pk", "first")
    )
    assert flagged == {earlier.pk: True, repeat.pk: False}
    assert facts.contributions_for([repeat.pk], new=True, written=[repeat]) == facts.contributions_for(
        [repeat.pk], new=True
    )


def test_only_a_registration_is_taken_from_memory(personas):
    petition, _ = register(personas.registrar_a)
    stale = Petition.objects.get(pk=petition.pk)
    stale.channel = "visit"  # not saved: as if the row had changed since
    # Without ``new`` (any later step) the row is read, whatever is handed over.
    assert facts.contributions_for([petition.pk], written=[stale]) == facts.contributions_for([petition.pk])


def test_the_five_answers_give_one_text_in_whatever_order_the_dict_came():
    """PostgreSQL's jsonb reorders keys (shorter first): the row read back and the dict intake wrote must still give
    the same search text (this differed for visits and calls, whose 五必问 are filled)."""
    from xinfang.search.services import _body

    written = {"facts": "甲", "history": "乙", "prior_handling": "丙", "difficulties": "丁"}
    read_back = dict(sorted(written.items(), key=lambda kv: (len(kv[0]), kv[0])))
    assert list(written) != list(read_back)
    row = {"request": "请求", "facts_and_reasons": "经过"}
    assert _body({**row, "five_questions": written}) == _body({**row, "five_questions": read_back})
