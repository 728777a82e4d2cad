"""Cross-cutting rules for EVERY API route, enumerated from the generated OpenAPI schema (a new
route is covered the day it is added):

- anonymous callers get 401 everywhere except the deliberately public routes (``PUBLIC``);
- every error body has the one shape ``{code, detail, fields}``;
- no route answers 500 to a malformed body (``{}``, wrong-typed JSON values, a JSON list, text
  that is not JSON) or to nonsense query parameters, for staff, an enterprise member and a
  reviewer — only 2xx/4xx.

Path ids are real: the demo data (``seed_demo``) is loaded once per module inside a transaction
that is rolled back at the end; each test runs in a savepoint on top of it.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import User

SCHEMA = SchemaGenerator().get_schema(request=None, public=True)
ROUTES = sorted(
    (method.upper(), path)
    for path, operations in SCHEMA["paths"].items()
    for method in operations
    if method in ("get", "post", "put", "patch", "delete")
)
WRITE_ROUTES = [r for r in ROUTES if r[0] in ("POST", "PUT", "PATCH")]
READ_ROUTES = [r for r in ROUTES if r[0] == "GET"]

# Routes anonymous callers may use, and why. Everything else must answer 401.
PUBLIC = {
    ("POST", "/api/v1/auth/login/"): "signing in is how one stops being anonymous",
    ("GET", "/api/v1/auth/login/"): "the CSRF token a session sign-in must send",
    ("POST", "/api/v1/auth/token/"): "exchanging a password for a token, likewise",
    ("GET", "/api/v1/studio-directory/"): "the public directory of named studios (issue 5)",
    ("GET", "/api/v1/studio-directory/{id}/"): "one studio of the public directory",
    ("GET", "/api/v1/studio-directory/export/"): "the public directory as CSV/XLSX",
    ("GET", "/api/v1/results-notices/"): "the results notices (公示) are public (issue 13)",
    ("GET", "/api/v1/results-notices/{id}/"): "one public results notice with its versions",
    ("GET", "/api/v1/certificate-verification/"): "anyone verifies a certificate number (issue 13)",
}

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _route_id(route: tuple[str, str]) -> str:
    method, path = route
    return f"{method} {path.removeprefix('/api/v1')}"


@dataclass
class Demo:
    ids: dict[str, dict[str, int]]  # who -> {path key -> id}
    users: dict[str, User]


def _ids_for(who: str, user: User) -> dict[str, int]:
    """A real id for each path, chosen so that the caller can see the object where their role
    allows it (so the request reaches the serializer and the service, not just a 404)."""
    from accounts.models import Organisation
    from finals.models import LiveSession, PanelDraw, PanelMember
    from incubator.models import Incubation, IncubationReport, Milestone, SupportRecord
    from innovation.enums import StudioState
    from innovation.models import Studio, StudioApplication, StudioAssessment, StudioAttachment
    from jobs.models import Job
    from notifications.models import Notice
    from projects.models import Attachment, Category, Contest, Entry
    from reviews.models import (
        Assignment,
        Award,
        PoolMember,
        Review,
        ReviewerConflict,
        Round,
        RoundEntry,
    )

    org = user.organisation_id
    mine = {"organisation_id": org} if org else {}

    def first(qs, **scope):
        row = qs.filter(**scope).order_by("pk").first() if scope else None
        return (row or qs.order_by("pk").first()).pk

    assignment = Assignment.objects.filter(reviewer=user, round__state="open").first() or (
        Assignment.objects.filter(round__state="open").first()
    )
    studio_scope = {"studio__organisation_id": org} if org else {}
    entry_scope = {"entry__organisation_id": org} if org else {}
    inc_scope = {"incubation__organisation_id": org} if org else {}
    own_notice = Notice.objects.filter(recipient=user).first() or Notice.objects.first()
    return {
        "organisations": org or first(Organisation.objects),
        "users": user.pk,
        "reviewers": _profile_id(user),
        "contests": first(Contest.objects.exclude(state="draft")),
        "categories": first(Category.objects),
        "entries": first(Entry.objects, **mine),
        "attachments": first(Attachment.objects, **entry_scope),
        "review-rounds": first(Round.objects.filter(published_at__isnull=False)),
        "jobs": first(Job.objects),
        "reviewer-pool": first(PoolMember.objects),
        "reviewer-conflicts": first(ReviewerConflict.objects),
        "review-assignments": first(Assignment.objects),
        "my-assignments": assignment.pk,
        "my-assignments/attachment": first(Attachment.objects, entry=assignment.entry),
        "reviews": first(Review.objects),
        "round-outcomes": first(
            RoundEntry.objects.filter(round__published_at__isnull=False), **entry_scope
        ),
        "awards": first(Award.objects, **entry_scope),
        "studios": first(Studio.objects, **mine),
        "studios/attachment": first(StudioAttachment.objects, **studio_scope),
        "studio-applications": first(StudioApplication.objects, **studio_scope),
        "studio-assessments": first(StudioAssessment.objects, **studio_scope),
        "studio-directory": first(Studio.objects.filter(state=StudioState.NAMED)),
        "incubations": first(Incubation.objects, **mine),
        "incubation-milestones": first(Milestone.objects, **inc_scope),
        "incubation-support": first(SupportRecord.objects, **inc_scope),
        "incubation-reports": first(IncubationReport.objects, **inc_scope),
        "notices": own_notice.pk,
        "notice-deliveries": first(Notice.objects),
        **_publicity_ids(mine),
        # the live final (finals/, issue 14): seated in seed_matrix_data
        "panel-draws": first(PanelDraw.objects),
        "panel-members": first(PanelMember.objects),
        "live-sessions": first(LiveSession.objects),
    }


def _publicity_ids(mine: dict) -> dict[str, int]:
    from certificates.models import Certificate
    from publicity.models import Objection, ResultsNotice

    return {
        "results-notices": ResultsNotice.objects.order_by("pk").first().pk,
        "objections": Objection.objects.order_by("pk").first().pk,
        "certificates": (
            Certificate.objects.filter(**mine).order_by("pk").first()
            or Certificate.objects.order_by("pk").first()
        ).pk,
    }


def _seed_publicity(users: dict[str, User], finalized) -> None:
    """A published results notice of the demo's awards, with one objection against it."""
    from publicity import services as publicity
    from tests.factories.publicity import objection_data, scan_upload

    notice = publicity.notice_create(
        actor=users["union_zhang"],
        contest=finalized.contest,
        round=finalized,
        title="获奖公示",
        contact="经济技术部",
    )
    notice = publicity.notice_publish(actor=users["union_zhang"], notice=notice)
    entry_id = notice.versions.get().rows[0]["entry"]
    data = objection_data(type("E", (), {"pk": entry_id}))
    publicity.objection_submit(notice=notice, scan=scan_upload(), **data)
    # A second notice of the same round, final (its period forced over), with its certificates.
    from certificates.services import certificates_issue
    from publicity.models import ResultsNotice
    from tests.factories.publicity import make_notice

    final = make_notice(actor=users["union_zhang"], round_=finalized, title="已确定的公示")
    ResultsNotice.objects.filter(pk=final.pk).update(ends_at=final.published_at)
    publicity.notice_finalize(actor=users["union_zhang"], notice=final)
    certificates_issue(contest=finalized.contest, actor=users["union_zhang"])


