"""Cross-organisation isolation and blind rounds, across every route (enumerated from the schema).

- An enterprise member's lists never hold a row of another organisation, and another
  organisation's object is a 404 (reads and writes).
- A reviewer sees entries only through their own assignments in open rounds.
- In a blind round nothing a reviewer can reach (lists, details, inbox, reminders, conflicts,
  downloads and their headers) names the submitting organisation.

The demo data is loaded once per module (see test_endpoint_matrix.seed_matrix_data), with an
incubation added for a second organisation so that every per-organisation resource exists on both
sides.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Organisation, User
from certificates.models import Certificate
from incubator.models import Incubation, IncubationReport, Milestone, SupportRecord
from innovation.models import Studio, StudioApplication, StudioAssessment, StudioAttachment
from notifications.models import Notice
from projects.models import Attachment, Entry
from reviews.models import Assignment, Award, Round, RoundEntry
from tests.core.test_endpoint_matrix import PUBLIC, READ_ROUTES, ROUTES, seed_matrix_data
from tests.factories.incubator import IncubationFactory, IncubationReportFactory, MilestoneFactory

MEMBERS = ("dongfeng", "hanjiang")

# List routes and the ground truth of which rows belong to a member (computed from the database,
# not from the selectors under test): path -> (model, lookup to the organisation or user, key of
# the row in the JSON).
OWN_ROWS = {
    "/api/v1/entries/": (Entry, "organisation_id", "id"),
    "/api/v1/attachments/": (Attachment, "entry__organisation_id", "id"),
    "/api/v1/studios/": (Studio, "organisation_id", "id"),
    "/api/v1/studio-applications/": (StudioApplication, "studio__organisation_id", "id"),
    "/api/v1/studio-assessments/": (StudioAssessment, "studio__organisation_id", "id"),
    "/api/v1/incubations/": (Incubation, "organisation_id", "id"),
    "/api/v1/incubation-milestones/": (Milestone, "incubation__organisation_id", "id"),
    "/api/v1/incubation-support/": (SupportRecord, "incubation__organisation_id", "id"),
    "/api/v1/incubation-reports/": (IncubationReport, "incubation__organisation_id", "id"),
    "/api/v1/round-outcomes/": (Entry, "organisation_id", "entry"),
    "/api/v1/awards/": (Award, "entry__organisation_id", "id"),
    "/api/v1/organisations/": (Organisation, "id", "id"),
    "/api/v1/notices/": (Notice, "recipient", "id"),
    "/api/v1/certificates/": (Certificate, "organisation_id", "id"),
}
# Lists an enterprise member may read that hold no organisation's data (or are public by design).
NOT_ORGANISATION_DATA = {
    "/api/v1/results-notices/": "published results notices (公示), public to anyone",
    "/api/v1/contests/": "contest editions",
    "/api/v1/categories/": "tracks of contests",
    "/api/v1/expertise-fields/": "tags",
    "/api/v1/review-rounds/": "round settings of contests the organisation entered",
    "/api/v1/studio-directory/": "public directory of named studios (issue 5)",
    "/api/v1/jobs/": "background jobs the caller started (members start none in the demo)",
}


@dataclass
class Data:
    users: dict[str, User]


def _add_second_incubation(users: dict[str, User]) -> None:
    org = users["hanjiang"].organisation_id
    entry = Entry.objects.filter(organisation_id=org).order_by("pk").first()
    incubation = IncubationFactory(entry=entry, organisation_id=org)
    MilestoneFactory(incubation=incubation)
    IncubationReportFactory(incubation=incubation)
    SupportRecord.objects.create(
        incubation=incubation,
        kind="training",
        provided_on=timezone.localdate(),
        description="创业培训",
        recorded_by=users["incubator_li"],
    )


@pytest.fixture(scope="module")
def data(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        users = seed_matrix_data()
        _add_second_incubation(users)
        yield Data(users=users)
        transaction.set_rollback(True)


def client_of(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _all_rows(client: APIClient, path: str) -> list[dict]:
    rows, url = [], f"{path}?page_size=100"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (path, response.content[:300])
        body = response.json()
        if isinstance(body, list):
            return body
        rows += body["results"]
        url = body.get("next")
    return rows


FOREIGN = "FOREIGNORG§"


def _foreign_fingerprints(org_id: int) -> list[str]:
    """Mark every other organisation's name (this test's savepoint only) and return what must
    never show: the mark and their credit codes. Marking avoids false alarms from free text that
    merely mentions an organisation (a mentor's employer, say)."""
    others = Organisation.objects.exclude(pk=org_id)
    if not others.filter(name__startswith=FOREIGN).exists():
        for org in others:
            org.name = f"{FOREIGN}{org.name}"
            org.save(update_fields=["name"])
    return [FOREIGN, *others.values_list("credit_code", flat=True)]


def _list_routes() -> list[str]:
    # certificate-verification/ is a lookup of one number by anyone, not a list (issue 13).
    skipped = ("export/", "unread-count/", "/auth/me/", "/auth/login/", "certificate-verification/")
    return sorted(p for m, p in READ_ROUTES if "{" not in p and not p.endswith(skipped))


# --- enterprise members: lists ------------------------------------------------------------------


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("path", _list_routes())
def test_member_lists_hold_only_their_organisation(data, db, path, member):
    user = data.users[member]
    client = client_of(user)
    probe = client.get(path)
    if probe.status_code == 403:
        return  # the role may not list this at all (tests/core/test_endpoint_matrix covers 4xx)
    assert probe.status_code == 200, probe.content[:300]
    assert path in OWN_ROWS or path in NOT_ORGANISATION_DATA, (
        f"{path}: classify this list in OWN_ROWS or NOT_ORGANISATION_DATA"
    )
    fingerprints = _foreign_fingerprints(user.organisation_id)
    rows = _all_rows(client, path)
    if path in OWN_ROWS:
        model, lookup, key = OWN_ROWS[path]
        owner = user.pk if lookup == "recipient" else user.organisation_id
        own = set(model.objects.filter(**{lookup: owner}).values_list("pk", flat=True))
        listed = {row[key] for row in rows}
        assert listed <= own, f"{path} lists another organisation's rows: {listed - own}"
        assert listed, f"{path}: the demo gives {member} rows here; the check must see some"
    if path != "/api/v1/studio-directory/":
        text = json.dumps(rows, ensure_ascii=False)
        leaked = [f for f in fingerprints if f in text]
        assert not leaked, f"{path} shows other organisations: {leaked}"


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/incubations/export/",
        "/api/v1/incubation-reports/export/",
        "/api/v1/studio-assessments/export/",
    ],
)
def test_member_exports_hold_only_their_organisation(data, db, path, member):
    user = data.users[member]
    fingerprints = _foreign_fingerprints(user.organisation_id)
    response = client_of(user).get(path, {"file_format": "csv"})
    assert response.status_code == 200, response.content[:300]
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    text = text.decode("utf-8-sig")
    own_name = Organisation.objects.get(pk=user.organisation_id).name
    assert len(text.splitlines()) > 1
    leaked = [f for f in fingerprints if f in text]
    assert not leaked, (own_name, leaked)


