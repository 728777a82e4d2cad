"""Header links and landings of the programme pages (studios, incubator, dashboards)."""

from django.utils.translation import gettext_lazy as _

from accounts.enums import INCUBATOR_STAFF_ROLES, STAFF_ROLES, UNION_STAFF_ROLES, Role
from web.common.registry import landing, nav_entry

nav_entry(
    "programmes-studios",
    label=_("Studios"),
    url_name="programmes:applications",
    roles=[*UNION_STAFF_ROLES],
    icon="award",
    order=40,
    active_prefix="/programmes/studios/",
)
nav_entry(
    "programmes-incubator",
    label=_("Incubator"),
    url_name="programmes:portfolio",
    roles=[*INCUBATOR_STAFF_ROLES],
    icon="rocket-takeoff",
    order=50,
    active_prefix="/programmes/incubator/",
)
nav_entry(
    "programmes-dashboard",
    label=_("Dashboard"),
    url_name="programmes:dashboard",
    roles=[*STAFF_ROLES],
    icon="bar-chart",
    order=60,
    active_prefix="/programmes/dashboard/",
)
nav_entry(
    "studio-directory",
    label=_("Studio directory"),
    url_name="studio_directory:list",
    roles=list(Role),
    icon="journal-text",
    order=80,
    active_prefix="/studios/",
)
landing(Role.INCUBATOR_STAFF, "programmes:portfolio", priority=60)
