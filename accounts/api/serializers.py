from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.credit_code import credit_code_errors
from accounts.enums import Language, Role
from accounts.models import ExpertiseField, Organisation, ReviewerProfile, User
from core.api import fields as core_fields
from core.exceptions import TooManyAttempts


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "credit_code",
            "org_type",
            "district",
            "address",
            "contact_name",
            "contact_phone",
            "contact_email",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness is checked by the service (409 with a clear message), not as a 400 here.
        extra_kwargs = {"credit_code": {"validators": []}}

    def validate_credit_code(self, value: str) -> str:
        value = value.strip().upper()
        errors = credit_code_errors(value)
        if errors:
            raise serializers.ValidationError(
                "Invalid unified social credit code: " + "; ".join(errors) + "."
            )
        return value


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "district"]


class ExpertiseFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertiseField
        fields = ["id", "code", "name"]


class UserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    organisation = OrganisationBriefSerializer(read_only=True, allow_null=True)
    # Blank for a user without one (the create and update bodies allow it).
    email = core_fields.EmailOrBlankField(read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "language",
            "organisation",
            "roles",
            "is_active",
            "date_joined",
            "last_login",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Role.choices)))
    def get_roles(self, obj: User) -> list[str]:
        # Uses the prefetched grants when the selector loaded them (no query per row).
        return sorted(g.role for g in obj.role_grants.all())


class UserCreateSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    full_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    language = serializers.ChoiceField(Language.choices, required=False)
    roles = serializers.ListField(child=serializers.ChoiceField(Role.choices), allow_empty=True)
    organisation = core_fields.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )


class UserUpdateSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, required=False)
    full_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    language = serializers.ChoiceField(Language.choices, required=False)
    is_active = serializers.BooleanField(required=False)
    roles = serializers.ListField(child=serializers.ChoiceField(Role.choices), required=False)
    organisation = core_fields.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )


class ReviewerProfileSerializer(serializers.ModelSerializer):
    user = core_fields.PrimaryKeyRelatedField(queryset=User.objects.all())
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    employer_name = serializers.CharField(
        source="employer.name", read_only=True, default=None, allow_null=True
    )
    expertise = core_fields.PrimaryKeyRelatedField(
        queryset=ExpertiseField.objects.all(), many=True, required=False
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(Language.choices), required=False
    )
    max_load = serializers.IntegerField(min_value=1, max_value=10000, required=False)

    class Meta:
        model = ReviewerProfile
        fields = [
            "id",
            "user",
            "full_name",
            "title",
            "employer",
            "employer_name",
            "expertise",
            "languages",
            "bio",
            "max_load",
            "is_active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class ReviewerSelfSerializer(ReviewerProfileSerializer):
    """What reviewers may change about themselves (not their employer, load or status).

    Declared fields ignore ``Meta.read_only_fields``, so the staff-only ones are declared again
    read-only here; the service refuses them too (``REVIEWER_STAFF_ONLY_FIELDS``)."""

    user = core_fields.PrimaryKeyRelatedField(read_only=True)
    max_load = serializers.IntegerField(read_only=True)

    class Meta(ReviewerProfileSerializer.Meta):
        read_only_fields = [
            "id",
            "user",
            "employer",
            "max_load",
            "is_active",
            "created_at",
            "updated_at",
        ]


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs):
        # The Django request, so that django-axes' lockout (per username) sees the same object
        # as on the web sign-in page and the admin.
        request = self.context.get("request")
        http_request = getattr(request, "_request", request)
        user = authenticate(
            request=http_request, username=attrs["username"], password=attrs["password"]
        )
        if user is None and getattr(http_request, "axes_locked_out", False):
            from accounts.lockout import locked_detail

            raise TooManyAttempts(locked_detail())
        if user is None:
            raise serializers.ValidationError(
                {"password": ["Unable to sign in with these credentials."]}
            )
        attrs["user"] = user
        return attrs


class TokenRequestSerializer(LoginSerializer):
    device = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="A name for this device (shown to the user and the admin); optional.",
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`.")
    expiry = serializers.DateTimeField(
        read_only=True, help_text="The token stops working at this time."
    )


class MeSerializer(UserSerializer):
    reviewer_profile = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "reviewer_profile"]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_reviewer_profile(self, obj: User) -> int | None:
        profile = getattr(obj, "reviewer_profile", None)
        return profile.pk if profile else None
