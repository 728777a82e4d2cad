from django.apps import AppConfig


class WebReviewerConfig(AppConfig):
    name = "web.reviewer"
    label = "web_reviewer"
    verbose_name = "Web: reviewer"
