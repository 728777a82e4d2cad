from django.apps import AppConfig


class IncubatorConfig(AppConfig):
    name = "incubator"
