"""Dates, times, ids and text that the database cannot store or that are not what they claim
are a 400 naming the field (core.bounds, core.api.fields, core.filters, core.parsers)."""

import importlib

import pytest
from rest_framework import serializers

from core.api import fields as core_fields
from projects.models import Contest, Entry
from tests.factories.projects import CategoryFactory, ContestFactory, EntryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "param,value",
    [
        ("submitted_before", "2026-01-01T00:00:00-16:00"),
        ("submitted_after", "2026-01-01T00:00:00+15:30"),
        ("submitted_after", "0103-01-01T00:00:00"),
        ("submitted_before", "9999-12-31T23:59:59-10:00"),
    ],
)
def test_entry_datetime_filter_out_of_range_is_400(staff_client, param, value):
    response = staff_client.get("/api/v1/entries/", {param: value})
    assert response.status_code == 400, response.content
    assert param in response.json()["fields"]


def test_entry_datetime_filter_in_range_is_200(staff_client):
    response = staff_client.get(
        "/api/v1/entries/", {"submitted_after": "2026-01-01T00:00:00+14:00"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["2026-01-01", "1899-12-31", "3000-01-01"])
def test_incubation_date_filter_bounds(incubator_client, value):
    response = incubator_client.get("/api/v1/incubations/", {"started_from": value})
    assert response.status_code == (200 if value == "2026-01-01" else 400)


def _contest_payload(**overrides):
    data = {
        "name": "第九届职工创新创业大赛",
        "edition": 9,
        "year": 2026,
        "registration_opens_at": "2026-03-01T00:00:00+08:00",
        "registration_closes_at": "2026-05-01T00:00:00+08:00",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "value", ["0103-03-01T00:00:00+08:00", "2026-03-01T00:00:00-16:00", "0001-01-01T00:00:00+08:00"]
)
def test_contest_datetime_field_out_of_range_is_400(staff_client, value):
    response = staff_client.post(
        "/api/v1/contests/", _contest_payload(registration_opens_at=value), format="json"
    )
    assert response.status_code == 400, response.content
    assert "registration_opens_at" in response.json()["fields"]
    assert not Contest.objects.exists()


def test_contest_datetime_field_in_range_is_201(staff_client):
    response = staff_client.post("/api/v1/contests/", _contest_payload(), format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("fraction", [0.5, 0.25])
def test_entry_non_integral_contest_id_is_400(member_client, fraction):
    contest = ContestFactory()
    category = CategoryFactory(contest=contest)
    # Before the fix, 2.5 was taken as contest 2: the id here is that of a real contest.
    response = member_client.post(
        "/api/v1/entries/",
        {"contest": contest.pk + fraction, "category": category.pk, "title": "换电站锁止机构"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "contest" in response.json()["fields"]
    assert not Entry.objects.exists()


def test_text_loses_bidi_overrides_and_noncharacters(member_client, member):
    contest = ContestFactory()
    category = CategoryFactory(contest=contest)
    response = member_client.post(
        "/api/v1/entries/",
        {
            "contest": contest.pk,
            "category": category.pk,
            "title": "换电站\u202eexe.fdp\u202c锁止机构\uffff",
            "summary": "\u2066摘要\u2069\ufdd0",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    entry = Entry.objects.get(pk=response.json()["id"])
    assert entry.title == "换电站exe.fdp锁止机构"
    assert entry.summary == "摘要"


def test_form_text_loses_bidi_overrides(member_client, member):
    entry = EntryFactory(organisation=member.organisation)
    response = member_client.post(
        "/api/v1/attachments/",
        {"entry": entry.pk, "kind": "plan", "description": "计划\u202e书"},
        format="multipart",
    )
    # No file: refused, but the text of the form was cleaned before any field saw it.
    assert response.status_code == 400


_API_SERIALIZER_MODULES = [
    "accounts.api.serializers",
    "projects.api.serializers",
    "reviews.api.serializers",
    "innovation.api.serializers",
    "incubator.api.serializers",
]


def _declared_fields():
    for module_name in _API_SERIALIZER_MODULES:
        module = importlib.import_module(module_name)
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, serializers.BaseSerializer):
                if obj.__module__ != module_name:
                    continue
                try:
                    fields = obj().fields
                except Exception:  # noqa: BLE001 - a serializer needing context: declared only
                    fields = getattr(obj, "_declared_fields", {})
                for name, field in fields.items():
                    yield f"{obj.__name__}.{name}", field


def test_every_api_serializer_uses_the_bounded_strict_fields():
    plain = {
        serializers.DateTimeField: core_fields.DateTimeField,
        serializers.DateField: core_fields.DateField,
        serializers.PrimaryKeyRelatedField: core_fields.PrimaryKeyRelatedField,
    }
    offenders = []
    for name, field in _declared_fields():
        child = getattr(field, "child_relation", None) or getattr(field, "child", None)
        for f in (field, child):
            if f is not None and type(f) in plain and not f.read_only:
                offenders.append(name)
    assert offenders == []


def test_documented_download_types_are_the_accepted_upload_types():
    from core.exports import ATTACHMENT_MEDIA_TYPES
    from core.storage import ACCEPTED_TYPES

    assert set(ATTACHMENT_MEDIA_TYPES) == set(ACCEPTED_TYPES)
