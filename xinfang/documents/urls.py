"""Included under /api/v1/ by the project: ``path("", include("xinfang.documents.urls"))``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.documents import api

urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "petitions/<str:key>/documents/<int:document_id>/docx",
        api.DocumentDocxView.as_view(),
        name="petition-document-docx",
    ),
]