def _profile_id(user: User) -> int:
    from accounts.models import ReviewerProfile

    own = ReviewerProfile.objects.filter(user=user).first()
    return (own or ReviewerProfile.objects.order_by("pk").first()).pk


def seed_matrix_data() -> dict[str, User]:
    """The demo data plus what it lacks for a full matrix: an award, studio files, and notices
    in the enterprise members' inboxes."""
    from innovation.models import Studio
    from innovation.services import studio_attachment_add
    from reviews.models import Round, RoundEntry
    from reviews.services import award_grant
    from tests.factories.notifications import NoticeFactory

    call_command("seed_demo", stdout=io.StringIO())
    users = {
        name: User.objects.get(username=name)
        for name in ("admin", "union_zhang", "incubator_li", "dongfeng", "hanjiang", "expert01")
    }
    finalized = Round.objects.get(state="finalized")
    for member in ("dongfeng", "hanjiang"):
        org = users[member].organisation_id
        # Awards from a round that advances entries go to entries that did not advance.
        outcome = (
            RoundEntry.objects.filter(round=finalized, entry__organisation_id=org)
            .exclude(advanced=True)
            .first()
        )
        award_grant(
            round=finalized, entry=outcome.entry, tier="excellence", actor=users["union_zhang"]
        )
        for studio in Studio.objects.filter(organisation_id=org):
            studio_attachment_add(
                actor=users[member],
                studio=studio,
                upload=SimpleUploadedFile("成果.pdf", PDF, content_type="application/pdf"),
            )
        NoticeFactory(recipient=users[member])
    _seed_publicity(users, finalized)
    # A live final with a seated panel (the demo data has none yet).
    from tests.factories.finals import make_final, seat_final

    seat_final(make_final())
    return users


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        users = seed_matrix_data()
        ids = {who: _ids_for(who, user) for who, user in users.items()}
        yield Demo(ids=ids, users=users)
        transaction.set_rollback(True)


def concrete(path: str, ids: dict[str, int]) -> str:
    """Fill ``{id}``, ``{attachment_id}`` and ``{kind}`` with real values."""
    resource = path.removeprefix("/api/v1/").split("/")[0]
    url = path
    if "{id}" in url:
        url = url.replace("{id}", str(ids[resource]))
    if "{attachment_id}" in url:
        url = url.replace("{attachment_id}", str(ids[f"{resource}/attachment"]))
    return url.replace("{kind}", "scoreboard")


