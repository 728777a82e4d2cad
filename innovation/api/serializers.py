from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ExpertiseField, Organisation
from accounts.selectors import organisations_visible_to
from core.api import fields as core_fields
from innovation.enums import AssessmentRating, StudioLevel
from innovation.models import (
    Studio,
    StudioApplication,
    StudioAssessment,
    StudioAttachment,
    StudioMember,
    StudioReviewComment,
)
from innovation.selectors import studios_visible_to
from projects.enums import Honour

MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": Decimal("0")}
COUNT = {"min_value": 0, "max_value": 10_000_000}


class StudioFiguresMixin(serializers.Serializer):
    """The four achievement figures, refused when negative (400 naming the field)."""

    patents = serializers.IntegerField(required=False, **COUNT)
    innovations_adopted = serializers.IntegerField(required=False, **COUNT)
    economic_benefit = serializers.DecimalField(required=False, **MONEY)
    people_trained = serializers.IntegerField(required=False, **COUNT)


class StudioMemberSerializer(serializers.ModelSerializer):
    honour = serializers.ChoiceField(choices=Honour.choices, required=False, allow_blank=True)

    class Meta:
        model = StudioMember
        fields = ["name", "job_title", "honour"]


class StudioFieldBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertiseField
        fields = ["id", "code", "name"]


class StudioLatestApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.CharField()
    level = serializers.CharField()


