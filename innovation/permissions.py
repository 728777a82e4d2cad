"""Who may do what with studios. Which studios a caller may touch is the selectors' business."""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import AnonRateThrottle

from accounts.enums import UNION_STAFF_ROLES, Role
from accounts.permissions import HasRole, has_any_role

# Enterprise members register and file for their organisation; union staff do it on its behalf.
STUDIO_WRITERS = (Role.ENTERPRISE, *UNION_STAFF_ROLES)
STUDIO_REVIEWERS = UNION_STAFF_ROLES

IsStudioReviewer = HasRole.of(*STUDIO_REVIEWERS)


class StudioAccess(BasePermission):
    """Any signed-in user may read (the selector narrows what they see); writing needs an
    enterprise member or union staff."""

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or has_any_role(request.user, STUDIO_WRITERS)


class DirectoryThrottle(AnonRateThrottle):
    """Anonymous readers of the public directory, per IP address."""

    scope = "studio_directory"

    def get_rate(self) -> str:
        return settings.STUDIO_DIRECTORY_ANON_RATE
