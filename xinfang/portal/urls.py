from django.urls import URLPattern, URLResolver, path

from xinfang.core.views import home

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", home, name="home"),
    path("info/", home, name="info"),  # replaced by the portal's Art. 18 page
]
