from django.utils.translation import pgettext_lazy

from accounts.enums import Role
from web.common.registry import landing, nav_entry

nav_entry(
    "review-home",
    label=pgettext_lazy("reviewer nav", "My reviews"),
    url_name="reviewer:home",
    roles=[Role.REVIEWER],
    icon="clipboard-check",
    order=30,
    active_prefix="/review/",
)
landing(Role.REVIEWER, "reviewer:home", priority=200)
