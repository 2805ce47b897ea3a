"""Included under /api/v1/ by the project; every path here starts with "insight/"."""

from django.urls import URLPattern, URLResolver, path

from xinfang.insight.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("insight/hot-issues/", views.HotIssueListView.as_view(), name="insight-hot-issues"),
    path(
        "insight/hot-issues/<int:pk>/petitions/",
        views.HotIssuePetitionsView.as_view(),
        name="insight-hot-issue-petitions",
    ),
    path("insight/suggestions/", views.DraftSuggestionsView.as_view(), name="insight-suggestions"),
]
