"""Staff pages, included at /workbench/casework/ with the namespace ``casework``."""

from django.urls import URLPattern, URLResolver

app_name = "casework"
urlpatterns: list[URLPattern | URLResolver] = []
