"""Staff pages, included at /workbench/reports/ with the namespace ``reports``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.reports import views

app_name = "reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report_list, name="list"),
    path("draft/", views.report_draft, name="draft"),
    path("<str:pk>/", views.report_detail, name="detail"),
    path("<str:pk>/edit/", views.report_edit, name="edit"),
    path("<str:pk>/issue/", views.report_issue, name="issue"),
    path("<str:pk>/docx/", views.report_download, name="docx"),
]
