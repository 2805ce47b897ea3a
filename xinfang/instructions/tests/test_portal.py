"""The portal's submission form offers the open leaders' mailboxes; a letter to one reaches the leader's desk."""

from __future__ import annotations

import pytest

from xinfang.instructions import selectors
from xinfang.instructions.models import Instruction
from xinfang.petitions.models import Petition
from xinfang.portal.tests.helpers import submission

pytestmark = pytest.mark.django_db


def test_the_form_offers_open_mailboxes_and_a_letter_to_one_waits_for_the_leader(client, mailbox, leaders, tree):
    assert "区长信箱" in client.get("/submit/").content.decode()

    answer = client.post("/submit/", submission(mailbox=str(mailbox.pk)))

    assert answer.status_code == 302 and answer["Location"] == "/receipt/"
    petition = Petition.objects.get()
    assert petition.registering_unit == tree.county_dept
    assert [i.petition for i in selectors.waiting_for(leaders.county)] == [petition]


def test_without_a_mailbox_the_petition_goes_to_no_leader(client, mailbox):
    assert client.post("/submit/", submission()).status_code == 302
    assert not Instruction.objects.exists()


def test_a_closed_mailbox_is_not_offered_and_is_refused_at_its_field(client, mailbox):
    mailbox.is_open = False
    mailbox.save()
    assert "区长信箱" not in client.get("/submit/").content.decode()
    answer = client.post("/submit/", submission(mailbox=str(mailbox.pk)))
    assert answer.status_code == 400 and not Petition.objects.exists()
