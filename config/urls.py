from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

APPS = ["jurisdictions", "teams", "attendance", "leave", "subsidies", "funds", "reports",
        "assessment"]

# Each app's urls.py has `api_urlpatterns` (mounted under /api/v1/) and `urlpatterns` (pages).
api_v1 = [path("", include(__import__(f"{app}.urls", fromlist=["api_urlpatterns"]).api_urlpatterns)) for app in APPS]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI: its start-up script is a separate request (no inline script); its bundle comes from jsDelivr.
    path("api/docs/", csp_update({"script-src": ["https://cdn.jsdelivr.net"], "style-src": ["https://cdn.jsdelivr.net"],
                                  "img-src": ["https://cdn.jsdelivr.net"]})(SpectacularSwaggerSplitView.as_view(url_name="schema")),
         name="api-docs"),
    *[path("", include(f"{app}.urls")) for app in APPS],
]

handler404 = "jurisdictions.api_common.not_found"  # /api/: the contract's JSON 404 (issue 14 schema)
