"""The citizen portal (网上信访), included at "/" with the namespace ``portal``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.portal.views import account, notifications, pages, submit, track

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", pages.home, name="home"),
    path("info/", pages.info, name="info"),
    path("submit/", submit.submit, name="submit"),
    path("submit/region/", submit.region, name="region"),
    path("submit/category/", submit.category, name="category"),
    path("receipt/", submit.receipt, name="receipt"),
    path("track/", track.track, name="track"),
    path("track/<str:number>/", track.track_detail, name="track_detail"),
    path("track/<str:number>/urge/", track.urge, name="urge"),
    path("track/<str:number>/rate/", track.rate, name="rate"),
    path("track/<str:number>/review/", track.request_review, name="request_review"),
    path("track/<str:number>/recheck/", track.request_recheck, name="request_recheck"),
    path("track/<str:number>/attachments/", track.add_attachments, name="attachments"),
    path("track/<str:number>/documents/<int:doc_id>.docx", track.document_download, name="document"),
    path("track/<str:number>/files/<int:attachment_id>/", track.attachment_download, name="attachment"),
    path("track/<str:number>/service-rating/", track.rate_service, name="rate_service"),
    path("account/sign-up/", account.sign_up, name="sign_up"),
    path("account/sign-in/", account.sign_in, name="sign_in"),
    path("account/sign-out/", account.sign_out, name="sign_out"),
    path("account/petitions/", account.my_petitions, name="my_petitions"),
    path("account/petitions/claim/", account.claim, name="claim"),
    # xinfang.notify: the petitioner's messages (in-app list for accounts; channel choice per petition)
    path("account/notifications/", notifications.notification_list, name="notifications"),
    path("account/notifications/read-all/", notifications.notification_read_all, name="notifications_read_all"),
    path("account/notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("track/<str:number>/notifications/", notifications.track_notify, name="track_notify"),
]
