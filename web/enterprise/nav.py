from django.utils.translation import gettext_lazy as _

from accounts.enums import Role
from web.common.registry import landing, nav_entry

nav_entry(
    "enterprise-dashboard",
    label=_("My organisation"),
    url_name="enterprise:dashboard",
    roles=[Role.ENTERPRISE],
    icon="building",
    order=10,
    active_prefix="/enterprise/",
)
landing(Role.ENTERPRISE, "enterprise:dashboard", priority=100)
