"""The dashboards, included at /workbench/stats/ with the namespace ``stats``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.stats import views

app_name = "stats"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("csv/<slug:key>/", views.chart_csv, name="csv"),
]
