from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Award certificates")

    def ready(self) -> None:
        from certificates import jobs  # noqa: F401  (registers the PDF generation job kind)
