"""What the base layout needs on every page: the user's organisation and roles, the navigation
their roles call for, the unread count of their inbox. Lazy, so a page that does not show the
header (an error page, a fragment) costs no query."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from accounts.enums import Role
from web.common import registry


def _roles_display(user) -> list[str]:
    labels = dict(Role.choices)
    return [str(labels[r]) for r in Role.values if r in user.role_set]


def layout(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "layout_user": None}

    def unread():
        from notifications.selectors import notices_unread_count

        return notices_unread_count(user)

    return {
        "nav_entries": SimpleLazyObject(lambda: registry.nav_entries_for(user, request.path)),
        "layout_user": {
            "name": str(user),
            "organisation": SimpleLazyObject(lambda: user.organisation),
            "roles": SimpleLazyObject(lambda: _roles_display(user)),
        },
        "unread_notices": SimpleLazyObject(unread),
        "password_change_prompt": bool(getattr(user, "must_change_password", False)),
    }