class StudioSerializer(serializers.ModelSerializer):
    """A studio as its host and the staff see it (with private contact data)."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    district = serializers.CharField(source="organisation.district", read_only=True)
    field = StudioFieldBriefSerializer(read_only=True)
    # Empty until the studio is named at a level.
    level = serializers.ChoiceField(choices=StudioLevel.choices, allow_blank=True, read_only=True)
    latest_application = serializers.SerializerMethodField()

    class Meta:
        model = Studio
        fields = [
            "id",
            "name",
            "organisation",
            "organisation_name",
            "district",
            "field",
            "leader_name",
            "leader_job_title",
            "leader_honours",
            "founding_date",
            "description",
            "facilities",
            "contact_phone",
            "patents",
            "innovations_adopted",
            "economic_benefit",
            "people_trained",
            "state",
            "level",
            "named_on",
            "revocation_flagged_at",
            "revocation_flag_reason",
            "latest_application",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(StudioLatestApplicationSerializer(allow_null=True))
    def get_latest_application(self, obj: Studio) -> dict | None:
        # Annotated by the selector: no query per row.
        if getattr(obj, "latest_application_id", None) is None:
            return None
        return {
            "id": obj.latest_application_id,
            "state": obj.latest_application_state,
            "level": obj.latest_application_level,
        }


class StudioReviewCommentSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.full_name", read_only=True, default="")

    class Meta:
        model = StudioReviewComment
        fields = ["id", "author", "author_name", "body", "created_at"]
        read_only_fields = fields


class StudioApplicationSerializer(serializers.ModelSerializer):
    studio_name = serializers.CharField(source="studio.name", read_only=True)
    organisation = serializers.IntegerField(source="studio.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="studio.organisation.name", read_only=True)
    comments = StudioReviewCommentSerializer(many=True, read_only=True)

    class Meta:
        model = StudioApplication
        fields = [
            "id",
            "studio",
            "studio_name",
            "organisation",
            "organisation_name",
            "kind",
            "level",
            "state",
            "submitted_at",
            "decided_at",
            "decided_by",
            "decision_comment",
            "comments",
            "created_at",
        ]
        read_only_fields = fields


class StudioAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = StudioAttachment
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]
        read_only_fields = fields


class StudioDetailSerializer(StudioSerializer):
    members = StudioMemberSerializer(many=True, read_only=True)
    applications = StudioApplicationSerializer(many=True, read_only=True)
    attachments = StudioAttachmentSerializer(many=True, read_only=True)

    class Meta(StudioSerializer.Meta):
        fields = [*StudioSerializer.Meta.fields, "members", "applications", "attachments"]
        read_only_fields = fields


class StudioWriteSerializer(StudioFiguresMixin, serializers.Serializer):
    """Registration (all of it) and profile changes (any subset, PATCH)."""

    organisation = core_fields.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Host organisation; enterprise members may leave it out (their own).",
    )
    level = serializers.ChoiceField(
        choices=StudioLevel.choices, help_text="Level asked for in the first application."
    )
    name = serializers.CharField(max_length=200)
    field = core_fields.PrimaryKeyRelatedField(queryset=ExpertiseField.objects.all())
    leader_name = serializers.CharField(max_length=100)
    leader_job_title = serializers.CharField(max_length=100, required=False, allow_blank=True)
    leader_honours = serializers.ListField(
        child=serializers.ChoiceField(choices=Honour.choices), required=False, max_length=10
    )
    founding_date = core_fields.DateField()
    description = serializers.CharField(required=False, allow_blank=True)
    facilities = serializers.CharField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    members = StudioMemberSerializer(many=True, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        user = getattr(request, "user", None)
        # Only organisations the caller may see can be named: another's id is "does not exist".
        if user is not None:
            self.fields["organisation"].queryset = organisations_visible_to(user)
        if self.partial:
            self.fields.pop("organisation")
            self.fields.pop("level")


class DirectoryStudioSerializer(serializers.ModelSerializer):
    """A named studio as the public sees it: no contact data, no figures under review."""

    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    district = serializers.CharField(source="organisation.district", read_only=True)
    district_label = serializers.CharField(
        source="organisation.get_district_display", read_only=True
    )
    field = StudioFieldBriefSerializer(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Studio
        fields = [
            "id",
            "name",
            "level",
            "level_label",
            "organisation",
            "organisation_name",
            "district",
            "district_label",
            "field",
            "leader_name",
            "leader_job_title",
            "leader_honours",
            "founding_date",
            "named_on",
            "description",
            "facilities",
        ]
        read_only_fields = fields


class StudioApplicationOpenSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=StudioLevel.choices)


class StudioDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class StudioNameDecisionSerializer(StudioDecisionSerializer):
    named_on = core_fields.DateField(required=False, allow_null=True, default=None)


class StudioCommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField()


class StudioReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class StudioRemindResultSerializer(serializers.Serializer):
    reminded = serializers.IntegerField(help_text="Notices written (one per host member).")


class StudioAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class StudioAssessmentSerializer(serializers.ModelSerializer):
    studio_name = serializers.CharField(source="studio.name", read_only=True)
    organisation = serializers.IntegerField(source="studio.organisation_id", read_only=True)

    class Meta:
        model = StudioAssessment
        fields = [
            "id",
            "studio",
            "studio_name",
            "organisation",
            "year",
            "patents",
            "innovations_adopted",
            "economic_benefit",
            "people_trained",
            "summary",
            "state",
            "rating",
            "rating_comment",
            "filed_by",
            "filed_at",
            "rated_by",
            "rated_at",
        ]
        read_only_fields = fields


class StudioAssessmentCreateSerializer(StudioFiguresMixin, serializers.Serializer):
    studio = core_fields.PrimaryKeyRelatedField(queryset=Studio.objects.none())
    year = serializers.IntegerField(min_value=1990, max_value=2100)
    summary = serializers.CharField(required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["studio"].queryset = studios_visible_to(request.user)


class StudioRateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=AssessmentRating.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class StudioCountRowSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class StudioLevelCountSerializer(StudioCountRowSerializer):
    level = serializers.CharField()
    label = serializers.CharField()


class StudioDistrictCountSerializer(StudioCountRowSerializer):
    district = serializers.CharField()
    label = serializers.CharField()


class StudioFieldCountSerializer(StudioCountRowSerializer):
    field_code = serializers.CharField()
    field_name = serializers.CharField()


class StudioYearFiguresSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    reports = serializers.IntegerField()
    patents = serializers.IntegerField()
    innovations_adopted = serializers.IntegerField()
    economic_benefit = serializers.DecimalField(max_digits=20, decimal_places=2)
    people_trained = serializers.IntegerField()


class StudioStatisticsSerializer(serializers.Serializer):
    named_total = serializers.IntegerField()
    by_level = StudioLevelCountSerializer(many=True)
    by_district = StudioDistrictCountSerializer(many=True)
    by_field = StudioFieldCountSerializer(many=True)
    achievements_per_year = StudioYearFiguresSerializer(many=True)
