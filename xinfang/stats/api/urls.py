from django.urls import URLPattern, path

from xinfang.stats.api import views

urlpatterns: list[URLPattern] = [
    path("stats/kpis/", views.KpisView.as_view(), name="stats-kpis"),
    path("stats/series/", views.SeriesView.as_view(), name="stats-series"),
    path("stats/breakdown/", views.BreakdownView.as_view(), name="stats-breakdown"),
]
