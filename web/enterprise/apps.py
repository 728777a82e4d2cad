from django.apps import AppConfig


class WebEnterpriseConfig(AppConfig):
    name = "web.enterprise"
    label = "web_enterprise"
    verbose_name = "Web: enterprise"
