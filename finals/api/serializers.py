from rest_framework import serializers

from core.api import fields as core_fields
from finals.models import LiveSession, LiveSlot, PanelDraw, PanelMember
from reviews.models import Round


class PanelMemberSerializer(serializers.ModelSerializer):
    reviewer_name = serializers.CharField(source="reviewer.__str__", read_only=True)
    field_name = serializers.CharField(source="field.name", read_only=True)

    class Meta:
        model = PanelMember
        fields = (
            "id",
            "draw",
            "reviewer",
            "reviewer_name",
            "field",
            "field_name",
            "status",
            "draw_position",
            "reserve_position",
            "replaces",
            "responded_at",
            "note",
            "seat",
            "pledged_at",
        )
        read_only_fields = fields


class PanelDrawSerializer(serializers.ModelSerializer):
    members = PanelMemberSerializer(many=True, read_only=True)
    seats = serializers.IntegerField(read_only=True)

    class Meta:
        model = PanelDraw
        fields = (
            "id",
            "round",
            "state",
            "per_field",
            "reserves_per_field",
            "avoid_own_employer",
            "avoid_declared",
            "avoid_same_district",
            "avoid_same_union",
            "seats",
            "seed",
            "algorithm",
            "result",
            "drawn_at",
            "seated_at",
            "members",
        )
        read_only_fields = ("state", "seed", "algorithm", "result", "drawn_at", "seated_at")


class PanelDrawCreateSerializer(serializers.Serializer):
    round = core_fields.PrimaryKeyRelatedField(queryset=Round.objects.all())
    per_field = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=50))
    reserves_per_field = serializers.IntegerField(min_value=0, max_value=20, default=1)
    avoid_own_employer = serializers.BooleanField(default=True)
    avoid_declared = serializers.BooleanField(default=True)
    avoid_same_district = serializers.BooleanField(default=False)
    avoid_same_union = serializers.BooleanField(default=False)


class DrawRunSerializer(serializers.Serializer):
    seed = serializers.IntegerField(
        min_value=0, max_value=2**62, required=False, allow_null=True, default=None
    )


class SeatSerializer(serializers.Serializer):
    order = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    anonymise = serializers.BooleanField(default=True)
    draw_order = serializers.BooleanField(
        default=False, help_text="Draw the presentation order by lot with the draw's seed."
    )


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class SignInCodeSerializer(serializers.Serializer):
    url = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ReplaySerializer(serializers.Serializer):
    matches = serializers.BooleanField()


class LiveSlotSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="entry.title", read_only=True)

    class Meta:
        model = LiveSlot
        fields = (
            "id",
            "position",
            "entry",
            "title",
            "state",
            "blanked",
            "opened_at",
            "closed_at",
            "revealed_at",
            "final_score",
            "result",
        )
        read_only_fields = fields


class LiveSessionSerializer(serializers.ModelSerializer):
    slots = LiveSlotSerializer(many=True, read_only=True)

    class Meta:
        model = LiveSession
        fields = ("id", "round", "draw", "anonymise", "version", "slots")
        read_only_fields = fields


class SlotMoveSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class ScoreSerializer(serializers.Serializer):
    slot = serializers.IntegerField(min_value=1)
    scores = serializers.DictField(child=serializers.CharField(max_length=20, allow_blank=True))


class ScoreResultSerializer(serializers.Serializer):
    slot = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=7, decimal_places=3)
    scores = serializers.DictField(child=serializers.CharField())
    created = serializers.BooleanField()


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class RecordedSerializer(serializers.Serializer):
    written = serializers.IntegerField()
    skipped = serializers.IntegerField()
