"""Attachments behind nginx: after the visibility check the app answers with X-Accel-Redirect, never the file.

Without XINFANG_ACCEL_REDIRECT_PREFIX (the embedded default) the bytes come from Python; with it, an empty 200
whose X-Accel-Redirect names the internal nginx location of the stored file, with the type and the (Chinese) file
name the browser needs. A user who may not see the petition gets the same 404 either way and no redirect header,
so nginx never sends the file (Art. 30: only those handling the petition see its materials).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from xinfang.petitions.models import Attachment, Petition
from xinfang.petitions.tests.helpers import register

PREFIX = "/_protected/media/"
BODY = b"%PDF-1.4 test evidence"


@pytest.fixture
def stored(personas, settings, tmp_path) -> tuple[Petition, Attachment]:
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("现场 照片.pdf", BODY, content_type="application/pdf")
    petition, _ = register(personas.registrar_a, attachments=[upload])
    return petition, petition.attachments.get()


def _workbench_url(petition: Petition, attachment: Attachment) -> str:
    return reverse("workbench:attachment", args=[petition.number, attachment.pk])


def _api_url(petition: Petition, attachment: Attachment) -> str:
    return f"/api/v1/petitions/{petition.number}/attachments/{attachment.pk}/"


def test_workbench_download_is_an_internal_redirect_to_the_stored_file_when_behind_nginx(
    client, personas, settings, stored
):
    settings.XINFANG_ACCEL_REDIRECT_PREFIX = PREFIX
    petition, attachment = stored
    client.force_login(personas.registrar_a)
    response = client.get(_workbench_url(petition, attachment))
    assert response.status_code == 200
    assert response.content == b""
    assert attachment.file.name.startswith(f"attachments/{petition.pk}/")
    assert response["X-Accel-Redirect"] == PREFIX + quote(attachment.file.name)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert quote("现场 照片.pdf") in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_api_download_is_an_internal_redirect_when_behind_nginx(personas, settings, stored):
    settings.XINFANG_ACCEL_REDIRECT_PREFIX = PREFIX
    petition, attachment = stored
    api = APIClient()
    api.force_authenticate(personas.registrar_a)
    response = api.get(_api_url(petition, attachment))
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == PREFIX + quote(attachment.file.name)
    assert response["Content-Type"] == "application/pdf"


def test_without_the_setting_the_file_is_streamed_from_python(client, personas, settings, stored):
    settings.XINFANG_ACCEL_REDIRECT_PREFIX = ""
    petition, attachment = stored
    client.force_login(personas.registrar_a)
    response = client.get(_workbench_url(petition, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == BODY
    assert not response.has_header("X-Accel-Redirect")


@pytest.mark.parametrize("prefix", ["", PREFIX])
def test_a_user_who_may_not_see_the_petition_gets_404_and_no_redirect(client, personas, settings, stored, prefix):
    settings.XINFANG_ACCEL_REDIRECT_PREFIX = prefix
    petition, attachment = stored
    client.force_login(personas.outsider)
    response = client.get(_workbench_url(petition, attachment))
    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")
    api = APIClient()
    api.force_authenticate(personas.outsider)
    response = api.get(_api_url(petition, attachment))
    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")


def test_a_stored_file_that_is_gone_is_404_not_a_redirect_to_nothing(client, personas, settings, stored):
    settings.XINFANG_ACCEL_REDIRECT_PREFIX = PREFIX
    petition, attachment = stored
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(personas.registrar_a)
    response = client.get(_workbench_url(petition, attachment))
    assert response.status_code == 404
    assert not response.has_header("X-Accel-Redirect")
