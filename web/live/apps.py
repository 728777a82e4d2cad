from django.apps import AppConfig


class WebLiveConfig(AppConfig):
    name = "web.live"
    label = "web_live"
    verbose_name = "Web: live final"
