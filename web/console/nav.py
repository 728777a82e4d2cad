from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from web.common.registry import landing, nav_entry

nav_entry(
    "console",
    label=_("Contests and reviews"),
    url_name="console:home",
    roles=[Role.UNION_STAFF, Role.ADMIN],
    icon="clipboard-data",
    order=20,
    active_prefix="/console/",
)
landing(Role.UNION_STAFF, "console:home", priority=80)
