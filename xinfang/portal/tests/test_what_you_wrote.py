"""The petitioner sees what they wrote, their own files and the documents issued to them, and nothing internal
or about the other side (Art. 30 for accusations)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register, to_handling
from xinfang.portal.tests.helpers import MARCH_2, prove, register_online

pytestmark = pytest.mark.django_db


def _file(name: str, content: bytes = b"text") -> Any:
    return SimpleUploadedFile(name, content, content_type="text/plain")


FIVE = {
    "facts": "丽发新城3栋门前的路灯已经坏了一个多月。",
    "request_and_reasons": "请尽快修复路灯。",
    "difficulties": "老人夜里出门摔倒过一次",
    "history": "去年向街道反映过",
    "prior_handling": "街道答复将报修，未修",
}


def test_the_page_shows_the_petitioners_own_text_and_the_five_questions(
    client: Client, tree: Any, personas: Any
) -> None:
    with time_machine.travel(MARCH_2, tick=False):
        petition, code = register_online(
            tree,
            title="小区路灯长期不亮",
            facts_and_reasons=FIVE["facts"],
            request=FIVE["request_and_reasons"],
            five_questions=FIVE,
            problem_address="丽发新城3栋",
        )
        services.petition_forward(
            petition=petition, actor=personas.registrar_a, to_unit=tree.housing, note="内部备注：已电话核实"
        )
    prove(client, petition, code)
    html = client.get(f"/track/{petition.number}/").content.decode()
    for text in FIVE.values():
        assert text in html
    assert html.count(FIVE["facts"]) == 1  # the facts and the request are the matter's fields, shown once
    assert "丽发新城3栋" in html
    assert "内部备注" not in html
    # No identity on the page: the name and phone the petitioner gave are not repeated to whoever holds the code.
    holder = petition.petitioners.get()
    assert holder.name not in html and holder.phone not in html


def test_the_petitioners_files_download_but_staff_additions_do_not(client: Client, tree: Any, personas: Any) -> None:
    with time_machine.travel(MARCH_2, tick=False):
        petition, code = register_online(tree, attachments=[_file("现场照片说明.txt", b"mine")])
        services.petition_add_attachments(
            petition=petition, actor=personas.registrar_a, files=[_file("核查记录.txt", b"staff")]
        )
    mine = petition.attachments.get(original_name="现场照片说明.txt")
    staff = petition.attachments.get(original_name="核查记录.txt")
    url = f"/track/{petition.number}/files/{mine.pk}/"
    assert client.get(url).status_code == 404  # not proved in this session
    prove(client, petition, code)
    html = client.get(f"/track/{petition.number}/").content.decode()
    assert f'href="{url}"' in html and "核查记录.txt" not in html
    response = client.get(url)
    assert response.status_code == 200 and response.getvalue() == b"mine"
    assert response["Cache-Control"] == "private, no-store"
    assert client.get(f"/track/{petition.number}/files/{staff.pk}/").status_code == 404


def test_another_petitions_file_is_not_served_under_this_number(client: Client, tree: Any) -> None:
    with time_machine.travel(MARCH_2, tick=False):
        mine, code = register_online(tree)
        other, _ = register_online(tree, attachments=[_file("别人的材料.txt")])
    prove(client, mine, code)
    theirs = other.attachments.get()
    assert client.get(f"/track/{mine.number}/files/{theirs.pk}/").status_code == 404
    assert client.get(f"/track/{other.number}/files/{theirs.pk}/").status_code == 404


def test_documents_issued_to_the_petitioner_are_listed(client: Client, personas: Any) -> None:
    petition, code = register(personas.registrar_a)
    with time_machine.travel(MARCH_2, tick=False):
        to_handling(personas, petition)
    prove(client, petition, code)
    html = client.get(f"/track/{petition.number}/").content.decode()
    notice = petition.documents.get(kind="acceptance_notice")
    assert f"/track/{petition.number}/documents/{notice.pk}.docx" in html
    slip = petition.documents.get(kind="forwarding_slip")
    assert f"documents/{slip.pk}.docx" not in html  # between units, never the petitioner's


def test_an_accusation_shows_what_the_informant_wrote_but_not_the_unit_staff_confirmed(
    client: Client, tree: Any, personas: Any
) -> None:
    """Art. 30: the informant sees the accused as they named them; the unit staff matched is not shown."""
    petition: Petition
    petition, code = register(
        personas.registrar_a,
        nature="accusation",
        title="反映某局工作人员吃拿卡要",
        accused_name="环保那边的吴某",
        accused_unit=tree.environment,
        accused_confirmed=True,
    )
    assert petition.accused_unit_id == tree.environment.pk
    prove(client, petition, code)
    html = client.get(f"/track/{petition.number}/").content.decode()
    assert "环保那边的吴某" in html  # the informant's own words
    assert tree.environment.name not in html  # the unit staff confirmed (Art. 30 ¶3)
    assert personas.accused.full_name not in html
