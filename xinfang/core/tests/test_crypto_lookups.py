"""Issue 9 (个人信息保护法; 《信访工作条例》Art. 30): an encrypted column holds a random Fernet token per value, so a
lookup that compares it with a value (``filter(phone="138…")``, ``__in``, ``__icontains``, …) would silently match
nothing. Such a lookup raises ``FieldError`` when the query is built, naming the field and its keyed hash; ``= ""``
("has no value", stored unencrypted), ``= None`` and ``__isnull`` keep working, and the keyed-hash search finds the row.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import FieldError
from django.db.models import Q

from xinfang.core import crypto
from xinfang.notify.models import Notification
from xinfang.petitions.models import Petitioner
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register
from xinfang.proposals.models import Proposal
from xinfang.proposals.tests.helpers import submit

PHONE = "13812345678"  # the petitioner in petitions.tests.helpers.register


@pytest.fixture
def people(personas: Any) -> tuple[Petitioner, Petitioner]:
    """One petitioner with a phone, 身份证号 and address, one with none of them."""
    with_phone, _code = register(personas.registrar_a)
    without, _code = register(personas.registrar_a, petitioners=[PetitionerData(name="无电话")])
    return with_phone.petitioners.get(), without.petitioners.get()


# ------------------------------------------------------------------------------------------ refused lookups


def test_an_exact_lookup_with_a_value_raises_naming_the_field_and_its_keyed_hash() -> None:
    with pytest.raises(FieldError) as raised:
        Petitioner.objects.filter(phone=PHONE)
    message = str(raised.value)
    assert "petitions.Petitioner.phone" in message
    assert "phone_hash" in message and "KeyedHashField" in message
    assert "phone__exact" in message


def test_the_id_number_lookup_names_its_own_hash() -> None:
    with pytest.raises(FieldError, match=r"petitions\.Petitioner\.id_number .*id_number_hash"):
        Petitioner.objects.exclude(id_number=ID_OK)


def test_a_field_without_a_keyed_hash_says_it_has_none() -> None:
    with pytest.raises(FieldError, match=r"proposals\.Proposal\.proposer_phone .*no keyed hash"):
        Proposal.objects.filter(proposer_phone="13900001111")


@pytest.mark.parametrize(
    ("lookup", "value"),
    [
        ("in", [PHONE]),
        ("in", [""]),  # even the empty value: `in` is refused as a whole
        ("icontains", "1381"),
        ("contains", "1381"),
        ("iexact", PHONE),
        ("startswith", "138"),
        ("istartswith", "138"),
        ("endswith", "5678"),
        ("iendswith", "5678"),
        ("regex", r"^138"),
        ("iregex", r"^138"),
        ("gt", ""),
        ("gte", "1"),
        ("lt", "2"),
        ("lte", "2"),
        ("range", ("1", "2")),
    ],
)
def test_every_comparing_lookup_raises_when_the_query_is_built(lookup: str, value: Any) -> None:
    with pytest.raises(FieldError, match=rf"Petitioner\.phone .*phone__{lookup} would never match"):
        Petitioner.objects.filter(**{f"phone__{lookup}": value})


def test_a_lookup_through_a_relation_and_in_a_q_raises_too() -> None:
    from xinfang.petitions.models import Petition

    with pytest.raises(FieldError, match=r"Petitioner\.phone "):
        Petition.objects.filter(petitioners__phone=PHONE)
    with pytest.raises(FieldError, match=r"notify\.Notification\.address "):
        Notification.objects.filter(Q(address="a@example.org") | Q(recipient__isnull=True))


def test_no_lookup_of_an_encrypted_column_is_left_unguarded() -> None:
    """A lookup Django adds later (or another app registers) must not slip through to a silent non-match."""
    allowed = {"isnull"}
    for name, lookup in crypto.EncryptedTextField.get_class_lookups().items():
        if name not in allowed:
            assert issubclass(lookup, crypto.EncryptedLookupGuard), name


# ------------------------------------------------------------------------------------------ meaningful lookups


@pytest.mark.django_db
def test_empty_value_lookups_still_tell_who_has_a_phone(people: tuple[Petitioner, Petitioner]) -> None:
    has, lacks = people
    assert list(Petitioner.objects.exclude(phone="").values_list("pk", flat=True)) == [has.pk]
    assert list(Petitioner.objects.filter(phone="").values_list("pk", flat=True)) == [lacks.pk]
    assert list(Petitioner.objects.filter(Q(address="")).values_list("pk", flat=True)) == [lacks.pk]
    assert list(Petitioner.objects.filter(phone__exact="", id_number="").values_list("pk", flat=True)) == [lacks.pk]


@pytest.mark.django_db
def test_isnull_and_none_still_work(people: tuple[Petitioner, Petitioner]) -> None:
    both = {p.pk for p in people}
    assert set(Petitioner.objects.filter(phone__isnull=False).values_list("pk", flat=True)) == both
    assert not Petitioner.objects.filter(phone__isnull=True).exists()
    assert not Petitioner.objects.filter(phone=None).exists()  # Django turns `= None` into IS NULL
    assert set(Petitioner.objects.exclude(phone=None).values_list("pk", flat=True)) == both


@pytest.mark.django_db
def test_the_keyed_hash_search_finds_the_row(people: tuple[Petitioner, Petitioner]) -> None:
    has, _lacks = people
    found = Petitioner.objects.filter(phone_hash=crypto.phone_hash("138-1234-5678")).get()
    assert (found.pk, found.phone) == (has.pk, PHONE)
    assert Petitioner.objects.get(id_number_hash=crypto.id_number_hash(ID_OK.lower())).pk == has.pk


@pytest.mark.django_db
def test_a_check_constraint_on_the_empty_value_still_validates(personas: Any) -> None:
    """``Notification``'s "recipient or address" constraint compares the column with "" (Model.validate_constraints)."""
    from django.core.exceptions import ValidationError

    from xinfang.core import timeutil

    row = Notification(address="13900001111", channel="sms", kind="k", subject="s", created_at=timeutil.now())
    row.validate_constraints()
    with pytest.raises(ValidationError):
        Notification(address="", channel="sms", kind="k", subject="s", created_at=timeutil.now()).validate_constraints()


@pytest.mark.django_db
def test_an_anonymous_proposal_is_found_by_its_empty_columns(tree: Any) -> None:
    named = submit(tree.county_dept)
    anonymous = submit(tree.county_dept, proposer_name="", proposer_phone="")
    assert list(Proposal.objects.filter(proposer_phone="", proposer_name="").values_list("pk", flat=True)) == [
        anonymous.pk
    ]
    assert list(Proposal.objects.exclude(proposer_name="").values_list("pk", flat=True)) == [named.pk]
