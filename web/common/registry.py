"""What the audience apps plug into the layout, declared in each app's ``nav.py``.

Every web app may have a ``nav.py`` (imported once at start-up by ``web.common``) that calls:

- :func:`nav_entry` — a link in the header navigation, shown to users holding one of ``roles``;
- :func:`landing` — the page a user of ``role`` lands on after signing in (highest priority wins);
- :func:`home_section` — a block of the public home page (a template included with the context of
  :func:`home_section_context`).

Nothing here decides what a user may *see*: a nav entry only hides a link. The page behind it
checks the role with its audience mixin and reads through selectors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse

from accounts.permissions import has_any_role


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any  # a lazy translation
    url_name: str
    roles: tuple[str, ...]
    icon: str = ""  # a Bootstrap Icons name, e.g. "inbox"
    order: int = 100
    # URL path prefix that marks the entry as the current section; without one, only the entry's
    # own URL does.
    active_prefix: str = ""

    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Landing:
    role: str
    url_name: str
    priority: int


@dataclass(frozen=True)
class HomeSection:
    key: str
    template: str
    order: int = 100
    context: Callable[[Any], dict] | None = field(default=None, compare=False)


_NAV: dict[str, NavEntry] = {}
_LANDINGS: list[Landing] = []
_HOME: dict[str, HomeSection] = {}


def nav_entry(
    key: str,
    *,
    label: Any,
    url_name: str,
    roles: Iterable[str],
    icon: str = "",
    order: int = 100,
    active_prefix: str = "",
) -> None:
    _NAV[key] = NavEntry(key, label, url_name, tuple(roles), icon, order, active_prefix)


def landing(role: str, url_name: str, *, priority: int = 100) -> None:
    """After sign-in, a user goes to the landing page of their highest-priority role."""
    _LANDINGS.append(Landing(role, url_name, priority))


def home_section(
    key: str, *, template: str, order: int = 100, context: Callable[[Any], dict] | None = None
) -> None:
    _HOME[key] = HomeSection(key, template, order, context)


def nav_entries_for(user, path: str) -> list[dict]:
    """The header links this user's roles call for, in order, each marked active or not."""
    if not user.is_authenticated:
        return []
    entries = []
    for entry in sorted(_NAV.values(), key=lambda e: (e.order, e.key)):
        if not has_any_role(user, entry.roles):
            continue
        try:
            url = entry.url()
        except NoReverseMatch:  # an app that declares an entry before its URL exists
            continue
        matched = path.startswith(entry.active_prefix) if entry.active_prefix else path == url
        entries.append(
            {
                "key": entry.key,
                "label": entry.label,
                "url": url,
                "icon": entry.icon,
                "active": matched,
                # How specific the match is: /console/notices/ beats /console/ on a notice page.
                "_match": len(entry.active_prefix or url) if matched else -1,
            }
        )
    best = max((e["_match"] for e in entries), default=-1)
    for e in entries:
        e["active"] = e.pop("_match") == best >= 0
    return entries


def landing_url_for(user) -> str | None:
    candidates = sorted(
        (x for x in _LANDINGS if has_any_role(user, (x.role,))), key=lambda x: -x.priority
    )
    for candidate in candidates:
        try:
            return reverse(candidate.url_name)
        except NoReverseMatch:
            continue
    return None


def home_sections(request) -> list[dict]:
    sections = []
    for section in sorted(_HOME.values(), key=lambda s: (s.order, s.key)):
        extra = section.context(request) if section.context else {}
        sections.append({"key": section.key, "template": section.template, **extra})
    return sections
