"""The client's address, taken only from hops we trust (``TRUSTED_PROXY_HOPS``).

``X-Forwarded-For`` is written by the client unless a proxy of ours overwrites it: trusting it
as a whole let a new header value on every try bypass the login throttle. DRF's throttles read
the same rule through ``REST_FRAMEWORK["NUM_PROXIES"]``."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    remote_addr = request.META.get("REMOTE_ADDR", "")
    hops = getattr(settings, "TRUSTED_PROXY_HOPS", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if hops <= 0 or not forwarded:
        return remote_addr
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(hops, len(addresses))]
