"""URL configuration: the API under /api/v1/, OpenAPI schema and docs, admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from xinfang.core.csp import ApiDocsView
from xinfang.core.views import FaviconView

api_v1 = [
    path("", include("xinfang.deadlines.api.urls")),
    path("", include("xinfang.orgs.api.urls")),
    path("", include("xinfang.petitions.api.urls")),
    path("", include("xinfang.documents.urls")),
    path("", include("xinfang.insight.api.urls")),
    path("", include("xinfang.notify.api.urls")),
    path("", include("xinfang.supervision.api.urls")),
    path("", include("xinfang.reception.api.urls")),
    path("", include("xinfang.casework.api.urls")),
    path("", include("xinfang.joint.api.urls")),
    path("", include("xinfang.instructions.api.urls")),
    path("", include("xinfang.stats.api.urls")),
    path("", include("xinfang.assessment.api.urls")),
    path("", include("xinfang.reports.api.urls")),
    path("", include("xinfang.proposals.api.urls")),
]

urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("figures/", include("xinfang.stats.public_urls")),
    path("open311/v2/", include("xinfang.interop.urls")),  # Open311 GeoReport v2 (docs/open311.md)
    path("", include("xinfang.portal.urls")),
    path("reception/", include("xinfang.reception.public_urls")),
    path("", include("xinfang.proposals.urls")),  # /proposals/ (public) and /workbench/proposals/ (staff)
    path("workbench/insight/", include("xinfang.insight.urls")),
    path("workbench/notify/", include("xinfang.notify.urls")),
    path("workbench/supervision/", include("xinfang.supervision.urls")),
    path("workbench/reception/", include("xinfang.reception.urls")),
    path("workbench/casework/", include("xinfang.casework.urls")),
    path("workbench/joint/", include("xinfang.joint.urls")),
    path("workbench/instructions/", include("xinfang.instructions.urls")),
    path("workbench/stats/", include("xinfang.stats.urls")),
    path("workbench/assessment/", include("xinfang.assessment.urls")),
    path("workbench/reports/", include("xinfang.reports.urls")),
    path("workbench/", include("xinfang.workbench.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="api-docs"),  # split mode: no inline script
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