# --- enterprise members: another organisation's object is a 404 ----------------------------------


def _foreign_objects(member: User) -> dict[str, int]:
    org = member.organisation_id
    other = Organisation.objects.exclude(pk=org)
    return {
        "entries": Entry.objects.filter(organisation__in=other).first().pk,
        "attachments": Attachment.objects.filter(entry__organisation__in=other).first().pk,
        "studios": Studio.objects.filter(organisation__in=other).first().pk,
        "studio-applications": StudioApplication.objects.filter(studio__organisation__in=other)
        .first()
        .pk,
        "studio-assessments": StudioAssessment.objects.filter(studio__organisation__in=other)
        .first()
        .pk,
        "incubations": Incubation.objects.filter(organisation__in=other).first().pk,
        "incubation-milestones": Milestone.objects.filter(incubation__organisation__in=other)
        .first()
        .pk,
        "incubation-support": SupportRecord.objects.filter(incubation__organisation__in=other)
        .first()
        .pk,
        "incubation-reports": IncubationReport.objects.filter(incubation__organisation__in=other)
        .first()
        .pk,
        "round-outcomes": RoundEntry.objects.filter(
            round__published_at__isnull=False, entry__organisation__in=other
        )
        .first()
        .pk,
        "awards": Award.objects.filter(entry__organisation__in=other).first().pk,
        "notices": Notice.objects.exclude(recipient=member).first().pk,
        "organisations": other.first().pk,
    }


