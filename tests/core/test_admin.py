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
        # M2M through tables are edited with their owner.
        if not model._meta.auto_created
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


def _admin_request():
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = UserFactory(roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    return request


@pytest.mark.django_db
def test_no_admin_of_ours_can_add_change_or_delete():
    """Rule-bearing models are read-only in the admin: the services are the only writers."""
    from accounts.models import User

    request = _admin_request()
    writable = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        inlines = [inline(model, admin.site) for inline in model_admin.inlines]
        checks = [
            ("add", model_admin.has_add_permission(request)),
            ("delete", model_admin.has_delete_permission(request)),
        ]
        if model is not User:  # contact details, activity and password stay editable
            checks.append(("change", model_admin.has_change_permission(request)))
        for inline in inlines:
            checks += [
                (f"{inline.model.__name__} add", inline.has_add_permission(request, None)),
                (f"{inline.model.__name__} change", inline.has_change_permission(request)),
                (f"{inline.model.__name__} delete", inline.has_delete_permission(request)),
            ]
        writable += [f"{model._meta.label} {what}" for what, allowed in checks if allowed]
    assert writable == []


@pytest.mark.django_db
def test_admin_cannot_add_an_assignment_for_a_conflicted_pair(client):
    from reviews.models import Assignment, ReviewerConflict
    from tests.factories.reviews import ReviewEntryFactory, RoundFactory, make_reviewer

    round_ = RoundFactory()
    entry = ReviewEntryFactory(contest=round_.contest)
    reviewer = make_reviewer()
    ReviewerConflict.objects.create(
        reviewer=reviewer, organisation=entry.organisation, reason="前同事", source="reviewer"
    )
    superuser = UserFactory(roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/admin/reviews/assignment/add/").status_code == 403
    response = client.post(
        "/admin/reviews/assignment/add/",
        {"round": round_.pk, "entry": entry.pk, "reviewer": reviewer.pk, "status": "assigned"},
    )
    assert response.status_code == 403
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_admin_user_page_shows_roles_read_only(client):
    user = UserFactory(roles=[Role.UNION_STAFF], is_staff=True)
    superuser = UserFactory(roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get(f"/admin/accounts/user/{user.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 403


def test_every_admin_of_ours_is_a_read_only_admin():
    """One way to be read-only (core.admin.ReadOnlyAdmin), so a new admin cannot forget a
    permission; the user admin is the one exception (contact details and passwords)."""
    from accounts.models import User
    from core.admin import ReadOnlyAdmin

    others = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in OUR_APPS
        and model is not User
        and not isinstance(model_admin, ReadOnlyAdmin)
    ]
    assert others == []


@pytest.mark.django_db
def test_a_job_opens_read_only_in_the_admin(client):
    from jobs.models import Job
    from jobs.services import job_start
    from reviews import jobs as round_jobs
    from tests.factories.reviews import RoundFactory

    round_ = RoundFactory(state="finalized")
    job = job_start(kind=round_jobs.PUBLISH, target=round_, actor=None, send=False)
    client.force_login(UserFactory(roles=[Role.ADMIN], is_staff=True, is_superuser=True))
    page = client.get(f"/admin/jobs/job/{job.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert (
        client.post(f"/admin/jobs/job/{job.pk}/change/", {"state": "succeeded"}).status_code == 403
    )
    assert client.post(f"/admin/jobs/job/{job.pk}/delete/", {"post": "yes"}).status_code == 403
    job.refresh_from_db()
    assert job.state == "queued"
    assert Job.objects.count() == 1
