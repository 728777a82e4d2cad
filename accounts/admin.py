from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from knox.models import AuthToken as KnoxAuthToken

from accounts.models import (
    ApiToken,
    ExpertiseField,
    Organisation,
    ReviewerProfile,
    RoleGrant,
    User,
)
from core.admin import ReadOnlyAdmin, ReadOnlyTabularInline


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "credit_code", "org_type", "district", "is_active")
    list_filter = ("district", "org_type", "is_active")
    search_fields = ("name", "credit_code")


class RoleGrantInline(ReadOnlyTabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "organisation", "is_active", "is_staff")
    list_filter = ("role_grants__role", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    list_select_related = ("organisation",)
    inlines = [RoleGrantInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Product", {"fields": ("full_name", "phone", "language", "organisation")}),
    )
    # Roles, organisation and the staff flags follow rules of accounts.services.user_update (a
    # member belongs to one organisation, roles must fit it, staff flags follow roles): the admin
    # shows them; contact details, activity and the password stay editable here.
    readonly_fields = (
        "username",
        "organisation",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "last_login",
        "date_joined",
    )

    def has_add_permission(self, request):
        return False  # users are created with their roles by accounts.services.user_create

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExpertiseField)
class ExpertiseFieldAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(ReadOnlyAdmin):
    list_display = ("user", "title", "employer", "max_load", "is_active")
    list_filter = ("is_active", "expertise")
    search_fields = ("user__username", "user__full_name", "title")
    autocomplete_fields = ("user", "employer")
    filter_horizontal = ("expertise",)
    list_select_related = ("user", "employer")


# knox registers its own (swapped out, table-less) AuthToken model; ours replaces it.
if admin.site.is_registered(KnoxAuthToken):
    admin.site.unregister(KnoxAuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued only by ``auth/token/`` (the key is shown once)."""

    list_display = ("token_key", "user", "device", "created", "expiry")
    search_fields = ("user__username", "device", "token_key")
    list_select_related = ("user",)
    fields = ("token_key", "user", "device", "created", "expiry")
    readonly_fields = fields
