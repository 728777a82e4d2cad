from django.utils.translation import gettext_lazy as _

from accounts.enums import UNION_STAFF_ROLES
from web.common.registry import nav_entry

nav_entry(
    "live-final",
    label=_("Live final"),
    url_name="live:home",
    roles=[*UNION_STAFF_ROLES],
    icon="easel",
    order=25,
    active_prefix="/live/",
)
