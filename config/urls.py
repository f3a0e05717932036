from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

APPS = ["jurisdictions", "teams", "attendance", "leave", "subsidies", "funds", "reports",
        "assessment"]

# Each app's urls.py has `api_urlpatterns` (mounted under /api/v1/) and `urlpatterns` (pages).
api_v1 = [path("", include(__import__(f"{app}.urls", fromlist=["api_urlpatterns"]).api_urlpatterns)) for app in APPS]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    *[path("", include(f"{app}.urls")) for app in APPS],
]
