"""Navigation of the foundation: the inbox for everyone, the Django admin for administrators."""

from django.utils.translation import pgettext_lazy

from accounts.enums import Role
from web.common.registry import landing, nav_entry

nav_entry(
    "admin",
    label=pgettext_lazy("navigation", "Administration"),
    url_name="admin:index",
    roles=[Role.ADMIN],
    icon="gear",
    order=900,
)
landing(Role.ADMIN, "admin:index", priority=10)
