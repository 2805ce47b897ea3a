"""阳光信访 public figures, included at /figures/ with the namespace ``figures``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.stats import public_views

app_name = "figures"
urlpatterns: list[URLPattern | URLResolver] = [path("", public_views.figures, name="index")]
