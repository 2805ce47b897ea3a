"""Staff pages for text intelligence, included at /workbench/insight/ with the namespace ``insight``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.insight import views

app_name = "insight"
urlpatterns: list[URLPattern | URLResolver] = [
    path("hot-issues/", views.hot_issues, name="hot_issues"),
    path("hot-issues/<int:pk>/", views.hot_issue, name="hot_issue"),
    path("register/suggestions/", views.register_suggestions, name="register_suggestions"),
]
