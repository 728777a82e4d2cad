from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from accounts.credit_code import validate_credit_code
from accounts.enums import District, Language, OrganisationType, Role


class Organisation(models.Model):
    """An enterprise or other unit with a grassroots union: submits entries, hosts studios, employs
    reviewers."""

    name = models.CharField(_("name"), max_length=200, db_index=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
        help_text=_("18 characters, GB 32100-2015, with its check character."),
    )
    org_type = models.CharField(
        _("type"), max_length=32, choices=OrganisationType.choices, default="enterprise"
    )
    district = models.CharField(_("district"), max_length=32, choices=District.choices)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_code=Upper("credit_code")),
                name="organisation_credit_code_upper",
            )
        ]
        indexes = [models.Index(fields=["district", "org_type"])]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person. ``organisation`` is set for enterprise members (one organisation at most)."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        default=Language.ZH_HANS,
        choices=Language.choices,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    # Set when someone else issued the password (staff created the account or reset it, the demo
    # seeder); the pages then prompt the user to choose their own. Cleared by a password change.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def role_set(self) -> frozenset[str]:
        """The user's roles, loaded once per instance (one query)."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            if not self.pk:
                return frozenset()
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._role_cache = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    def forget_roles(self) -> None:
        self.__dict__.pop("_role_cache", None)


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]
        indexes = [models.Index(fields=["role"])]
        verbose_name = _("role grant")

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class ExpertiseField(models.Model):
    """A field of expertise (e.g. 新能源汽车). Reviewers declare them; contest categories and entry
    keywords map to them, which is how assignment measures a match."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("expertise field")

    def __str__(self) -> str:
        return self.name


class ReviewerProfile(models.Model):
    """An expert reviewer's standing data. The employer drives automatic avoidance (回避)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="reviewer_profile")
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="employed_reviewers",
    )
    expertise = models.ManyToManyField(ExpertiseField, related_name="reviewers", blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    max_load = models.PositiveIntegerField(
        _("default maximum load"), default=30, help_text=_("Entries per round, at most.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("reviewer profile")

    def __str__(self) -> str:
        return f"{self.user} ({self.title})" if self.title else str(self.user)


class ApiToken(AbstractAuthToken):
    """An API token of one device (django-rest-knox: only a hash is stored, each has an expiry).

    ``password_fingerprint`` is the user's session hash when the token was issued (an HMAC of the
    password hash, as Django's sessions keep): a password change by any path (the API, the Django
    admin, a web page, ``changepassword``) changes it, and the token stops working
    (``accounts.authentication.TokenAuthentication``)."""

    device = models.CharField(_("device"), max_length=100, blank=True)
    password_fingerprint = models.CharField(max_length=128)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
