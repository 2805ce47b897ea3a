"""Who may use the workbench: sign-in required, citizens refused, outsiders get 404 (no existence oracle)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import make_user
from xinfang.petitions.tests.helpers import register
from xinfang.workbench.forms import StaffAuthenticationForm

pytestmark = pytest.mark.django_db

PAGES = ["workbench:inbox", "workbench:register"]


@pytest.mark.parametrize("name", PAGES)
def test_pages_require_sign_in(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('workbench:login')}?next={url}"


def test_fragment_requests_after_the_session_ended_send_the_page_to_login(client):
    response = client.get(reverse("workbench:unit_search"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("workbench:login")


def test_petition_page_requires_sign_in(client, personas):
    petition, _ = register(personas.registrar_a)
    url = reverse("workbench:petition", args=[petition.number])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("workbench:login"))


def test_login_page_is_labelled_and_staff_sign_in_lands_in_the_inbox(client, personas):
    page = client.get(reverse("workbench:login"))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    response = client.post(reverse("workbench:login"), {"username": "registrar_a", "password": "pw-xinfang-test"})
    assert response.status_code == 302 and response["Location"] == reverse("workbench:inbox")
    inbox = client.get(reverse("workbench:inbox"))
    assert inbox.status_code == 200


def test_citizen_is_refused_at_login_with_an_explanation(client, db):
    make_user("citizen", None)
    response = client.post(reverse("workbench:login"), {"username": "citizen", "password": "pw-xinfang-test"})
    assert response.status_code == 200  # the form again, with the refusal
    with translation.override("zh-hans"):
        expected = str(StaffAuthenticationForm.error_messages["not_staff"])
    assert expected in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert reverse("portal:home") in response.content.decode()


def test_signed_in_citizen_gets_a_clear_refusal_not_the_inbox(client, db):
    client.force_login(make_user("citizen", None))
    response = client.get(reverse("workbench:inbox"))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'role="alert"' in html and reverse("portal:home") in html
    assert reverse("workbench:logout") in html


def test_staff_header_shows_staff_number_name_and_position(client, personas):
    client.force_login(personas.registrar_a)
    html = client.get(reverse("workbench:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Staff no. No.regist" in html
    assert "李登记" in html and "科员" in html and "A1区信访局" in html


def test_logout_is_a_post_and_returns_to_the_login_page(client, personas):
    client.force_login(personas.handler_b)
    response = client.post(reverse("workbench:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("workbench:login")
    assert client.get(reverse("workbench:inbox")).status_code == 302


def test_outsider_unit_gets_404_on_the_petition_page_and_its_downloads(client, personas):
    petition, _ = register(personas.registrar_a)
    client.force_login(personas.outsider)
    assert client.get(reverse("workbench:petition", args=[petition.number])).status_code == 404
    assert client.get(reverse("workbench:petition", args=[petition.pk])).status_code == 404
    assert client.get(reverse("workbench:petition", args=["NO-SUCH-NUMBER"])).status_code == 404
    act = reverse("workbench:act", args=[petition.number, "forward"])
    assert client.post(act, {"to_unit": personas.outsider.unit_id}).status_code == 404


def test_accused_unit_never_sees_the_accusation_in_page_search_or_counts(client, personas, tree):
    petition, _ = register(
        personas.registrar_a, nature="accusation", accused_unit=tree.environment, title="举报生态环境局不作为"
    )
    client.force_login(personas.accused)
    assert client.get(reverse("workbench:petition", args=[petition.number])).status_code == 404
    page = client.get(reverse("workbench:inbox"), {"tab": "all", "q": petition.number})
    assert page.context["rows"] == []
    assert all(count in (None, 0) for _tab, count in page.context["tabs"])
