"""领导阅批 pages, included at /workbench/instructions/ with the namespace ``instructions``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.instructions import views

app_name = "instructions"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.instruction_list, name="list"),
    path("<str:pk>/", views.instruction_detail, name="detail"),
    path("<str:pk>/give/", views.instruction_give, name="give"),
    path("<str:pk>/read/", views.instruction_read, name="read"),
    path("<str:pk>/release/", views.instruction_release, name="release"),
    path("p/<str:key>/request/", views.instruction_request, name="request"),
]
