from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ExpertiseField, Organisation
from projects.enums import AttachmentKind, ContestState, EntryState, Honour, TeamRole


class Contest(models.Model):
    """One edition of the worker innovation & entrepreneurship contest (职工创新创业大赛)."""

    name = models.CharField(_("name"), max_length=200)
    edition = models.PositiveSmallIntegerField(_("edition"))
    year = models.PositiveSmallIntegerField(_("year"))
    description = models.TextField(_("description"), blank=True)
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    max_entries_per_org = models.PositiveSmallIntegerField(_("entries per organisation"), default=3)
    state = models.CharField(
        max_length=16, choices=ContestState.choices, default=ContestState.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "-edition"]
        constraints = [
            models.UniqueConstraint(fields=["edition"], name="unique_contest_edition"),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="contest_registration_window_ordered",
            ),
        ]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A track of a contest (innovation group, entrepreneurship group, an industry field).
    ``expertise`` says which reviewer fields match entries of this category."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(max_length=64)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    expertise = models.ManyToManyField(ExpertiseField, related_name="categories", blank=True)

    class Meta:
        ordering = ["contest_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="unique_category_code")
        ]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """A project an organisation submits to a contest (参赛项目)."""

    # contest and organisation lead the composite indexes below; indexes of their own would be
    # two more to rewrite on every state move (100,000 at a provincial confirm or finalize).
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="entries")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    innovation_points = models.TextField(_("innovation points"), blank=True)
    expected_benefits = models.TextField(_("expected benefits"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    # Not indexed alone: the composite indexes below lead with contest or organisation, and an
    # index on a column of five values serves no query while every state move must update it.
    state = models.CharField(max_length=16, choices=EntryState.choices, default=EntryState.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["contest", "state", "category"]),
            models.Index(fields=["organisation", "contest", "state"]),
            models.Index(fields=["contest", "submitted_at"]),
            # Staff order a contest's entries by title; without it PostgreSQL sorts 100,000 rows.
            models.Index(fields=["contest", "title"], name="projects_entry_contest_title"),
        ]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")

    def __str__(self) -> str:
        return self.title


class EntrySearchText(models.Model):
    """The searched words of an entry (title and summary), apart from the entry's own row.

    The keyword search (``projects.filters.EntryFilter.filter_q``) reads the trigram indexes of
    this table. Were they on ``projects_entry``, every state move of an entry (a provincial
    round's confirm and finalize move 100,000 at once) would write a new version of each row into
    them: in PostgreSQL an UPDATE that is not HOT adds an entry to every index of the table, and a
    trigram index of a summary costs more than all the other indexes together (8.5 s -> 4.0 s for
    100,000 moves without it). Here a row changes only when its title or summary does.

    On PostgreSQL a trigger of ``projects_entry`` keeps the rows (migration 0004), for every way an
    entry is written: the services, bulk inserts, COPY. Other databases (SQLite under ``make run``)
    have no trigram search; there the filter reads the entry's own columns and this table stays
    empty.
    """

    entry = models.OneToOneField(
        Entry, primary_key=True, on_delete=models.CASCADE, related_name="search_text"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)

    class Meta:
        verbose_name = _("entry search text")
        verbose_name_plural = _("entry search texts")

    def __str__(self) -> str:
        return self.title


class TeamMember(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(max_length=16, choices=TeamRole.choices, default=TeamRole.MEMBER)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    honour = models.CharField(max_length=32, choices=Honour.choices, blank=True, default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["entry_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(role="leader"),
                name="one_leader_per_entry",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Attachment(models.Model):
    """A file of an entry, stored under a random name in PRIVATE_MEDIA_ROOT and served only through
    a permission-checked view."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(max_length=16, choices=AttachmentKind.choices)
    original_name = models.CharField(max_length=200)
    storage_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry_id", "uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name
