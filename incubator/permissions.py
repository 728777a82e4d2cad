"""Who may do what in the incubator. Which records a caller sees is the selectors' business."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.enums import INCUBATOR_STAFF_ROLES, Role
from accounts.permissions import HasRole, has_any_role

INCUBATOR_RUNNERS = INCUBATOR_STAFF_ROLES
# Enterprises file their own reports; incubator staff may file on their behalf.
REPORT_FILERS = (Role.ENTERPRISE, *INCUBATOR_STAFF_ROLES)

IsIncubatorRunner = HasRole.of(*INCUBATOR_RUNNERS)
IsReportFiler = HasRole.of(*REPORT_FILERS)


class ReadOrIncubatorStaff(BasePermission):
    """Any signed-in user reads (scoped by the selectors); only incubator staff write."""

    message = "Only incubator staff run the incubator."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or has_any_role(request.user, INCUBATOR_RUNNERS)
