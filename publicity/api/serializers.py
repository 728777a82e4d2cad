from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import fields as core_fields
from projects.models import Contest, Entry
from publicity import selectors
from publicity.enums import Remedy
from publicity.models import NoticeVersion, Objection, ObjectionStep, ResultsNotice
from reviews.enums import AwardTier
from reviews.models import Round


class ResultsNoticeRowSerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.CharField()
    category = serializers.CharField()
    team = serializers.ListField(child=serializers.CharField())
    tier = serializers.CharField()
    tier_label = serializers.CharField()
    score = serializers.CharField(allow_null=True)


class ResultsNoticeVersionSerializer(serializers.ModelSerializer):
    rows = ResultsNoticeRowSerializer(many=True, read_only=True)

    class Meta:
        model = NoticeVersion
        fields = ["number", "rows", "reason", "created_at"]
        read_only_fields = fields


class ResultsNoticeSerializer(serializers.ModelSerializer):
    contest_name = serializers.CharField(source="contest.name", read_only=True)
    round_name = serializers.CharField(source="round.name", read_only=True, default=None)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    accepting_objections = serializers.SerializerMethodField()
    versions = ResultsNoticeVersionSerializer(many=True, read_only=True)

    class Meta:
        model = ResultsNotice
        fields = [
            "id",
            "contest",
            "contest_name",
            "round",
            "round_name",
            "title",
            "intro",
            "show_score",
            "working_days",
            "contact",
            "state",
            "state_label",
            "published_at",
            "period_last_day",
            "ends_at",
            "finalized_at",
            "accepting_objections",
            "versions",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_accepting_objections(self, obj) -> bool:
        return selectors.notice_accepts_objections(obj)


class ResultsNoticeCreateSerializer(serializers.Serializer):
    contest = core_fields.PrimaryKeyRelatedField(queryset=Contest.objects.all())
    round = core_fields.PrimaryKeyRelatedField(
        queryset=Round.objects.all(), allow_null=True, required=False
    )
    title = serializers.CharField(max_length=200)
    contact = serializers.CharField(max_length=300)
    working_days = serializers.IntegerField(min_value=1, max_value=30, default=5)
    show_score = serializers.BooleanField(default=False)
    intro = serializers.CharField(allow_blank=True, required=False, default="")
    entries = core_fields.PrimaryKeyRelatedField(
        queryset=Entry.objects.all(), many=True, required=False
    )


class ResultsNoticeUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    contact = serializers.CharField(max_length=300, required=False)
    working_days = serializers.IntegerField(min_value=1, max_value=30, required=False)
    show_score = serializers.BooleanField(required=False)
    intro = serializers.CharField(allow_blank=True, required=False)
    entries = core_fields.PrimaryKeyRelatedField(
        queryset=Entry.objects.all(), many=True, required=False
    )


class ObjectionStepSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.get_full_name", read_only=True, default="")

    class Meta:
        model = ObjectionStep
        fields = ["kind", "text", "from_state", "to_state", "actor_name", "created_at"]
        read_only_fields = fields


class ObjectionSerializer(serializers.ModelSerializer):
    entry_title = serializers.CharField(source="entry.title", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    # Empty until decided; then one of none, withdraw_award, change_tier.
    remedy = serializers.CharField(read_only=True)
    steps = ObjectionStepSerializer(many=True, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "notice",
            "entry",
            "entry_title",
            "name",
            "unit",
            "contact",
            "email",
            "reason",
            "scan_name",
            "scan_content_type",
            "scan_size",
            "state",
            "state_label",
            "submitted_at",
            "reply",
            "remedy",
            "decided_at",
            "steps",
        ]
        read_only_fields = fields


class ObjectionNoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)


class ObjectionAcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class ObjectionDecideSerializer(serializers.Serializer):
    upheld = serializers.BooleanField()
    reply = serializers.CharField(max_length=5000)
    remedy = serializers.ChoiceField(choices=Remedy.choices, default=Remedy.NONE)
    tier = serializers.ChoiceField(choices=AwardTier.choices, required=False, default="")
    public_reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Shown on the notice's new version (the reply goes to the objector only); "
        "empty: a neutral sentence saying what changed.",
    )
