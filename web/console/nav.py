from django.utils.translation import gettext_lazy as _

from accounts.enums import UNION_STAFF_ROLES, Role
from web.common.registry import landing, nav_entry

nav_entry(
    "console",
    label=_("Contests and reviews"),
    url_name="console:home",
    roles=[*UNION_STAFF_ROLES],
    icon="clipboard-data",
    order=20,
    active_prefix="/console/",
)
landing(Role.UNION_STAFF, "console:home", priority=80)

# The results notice (公示, issue 13).
nav_entry(
    "console-notices",
    label=_("Results notices"),
    url_name="console:notices",
    roles=[*UNION_STAFF_ROLES],
    icon="megaphone",
    order=21,
    active_prefix="/console/notices/",
)
