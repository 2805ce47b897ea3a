"""Staff download of a petition's documents as .docx. Thin: the selector decides visibility, services render."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from xinfang.core.api import staff_user
from xinfang.core.audit import identity_read_record
from xinfang.core.models import IdentitySurface
from xinfang.documents.services import DOCX_CONTENT_TYPE, docx_response, staff_document_or_404
from xinfang.petitions import selectors


class DocumentDocxView(APIView):
    """GET /api/v1/petitions/{key}/documents/{document_id}/docx — the document as a Word file.

    404 when the petition is missing or not visible to the user (one answer for both: no existence oracle), when
    the document belongs to another petition, or when it is a draft outside a preview by its own unit.
    """

    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer]  # for error bodies; the success response is a ready file

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # A client asking for the .docx media type must not get 406: errors are JSON whatever Accept says.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="petition_document_docx",
        summary="Download a document as .docx",
        parameters=[
            OpenApiParameter("key", OpenApiTypes.STR, OpenApiParameter.PATH, description="Petition id or 编号"),
            OpenApiParameter("document_id", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter(
                "preview",
                OpenApiTypes.BOOL,
                OpenApiParameter.QUERY,
                required=False,
                description="Render a draft of your own unit, marked 草稿 on every page.",
            ),
        ],
        responses={
            (200, DOCX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The .docx file"),
            404: OpenApiResponse(description="No such petition or document visible to you"),
            409: OpenApiResponse(description="The template that applies cannot be used; the body says which"),
        },
    )
    def get(self, request: Request, key: str, document_id: int, **kwargs: Any) -> HttpResponse:
        user = staff_user(request)
        petition = selectors.petition_get_visible(user, key)
        preview = request.query_params.get("preview", "").lower() in {"1", "true", "yes"}
        document = staff_document_or_404(petition, document_id, user=user, preview=preview)
        show_identity = selectors.can_see_identity(user, petition)
        response = docx_response(document, preview=preview, show_identity=show_identity)
        if show_identity:
            identity_read_record(user=user, petition_ids=[petition.pk], surface=IdentitySurface.DOCX)
        return response
