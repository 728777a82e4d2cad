from rest_framework import serializers

from certificates.models import Certificate
from core.api import fields as core_fields
from projects.models import Contest


class CertificateSerializer(serializers.ModelSerializer):
    withdrawn = serializers.BooleanField(source="is_withdrawn", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "contest",
            "contest_name",
            "edition",
            "entry",
            "entry_title",
            "organisation",
            "organisation_name",
            "team",
            "tier",
            "tier_label",
            "awarded_on",
            "issued_at",
            "withdrawn",
        ]
        read_only_fields = fields


class CertificateVerificationSerializer(serializers.Serializer):
    """``known`` false: no certificate has this number (the other fields are then empty)."""

    number = serializers.CharField(allow_blank=True)
    known = serializers.BooleanField()
    valid = serializers.BooleanField()
    withdrawn = serializers.BooleanField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField(allow_blank=True)
    contest_name = serializers.CharField(allow_blank=True)
    edition = serializers.IntegerField(allow_null=True)
    entry_title = serializers.CharField(allow_blank=True)
    organisation_name = serializers.CharField(allow_blank=True)
    team = serializers.ListField(child=serializers.CharField())
    tier_label = serializers.CharField(allow_blank=True)
    awarded_on = serializers.DateField(allow_null=True)


class CertificateGenerateSerializer(serializers.Serializer):
    contest = core_fields.PrimaryKeyRelatedField(queryset=Contest.objects.all())
