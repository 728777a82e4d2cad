"""The live final (决赛): the panel drawn from the contest's pool, the sign-in codes of its
members, the live session that walks the finalists in presentation order, and the scores given
on the spot.

The final round itself, its rubric, its pool and its conflicts are ``reviews`` rows; the members
of a seated panel are reviewers of that round (``reviews.Assignment``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import ExpertiseField
from finals.enums import DrawState, MemberStatus, SlotState
from projects.models import Entry
from reviews.models import Round

User = settings.AUTH_USER_MODEL


class PanelDraw(models.Model):
    """A draw of the final's panel: the definition (experts per field, reserves, avoidance rules)
    and, once drawn, the recorded seed, the inputs it was drawn from and the outcome."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="panel_draws")
    state = models.CharField(max_length=16, choices=DrawState.choices, default=DrawState.DRAFT)
    per_field = models.JSONField(_("experts per field"), help_text=_("{field id: count}"))
    reserves_per_field = models.PositiveSmallIntegerField(_("reserves per field"), default=1)
    avoid_own_employer = models.BooleanField(_("avoid the employers of finalists"), default=True)
    avoid_declared = models.BooleanField(_("avoid declared conflicts"), default=True)
    avoid_same_district = models.BooleanField(_("avoid the finalists' districts"), default=False)
    avoid_same_union = models.BooleanField(_("avoid the finalists' industry unions"), default=False)
    seed = models.BigIntegerField(null=True, blank=True)
    algorithm = models.CharField(max_length=32, blank=True)
    # What the draw was made from (pool, finalists, conflicts) and what came out: enough to
    # replay it with the seed even after the pool changed.
    inputs = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    drawn_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    seated_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round"], condition=Q(state="seated"), name="one_seated_panel_per_round"
            ),
        ]
        verbose_name = _("panel draw")
        verbose_name_plural = _("panel draws")

    def __str__(self) -> str:
        return f"draw {self.pk} of round {self.round_id}"

    @property
    def rules(self) -> frozenset[str]:
        flags = {
            "own_employer": self.avoid_own_employer,
            "declared": self.avoid_declared,
            "same_district": self.avoid_same_district,
            "same_union": self.avoid_same_union,
        }
        return frozenset(rule for rule, on in flags.items() if on)

    @property
    def seats(self) -> int:
        return sum(int(n) for n in (self.per_field or {}).values())


class PanelMember(models.Model):
    """An expert drawn for the panel or held in reserve, and their answer. ``seat`` (1..N) is
    given when the panel is seated: the screen's 评委1…N."""

    draw = models.ForeignKey(PanelDraw, on_delete=models.CASCADE, related_name="members")
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="panel_seats")
    field = models.ForeignKey(ExpertiseField, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=MemberStatus.choices)
    reserve_position = models.PositiveSmallIntegerField(null=True, blank=True)
    draw_position = models.PositiveSmallIntegerField(default=0)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    seat = models.PositiveSmallIntegerField(null=True, blank=True)
    pledged_at = models.DateTimeField(null=True, blank=True)
    pledge_text = models.TextField(blank=True)
    pledge_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["draw_id", "seat", "field_id", "reserve_position", "draw_position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "reviewer"], name="unique_panel_member"),
            models.UniqueConstraint(
                fields=["draw", "seat"], condition=Q(seat__isnull=False), name="unique_panel_seat"
            ),
        ]
        verbose_name = _("panel member")

    def __str__(self) -> str:
        return f"{self.reviewer} ({self.get_status_display()})"


class SignInCode(models.Model):
    """A sign-in code of one panel member for one live session (the QR code on the host's
    console). Only its SHA-256 is stored; it expires, it can be revoked, and it is bound to the
    first browser that accepts the pledge with it."""

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="sign_ins")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sign-in code")

    def __str__(self) -> str:
        return f"code {self.pk} of member {self.member_id}"


class LiveSession(models.Model):
    """The live final of one round. ``version`` grows with every change; pages poll it."""

    round = models.OneToOneField(Round, on_delete=models.PROTECT, related_name="live_session")
    draw = models.OneToOneField(PanelDraw, on_delete=models.PROTECT, related_name="session")
    anonymise = models.BooleanField(
        _("show the panel as 评委1…N"),
        default=True,
        help_text=_("The big screen names no panel member."),
    )
    version = models.BigIntegerField(default=1)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("live session")

    def __str__(self) -> str:
        return f"live final of round {self.round_id}"


class LiveSlot(models.Model):
    """One finalist on stage: its place in the presentation order, its state, the members blanked
    for it (their employer's entry) and, once revealed, the result."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="slots")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=SlotState.choices, default=SlotState.WAITING)
    blanked = models.JSONField(default=list, blank=True)  # PanelMember ids
    presenting_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    final_score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)

    class Meta:
        ordering = ["session_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="unique_slot_position"),
            models.UniqueConstraint(fields=["session", "entry"], name="unique_slot_entry"),
        ]
        verbose_name = _("live slot")

    def __str__(self) -> str:
        return f"{self.position}. {self.entry_id} ({self.state})"


class LiveScore(models.Model):
    """A member's score of one finalist, given on the spot: one row per (slot, member), however
    often the phone sends it."""

    slot = models.ForeignKey(LiveSlot, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="live_scores")
    scores = models.JSONField(default=dict)  # {criterion id: "12.5"}
    total = models.DecimalField(max_digits=7, decimal_places=3)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot_id", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["slot", "member"], name="unique_live_score"),
            models.CheckConstraint(condition=Q(total__gte=0), name="live_score_nonneg"),
        ]
        verbose_name = _("live score")

    def __str__(self) -> str:
        return f"{self.member_id} → slot {self.slot_id}: {self.total}"
