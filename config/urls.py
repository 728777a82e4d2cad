from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # The browsable API signs in on the site's sign-in page (same protection, same landing).
    path(
        "api-auth/login/",
        RedirectView.as_view(pattern_name="common:login", query_string=True),
        name="api-auth-login",
    ),
    path("api-auth/", include("rest_framework.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The pages, one app per audience (docs/web.md).
    path("", include("web.common.urls")),
    path("enterprise/", include("web.enterprise.urls")),
    path("review/", include("web.reviewer.urls")),
    path("console/", include("web.console.urls")),
    path("programmes/", include("web.programmes.urls")),
    path("studios/", include("web.programmes.directory_urls")),
    path("live/", include("web.live.urls")),
    path("", include("web.public.urls")),
]
