"""Staff pages, included at /workbench/casework/ with the namespace ``casework``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.casework import views

app_name = "casework"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.board, name="board"),
    path("mark/", views.mark, name="mark"),
    path("mine/", views.mine, name="mine"),
    path("schedules/<int:pk>/", views.schedule, name="schedule"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/milestones/<int:milestone_id>/complete/", views.milestone_complete, name="milestone_complete"),
    path("<int:pk>/<str:name>/", views.case_act, name="act"),
]
