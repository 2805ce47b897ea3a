"""Issues 9 and 12 (个人信息保护法; 《信访工作条例》Art. 30): the proposer's name and phone are personal data, encrypted
at rest like a petitioner's — new rows, rows written before (data migration 0003) and key rotation — and converting a
petition into a proposal, which copies the petitioner's name and phone, is an audited read of the identity."""

from __future__ import annotations

import importlib
import os
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from conftest import Personas, Tree
from xinfang.core import crypto
from xinfang.core.errors import NotPermitted
from xinfang.core.models import IdentityRead, IdentitySurface
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Channel, Petition
from xinfang.proposals import services
from xinfang.proposals.models import Proposal
from xinfang.proposals.tests.helpers import submit

pytestmark = pytest.mark.django_db

NAME, PHONE = "钱建议", "13900001111"  # the proposer in proposals.tests.helpers.submit
migration = importlib.import_module("xinfang.proposals.migrations.0003_proposer_encrypted")


def _raw(pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT proposer_name, proposer_phone FROM proposals_proposal WHERE id = %s", [pk])
        row = cursor.fetchone()
    assert row is not None
    return str(row[0]), str(row[1])


def _petition(tree: Tree, personas: Personas, *, anonymous: bool = False) -> Petition:
    people = [] if anonymous else [petition_services.PetitionerData(name="王五", phone="13800001111")]
    data = petition_services.IntakeData(
        channel=Channel.LETTER,
        title="建议在丽发新城增设公交站",
        request="建议公交公司在东门增设站点",
        facts_and_reasons="居民出行不便",
        is_anonymous=anonymous,
        petitioners=people,
    )
    petition, _code = petition_services.petition_register(actor=personas.registrar_a, unit=tree.county_dept, data=data)
    return petition


def test_the_columns_hold_tokens_and_the_model_reads_the_plain_name_and_phone(tree: Tree) -> None:
    proposal = submit(tree.county_dept)
    name, phone = _raw(proposal.pk)
    assert NAME not in name and "钱" not in name
    assert PHONE not in phone and "1111" not in phone
    assert (crypto.decrypt(name), crypto.decrypt(phone)) == (NAME, PHONE)
    fresh = Proposal.objects.get(pk=proposal.pk)
    assert (fresh.proposer_name, fresh.proposer_phone, fresh.is_anonymous) == (NAME, PHONE, False)


def test_an_anonymous_proposal_stores_empty_columns_and_stays_anonymous(tree: Tree) -> None:
    proposal = submit(tree.county_dept, proposer_name="", proposer_phone="")
    assert _raw(proposal.pk) == ("", "")
    assert Proposal.objects.get(pk=proposal.pk).is_anonymous
    assert Proposal.objects.filter(proposer_phone="").count() == 1  # "has no phone" needs no decryption


def test_the_data_migration_encrypts_rows_written_in_plain_text_and_reverses(tree: Tree) -> None:
    proposal = submit(tree.county_dept)
    with connection.cursor() as cursor:  # a row as the old schema stored it
        cursor.execute(
            "UPDATE proposals_proposal SET proposer_name = %s, proposer_phone = %s WHERE id = %s",
            [NAME, PHONE, proposal.pk],
        )
    editor = SimpleNamespace(connection=connection)

    migration.encrypt_rows(apps, editor)
    name, phone = _raw(proposal.pk)
    assert (name, phone) != (NAME, PHONE) and (crypto.decrypt(name), crypto.decrypt(phone)) == (NAME, PHONE)
    migration.encrypt_rows(apps, editor)  # a second run (after a partial one) does not encrypt twice
    fresh = Proposal.objects.get(pk=proposal.pk)
    assert (fresh.proposer_name, fresh.proposer_phone) == (NAME, PHONE)

    migration.decrypt_rows(apps, editor)
    assert _raw(proposal.pk) == (NAME, PHONE)


def test_rotation_reencrypts_proposer_data_under_the_new_key(tree: Tree, settings: object) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]  # type: ignore[attr-defined]
    proposal = submit(tree.county_dept)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # type: ignore[attr-defined]

    assert Proposal in crypto.encrypted_models()
    call_command("rotate_field_keys", batch_size=1, stdout=open(os.devnull, "w"))  # noqa: SIM115

    for stored, plain in zip(_raw(proposal.pk), (NAME, PHONE), strict=True):
        assert Fernet(new.encode()).decrypt(stored.encode()).decode() == plain
        with pytest.raises(InvalidToken):
            Fernet(old.encode()).decrypt(stored.encode())
    settings.FIELD_ENCRYPTION_KEYS = [new]  # type: ignore[attr-defined]
    fresh = Proposal.objects.get(pk=proposal.pk)
    assert (fresh.proposer_name, fresh.proposer_phone) == (NAME, PHONE)


def test_converting_a_petition_into_a_proposal_audits_the_identity_read(tree: Tree, personas: Personas) -> None:
    petition = _petition(tree, personas)
    IdentityRead.objects.all().delete()  # only the conversion's reads below
    proposal = services.proposal_from_petition(petition=petition, actor=personas.registrar_a, reason="属于建议意见类")
    assert (proposal.proposer_name, proposal.proposer_phone) == ("王五", "13800001111")
    reads = list(IdentityRead.objects.values_list("user_id", "petition_id", "surface"))
    assert reads == [(personas.registrar_a.pk, petition.pk, IdentitySurface.PROPOSAL_CONVERSION)]


def test_converting_an_anonymous_petition_or_a_refused_conversion_writes_no_identity_read(
    tree: Tree, personas: Personas
) -> None:
    refused = _petition(tree, personas)
    anonymous = _petition(tree, personas, anonymous=True)
    IdentityRead.objects.all().delete()
    with pytest.raises(NotPermitted):
        services.proposal_from_petition(petition=refused, actor=personas.outsider, reason="r")
    proposal = services.proposal_from_petition(petition=anonymous, actor=personas.registrar_a, reason="属于建议")
    assert proposal.is_anonymous
    assert not IdentityRead.objects.exists()  # nothing copied, nothing read
