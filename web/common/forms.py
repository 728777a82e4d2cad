from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


class SignInForm(auth_forms.AuthenticationForm):
    """Django's form: ``clean()`` calls ``authenticate(request, ...)``, so the per-account login
    protection hooked into ``authenticate()`` guards this page exactly as it guards the API."""

    error_messages = {
        "invalid_login": _("The username or password is not correct."),
        "inactive": _("This account is disabled."),
    }


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The link in the e-mail is built from SITE_URL (the address users know), not from the
    request's Host header; a mail server that is down never turns the page into an error."""

    def send_mail(self, *args, **kwargs):
        try:
            super().send_mail(*args, **kwargs)
        except OSError:  # SMTP down or refusing: the page still says "if the address is known…"
            log.exception("password reset mail not sent")

    def save(self, **kwargs):
        kwargs["extra_email_context"] = {
            **(kwargs.get("extra_email_context") or {}),
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        kwargs["subject_template_name"] = "common/email/password_reset_subject.txt"
        kwargs["email_template_name"] = "common/email/password_reset_body.txt"
        return super().save(**kwargs)
