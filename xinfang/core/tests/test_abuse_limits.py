"""Abuse limits and the 500s of issue 9: each test reproduces what an attacker (or an unlucky user) did.

Client address from trusted proxies only; login lockout (django-axes) on the workbench, the admin and the token
endpoint; 查询码 guesses limited per 编号; uploads checked by content; body size refused from Content-Length;
free text and JSON depth limited; ids above 64 bits and year 0 answered 400, never 500.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.utils import translation
from rest_framework.test import APIClient

from xinfang.core.clientip import client_ip
from xinfang.core.errors import InvalidInput
from xinfang.core.limits import lockout_message
from xinfang.petitions.models import Attachment, Petition
from xinfang.petitions.tests.helpers import ID_OK, register

pytestmark = pytest.mark.django_db

SUBMIT = "/api/v1/petitions/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"


@pytest.fixture(autouse=True)
def _fresh(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"
    cache.clear()


def submission(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "小区旁搅拌站夜间施工噪音扰民",
        "request": "请求责令搅拌站停止夜间施工",
        "facts_and_reasons": "每天夜里施工到凌晨两点。",
        "problem_division_code": "990101",
        "petitioners": [{"name": "张三", "id_number": ID_OK, "phone": "13812345678", "address": "丽发新城3栋"}],
    }
    body.update(overrides)
    return body


# --- the client address ------------------------------------------------------------------------------------


def _request(remote: str, xff: str | None = None) -> Any:
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if xff is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = xff
    return request


def test_forwarded_for_from_an_untrusted_peer_is_ignored(settings: Any) -> None:
    settings.XINFANG_TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_trusted_proxy_gives_the_rightmost_untrusted_hop(settings: Any) -> None:
    settings.XINFANG_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # The client wrote "6.6.6.6" itself; nginx appended the real peer 198.51.100.7; an inner proxy 10.1.2.3.
    assert client_ip(_request("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3")) == "198.51.100.7"
    assert client_ip(_request("127.0.0.1", "")) == "127.0.0.1"
    assert client_ip(_request("127.0.0.1", "garbage, 198.51.100.8")) == "198.51.100.8"


def test_spoofed_forwarded_for_does_not_escape_the_submission_limit(tree: Any) -> None:
    """Issue 9: 50 of 50 submissions with a different X-Forwarded-For each were accepted (limit 30/hour)."""
    api = APIClient()
    answers = [
        api.post(SUBMIT, submission(), format="json", HTTP_X_FORWARDED_FOR=f"10.9.{i}.1").status_code for i in range(50)
    ]
    assert answers.count(201) == 30
    assert answers[30:] == [429] * 20
    assert Petition.objects.count() == 30


# --- login lockout (django-axes) ---------------------------------------------------------------------------


def test_workbench_login_is_locked_after_five_wrong_passwords(personas: Any) -> None:
    client = Client()
    for _ in range(5):
        client.post("/workbench/login/", {"username": "registrar_a", "password": "wrong"})
    locked = client.post("/workbench/login/", {"username": "registrar_a", "password": "pw-xinfang-test"})
    assert locked.status_code == 429
    with translation.override("zh-hans"):  # the message through gettext (zh-Hans from the lead's catalogue)
        assert lockout_message() in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_is_locked_too(personas: Any) -> None:
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "registrar_a", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "registrar_a", "password": "wrong"}).status_code == 429


def test_token_endpoint_is_locked_after_five_wrong_passwords_with_a_clear_message(personas: Any) -> None:
    api = APIClient()
    first = [
        api.post("/api/v1/auth/token/", {"username": "registrar_a", "password": "wrong"}).status_code for _ in range(5)
    ]
    assert first[:4] == [400] * 4
    locked = api.post("/api/v1/auth/token/", {"username": "registrar_a", "password": "pw-xinfang-test"})
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    assert "token" not in locked.json()


def test_lockout_counts_the_real_client_not_a_spoofed_header(personas: Any) -> None:
    api = APIClient()
    for i in range(6):
        api.post(
            "/api/v1/auth/token/",
            {"username": f"guess{i}", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{i}",
        )
    ok = api.post("/api/v1/auth/token/", {"username": "registrar_a", "password": "pw-xinfang-test"})
    assert ok.status_code == 429  # the same peer address, whatever it claimed


def test_an_admin_unlocks_by_resetting_attempts(personas: Any) -> None:
    from axes.utils import reset

    api = APIClient()
    for _ in range(6):
        api.post("/api/v1/auth/token/", {"username": "registrar_a", "password": "wrong"})
    reset(username="registrar_a")
    reset(ip="127.0.0.1")
    ok = api.post("/api/v1/auth/token/", {"username": "registrar_a", "password": "pw-xinfang-test"})
    assert ok.status_code == 200
    assert ok.json()["token"]


# --- tracking guesses per 编号 ------------------------------------------------------------------------------


def test_wrong_codes_from_many_addresses_hold_the_number(personas: Any, settings: Any) -> None:
    petition, code = register(personas.registrar_a)
    for i in range(10):
        client = APIClient(REMOTE_ADDR=f"198.51.100.{i}")
        assert client.get(f"/api/v1/track/{petition.number}", {"code": "WRONGCODE000"}).status_code == 404
    held = APIClient(REMOTE_ADDR="198.51.100.200").get(f"/api/v1/track/{petition.number}", {"code": code})
    assert held.status_code == 429
    other, other_code = register(personas.registrar_a)
    assert APIClient().get(f"/api/v1/track/{other.number}", {"code": other_code}).status_code == 200


def test_portal_tracking_is_held_per_number_too(personas: Any) -> None:
    petition, code = register(personas.registrar_a)
    for i in range(10):
        Client(REMOTE_ADDR=f"198.51.100.{i}").post("/track/", {"number": petition.number, "code": "WRONGCODE000"})
    held = Client(REMOTE_ADDR="198.51.100.99").post("/track/", {"number": petition.number, "code": code})
    assert held.status_code == 429


# --- uploads -------------------------------------------------------------------------------------------------


def _attach(number: str, code: str, *files: SimpleUploadedFile) -> Any:
    return APIClient().post(
        f"/api/v1/track/{number}/attachments/", {"code": code, "files": list(files)}, format="multipart"
    )


def _stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_exe_renamed_pdf_is_refused_naming_the_field(personas: Any, settings: Any) -> None:
    petition, code = register(personas.registrar_a)
    answer = _attach(petition.number, code, SimpleUploadedFile("证据.pdf", EXE, content_type="application/pdf"))
    assert answer.status_code == 400
    assert answer.json()["field"] == "files"
    assert not Attachment.objects.exists()
    assert _stored_files(settings) == []


def test_a_real_pdf_is_stored_with_the_detected_type(personas: Any) -> None:
    petition, code = register(personas.registrar_a)
    answer = _attach(petition.number, code, SimpleUploadedFile("证据.pdf", PDF, content_type="application/x-evil"))
    assert answer.status_code == 201
    stored = Attachment.objects.get()
    assert stored.content_type == "application/pdf"
    staff = APIClient()
    staff.force_authenticate(personas.registrar_a)
    served = staff.get(f"/api/v1/petitions/{petition.number}/attachments/{stored.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"


def test_docx_and_text_are_recognised_and_binary_txt_is_refused(personas: Any) -> None:
    petition, code = register(personas.registrar_a)
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    ok = _attach(
        petition.number,
        code,
        SimpleUploadedFile("材料.docx", buffer.getvalue()),
        SimpleUploadedFile("说明.txt", "夜间施工情况说明".encode("gb18030")),
    )
    assert ok.status_code == 201, ok.content
    bad = _attach(petition.number, code, SimpleUploadedFile("说明.txt", EXE))
    assert bad.status_code == 400
    assert bad.json()["field"] == "files"


def test_a_230_character_name_is_stored_shortened_with_no_orphan_file(personas: Any, settings: Any) -> None:
    """Issue 9: a 500 on PostgreSQL, and the file stayed on disk."""
    petition, code = register(personas.registrar_a)
    name = "材" * 226 + ".pdf"
    answer = _attach(petition.number, code, SimpleUploadedFile(name, PDF))
    assert answer.status_code == 201
    stored = Attachment.objects.get()
    assert len(stored.original_name) <= 200
    assert stored.original_name.endswith(".pdf")
    name_on_disk = str(stored.file.name)
    assert len(name_on_disk) <= 100
    assert _stored_files(settings) == [Path(settings.MEDIA_ROOT) / name_on_disk]


def test_a_body_larger_than_allowed_is_refused_from_content_length(personas: Any, settings: Any) -> None:
    petition, code = register(personas.registrar_a)
    answer = APIClient().post(
        f"/api/v1/track/{petition.number}/attachments/",
        {"code": code, "files": [SimpleUploadedFile("a.pdf", PDF)]},
        format="multipart",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
    )
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_large"
    assert not Attachment.objects.exists()


def test_bad_content_length_is_a_400() -> None:
    assert Client().post(SUBMIT, "{}", content_type="application/json", CONTENT_LENGTH="lots").status_code == 400


# --- free text and JSON --------------------------------------------------------------------------------------


def test_five_question_answers_are_limited_each_and_together(personas: Any) -> None:
    api = APIClient()
    api.force_authenticate(personas.registrar_a)
    long_one = api.post(SUBMIT, submission(channel="visit", five_questions={"facts": "字" * 5001}), format="json")
    assert long_one.status_code == 400
    assert long_one.json()["field"] == "five_questions.facts"
    together = dict.fromkeys(("facts", "request_and_reasons", "difficulties", "history", "prior_handling"), "字" * 4500)
    too_much = api.post(SUBMIT, submission(channel="visit", five_questions=together), format="json")
    assert too_much.status_code == 400
    assert too_much.json()["field"] == "five_questions"
    assert not Petition.objects.exists()


def test_intake_limits_free_text_on_every_channel(personas: Any) -> None:
    """The service checks, so the portal and the workbench (which do not use the API serializer) are held too."""
    with pytest.raises(InvalidInput) as refused:
        register(personas.registrar_a, facts_and_reasons="事" * 20001)
    assert refused.value.field == "facts_and_reasons"
    with pytest.raises(InvalidInput) as refused:
        register(personas.registrar_a, channel="visit", five_questions={"history": "史" * 5001})
    assert refused.value.field == "five_questions.history"
    assert not Petition.objects.exists()


def test_json_nested_100000_deep_is_a_400(tree: Any) -> None:
    """Issue 9: a 500 (RecursionError in the JSON decoder)."""
    body = '{"title": ' + "[" * 100_000 + "]" * 100_000 + "}"
    answer = APIClient().post(SUBMIT, body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "too_deep"


def test_json_deeper_than_the_limit_is_refused_naming_the_field(tree: Any) -> None:
    nested: Any = "x"
    for _ in range(25):
        nested = [nested]
    answer = APIClient().post(
        SUBMIT, json.dumps(submission(five_questions={"facts": nested})), content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.json()["field"].startswith("five_questions.facts")


def test_any_api_string_is_limited_by_the_parser(personas: Any) -> None:
    api = APIClient()
    answer = api.post(SUBMIT, submission(title="题" * 20001), format="json")
    assert answer.status_code == 400
    assert answer.json()["field"] == "title"


# --- the 500s ------------------------------------------------------------------------------------------------


def test_bulletin_for_year_zero_is_a_400(personas: Any) -> None:
    api = APIClient()
    api.force_authenticate(personas.city_dept_head)
    answer = api.post("/api/v1/supervision/bulletins/", {"month": "0000-01"}, format="json")
    assert answer.status_code == 400
    assert "month" in answer.json()


@pytest.mark.parametrize(
    ("path", "param", "who"),
    [
        ("/api/v1/joint/visits/", "point", "registrar_a"),
        ("/api/v1/joint/decisions/", "meeting", "registrar_a"),
        ("/api/v1/joint/mediations/", "centre", "registrar_a"),
        ("/api/v1/insight/hot-issues/", "region", "city_dept_head"),
    ],
)
def test_ids_above_64_bits_in_a_filter_are_a_400_naming_it(personas: Any, path: str, param: str, who: str) -> None:
    api = APIClient()
    api.force_authenticate(getattr(personas, who))
    answer = api.get(path, {param: "99999999999999999999"})
    assert answer.status_code == 400, answer.content
    assert answer.json()["field"] == param
    assert api.get(path, {param: "²"}).status_code == 400
