"""The project's URLs plus this app's API, as the project will include it (``path("", include(...))`` under
/api/v1/). Used with ``@pytest.mark.urls`` until the include lands in xinfang/urls.py; harmless afterwards."""

from django.urls import include, path

from xinfang.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("api/v1/", include("xinfang.documents.urls")), *project_urlpatterns]
