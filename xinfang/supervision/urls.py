"""Staff pages, included at /workbench/supervision/ with the namespace ``supervision``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.supervision import views

app_name = "supervision"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.desk, name="desk"),
    path("warnings/", views.warnings, name="warnings"),
    path("orders/new/", views.order_new, name="order_new"),
    path("orders/<int:pk>/", views.order_detail, name="order"),
    path("orders/<int:pk>/<str:act>/", views.order_act, name="order_act"),
    path("recommendations/new/", views.recommendation_new, name="recommendation_new"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path("interviews/new/", views.interview_new, name="interview_new"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview"),
    path("bulletins/new/", views.bulletin_new, name="bulletin_new"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/cases/", views.bulletin_case_new, name="bulletin_case_new"),
    path("bulletins/<int:pk>/cases/<int:case_pk>/approve/", views.bulletin_case_approve, name="bulletin_case_approve"),
    path("bulletins/<int:pk>/<str:fmt>/", views.bulletin_download, name="bulletin_download"),
]
