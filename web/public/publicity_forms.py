"""The anonymous objection form (异议) and its spam protection.

No account, no internet-bound captcha: a bot is told apart by two checks that need nothing
from outside, and flooding is limited per client address and per notice.

* **Honeypot**: a field ``website`` that people never see (hidden from screen and screen
  readers); a bot that fills in every input gives itself away.
* **Signed render time**: the form carries ``token``, the notice id and the time it was
  rendered, signed with the site's secret (``django.core.signing``). A post without it, with a
  forged one, one for another notice, one older than ``PUBLICITY_FORM_MAX_AGE_SECONDS`` or sent
  faster than ``PUBLICITY_FORM_MIN_SECONDS`` after rendering is refused.
* **Rate limits** (Redis, the project's cache): ``PUBLICITY_OBJECTIONS_PER_IP_PER_HOUR`` posts
  per client address (``core.net.client_ip``: only trusted proxy hops) and
  ``PUBLICITY_OBJECTIONS_PER_NOTICE_PER_HOUR`` per notice, counted per clock hour.

Every refusal happens before the service is called, so nothing is written.
"""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

_SALT = "publicity.objection-form"
BOT_REFUSAL = _("The form could not be accepted. Please reload the page and fill it in again.")


def form_token(notice_id: int) -> str:
    return signing.dumps({"n": notice_id, "t": time.time()}, salt=_SALT)


def token_is_human(token: str, notice_id: int) -> bool:
    try:
        data = signing.loads(
            token or "", salt=_SALT, max_age=settings.PUBLICITY_FORM_MAX_AGE_SECONDS
        )
    except (signing.BadSignature, TypeError, ValueError):
        return False
    if not isinstance(data, dict) or data.get("n") != notice_id:
        return False
    elapsed = time.time() - float(data.get("t", 0))
    return elapsed >= settings.PUBLICITY_FORM_MIN_SECONDS


def _count(key: str) -> int:
    bucket = f"{key}:{int(time.time() // 3600)}"
    cache.add(bucket, 0, timeout=3700)
    try:
        return cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=3700)
        return 1


def rate_limited(*, ip: str, notice_id: int) -> bool:
    """Count this attempt; True when the address or the notice is over its hourly limit."""
    per_ip = _count(f"publicity:objection:ip:{ip}")
    per_notice = _count(f"publicity:objection:notice:{notice_id}")
    return (
        per_ip > settings.PUBLICITY_OBJECTIONS_PER_IP_PER_HOUR
        or per_notice > settings.PUBLICITY_OBJECTIONS_PER_NOTICE_PER_HOUR
    )


class ObjectionForm(forms.Form):
    entry = forms.TypedChoiceField(label=_("Entry concerned"), coerce=int, choices=())
    name = forms.CharField(label=_("Your name"), max_length=100)
    unit = forms.CharField(label=_("Your unit"), max_length=200)
    contact = forms.CharField(label=_("Telephone"), max_length=50)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The decision is sent to this address."), max_length=254
    )
    reason = forms.CharField(
        label=_("Reason for the objection"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Facts and evidence; objections without them may not be taken up."),
    )
    scan = forms.FileField(
        label=_("Signed or sealed scan"),
        help_text=_(
            "The objection signed by you (or sealed by your unit), scanned as PDF, JPEG or PNG."
        ),
    )
    # Honeypot: never shown to people (see the module docstring).
    website = forms.CharField(required=False, label=_("Leave this empty"))
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [("", "—")] + [
            (row["entry"], f"{row['title']}（{row['organisation']}，{row['tier_label']}）")
            for row in rows
        ]
        self.fields["scan"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png"
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
