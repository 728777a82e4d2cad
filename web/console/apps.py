from django.apps import AppConfig


class WebConsoleConfig(AppConfig):
    name = "web.console"
    label = "web_console"
    verbose_name = "Web: union staff console"
