"""Turning (kind, language, context) into a notice's title and body.

Convention (docs/notifications.md): ``notifications/<kind>/<language>/subject.txt`` and
``body.txt`` in any app's ``templates/`` folder (or the project's ``templates/``), so an app adds a
kind by adding two folders of templates. Plain text, no HTML escaping; the ``local_time`` filter
prints a stored ISO datetime in Asia/Shanghai time.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.template import Context, Engine
from django.utils import translation

FALLBACK_LANGUAGE = "zh-hans"
SUPPORTED_LANGUAGES = ("zh-hans", "en")


@functools.cache
def _engine() -> Engine:
    # A separate engine: the site's engine escapes HTML, which would turn "&" into "&amp;" in a
    # plain-text email.
    dirs = [d for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    return Engine(
        dirs=dirs,
        app_dirs=True,
        autoescape=False,
        builtins=["notifications.templatetags.notices"],
    )


def notice_language(user: Any) -> str:
    language = getattr(user, "language", "") or FALLBACK_LANGUAGE
    return language if language in SUPPORTED_LANGUAGES else FALLBACK_LANGUAGE


def json_safe(context: dict) -> dict:
    """The context as it will be stored (datetimes become ISO strings, etc.), so that what is
    rendered now is exactly what can be rendered again from the row."""
    return json.loads(json.dumps(context, cls=DjangoJSONEncoder))


def site_link(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def render_notice(*, kind: str, language: str, context: dict) -> tuple[str, str]:
    """Return (title, body) for ``kind`` in ``language`` (falling back to Chinese when a kind has
    no template in that language). ``context`` must already be JSON-safe."""
    engine = _engine()
    names = [language] if language == FALLBACK_LANGUAGE else [language, FALLBACK_LANGUAGE]
    full = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language):
        subject = engine.select_template([f"notifications/{kind}/{n}/subject.txt" for n in names])
        body = engine.select_template([f"notifications/{kind}/{n}/body.txt" for n in names])
        # use_l10n=False: the context is JSON (no dates; numbers without grouping, as
        # USE_THOUSAND_SEPARATOR is off), so localizing each number changes nothing and cost a
        # third of rendering a round's 4,000 assignment notices.
        title = " ".join(subject.render(Context(full, autoescape=False, use_l10n=False)).split())
        title = title[:300]
        text = body.render(Context(full, autoescape=False, use_l10n=False)).strip() + "\n"
    return title, text
