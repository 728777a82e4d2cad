import mimetypes

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class WebCommonConfig(AppConfig):
    name = "web.common"
    label = "web_common"
    verbose_name = "Web: foundation"

    def ready(self) -> None:
        # pdf.js ships ES modules; some Python builds do not know the suffix.
        mimetypes.add_type("text/javascript", ".mjs")
        # Each audience app declares its navigation entries and landing page in its own nav.py
        # (web/<app>/nav.py), so no helper edits another's template to add a link.
        autodiscover_modules("nav")
