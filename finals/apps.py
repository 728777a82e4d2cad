from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinalsConfig(AppConfig):
    name = "finals"
    verbose_name = _("Live final")
    default_auto_field = "django.db.models.BigAutoField"
