"""The workbench forms of 考核 and 专项工作: a manager creates and acts from the pages (not only the API); every
refusal comes back at its field with a 4xx, never a 500; evidence files are checked like petition attachments
(``petitions.uploads.check_upload``) on the pages and on the API, and served only to who may see the line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from xinfang.assessment import services
from xinfang.assessment.models import Adjustment, Campaign, CampaignCase, Indicator, Pledge, Scheme, SchemeStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _pdf(name: str = "督查通报.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _fake_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("通报.pdf", EXE, content_type="application/pdf")  # an .exe renamed .pdf


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _errors(response: Any) -> dict[str, list[str]]:
    return {k: [str(e) for e in v] for k, v in response.context["form"].errors.items()}


def _draft(personas: Any, tree: Any) -> Scheme:
    return services.scheme_create(
        actor=personas.city_dept_head, year=2025, title="2025年度考核", units=[tree.housing, tree.county2_housing]
    )


def test_a_manager_creates_a_scheme_from_the_page_and_bad_input_is_refused_at_the_field(
    personas: Any, tree: Any
) -> None:
    c = _client(personas.city_dept_head)
    assert c.get("/workbench/assessment/").content.decode().count("/workbench/assessment/schemes/new/") == 1
    assert c.get("/workbench/assessment/schemes/new/").status_code == 200
    no_units = c.post("/workbench/assessment/schemes/new/", {"year": 2025, "title": "考核"})
    assert no_units.status_code == 400 and "units" in _errors(no_units)
    outside = c.post(
        "/workbench/assessment/schemes/new/", {"year": 2025, "title": "考核", "units": [tree.province_dept.pk]}
    )
    assert outside.status_code == 400 and "units" in _errors(outside)  # not in the part of the tree it oversees
    wrong_year = c.post(
        "/workbench/assessment/schemes/new/",
        {"year": 2025, "title": "考核", "units": [tree.housing.pk], "period_start": "2024-12-01"},
    )
    assert wrong_year.status_code == 400 and "period_start" in _errors(wrong_year)  # the service's refusal
    assert not Scheme.objects.exists()
    ok = c.post("/workbench/assessment/schemes/new/", {"year": 2025, "title": "考核", "units": [tree.housing.pk]})
    scheme = Scheme.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/workbench/assessment/schemes/{scheme.pk}/"
    assert (scheme.status, scheme.period_start, list(scheme.units.all())) == (
        SchemeStatus.DRAFT,
        dt.date(2025, 1, 1),
        [tree.housing],
    )
    # A handler (no manager role) may not even open the form.
    assert _client(personas.handler_b).get("/workbench/assessment/schemes/new/").status_code == 403


def test_the_indicator_form_offers_only_assessable_rates_and_refuses_volume_art_39(personas: Any, tree: Any) -> None:
    scheme = _draft(personas, tree)
    c = _client(personas.city_dept_head)
    url = f"/workbench/assessment/schemes/{scheme.pk}/indicators/new/"
    choices = [value for value, _label in c.get(url).context["form"].fields["kpi"].choices]
    assert "on_time_closing_rate" in choices and "received" not in choices and "repeat_rate" not in choices
    volume = c.post(url, {"kpi": "received", "weight": "10", "target": "0.9", "floor": "0", "rule": "linear"})
    assert volume.status_code == 400 and "kpi" in _errors(volume)
    floor_above = c.post(
        url, {"kpi": "on_time_closing_rate", "weight": "10", "target": "0.5", "floor": "0.8", "rule": "linear"}
    )
    assert floor_above.status_code == 400 and "floor" in _errors(floor_above)  # refused by the service
    added = c.post(
        url, {"kpi": "on_time_closing_rate", "weight": "40", "target": "0.9", "floor": "0.5", "rule": "linear"}
    )
    assert added.status_code == 302
    indicator = Indicator.objects.get(scheme=scheme)
    edit = f"/workbench/assessment/schemes/{scheme.pk}/indicators/{indicator.pk}/"
    assert c.get(edit).context["form"].initial["weight"] == Decimal(40)
    changed = c.post(
        edit, {"kpi": "satisfaction_rate", "weight": "30", "target": "0.95", "floor": "0", "rule": "threshold"}
    )
    assert changed.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.kpi, indicator.weight, indicator.target, indicator.rule) == (
        "satisfaction_rate",
        Decimal(30),
        Decimal("0.95"),
        "threshold",
    )
    # Published: the indicators no longer change (409 at the form, nothing written).
    assert c.post(f"/workbench/assessment/schemes/{scheme.pk}/publish/").status_code == 302
    assert Scheme.objects.get(pk=scheme.pk).status == SchemeStatus.PUBLISHED
    late = c.post(edit, {"kpi": "satisfaction_rate", "weight": "5", "target": "0.9", "floor": "0", "rule": "linear"})
    assert late.status_code == 409 and Indicator.objects.get(pk=indicator.pk).weight == Decimal(30)
    # The assessed unit sees the published scheme but may not edit it.
    assert _client(personas.head_b).get(edit).status_code == 403


def test_a_deduction_with_an_evidence_file_is_checked_like_an_attachment_and_served_only_in_view(
    personas: Any, tree: Any
) -> None:
    scheme = _draft(personas, tree)
    c = _client(personas.city_dept_head)
    url = f"/workbench/assessment/schemes/{scheme.pk}/adjustments/new/"
    data = {"unit": tree.housing.pk, "kind": "deduction", "points": "3", "reason": "瞒报", "evidence": "通报3号"}
    faked = c.post(url, {**data, "evidence_file": _fake_pdf()})
    assert faked.status_code == 400 and "evidence_file" in _errors(faked)
    assert not Adjustment.objects.exists()
    not_assessed = c.post(url, {**data, "unit": tree.legal.pk})
    assert not_assessed.status_code == 400 and "unit" in _errors(not_assessed)
    assert c.post(url, {**data, "evidence_file": _pdf()}).status_code == 302
    adjustment = Adjustment.objects.get()
    assert str(adjustment.evidence_file.name).endswith(".pdf")
    line = adjustment.line
    page = c.get(f"/workbench/assessment/schemes/{scheme.pk}/").content.decode()
    download = f"/workbench/assessment/schemes/{scheme.pk}/lines/{line.pk}/file/"
    assert download in page
    got = c.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF  # type: ignore[attr-defined]
    services.indicator_add(
        actor=personas.city_dept_head, scheme=scheme, kpi="on_time_closing_rate", weight=Decimal(10),
        target=Decimal("0.9"),
    )  # fmt: skip
    services.scheme_publish(actor=personas.city_dept_head, scheme=scheme)
    assert _client(personas.outsider).get(download).status_code == 404  # A2区: not its line
    assert _client(personas.head_b).get(download).status_code == 200  # B: its own line


def test_api_takes_evidence_files_as_multipart_and_refuses_a_disguised_one(personas: Any, tree: Any) -> None:
    scheme = _draft(personas, tree)
    api = APIClient()
    api.force_authenticate(personas.city_dept_head)
    data = {"unit": tree.housing.pk, "kind": "bonus", "points": "2", "reason": "推广", "evidence": "省通报"}
    refused = api.post(
        f"/api/v1/assessment/schemes/{scheme.pk}/adjustments/",
        {**data, "evidence_file": _fake_pdf()},
        format="multipart",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "evidence_file"
    ok = api.post(
        f"/api/v1/assessment/schemes/{scheme.pk}/adjustments/", {**data, "evidence_file": _pdf()}, format="multipart"
    )
    assert ok.status_code == 201, ok.content
    assert str(Adjustment.objects.get().evidence_file.name).endswith(".pdf")


def test_a_manager_creates_a_campaign_and_fills_it_from_the_pages(personas: Any, tree: Any, world: Any) -> None:
    _campaign, cases = world
    c = _client(personas.city_dept_head)
    assert c.get("/workbench/assessment/campaigns/new/").status_code == 200
    data = {"title": "治理重复信访专项", "scope_unit": tree.county.pk, "start": "2025-03-01", "end": "2025-12-31"}
    backwards = c.post("/workbench/assessment/campaigns/new/", {**data, "end": "2025-01-01", "goal_rate": "0.8"})
    assert backwards.status_code == 400 and "start" in _errors(backwards)
    too_high = c.post("/workbench/assessment/campaigns/new/", {**data, "goal_rate": "1.5"})
    assert too_high.status_code == 400 and "goal_rate" in _errors(too_high)
    created = c.post("/workbench/assessment/campaigns/new/", {**data, "goal_rate": "0.8"})
    campaign = Campaign.objects.get(title="治理重复信访专项")
    assert created.status_code == 302 and campaign.owner == personas.city_dept_head
    base = f"/workbench/assessment/campaigns/{campaign.pk}"
    page = c.get(f"{base}/").content.decode()
    assert all(f"{base}/{p}/new/" in page for p in ("cases", "pledges", "progress"))

    by_rule = c.post(f"{base}/cases/new/", {"add": "rule"})
    assert by_rule.status_code == 302
    assert set(campaign.cases.values_list("case_id", flat=True)) == {cases[0].pk, cases[1].pk}
    unknown = c.post(f"{base}/cases/new/", {"add": "hand", "hand-number": "NO-SUCH"})
    assert unknown.status_code == 400 and "number" in unknown.context["by_hand"].errors
    candidate = c.post(f"{base}/cases/new/", {"add": "hand", "hand-number": cases[2].petition.number})
    assert candidate.status_code == 409 and "number" in candidate.context["by_hand"].errors
    outside = c.post(f"{base}/cases/new/", {"add": "hand", "hand-number": cases[4].petition.number})
    assert outside.status_code == 400  # A2区 is not in the campaign's scope
    key = c.post(f"{base}/cases/new/", {"add": "hand", "hand-number": cases[3].petition.number})
    assert key.status_code == 302 and CampaignCase.objects.filter(campaign=campaign, case=cases[3]).exists()

    pledge = {"unit": tree.housing.pk, "signed_by": "赵局长", "signed_on": "2025-03-02"}
    empty = c.post(f"{base}/pledges/new/", pledge)
    assert empty.status_code == 400 and "text" in _errors(empty)  # neither text nor file
    disguised = c.post(f"{base}/pledges/new/", {**pledge, "file": _fake_pdf()})
    assert disguised.status_code == 400 and "file" in _errors(disguised)
    assert c.post(f"{base}/pledges/new/", {**pledge, "file": _pdf("责任状.pdf")}).status_code == 302
    stored = Pledge.objects.get(campaign=campaign)
    assert str(stored.file.name).endswith(".pdf") and stored.text == ""
    assert c.get(f"{base}/files/pledge/{stored.pk}/").status_code == 200

    assert c.post(f"{base}/progress/new/", {"text": " "}).status_code == 400
    assert c.post(f"{base}/progress/new/", {"text": "本周走访3件"}).status_code == 302
    assert campaign.progress.get().figures["total"] == 3

    # A handler of a unit in scope sees the campaign but cannot run it.
    handler = _client(personas.handler_b)
    seen = handler.get(f"{base}/")
    assert seen.status_code == 200 and f"{base}/progress/new/" not in seen.content.decode()
    assert handler.get(f"{base}/progress/new/").status_code == 403
    assert handler.post(f"{base}/cases/new/", {"add": "rule"}).status_code == 403


def test_sign_off_refuses_a_disguised_evidence_file_at_the_field(personas: Any, world: Any) -> None:
    from xinfang.casework.models import BacklogCase, CaseStatus, Resolution

    campaign, cases = world
    services.campaign_add_by_rule(actor=personas.city_dept_head, campaign=campaign)
    BacklogCase.objects.filter(pk=cases[0].pk).update(status=CaseStatus.CLOSED, outcome=Resolution.RESOLVED)
    entry = CampaignCase.objects.get(campaign=campaign, case=cases[0])
    api = APIClient()
    api.force_authenticate(personas.city_dept_head)
    url = f"/api/v1/assessment/campaigns/{campaign.pk}/cases/{entry.pk}/sign-off/"
    refused = api.post(url, {"petitioner_view": "satisfied", "evidence_file": _fake_pdf()}, format="multipart")
    assert refused.status_code == 400 and refused.json()["field"] == "evidence_file"
    ok = api.post(url, {"petitioner_view": "satisfied", "evidence_file": _pdf("回访记录.pdf")}, format="multipart")
    assert ok.status_code == 200, ok.content
    entry.refresh_from_db()
    assert entry.signed_off_on is not None and str(entry.evidence_file.name).endswith(".pdf")
