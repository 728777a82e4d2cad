from django.contrib.auth import login, logout
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.authentication import CSRFCheck
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api import serializers as s
from accounts.enums import STAFF_ROLES, UNION_STAFF_ROLES, Role
from accounts.filters import OrganisationFilter, ReviewerProfileFilter, UserFilter
from accounts.models import ApiToken, ExpertiseField
from accounts.permissions import HasRole, ReadOnlyOrRole, has_any_role
from core.exceptions import ValidationFailed
from core.parsers import MultiPartParser

_STAFF = tuple(STAFF_ROLES)


def _enforce_csrf(request) -> None:
    """The CSRF check of Django's middleware, which DRF skips for views without session
    authentication: a cross-site form must not sign a browser in (login CSRF)."""
    check = CSRFCheck(lambda _request: None)
    check.process_request(request)
    reason = check.process_view(request, None, (), {})
    if reason:
        raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


class LoginView(APIView):
    """Session sign-in for browser clients (``GET`` gives the CSRF token the ``POST`` must send
    in ``X-CSRFToken`` with the ``csrftoken`` cookie). API clients use ``auth/token/``."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "login"

    def get_throttles(self):
        return super().get_throttles() if self.request.method == "POST" else []

    @extend_schema(
        request=None,
        responses=inline_serializer("CsrfToken", {"csrf_token": serializers.CharField()}),
    )
    def get(self, request):
        return Response({"csrf_token": get_token(request)})

    @extend_schema(request=s.LoginSerializer, responses=s.MeSerializer)
    def post(self, request):
        _enforce_csrf(request._request)
        serializer = s.LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        login(request, user)
        return Response(s.MeSerializer(user).data)


class TokenView(APIView):
    """Exchange a username and password for a new API token of one device
    (``Authorization: Token <key>``). Each call gives a new token; it expires (``expiry``) and
    stops working when the password changes."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (ScopedRateThrottle,)
    throttle_scope = "login"

    @extend_schema(request=s.TokenRequestSerializer, responses=s.TokenResponseSerializer)
    def post(self, request):
        serializer = s.TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, key = services.api_token_issue(
            user=serializer.validated_data["user"],
            device=serializer.validated_data.get("device", ""),
        )
        return Response(s.TokenResponseSerializer({"token": key, "expiry": token.expiry}).data)


class LogoutView(APIView):
    """Sign this device out: end the session, or revoke the token this request came with. The
    user's other devices stay signed in."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            services.api_token_revoke(token=request.auth)
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    permission_classes = (IsAuthenticated,)

    @extend_schema(responses=s.MeSerializer)
    def get(self, request):
        user = selectors.users_visible_to(request.user).get(pk=request.user.pk)
        return Response(s.MeSerializer(user).data)


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations. Staff see and manage all; a member sees only their own organisation."""

    serializer_class = s.OrganisationSerializer
    permission_classes = (ReadOnlyOrRole.of(*_STAFF),)
    filterset_class = OrganisationFilter
    ordering_fields = ["name", "district", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.organisations_visible_to(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.organisation_create(
            actor=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.organisation_update(
            actor=self.request.user, org=serializer.instance, data=serializer.validated_data
        )


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Users and their roles, managed by staff."""

    permission_classes = (HasRole.of(*_STAFF),)
    filterset_class = UserFilter
    ordering_fields = ["username", "date_joined"]
    ordering = ["username"]

    def get_queryset(self):
        return selectors.users_visible_to(self.request.user)

    def get_serializer_class(self):
        return {
            "create": s.UserCreateSerializer,
            "update": s.UserUpdateSerializer,
            "partial_update": s.UserUpdateSerializer,
        }.get(self.action, s.UserSerializer)

    @extend_schema(request=s.UserCreateSerializer, responses={201: s.UserSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.UserCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(actor=request.user, **serializer.validated_data)
        user = self.get_queryset().get(pk=user.pk)
        return Response(s.UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.UserUpdateSerializer, responses=s.UserSerializer)
    def update(self, request, *args, **kwargs):
        user = self.get_object()
        serializer = s.UserUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        services.user_update(actor=request.user, user=user, data=serializer.validated_data)
        return Response(s.UserSerializer(self.get_queryset().get(pk=user.pk)).data)


class ReviewerProfileViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Expert reviewers. Union staff manage the pool; a reviewer reads and edits their own
    profile (title, expertise, languages, biography)."""

    permission_classes = (HasRole.of(*UNION_STAFF_ROLES, Role.REVIEWER),)
    filterset_class = ReviewerProfileFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["id"]

    def get_queryset(self):
        return selectors.reviewer_profiles_visible_to(self.request.user)

    def get_serializer_class(self):
        if has_any_role(self.request.user, UNION_STAFF_ROLES):
            return s.ReviewerProfileSerializer
        return s.ReviewerSelfSerializer

    def create(self, request, *args, **kwargs):
        if not has_any_role(request.user, UNION_STAFF_ROLES):
            self.permission_denied(request, message="Only union staff add reviewers.")
        return super().create(request, *args, **kwargs)

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_sheet(self, request):
        """Create or update expert reviewers from an Excel sheet (姓名, 职称, 工作单位, 专业领域,
        手机, 邮箱). All or nothing: a 400 lists every bad row in ``fields.file``."""
        if not has_any_role(request.user, UNION_STAFF_ROLES):
            self.permission_denied(request, message="Only union staff import reviewers.")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                _("file: attach the .xlsx sheet."), fields={"file": [_("Required.")]}
            )
        result = services.experts_import(actor=request.user, file=upload)
        return Response(
            {"created": [u.pk for u in result.created], "updated": [u.pk for u in result.updated]},
            status=status.HTTP_201_CREATED,
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.reviewer_profile_save(
            actor=self.request.user, user=data.pop("user"), data=data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("user", None)
        serializer.instance = services.reviewer_profile_save(
            actor=self.request.user, user=serializer.instance.user, data=data
        )


class ExpertiseFieldViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    queryset = ExpertiseField.objects.all()
    serializer_class = s.ExpertiseFieldSerializer
    permission_classes = (ReadOnlyOrRole.of(*UNION_STAFF_ROLES),)
    filterset_fields = ["code"]
    ordering = ["code"]
    pagination_class = None

    def perform_create(self, serializer):
        serializer.instance = services.expertise_field_create(
            actor=self.request.user, **serializer.validated_data
        )
