"""The staff timeline tells a staff member's internal note from the petitioner's own words (issue 11): a rating
comment or a 复查 reason comes from the petitioner (Art. 35) and is not a 内部备注."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from xinfang.petitions import services
from xinfang.petitions.models import RatingTarget
from xinfang.petitions.tests.helpers import register, to_replied
from xinfang.workbench.display import timeline

pytestmark = pytest.mark.django_db

NOTE = re.compile(r'<p class="note"><span class="muted">([^<]*)</span>\s*(.*?)</p>', re.S)


def _labelled_notes(html: str) -> dict[str, str]:
    """note text → the label shown before it."""
    return {text.strip(): label.strip() for label, text in NOTE.findall(html)}


def test_petitioners_rating_comment_and_review_reason_are_not_labelled_internal_note(
    client: Any, personas: Any
) -> None:
    petition, _code = register(personas.registrar_a)
    services.petition_forward(
        petition=petition, actor=personas.registrar_a, to_unit=personas.handler_b.unit, note="请依法处理。"
    )
    petition.refresh_from_db()
    services.petition_accept(petition=petition, actor=personas.handler_b, notice="已受理")
    services.petition_submit_decision(
        petition=petition, actor=personas.handler_b, outcome="explain", opinion="经调查核实……", legal_basis="《条例》"
    )
    services.petition_approve_decision(petition=petition, actor=personas.head_b)
    services.petition_rate(
        petition=petition, actor=None, target=RatingTarget.RESPONSIBLE_UNIT, value="dissatisfied", comment="答复敷衍。"
    )
    services.petition_request_review(petition=petition, actor=None, reason="事实没有查清，请求复查。")

    client.force_login(personas.registrar_a)
    html = client.get(reverse("workbench:petition", args=[petition.number]), HTTP_ACCEPT_LANGUAGE="en").content
    notes = _labelled_notes(html.decode())

    assert notes["答复敷衍。"] == "In the petitioner&#x27;s words:"
    assert notes["事实没有查清，请求复查。"] == "In the petitioner&#x27;s words:"
    assert notes["请依法处理。"] == "Internal note:"  # the registrar's note on 转送 stays internal


def test_a_reason_recorded_by_a_registrar_for_the_petitioner_is_still_their_words(personas: Any) -> None:
    """A 复查 request made by letter is entered by staff (the registrar acts for the petitioner)."""
    petition, _code = register(personas.registrar_a)
    to_replied(personas, petition)
    services.petition_request_review(petition=petition, actor=personas.registrar_a, reason="不服处理意见。")
    with translation.override("en"):
        entry = next(e for e in timeline(petition) if e.event.note == "不服处理意见。")
    assert entry.note_label == "In the petitioner's words"