def _member_routes_on_foreign_objects(member: User) -> list[tuple[str, str, str]]:
    """Every route with an ``{id}`` of a per-organisation resource, filled with another
    organisation's object (method, url, resource)."""
    foreign = _foreign_objects(member)
    foreign_studio_file = StudioAttachment.objects.exclude(
        studio__organisation_id=member.organisation_id
    ).first()
    own_studio = Studio.objects.filter(organisation_id=member.organisation_id).first()
    out = []
    for method, path in ROUTES:
        resource = path.removeprefix("/api/v1/").split("/")[0]
        if "{id}" not in path or resource not in foreign:
            continue
        url = path.replace("{id}", str(foreign[resource]))
        if "{attachment_id}" in url:
            url = url.replace("{attachment_id}", str(foreign_studio_file.pk))
        out.append((method, url, resource))
    # Another organisation's studio file through one's own studio.
    out.append(
        (
            "GET",
            f"/api/v1/studios/{own_studio.pk}/attachments/{foreign_studio_file.pk}/download/",
            "studios",
        )
    )
    return out


@pytest.mark.parametrize("member", MEMBERS)
def test_member_gets_404_for_every_route_on_another_organisations_object(data, db, member):
    user = data.users[member]
    client = client_of(user)
    routes = _member_routes_on_foreign_objects(user)
    assert {r for _, _, r in routes} == set(_foreign_objects(user)), "every resource is probed"
    for method, url, _resource in routes:
        with transaction.atomic():
            response = client.generic(method, url, "{}", content_type="application/json")
            transaction.set_rollback(True)
        # A member reads every one of these resources, so its detail is a 404; an action may be
        # refused by role first (403: staff's on any object, e.g. history or revoke).
        plain_read = method == "GET" and url.count("/") == 5  # /api/v1/<resource>/<id>/
        allowed = (404,) if plain_read else (403, 404)
        assert response.status_code in allowed, (
            method,
            url,
            response.status_code,
            response.content[:300],
        )


