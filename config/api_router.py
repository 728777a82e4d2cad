"""Everything under /api/v1/: one router and one API root for every resource.

Each app owns its routes in ``<app>/api/urls.py``: ``routes`` (the viewsets, as
``(prefix, viewset, basename)``) and ``urlpatterns`` (plain views such as ``auth/me/`` or
``dashboard/``). This module registers every app's viewsets on one ``DefaultRouter`` whose root
(``GET /api/v1/``) lists them all, together with the named plain views of ``ROOT_VIEWS``.
"""

from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

APPS = (
    "accounts",
    "projects",
    "reviews",
    "innovation",
    "incubator",
    "notifications",
    "jobs",
    "dashboards",
    "publicity",
    "finals",
    "certificates",
)

# Plain (non-viewset) views listed in the API root beside the viewsets: root key -> URL name.
ROOT_VIEWS = {
    "auth/login": "auth-login",
    "auth/logout": "auth-logout",
    "auth/token": "auth-token",
    "auth/me": "auth-me",
    "dashboard": "dashboard",
    "studio-statistics": "studio-statistics",
    "incubator-statistics": "incubator-statistics",
    "certificate-verification": "certificate-verification",
}


class ApiRouter(DefaultRouter):
    """A ``DefaultRouter`` whose root also lists the plain views of ``ROOT_VIEWS``."""

    def get_api_root_view(self, api_urls=None):
        list_name = self.routes[0].name
        root = {
            prefix: list_name.format(basename=basename) for prefix, _, basename in self.registry
        }
        root.update(ROOT_VIEWS)
        return self.APIRootView.as_view(api_root_dict=dict(sorted(root.items())))


router = ApiRouter()
plain_views = []
for app in APPS:
    module = import_module(f"{app}.api.urls")
    for prefix, viewset, basename in getattr(module, "routes", ()):
        router.register(prefix, viewset, basename=basename)
    plain_views.append(path("", include(module.urlpatterns)))

urlpatterns = [*plain_views, *router.urls]
