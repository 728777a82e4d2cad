"""Everything under /api/v1/. Each app owns its routes in <app>/api/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("reviews.api.urls")),
    path("", include("innovation.api.urls")),
    path("", include("incubator.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("jobs.api.urls")),
    path("", include("dashboards.api.urls")),
]
