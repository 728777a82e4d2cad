import pytest
from django.apps import apps
from django.contrib import admin

from accounts.enums import Role
from tests.factories.accounts import UserFactory

OUR_APPS = (
    "core",
    "accounts",
    "projects",
    "reviews",
    "innovation",
    "incubator",
    "notifications",
    "jobs",
)


def _our_models():
    return [
        model
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        # simple-history's shadow tables and M2M through tables are edited with their owner.
        if not model.__name__.startswith("Historical") and not model._meta.auto_created
    ]


def _inline_models():
    return {
        inline.model
        for model_admin in admin.site._registry.values()
        for inline in model_admin.inlines
    }


@pytest.mark.parametrize("model", _our_models(), ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin(model):
    """Registered itself, or edited inline on its owner's page (role grants, criterion scores)."""
    assert model in admin.site._registry or model in _inline_models()


@pytest.mark.django_db
def test_union_staff_can_open_the_admin_changelists(client):
    staff = UserFactory(roles=[Role.UNION_STAFF], is_staff=True)
    from accounts.services import staff_groups_sync

    staff_groups_sync()
    from django.contrib.auth.models import Group

    staff.groups.add(Group.objects.get(name=Role.UNION_STAFF))
    client.force_login(staff)
    for label in ("projects/entry", "reviews/round", "innovation/studio", "accounts/organisation"):
        response = client.get(f"/admin/{label}/")
        assert response.status_code == 200, label
