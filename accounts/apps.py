from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organisations"

    def ready(self) -> None:
        import accounts.authentication  # noqa: F401 - registers the token's OpenAPI scheme
        from accounts.services import staff_groups_sync

        post_migrate.connect(_sync_groups, sender=self)
        self._sync = staff_groups_sync


def _sync_groups(sender, **kwargs) -> None:
    from accounts.services import staff_groups_sync

    staff_groups_sync(using=kwargs.get("using", "default"))
