"""Parsing and rendering only: rules live in projects/services.py."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import OrganisationBriefSerializer
from accounts.models import ExpertiseField
from core.api import fields as core_fields
from core.models import AuditEvent
from core.transitions import allowed_targets
from projects.enums import (
    CONTEST_TRANSITIONS,
    AttachmentKind,
    ContestState,
    Honour,
    TeamRole,
)
from projects.models import Attachment, Category, Contest, Entry, TeamMember

# --- Contests and categories --------------------------------------------------------------------


class CategorySerializer(serializers.ModelSerializer):
    expertise = core_fields.PrimaryKeyRelatedField(
        queryset=ExpertiseField.objects.all(), many=True, required=False
    )

    class Meta:
        model = Category
        fields = ["id", "contest", "code", "name", "description", "expertise"]
        read_only_fields = ["id"]
        # Uniqueness is a 409 from the service, not a 400 here.
        validators = []


class CategoryUpdateSerializer(CategorySerializer):
    class Meta(CategorySerializer.Meta):
        read_only_fields = ["id", "contest"]


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name"]


class ContestSerializer(serializers.ModelSerializer):
    categories = CategoryBriefSerializer(many=True, read_only=True)
    allowed_states = serializers.SerializerMethodField()
    max_entries_per_org = serializers.IntegerField(min_value=1, max_value=1000, required=False)

    class Meta:
        model = Contest
        fields = [
            "id",
            "name",
            "edition",
            "year",
            "description",
            "registration_opens_at",
            "registration_closes_at",
            "max_entries_per_org",
            "state",
            "allowed_states",
            "categories",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "state", "created_at", "updated_at"]
        extra_kwargs = {
            "edition": {"validators": [], "min_value": 1},
            "year": {"min_value": 2000, "max_value": 2100},
        }

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(ContestState.choices)))
    def get_allowed_states(self, obj: Contest) -> list[str]:
        return allowed_targets(CONTEST_TRANSITIONS, obj.state)


class ContestTransitionSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(ContestState.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ContestMoveSerializer(serializers.Serializer):
    """The body of one contest move (``open/``, ``close/``, ...): an optional reason."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ContestBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contest
        fields = ["id", "name", "edition", "year", "state"]


# --- Entries -------------------------------------------------------------------------------------


class TeamMemberSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(TeamRole.choices, default=TeamRole.MEMBER)
    honour = serializers.ChoiceField(Honour.choices, required=False, allow_blank=True, default="")

    class Meta:
        model = TeamMember
        fields = ["name", "role", "job_title", "employer_name", "honour"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = [
            "id",
            "entry",
            "kind",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
        ]
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer):
    entry = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(AttachmentKind.choices)
    file = serializers.FileField(allow_empty_file=False, max_length=1000)


class EntryListSerializer(serializers.ModelSerializer):
    """A row of the entry list (fields loaded by ``entry_list_for``: no query per row)."""

    contest = ContestBriefSerializer(read_only=True)
    category = CategoryBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    leader_name = serializers.CharField(read_only=True, allow_null=True)
    leader_honour = serializers.ChoiceField(Honour.choices, read_only=True, allow_null=True)
    attachment_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Entry
        fields = [
            "id",
            "title",
            "contest",
            "category",
            "organisation",
            "state",
            "keywords",
            "leader_name",
            "leader_honour",
            "attachment_count",
            "submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# The entry list renders ``values()`` dicts, not model instances: on a 50-row page, building the
# instances and walking the nested serializers field by field cost more than the query. The
# JSON is exactly EntryListSerializer's (a test compares them); that serializer stays the
# documented schema.
ENTRY_LIST_VALUES = (
    "id",
    "title",
    "state",
    "keywords",
    "leader_name",
    "leader_honour",
    "attachment_count",
    "submitted_at",
    "created_at",
    "updated_at",
    "contest_id",
    "contest__name",
    "contest__edition",
    "contest__year",
    "contest__state",
    "category_id",
    "category__code",
    "category__name",
    "organisation_id",
    "organisation__name",
    "organisation__district",
)


def entry_list_rows(rows) -> list[dict]:
    """EntryListSerializer's representation of ``values(*ENTRY_LIST_VALUES)`` rows."""
    stamp = core_fields.datetime_representer()
    return [
        {
            "id": row["id"],
            "title": row["title"],
            "contest": {
                "id": row["contest_id"],
                "name": row["contest__name"],
                "edition": row["contest__edition"],
                "year": row["contest__year"],
                "state": row["contest__state"],
            },
            "category": {
                "id": row["category_id"],
                "code": row["category__code"],
                "name": row["category__name"],
            },
            "organisation": {
                "id": row["organisation_id"],
                "name": row["organisation__name"],
                "district": row["organisation__district"],
            },
            "state": row["state"],
            "keywords": row["keywords"],
            "leader_name": row["leader_name"],
            "leader_honour": row["leader_honour"],
            "attachment_count": row["attachment_count"],
            "submitted_at": stamp(row["submitted_at"]),
            "created_at": stamp(row["created_at"]),
            "updated_at": stamp(row["updated_at"]),
        }
        for row in rows
    ]


class EntryDetailSerializer(serializers.ModelSerializer):
    contest = ContestBriefSerializer(read_only=True)
    category = CategoryBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True)
    team = TeamMemberSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Entry
        fields = [
            "id",
            "title",
            "contest",
            "category",
            "organisation",
            "summary",
            "innovation_points",
            "expected_benefits",
            "keywords",
            "team",
            "attachments",
            "state",
            "submitted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EntryWriteSerializer(serializers.Serializer):
    """Input of create (contest and category required) and update (all optional)."""

    contest = core_fields.PrimaryKeyRelatedField(queryset=Contest.objects.all())
    category = core_fields.PrimaryKeyRelatedField(queryset=Category.objects.all())
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    innovation_points = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    expected_benefits = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    keywords = serializers.ListField(
        child=serializers.CharField(max_length=30), required=False, max_length=10
    )
    team = TeamMemberSerializer(many=True, required=False, max_length=15)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only contests the caller can see (never a draft one for enterprise members).
        request = self.context.get("request")
        if request is not None and "contest" in self.fields:
            from projects.selectors import contests_visible_to

            self.fields["contest"].queryset = contests_visible_to(request.user)

    def validate_keywords(self, value: list[str]) -> list[str]:
        # Keep order, drop blanks and duplicates.
        return list(dict.fromkeys(k.strip() for k in value if k.strip()))


class EntryUpdateSerializer(EntryWriteSerializer):
    contest = None
    category = core_fields.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False)
    title = serializers.CharField(max_length=200, required=False)


class EntryActionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AuditEventSerializer(serializers.ModelSerializer):
    # None for the system (deadline closing, sweeps).
    actor = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = AuditEvent
        fields = ["id", "created_at", "actor", "action", "from_state", "to_state", "reason", "data"]
        read_only_fields = fields
