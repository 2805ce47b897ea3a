"""Staff pages, included at /workbench/assessment/ with the namespace ``assessment``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.assessment import views

app_name = "assessment"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:pk>/", views.scheme, name="scheme"),
    path("schemes/<int:pk>/indicators/new/", views.indicator_new, name="indicator_new"),
    path("schemes/<int:pk>/indicators/<int:indicator_id>/", views.indicator_change, name="indicator_change"),
    path("schemes/<int:pk>/adjustments/new/", views.adjustment_new, name="adjustment_new"),
    path("schemes/<int:pk>/publish/", views.scheme_publish, name="scheme_publish"),
    path("schemes/<int:pk>/lines/<int:line_id>/file/", views.adjustment_file, name="adjustment_file"),
    path("schemes/<int:pk>/export.<str:fmt>", views.scheme_export, name="scheme_export"),
    path("schemes/<int:pk>/lines/<int:line_id>/contest/", views.line_contest, name="line_contest"),
    path("schemes/<int:pk>/contests/<int:contest_id>/decide/", views.contest_decide, name="contest_decide"),
    path("campaigns/new/", views.campaign_new, name="campaign_new"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/cases/new/", views.campaign_cases_new, name="campaign_cases_new"),
    path("campaigns/<int:pk>/pledges/new/", views.pledge_new, name="pledge_new"),
    path("campaigns/<int:pk>/progress/new/", views.progress_new, name="progress_new"),
    path("campaigns/<int:pk>/files/<str:what>/<int:item_id>/", views.campaign_file, name="campaign_file"),
    path("campaigns/<int:pk>/cases/<int:entry_id>/sign-off/", views.sign_off, name="sign_off"),
    path("campaigns/<int:pk>/report.<str:fmt>", views.campaign_report, name="campaign_report"),
]
