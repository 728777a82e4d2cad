from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.enums import Role
from web.common.registry import landing, nav_entry

nav_entry(
    "enterprise-dashboard",
    label=_("My organisation"),
    url_name="enterprise:dashboard",
    roles=[Role.ENTERPRISE],
    icon="building",
    order=10,
)
nav_entry(
    "enterprise-entries",
    label=_("Entries"),
    url_name="enterprise:entries",
    roles=[Role.ENTERPRISE],
    icon="file-earmark-text",
    order=11,
    active_prefix="/enterprise/entries/",
)
nav_entry(
    "enterprise-results",
    label=pgettext_lazy("review outcome", "Results"),
    url_name="enterprise:results",
    roles=[Role.ENTERPRISE],
    icon="trophy",
    order=12,
    active_prefix="/enterprise/results/",
)
landing(Role.ENTERPRISE, "enterprise:dashboard", priority=100)
nav_entry(
    "enterprise-studios",
    label=_("Innovation studios"),
    url_name="enterprise:studios",
    roles=[Role.ENTERPRISE],
    icon="lightbulb",
    order=13,
    active_prefix="/enterprise/studios/",
)
nav_entry(
    "enterprise-incubations",
    label=_("Incubated projects"),
    url_name="enterprise:incubations",
    roles=[Role.ENTERPRISE],
    icon="rocket-takeoff",
    order=14,
    active_prefix="/enterprise/incubations/",
)
