from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self) -> None:
        from reviews import jobs  # noqa: F401  (registers the round's long steps as job kinds)