@pytest.mark.parametrize("member", MEMBERS)
def test_member_cannot_attach_or_file_against_another_organisations_object(data, db, member):
    user = data.users[member]
    client = client_of(user)
    foreign = _foreign_objects(user)
    foreign_studio = Studio.objects.get(pk=foreign["studios"])
    before = (Attachment.objects.count(), StudioAssessment.objects.count(), Studio.objects.count())
    attempts = [
        client.post(
            "/api/v1/attachments/",
            {"entry": foreign["entries"], "kind": "plan", "file": _pdf()},
            format="multipart",
        ),
        client.post(
            "/api/v1/studio-assessments/",
            {"studio": foreign_studio.pk, "year": 2024, "summary": "年度总结", "patents": 1},
            format="json",
        ),
        client.post(
            "/api/v1/studios/",
            {"organisation": foreign_studio.organisation_id, "name": "越权工作室", "level": "city"},
            format="json",
        ),
    ]
    for response in attempts:
        assert 400 <= response.status_code < 500, response.content
    after = (Attachment.objects.count(), StudioAssessment.objects.count(), Studio.objects.count())
    assert after == before


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("计划书.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


# --- reviewers: entries only through their own assignments in open rounds ------------------------


def _reviewer_with_work() -> User:
    return Assignment.objects.filter(round__state="open", status="active").first().reviewer


def test_reviewer_sees_entries_only_through_own_open_assignments(data, db):
    reviewer = _reviewer_with_work()
    client = client_of(reviewer)
    for path in ("/api/v1/entries/", "/api/v1/attachments/", "/api/v1/review-assignments/"):
        assert client.get(path).status_code == 403
    mine = {
        a.pk
        for a in Assignment.objects.filter(reviewer=reviewer, status="active", round__state="open")
    }
    rows = _all_rows(client, "/api/v1/my-assignments/")
    assert {row["id"] for row in rows} == mine
    # Their own assignment in the finalized round, and another reviewer's open one: 404.
    finished = Assignment.objects.filter(reviewer=reviewer, round__state="finalized").first()
    others = Assignment.objects.filter(round__state="open").exclude(reviewer=reviewer).first()
    for assignment in (finished, others):
        assert client.get(f"/api/v1/my-assignments/{assignment.pk}/").status_code == 404
    # Lists of organisation data are empty for a reviewer.
    for path in (
        "/api/v1/studios/",
        "/api/v1/incubations/",
        "/api/v1/round-outcomes/",
        "/api/v1/awards/",
        "/api/v1/organisations/",
        "/api/v1/incubation-reports/",
    ):
        assert _all_rows(client, path) == [], path


# --- blind rounds -------------------------------------------------------------------------------

MARKER = "LEAKMARK9Z"


def _plant_marker_and_blind(round_: Round, reviewer: User) -> list[str]:
    """Make the open round blind and put the marker in everything that names an entrant (all but
    the reviewer's own employer, whose name the reviewer's profile rightly shows)."""
    from core.storage import file_save
    from tests.factories.documents import pdf_with_metadata
    from tests.factories.projects import AttachmentFactory, TeamMemberFactory

    Round.objects.filter(pk=round_.pk).update(is_blind=True)
    codes = []
    employer_id = reviewer.reviewer_profile.employer_id
    entries = Entry.objects.filter(round_entries__round=round_).exclude(organisation_id=employer_id)
    for entry in entries.select_related("organisation"):
        org = entry.organisation
        if MARKER not in org.name:
            org.name = f"{MARKER}{org.name}"
            org.contact_name = MARKER
            org.address = MARKER
            org.save()
        codes.append(org.credit_code)
        TeamMemberFactory(
            entry=entry, name=f"{MARKER}人", employer_name=f"{MARKER}单位", role="member"
        )
        # A real PDF whose Info, XMP and comment author hold the marker: the blind copy has none.
        stored = file_save(io.BytesIO(pdf_with_metadata(MARKER)))
        AttachmentFactory(
            entry=entry,
            original_name=f"{MARKER}-计划书.pdf",
            storage_name=stored.storage_name,
            size=stored.size,
        )
    return codes


def _assert_clean(response, codes: list[str], what: str) -> None:
    assert response.status_code < 500, (what, response.content[:300])
    headers = " ".join(f"{k}: {v}" for k, v in response.items())
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = body.decode("utf-8", "replace") + headers
    assert MARKER not in text, (what, text[:800])
    for code in codes:
        assert code not in text, (what, code)


def test_blind_round_reveals_no_organisation_on_any_reviewer_route(data, db):
    from reviews import notices

    open_round = Round.objects.get(state="open")
    assignment = (
        Assignment.objects.filter(round=open_round, status="active")
        .exclude(review__state="submitted")
        .order_by("pk")
        .first()
    )
    reviewer = assignment.reviewer
    codes = _plant_marker_and_blind(open_round, reviewer)
    staff = data.users["union_zhang"]
    # Notices written after the marker: a late reminder now, deadline reminders, and a hand-made
    # assignment change for this reviewer.
    url = f"/api/v1/review-rounds/{open_round.pk}/remind-late-reviewers/"
    assert client_of(staff).post(url).status_code == 200
    notices.review_deadline_reminders_send(now=open_round.deadline - timedelta(hours=1))
    swap_from = (
        Assignment.objects.filter(round=open_round, status="active")
        .exclude(reviewer=reviewer)
        .exclude(entry__review_assignments__reviewer=reviewer)
        .exclude(review__state="submitted")
        .first()
    )
    client_of(staff).post(
        f"/api/v1/review-assignments/{swap_from.pk}/swap/",
        {"reviewer": reviewer.pk, "reason": "调整"},
        format="json",
    )
    assert Notice.objects.filter(recipient=reviewer).count() >= 2

    client = client_of(reviewer)
    entry_file = assignment.entry.attachments.order_by("pk").last()
    ids = {
        "my-assignments": assignment.pk,
        "review-rounds": open_round.pk,
        "notices": Notice.objects.filter(recipient=reviewer).first().pk,
        "reviewers": reviewer.reviewer_profile.pk,
        "reviewer-conflicts": (reviewer.review_conflicts.first() or assignment).pk,
        "users": reviewer.pk,
    }
    reached = []
    for method, path in READ_ROUTES:
        resource = path.removeprefix("/api/v1/").split("/")[0]
        if "{id}" in path and resource not in ids:
            continue
        if (method, path) in PUBLIC:
            continue  # the public studio directory names studio hosts, never entries
        url = (
            path.replace("{id}", str(ids.get(resource, 0)))
            .replace("{attachment_id}", str(entry_file.pk))
            .replace("{kind}", "scoreboard")
        )
        response = client.get(url)
        _assert_clean(response, codes, url)
        if response.status_code == 200:
            reached.append(url)
        if path == "/api/v1/notices/":
            bodies = [n["body"] + n["title"] for n in response.json()["results"]]
            assert len(bodies) >= 2
    assert (
        f"/api/v1/my-assignments/{assignment.pk}/attachments/{entry_file.pk}/download/" in reached
    )
    # Writes a reviewer makes, and their answers.
    scores = [{"criterion": c.pk, "score": "1"} for c in open_round.criteria.all()]
    other_org = Organisation.objects.exclude(pk=assignment.entry.organisation_id).first()
    for what, expected, response in [
        ("pledge", 200, client.post(f"/api/v1/review-rounds/{open_round.pk}/pledge/accept/")),
        (
            "save",
            200,
            client.put(
                f"/api/v1/my-assignments/{assignment.pk}/review/", {"scores": scores}, format="json"
            ),
        ),
        (
            "conflict",
            201,
            client.post(
                "/api/v1/reviewer-conflicts/",
                {"organisation": other_org.pk, "reason": "亲属"},
                format="json",
            ),
        ),
        (
            "submit",
            200,
            client.post(
                f"/api/v1/my-assignments/{assignment.pk}/review/submit/", {}, format="json"
            ),
        ),
    ]:
        _assert_clean(response, codes, what)
        assert response.status_code == expected, (what, response.content)
    # Emails rendered for the reviewer (the channel outside the API) are clean too.
    for notice in Notice.objects.filter(recipient=reviewer):
        assert MARKER not in notice.title + notice.body


def test_organisation_link_without_the_enterprise_role_shows_nothing(data, db):
    """A user still linked to an organisation whose enterprise role was taken away (or who only
    ever held another role) acts for no organisation: published rounds, outcomes and awards
    are as closed to them as entries, studios and incubations."""
    from accounts.models import RoleGrant

    user = data.users["dongfeng"]
    RoleGrant.objects.filter(user=user, role="enterprise").delete()
    RoleGrant.objects.create(user=user, role="reviewer")
    user = User.objects.get(pk=user.pk)
    client = client_of(user)
    award = Award.objects.filter(entry__organisation_id=user.organisation_id).first()
    outcome = RoundEntry.objects.filter(entry__organisation_id=user.organisation_id).first()
    for path in (
        "/api/v1/awards/",
        "/api/v1/round-outcomes/",
        "/api/v1/review-rounds/",
        "/api/v1/studios/",
        "/api/v1/incubations/",
    ):
        assert _all_rows(client, path) == [], path
    assert client.get(f"/api/v1/awards/{award.pk}/").status_code == 404
    assert client.get(f"/api/v1/round-outcomes/{outcome.pk}/").status_code == 404
