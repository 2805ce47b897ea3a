"""Idempotency-Key on public submission and booking (issue 9, Build 2): a retry returns the first answer.

Reproduces "8 identical concurrent submissions with one Idempotency-Key make 8 petitions" (PostgreSQL, threads)
and the sequential retry (both databases); the same key with another body is a 422; the stored answer, which
carries the 查询码, cannot be read from the row; records expire after 24 hours.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.fernet import InvalidToken
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from drf_spectacular.generators import SchemaGenerator
from rest_framework.request import Request
from rest_framework.test import APIClient

from conftest import Personas, Tree
from xinfang import jobs
from xinfang.core import idempotency
from xinfang.core.errors import InvalidInput
from xinfang.core.models import IdempotencyRecord
from xinfang.core.tasks import expire_idempotency_records
from xinfang.petitions.models import Petition, Petitioner, PetitionEvent
from xinfang.petitions.tests.helpers import ID_OK
from xinfang.reception import services as reception
from xinfang.reception.models import Booking, ReceptionSession
from xinfang.reception.tests.helpers import make_desk, monthly

SUBMIT = "/api/v1/petitions/"
TZ = ZoneInfo("Asia/Shanghai")
BEFORE = dt.datetime(2026, 4, 10, 10, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _fresh(settings: Any) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    cache.clear()  # the submission throttle starts afresh


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


def post(client: APIClient, body: dict[str, Any], key: str | None, **extra: Any) -> Any:
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(SUBMIT, body, format="json", **extra)


def counts() -> tuple[int, int, int, int]:
    return (
        Petition.objects.count(),
        Petitioner.objects.count(),
        PetitionEvent.objects.count(),
        IdempotencyRecord.objects.count(),
    )


# --- sequential retries (SQLite and PostgreSQL) ------------------------------------------------------------


@pytest.mark.django_db
def test_a_retry_with_the_same_key_returns_the_first_answer_and_writes_nothing(tree: Tree) -> None:
    client = APIClient()
    first = post(client, submission(), "8d0c7a4e-retry-1")
    written = counts()
    again = post(client, submission(), "8d0c7a4e-retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()  # same 编号, same 查询码, same clocks
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert counts() == written and written[0] == 1
    petition = Petition.objects.get()
    assert petition.number == again.json()["number"] and petition.check_tracking_code(again.json()["tracking_code"])


@pytest.mark.django_db
def test_without_a_key_each_submission_is_new(tree: Tree) -> None:
    client = APIClient()
    numbers = {post(client, submission(), None).json()["number"] for _ in range(2)}
    assert len(numbers) == 2 and Petition.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_422_naming_the_header(tree: Tree) -> None:
    client = APIClient()
    assert post(client, submission(), "key-one").status_code == 201
    refused = post(client, submission(title="另一件事"), "key-one")
    assert refused.status_code == 422
    assert refused.json()["field"] == "Idempotency-Key"
    assert refused.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in refused.json()["detail"]  # through gettext: 中文 once the catalogue is rebuilt
    assert Petition.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_scoped_to_the_client(tree: Tree, personas: Personas) -> None:
    one, other = APIClient(REMOTE_ADDR="203.0.113.7"), APIClient(REMOTE_ADDR="198.51.100.9")
    a = post(one, submission(), "shared-key")
    b = post(other, submission(), "shared-key")  # another address: its own submission, not a's answer
    staff = APIClient(REMOTE_ADDR="203.0.113.7")
    staff.force_authenticate(personas.registrar_a)
    c = post(staff, submission(), "shared-key")  # a signed-in account is scoped by its id, not its address
    assert {a.status_code, b.status_code, c.status_code} == {201}
    assert len({a.json()["number"], b.json()["number"], c.json()["number"]}) == 3
    assert Petition.objects.count() == 3


@pytest.mark.django_db
def test_a_refused_first_attempt_is_not_stored_so_a_corrected_retry_goes_through(tree: Tree) -> None:
    client = APIClient()
    refused = post(client, submission(title=""), "fix-and-retry")
    assert refused.status_code == 400 and not IdempotencyRecord.objects.exists()
    done = post(client, submission(), "fix-and-retry")
    assert done.status_code == 201 and Petition.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["x" * 129, "密钥", "tab\tinside", " "])
def test_a_malformed_key_is_a_400_naming_the_header(tree: Tree, key: str) -> None:
    refused = post(APIClient(), submission(), key)
    assert refused.status_code == 400
    assert refused.json()["field"] == "Idempotency-Key"
    assert Petition.objects.count() == 0


def test_a_key_of_128_printable_characters_is_accepted() -> None:
    key = "A-z0~!" + "k" * 122
    request = Request(RequestFactory().post("/", HTTP_IDEMPOTENCY_KEY=key))
    assert idempotency.idempotency_key(request) == key
    with pytest.raises(InvalidInput):
        idempotency.idempotency_key(Request(RequestFactory().post("/", HTTP_IDEMPOTENCY_KEY=key + "k")))


@pytest.mark.django_db
def test_the_stored_answer_does_not_reveal_the_tracking_code(tree: Tree) -> None:
    key = "c0ffee-secret-key"
    answer = post(APIClient(), submission(), key).json()
    record = IdempotencyRecord.objects.get()
    row = " ".join(str(v) for v in IdempotencyRecord.objects.values().get().values())
    assert answer["tracking_code"] not in row and answer["number"] not in row and key not in row
    assert record.status == 201
    with pytest.raises(InvalidToken):  # the row and SECRET_KEY are not enough: the key itself is needed
        idempotency._fernet("another-key").decrypt(record.response.encode())
    assert answer["tracking_code"] in idempotency._fernet(key).decrypt(record.response.encode()).decode()


@pytest.mark.django_db
def test_records_expire_after_24_hours_and_the_job_deletes_them(tree: Tree) -> None:
    client = APIClient()
    with time_machine.travel(BEFORE, tick=False):
        first = post(client, submission(), "day-old")
    with time_machine.travel(BEFORE + dt.timedelta(hours=23), tick=False):
        assert post(client, submission(), "day-old").json()["number"] == first.json()["number"]
        assert expire_idempotency_records.apply().get() == 0
    with time_machine.travel(BEFORE + dt.timedelta(hours=24, seconds=1), tick=False):
        assert expire_idempotency_records.apply().get() == 1
        assert not IdempotencyRecord.objects.exists()
        later = post(client, submission(), "day-old")  # an expired key is a new request
    assert later.status_code == 201 and later.json()["number"] != first.json()["number"]
    assert jobs.beat_schedule()["core.expire_idempotency_records"]["task"] == expire_idempotency_records.name


@pytest.mark.django_db
def test_an_expired_record_is_ignored_before_the_job_runs(tree: Tree) -> None:
    client = APIClient()
    with time_machine.travel(BEFORE, tick=False):
        post(client, submission(), "stale")
    with time_machine.travel(BEFORE + dt.timedelta(days=2), tick=False):
        again = post(client, submission(title="两天后另一件事"), "stale")  # no 422: the old answer is gone
    assert again.status_code == 201 and Petition.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1


# --- booking (约访) ------------------------------------------------------------------------------------------


@pytest.fixture
def sessions(tree: Tree, personas: Personas) -> tuple[ReceptionSession, ReceptionSession]:
    desk = make_desk(tree, personas)
    (first,) = reception.sessions_generate(
        schedule=monthly(desk, 15), start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )
    (second,) = reception.sessions_generate(
        schedule=monthly(desk, 20), start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )
    return first, second


BOOKING = {"slot_start": "09:00", "name": "王五", "phone": "13900001111", "summary": "停车位"}


@pytest.mark.django_db
def test_a_booking_retry_returns_the_same_booking_and_code(
    sessions: tuple[ReceptionSession, ReceptionSession],
) -> None:
    session, other = sessions
    client = APIClient()
    url = f"/api/v1/reception/sessions/{session.pk}/bookings/"
    with time_machine.travel(BEFORE, tick=False):
        first = client.post(url, BOOKING, format="json", HTTP_IDEMPOTENCY_KEY="book-1")
        again = client.post(url, BOOKING, format="json", HTTP_IDEMPOTENCY_KEY="book-1")
        elsewhere = client.post(
            f"/api/v1/reception/sessions/{other.pk}/bookings/", BOOKING, format="json", HTTP_IDEMPOTENCY_KEY="book-1"
        )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    booking = Booking.objects.get()  # the slot holds two: without the key the retry would have taken the second
    assert booking.pk == first.json()["id"]
    assert booking.code_hash == reception.hash_booking_code(first.json()["code"])
    assert elsewhere.status_code == 422 and elsewhere.json()["field"] == "Idempotency-Key"


# --- the schema ---------------------------------------------------------------------------------------------


def test_the_schema_documents_the_header_and_the_422_on_both_endpoints() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/petitions/", "/api/v1/reception/sessions/{id}/bookings/"):
        operation = schema["paths"][path]["post"]
        headers = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [p["name"] for p in headers] == ["Idempotency-Key"], path
        assert "422" in operation["responses"], path
        assert "Idempotent-Replayed" in operation["responses"]["201"]["headers"], path


# --- concurrency (PostgreSQL) -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_submissions_with_one_key_make_one_petition(tree: Tree) -> None:
    """Issue 9: 8 identical concurrent submissions with one key made 8 petitions. Now the first inserts the
    record, the others wait on its unique index and replay the committed answer."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises every writer on one database lock; the race needs PostgreSQL")
    start = threading.Barrier(8)
    answers: list[tuple[int, dict[str, Any]]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            client = APIClient()
            start.wait(timeout=30)
            answer = post(client, submission(), "one-key-eight-clicks")
            with lock:
                answers.append((answer.status_code, answer.json()))
        except BaseException as exc:  # reported below, from the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(answers) == 8
    assert {status for status, _ in answers} == {201}
    assert len({body["number"] for _, body in answers}) == 1
    assert len({body["tracking_code"] for _, body in answers}) == 1
    assert Petition.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
