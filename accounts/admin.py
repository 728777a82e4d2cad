from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import ExpertiseField, Organisation, ReviewerProfile, RoleGrant, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "org_type", "district", "is_active")
    list_filter = ("district", "org_type", "is_active")
    search_fields = ("name", "credit_code")


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "organisation", "is_active", "is_staff")
    list_filter = ("role_grants__role", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)
    inlines = [RoleGrantInline]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Product", {"fields": ("full_name", "phone", "language", "organisation")}),
    )


@admin.register(ExpertiseField)
class ExpertiseFieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(ReviewerProfile)
class ReviewerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "employer", "max_load", "is_active")
    list_filter = ("is_active", "expertise")
    search_fields = ("user__username", "user__full_name", "title")
    autocomplete_fields = ("user", "employer")
    filter_horizontal = ("expertise",)
    list_select_related = ("user", "employer")
