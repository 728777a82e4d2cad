from django.contrib import admin

from certificates.models import Certificate
from core.admin import ReadOnlyAdmin


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("number", "contest", "organisation_name", "tier_label", "issued_at")
    exclude = ("pdf",)
