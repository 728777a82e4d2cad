"""Links from notices and e-mails to pages. A notice stores the absolute link of its e-mail in
``context["link"]`` (built from SITE_URL by ``notifications.rendering.site_link``); in the inbox we
open the same page by its path, so the link works whatever address the browser used."""

from __future__ import annotations

from urllib.parse import urlsplit


def notice_page_url(notice) -> str | None:
    link = (notice.context or {}).get("link") or ""
    if not link:
        return None
    parts = urlsplit(link)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if not path.startswith("/") or path.startswith("/api/"):
        return None  # an old notice written before its page existed
    return path


def local_next(request, fallback: str) -> str:
    """The page to return to after a form: the ``next`` the form carried when it points into this
    site (never another host: an open redirect), otherwise ``fallback``."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else fallback
