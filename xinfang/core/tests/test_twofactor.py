"""Two-factor sign-in for staff (issue 9, Build 4; 个人信息保护法 Art. 51): TOTP with backup codes, required per role.

Staff in ``XINFANG_2FA_REQUIRED_ROLES`` (here: supervisor) reach no workbench page and no API call between the
password and the code; the token endpoint wants ``otp``; the admin wants a verified session. The suite's conftest
switches all of it off; these tests switch it on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from rest_framework.test import APIClient

from conftest import Personas, make_user
from xinfang.core import twofactor
from xinfang.core.errors import InvalidInput
from xinfang.core.models import TotpDevice
from xinfang.core.tests.test_csp import inline_code
from xinfang.orgs.models import Role, User

pytestmark = pytest.mark.django_db

PASSWORD = "pw-xinfang-test"  # conftest.make_user
T0 = dt.datetime(2026, 5, 6, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
INBOX = "/workbench/"
SETUP = "/workbench/2fa/setup/"
VERIFY = "/workbench/2fa/verify/"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"
Clock = Any  # time_machine's Coordinates (the package is untyped for mypy here)


@pytest.fixture(autouse=True)
def _two_factor_on(settings: Any) -> None:
    settings.XINFANG_2FA_REQUIRED_ROLES = ["supervisor"]
    settings.XINFANG_2FA_ADMIN = True


@pytest.fixture
def clock() -> Iterator[Clock]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def code(device: TotpDevice) -> str:
    """The code the authenticator app shows now (``time.time`` is the travelled clock)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def enrol(user: User) -> tuple[TotpDevice, list[str]]:
    device = twofactor.totp_device_start(user=user)
    enrolment = twofactor.totp_device_confirm(user=user, code=code(device))
    return enrolment.device, enrolment.backup_codes


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("workbench:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


# ------------------------------------------------------------------------------------------ the workbench


def test_a_required_role_is_sent_to_set_up_and_reaches_no_page_or_api_until_verified(
    personas: Personas, clock: Clock
) -> None:
    client = signed_in("supervisor")

    response = client.get(INBOX)
    assert response.status_code == 302 and response["Location"] == f"{SETUP}?next=%2Fworkbench%2F"
    assert client.get("/workbench/supervision/").status_code == 302
    api = client.get(ME)
    assert api.status_code == 403 and api.json()["code"] == "otp_required"
    fragment = client.get(INBOX, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment["HX-Redirect"].startswith(SETUP)

    page = client.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and inline_code(html) == []  # the QR code is markup: no script, no style (CSP)
    device = TotpDevice.objects.get(user=personas.supervisor, confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html)
    assert secret is not None and f"secret={secret.group(1)}" in device.config_url

    wrong = client.post(SETUP, {"code": "000000" if code(device) != "000000" else "111111", "next": INBOX})
    assert wrong.status_code == 400 and 'id="id_code_error"' in wrong.content.decode()
    assert client.get(INBOX).status_code == 302  # still blocked

    clock.shift(dt.timedelta(seconds=2))  # past the throttle delay of the one wrong code
    done = client.post(SETUP, {"code": code(device), "next": INBOX})
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(shown) == 10 and set(shown) == set(StaticToken.objects.values_list("token", flat=True))
    assert client.get(INBOX).status_code == 200
    assert client.get(ME).status_code == 200


def test_roles_not_required_sign_in_with_the_password_alone(personas: Personas) -> None:
    client = signed_in("handler_b")
    assert client.get(INBOX).status_code == 200
    assert client.get(ME).status_code == 200


def test_force_login_sessions_of_roles_not_required_are_not_touched(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.registrar_a)
    assert client.get(INBOX).status_code == 200
    client.force_login(personas.supervisor)
    assert client.get(INBOX).status_code == 302


def test_an_enrolled_account_gives_its_code_and_cannot_add_a_device_with_the_password_alone(
    personas: Personas, clock: Clock
) -> None:
    device, _codes = enrol(personas.supervisor)
    clock.shift(dt.timedelta(seconds=60))
    client = signed_in("supervisor")

    assert client.get(INBOX)["Location"] == f"{VERIFY}?next=%2Fworkbench%2F"
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # a stolen password cannot enrol the thief's phone
    assert TotpDevice.objects.filter(user=personas.supervisor).count() == 1

    response = client.post(VERIFY, {"code": code(device), "next": "/workbench/supervision/"})
    assert response.status_code == 302 and response["Location"] == "/workbench/supervision/"
    assert client.get(INBOX).status_code == 200


def test_verify_follows_only_local_next_urls(personas: Personas, clock: Clock) -> None:
    device, _codes = enrol(personas.supervisor)
    clock.shift(dt.timedelta(seconds=60))
    client = signed_in("supervisor")
    response = client.post(VERIFY, {"code": code(device), "next": "https://evil.example/"})
    assert response["Location"] == INBOX


def test_an_account_that_enrolled_of_its_own_accord_is_asked_for_the_code(personas: Personas, clock: Clock) -> None:
    enrol(personas.handler_b)  # handler is not a required role
    client = signed_in("handler_b")
    assert client.get(INBOX)["Location"].startswith(VERIFY)


def test_a_backup_code_works_once(personas: Personas, clock: Clock) -> None:
    _device, backup = enrol(personas.supervisor)
    first = signed_in("supervisor")
    assert first.post(VERIFY, {"code": backup[0].upper()})["Location"] == INBOX  # typed in capitals: accepted
    assert StaticToken.objects.filter(token=backup[0]).count() == 0

    clock.shift(dt.timedelta(seconds=5))
    second = signed_in("supervisor")
    again = second.post(VERIFY, {"code": backup[0]})
    assert again.status_code == 400
    assert second.get(INBOX).status_code == 302
    clock.shift(dt.timedelta(seconds=5))  # past the throttle delay of the refused code
    assert second.post(VERIFY, {"code": backup[1]})["Location"] == INBOX


def test_wrong_codes_count_as_failed_logins_and_end_in_the_lockout(
    personas: Personas, settings: Any, clock: Clock
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    device, _codes = enrol(personas.supervisor)
    clock.shift(dt.timedelta(seconds=60))
    client = signed_in("supervisor")
    wrong = "000000" if code(device) != "000000" else "111111"
    assert client.post(VERIFY, {"code": wrong}).status_code == 400
    assert client.post(VERIFY, {"code": wrong}).status_code == 400
    locked = client.post(VERIFY, {"code": wrong})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session  # signed out
    refused = Client().post(reverse("workbench:login"), {"username": "supervisor", "password": PASSWORD})
    assert refused.status_code == 429  # the right password alone does not get back in


def test_turning_off_needs_a_fresh_code_and_a_required_role_must_enrol_again(personas: Personas, clock: Clock) -> None:
    client = signed_in("supervisor")
    device = twofactor.totp_device_start(user=personas.supervisor)
    used = code(device)
    client.post(SETUP, {"code": used})
    assert client.get(INBOX).status_code == 200

    stale = client.post(reverse("workbench:twofactor_disable"), {"code": used})
    assert stale.status_code == 400  # the code that turned it on does not turn it off
    assert TotpDevice.objects.filter(user=personas.supervisor, confirmed=True).exists()

    clock.shift(dt.timedelta(seconds=60))
    response = client.post(reverse("workbench:twofactor_disable"), {"code": code(device)})
    assert response.status_code == 302 and response["Location"] == SETUP
    assert not TotpDevice.objects.filter(user=personas.supervisor).exists()
    assert not StaticDevice.objects.filter(user=personas.supervisor).exists()
    assert client.get(INBOX)["Location"].startswith(SETUP)


def test_the_overview_offers_set_up_before_and_turning_off_after(personas: Personas, clock: Clock) -> None:
    client = Client()
    client.force_login(personas.handler_b)
    before = client.get(reverse("workbench:twofactor")).content.decode()
    assert f'href="{SETUP}"' in before and reverse("workbench:twofactor_disable") not in before
    enrol(personas.handler_b)
    after = client.get(reverse("workbench:twofactor"))  # this session was opened before: it is not asked again
    assert after.status_code == 200
    assert f'action="{reverse("workbench:twofactor_disable")}"' in after.content.decode()


def test_citizens_are_refused_the_pages(db: None) -> None:
    citizen = User.objects.create_user(username="citizen", password=PASSWORD)
    client = Client()
    client.force_login(citizen)
    assert client.get(SETUP).status_code == 403


# ------------------------------------------------------------------------------------------ the token endpoint


def test_the_token_endpoint_wants_otp_from_a_required_role(personas: Personas, clock: Clock) -> None:
    device, _codes = enrol(personas.supervisor)
    clock.shift(dt.timedelta(seconds=60))
    api = APIClient()

    missing = api.post(TOKEN, {"username": "supervisor", "password": PASSWORD}, format="json")
    assert missing.status_code == 400
    assert missing.json()["field"] == "otp" and missing.json()["code"] == "otp_required"

    wrong = "000000" if code(device) != "000000" else "111111"
    refused = api.post(TOKEN, {"username": "supervisor", "password": PASSWORD, "otp": wrong}, format="json")
    assert refused.status_code == 400 and refused.json()["field"] == "otp"

    clock.shift(dt.timedelta(seconds=5))  # past the throttle delay
    issued = api.post(TOKEN, {"username": "supervisor", "password": PASSWORD, "otp": code(device)}, format="json")
    assert issued.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert client.get(ME).status_code == 200


def test_a_required_role_without_a_device_gets_no_token(personas: Personas) -> None:
    response = APIClient().post(TOKEN, {"username": "supervisor", "password": PASSWORD, "otp": "123456"}, format="json")
    assert response.status_code == 400 and response.json()["field"] == "otp"


def test_missing_otp_counts_towards_the_login_lockout(personas: Personas, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    api = APIClient()
    for _attempt in range(2):
        response = api.post(TOKEN, {"username": "supervisor", "password": PASSWORD}, format="json")
        assert response.status_code == 400 and response.json()["field"] == "otp"
    locked = api.post(TOKEN, {"username": "supervisor", "password": PASSWORD}, format="json")
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"


def test_roles_not_required_get_a_token_without_otp(personas: Personas) -> None:
    response = APIClient().post(TOKEN, {"username": "handler_b", "password": PASSWORD}, format="json")
    assert response.status_code == 200


# ------------------------------------------------------------------------------------------ the admin


@pytest.fixture
def admin_user(tree: Any) -> User:
    user = make_user("sysadmin", tree.province_dept, Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    return user


def test_the_admin_lets_in_only_a_session_verified_by_a_code(admin_user: User, clock: Clock) -> None:
    client = Client()
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 302  # a password session is not enough

    device, _codes = enrol(admin_user)
    clock.shift(dt.timedelta(seconds=60))
    login = "/admin/login/?next=/admin/"
    without = Client()
    assert without.post(login, {"username": "sysadmin", "password": PASSWORD}).status_code == 200
    assert "_auth_user_id" not in without.session
    fresh = Client()
    page = fresh.get(login)
    assert "<style" not in page.content.decode()  # the CSP allows no inline style
    assert 'name="otp_token"' in page.content.decode()
    response = fresh.post(login, {"username": "sysadmin", "password": PASSWORD, "otp_token": code(device)})
    assert response.status_code == 302
    assert fresh.get("/admin/").status_code == 200


def test_a_wrong_admin_code_counts_as_a_failed_login(admin_user: User, settings: Any, clock: Clock) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    enrol(admin_user)
    client = Client()
    data = {"username": "sysadmin", "password": PASSWORD, "otp_token": "000000"}
    assert client.post("/admin/login/", data).status_code == 200
    assert client.post("/admin/login/", data).status_code == 429


# ------------------------------------------------------------------------------------------ services and settings


def test_confirming_replaces_earlier_devices_and_backup_codes(personas: Personas, clock: Clock) -> None:
    _first, first_codes = enrol(personas.handler_b)
    clock.shift(dt.timedelta(seconds=60))
    second, second_codes = enrol(personas.handler_b)
    assert list(TotpDevice.objects.filter(user=personas.handler_b)) == [second]
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(second_codes)
    assert not set(first_codes) & set(second_codes)


def test_a_code_of_another_account_is_refused(personas: Personas, clock: Clock) -> None:
    mine, _ = enrol(personas.handler_b)
    enrol(personas.head_b)
    clock.shift(dt.timedelta(seconds=60))
    with pytest.raises(InvalidInput) as refused:
        twofactor.otp_verify(user=personas.head_b, code=code(mine))
    assert refused.value.field == "code"


def test_the_settings_know_every_role() -> None:
    from xinfang import settings as project_settings

    assert set(Role.values) == project_settings._KNOWN_ROLES