def client_of(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def assert_error_shape(response) -> None:
    """Any 4xx/5xx is JSON ``{code, detail, fields}``: code and detail strings, fields a dict."""
    if response.status_code < 400:
        return
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}, body
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["fields"], dict)


def _request_fields(method: str, path: str) -> list[str]:
    body = SCHEMA["paths"][path][method.lower()].get("requestBody")
    if not body:
        return []
    content = body["content"]
    media = content.get("application/json") or next(iter(content.values()))
    ref = media["schema"].get("$ref", "")
    component = SCHEMA["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    return list(component.get("properties", {}))


def _query_params(path: str) -> list[str]:
    parameters = SCHEMA["paths"][path]["get"].get("parameters", [])
    return [p["name"] for p in parameters if p["in"] == "query"]


# --- (a) anonymous: 401 except the public routes -------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_anonymous_caller_is_refused_except_on_public_routes(demo, db, route):
    method, path = route
    response = client_of(None).generic(
        method, concrete(path, demo.ids["admin"]), "{}", content_type="application/json"
    )
    assert_error_shape(response)
    if route in PUBLIC:
        assert response.status_code != 401, response.content
        assert response.status_code < 500
    else:
        assert response.status_code == 401, (response.status_code, response.content)


def test_public_exceptions_are_real_routes():
    """A renamed route must not silently leave a stale exception behind."""
    assert set(PUBLIC) <= set(ROUTES)


# --- (b) + (c) signed in: malformed input is a 4xx with the error shape, never a 500 -------------

CALLERS = ("admin", "dongfeng", "expert01")


def _malformed_bodies(method: str, path: str) -> list[tuple[str, str]]:
    fields = _request_fields(method, path)
    wrong = {name: {"unexpected": [[None]]} for name in fields} or {"x": {"y": [1]}}

    return [
        ("empty object", "{}"),
        ("wrong-typed values", json.dumps(wrong)),
        ("a list, not an object", json.dumps([1, "two", None])),
        ("strings everywhere", json.dumps(dict.fromkeys(fields or ["x"], "§not-a-value§"))),
        ("not JSON", "{this is not json"),
    ]


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("route", WRITE_ROUTES, ids=_route_id)
def test_malformed_body_is_a_4xx_with_the_error_shape(demo, db, route, who):
    method, path = route
    client = client_of(demo.users[who])
    url = concrete(path, demo.ids[who])
    for label, body in _malformed_bodies(method, path):
        # Each body against the data as seeded (an accepted `{}` must not change what the next
        # body meets).
        with transaction.atomic():
            response = client.generic(method, url, body, content_type="application/json")
            transaction.set_rollback(True)
        assert response.status_code < 500, (label, response.status_code, response.content[:500])
        assert_error_shape(response)
    if _is_multipart(method, path):
        # Upload routes answer 415 to JSON; feed them malformed forms too.
        fields = _request_fields(method, path)
        for label, form in [
            ("empty form", {}),
            ("text where ids and files belong", dict.fromkeys(fields, "§x§")),
            ("a file everywhere", {name: _junk_file() for name in fields}),
        ]:
            with transaction.atomic():
                response = client.generic(method, url, **_multipart(form))
                transaction.set_rollback(True)
            assert response.status_code < 500, (label, response.status_code, response.content)
            assert_error_shape(response)


def _is_multipart(method: str, path: str) -> bool:
    body = SCHEMA["paths"][path][method.lower()].get("requestBody") or {}
    return "multipart/form-data" in body.get("content", {}) and (
        "application/json" not in body["content"]
    )


def _junk_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")


def _multipart(form: dict) -> dict:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, form), "content_type": MULTIPART_CONTENT}


@pytest.mark.parametrize("who", CALLERS)
@pytest.mark.parametrize("route", READ_ROUTES, ids=_route_id)
def test_reads_with_nonsense_parameters_never_500(demo, db, route, who):
    method, path = route
    client = client_of(demo.users[who])
    url = concrete(path, demo.ids[who])
    plain = client.get(url)
    assert plain.status_code < 500, plain.content[:500]
    assert_error_shape(plain)
    params = _query_params(path)
    if params:
        nonsense = dict.fromkeys(params, "§x§")
        response = client.get(url, nonsense)
        assert response.status_code < 500, (response.status_code, response.content[:500])
        assert_error_shape(response)


def test_every_route_has_a_concrete_url(demo, db):
    """The id table covers every resource the schema names (guards the matrix itself)."""
    for _, path in ROUTES:
        url = concrete(path, demo.ids["admin"])
        assert not re.search(r"{\w+}", url), url
