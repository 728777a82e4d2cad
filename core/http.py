"""Request helpers shared by API views and pages."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address. Behind ``TRUSTED_PROXY_COUNT`` reverse proxies (settings; 0 by
    default) it is the address the outermost trusted proxy saw, taken from the right of
    ``X-Forwarded-For`` — the left part of that header is written by the client and proves
    nothing. None when the value is not an IP address."""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    candidate = request.META.get("REMOTE_ADDR", "")
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [p for p in forwarded if p]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
