"""Permission classes. Object visibility is decided by selectors; these only gate by role."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.enums import INCUBATOR_STAFF_ROLES, STAFF_ROLES, UNION_STAFF_ROLES, Role


def has_any_role(user, roles) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.has_role(*roles)))


class HasRole(BasePermission):
    """``HasRole.of(Role.UNION_STAFF, ...)`` lets in users holding any of the roles (and
    superusers)."""

    roles: tuple[str, ...] = ()
    message = _("Your role does not allow this.")

    @classmethod
    def of(cls, *roles: str) -> type[HasRole]:
        return type(f"HasRole_{'_'.join(roles)}", (cls,), {"roles": roles})

    def has_permission(self, request, view) -> bool:
        return has_any_role(request.user, self.roles)


class ReadOnlyOrRole(HasRole):
    """Any signed-in user may read; writing needs one of the roles."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return has_any_role(request.user, self.roles)


IsUnionStaff = HasRole.of(*UNION_STAFF_ROLES)
IsIncubatorStaff = HasRole.of(*INCUBATOR_STAFF_ROLES)
IsAnyStaff = HasRole.of(*STAFF_ROLES)
IsEnterpriseMember = HasRole.of(Role.ENTERPRISE)
IsReviewer = HasRole.of(Role.REVIEWER)
