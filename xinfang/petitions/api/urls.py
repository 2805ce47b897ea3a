from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from xinfang.core.api import TokenRevokeView, TokenView
from xinfang.petitions.api import audit, views

router = SimpleRouter()
router.register("petitions", views.PetitionViewSet, basename="petition")

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/logout/", TokenRevokeView.as_view(), name="api-logout"),
    path("track/<str:number>", views.TrackView.as_view(), name="track"),
    path("track/<str:number>/attachments/", views.TrackAttachView.as_view(), name="track-attachments"),
    path("track/<str:number>/rate/", views.TrackRateView.as_view(), name="track-rate"),
    path("track/<str:number>/urge/", views.TrackUrgeView.as_view(), name="track-urge"),
    path("track/<str:number>/review/", views.TrackReviewView.as_view(), name="track-review"),
    path("track/<str:number>/recheck/", views.TrackRecheckView.as_view(), name="track-recheck"),
    path("clocks/overdue/", views.ClockListView.as_view(which="overdue"), name="clocks-overdue"),
    path("clocks/due-soon/", views.ClockListView.as_view(which="due_soon"), name="clocks-due-soon"),
    path("categories/", views.CategoryListView.as_view(), name="categories"),
    path("audit/identity-reads/", audit.IdentityReadListView.as_view(), name="identity-reads"),
    path("audit/identity-reads/export/", audit.IdentityReadExportView.as_view(), name="identity-reads-export"),
    *router.urls,
]
