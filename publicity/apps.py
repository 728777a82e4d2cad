from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("Results notices")

    def ready(self) -> None:
        from publicity import checks  # noqa: F401  (the holiday calendar coverage check)
