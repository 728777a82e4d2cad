"""One permission mixin per audience, for page views (the API's permission classes' twins).

Order of refusals, the same on every page: not signed in → redirect to the sign-in page (with
``?next=``); signed in without the audience's role → 403 page; an object outside what the
selector lets this user see → 404 (the view reads through the selector, never ``Model.objects``).
The role test is ``accounts.permissions.has_any_role``, the one the API uses.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from accounts.enums import INCUBATOR_STAFF_ROLES, STAFF_ROLES, UNION_STAFF_ROLES, Role
from accounts.permissions import has_any_role


class PageMixin:
    """Title and breadcrumbs for the layout. ``breadcrumbs`` is a list of (label, url) pairs; the
    last one (the current page) may have url None."""

    page_title = ""
    breadcrumbs: list = []

    def get_page_title(self):
        return self.page_title

    def get_breadcrumbs(self) -> list:
        return list(self.breadcrumbs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("page_title", self.get_page_title())
        context.setdefault("breadcrumbs", self.get_breadcrumbs())
        return context


class SignedInMixin(LoginRequiredMixin, PageMixin):
    """Any signed-in user (the inbox, the password change)."""


class RoleRequiredMixin(LoginRequiredMixin, PageMixin):
    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not has_any_role(request.user, self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class EnterpriseMixin(RoleRequiredMixin):
    """Enterprise members (参赛单位). Data: their own organisation's, through the selectors."""

    roles = (Role.ENTERPRISE,)


class ReviewerMixin(RoleRequiredMixin):
    roles = (Role.REVIEWER,)


class UnionStaffMixin(RoleRequiredMixin):
    roles = UNION_STAFF_ROLES


class IncubatorStaffMixin(RoleRequiredMixin):
    roles = INCUBATOR_STAFF_ROLES


class AnyStaffMixin(RoleRequiredMixin):
    roles = tuple(STAFF_ROLES)


def role_required(*roles: str):
    """The function-view form of the audience mixins: anonymous → sign-in redirect, another
    role → 403."""
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_any_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
