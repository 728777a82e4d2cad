"""Read-only admin (core.admin): writes go through finals.services."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin
from finals.models import LiveScore, LiveSession, LiveSlot, PanelDraw, PanelMember, SignInCode

for model in (PanelDraw, PanelMember, LiveSession, LiveSlot, LiveScore):
    admin.site.register(model, ReadOnlyAdmin)


@admin.register(SignInCode)
class SignInCodeAdmin(ReadOnlyAdmin):
    exclude = ("token_hash",)
    list_display = ("member", "created_at", "expires_at", "used_at", "revoked_at")
