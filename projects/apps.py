from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"

    def ready(self) -> None:
        from projects import jobs  # noqa: F401  (registers the entry-list export job kind)
        from projects.lookups import register

        register()
