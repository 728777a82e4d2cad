"""Role sets are defined once, in accounts/enums.py: a module that spells out "union staff or
admin" itself is how one copy came to forget superusers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from accounts.enums import INCUBATOR_STAFF_ROLES, UNION_STAFF_ROLES, Role
from accounts.selectors import users_holding
from tests.factories.accounts import UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "accounts",
    "core",
    "dashboards",
    "incubator",
    "innovation",
    "jobs",
    "notifications",
    "projects",
    "reviews",
    "web",
)
# Two staff roles side by side, in either order, with or without "Role." prefixes.
SPELLED_OUT = re.compile(
    r"Role\.(UNION_STAFF|INCUBATOR_STAFF|ADMIN)\s*,\s*(\*\s*)?Role\.(UNION_STAFF|INCUBATOR_STAFF|ADMIN)"
)


def test_no_module_spells_out_a_staff_role_set():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "accounts" / "enums.py":
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if SPELLED_OUT.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "use the sets of accounts/enums.py:\n" + "\n".join(offenders)


def test_the_sets_hold_the_roles_they_name():
    assert set(UNION_STAFF_ROLES) == {Role.UNION_STAFF, Role.ADMIN}
    assert set(INCUBATOR_STAFF_ROLES) == {Role.INCUBATOR_STAFF, Role.ADMIN}


@pytest.mark.django_db
def test_users_holding_includes_superusers_and_skips_inactive_users():
    staff = UserFactory(roles=[Role.UNION_STAFF])
    root = UserFactory(is_superuser=True, roles=[])
    UserFactory(roles=[Role.UNION_STAFF], is_active=False)
    UserFactory(roles=[Role.ENTERPRISE])
    assert list(users_holding(UNION_STAFF_ROLES)) == sorted([staff, root], key=lambda u: u.pk)
