from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import apis, schema  # noqa: F401  (schema registers the OpenAPI auth extension)
from .errors import json_404
from .health import health
from .metrics import metrics_view
from .studio import urlpatterns as studio_urls

api_v1 = [
    path("files/<str:token>", apis.SignedFileApi.as_view(), name="signed-file"),
    path("admin/config", apis.SiteConfigApi.as_view(), name="admin-config"),
    path("admin/audit", apis.AuditListApi.as_view(), name="admin-audit"),
    path("admin/analytics", apis.AnalyticsApi.as_view(), name="admin-analytics"),
    path("", include("accounts.urls")),
    path("", include("projects.urls")),
    path("", include("billing.urls")),
    path("", include("jobs.urls")),
    path("", include("media_library.urls")),
    path("", include("youtube_integration.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    # Load balancers probe either spelling; neither is a redirect.
    re_path(r"^health/?$", health, name="health"),
    path("metrics", metrics_view, name="metrics"),
    path("api/v1/", include(api_v1)),
    # Any other path under /api/ is the JSON 404, DEBUG or not (never the studio's page).
    re_path(r"^api/", csrf_exempt(json_404)),
    # django-allauth's headless API (Google and GitHub sign-in for the SPA).
    path("_allauth/", include("allauth.headless.urls")),
    path("accounts/", include("allauth.urls")),
    # The studio (single-page app) at / and its client-side routes; nothing above is shadowed.
    path("", include(studio_urls)),
]

handler400 = "filmstudio.errors.json_400"
handler403 = "filmstudio.errors.json_403"
handler404 = "filmstudio.errors.json_404"
handler500 = "filmstudio.errors.json_500"
