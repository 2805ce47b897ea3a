"""The demo's 考核 scheme and campaign have content, and building them twice adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from xinfang.assessment.demo import build_demo_assessment
from xinfang.assessment.models import Campaign, Contest, Scheme
from xinfang.core import timeutil


@pytest.mark.django_db
def test_demo_builds_a_published_scheme_and_a_campaign_once(personas: Any, tree: Any) -> None:
    """The personas' ``supervisor`` (A市信访局) issues both, as the demo's supervisor does."""
    today = timeutil.today()
    first = build_demo_assessment(today)
    scheme = Scheme.objects.get()
    assert scheme.status == "published" and scheme.indicators.count() == 5
    assert first["score_lines"] == scheme.lines.count() > 0
    assert Contest.objects.filter(line__scheme=scheme).exists()  # head_b of the first assessed unit contested
    assert Campaign.objects.get().pledges.count() == 1
    assert build_demo_assessment(today) == first
