from django.contrib import admin

from core.admin import ReadOnlyAdmin
from publicity.models import NoticeVersion, Objection, ObjectionMail, ResultsNotice


@admin.register(ResultsNotice)
class ResultsNoticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "contest", "round", "state", "published_at", "ends_at")
    list_filter = ("state",)


@admin.register(NoticeVersion)
class NoticeVersionAdmin(ReadOnlyAdmin):
    list_display = ("notice", "number", "created_at")


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("notice", "entry", "name", "unit", "state", "submitted_at")
    list_filter = ("state",)


@admin.register(ObjectionMail)
class ObjectionMailAdmin(ReadOnlyAdmin):
    list_display = ("objection", "to", "state", "attempts", "sent_at")
