from django.apps import AppConfig


class WebProgrammesConfig(AppConfig):
    name = "web.programmes"
    label = "web_programmes"
    verbose_name = "Web: studios, incubator, dashboards"
