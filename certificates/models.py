"""Award certificates (获奖证书): one per award once the results are final, with a number
anyone can verify. The certificate keeps what it certified (a snapshot), so it still reads the
same when the award row goes; an award withdrawn later (its row deleted by
``reviews.services.award_withdraw``, so ``award`` becomes empty) verifies as withdrawn."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from projects.models import Contest, Entry
from publicity.models import ResultsNotice
from reviews.models import Award


class Certificate(models.Model):
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    seq = models.PositiveIntegerField()
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="certificates")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="certificates")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    award = models.OneToOneField(
        Award, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificate"
    )
    notice = models.ForeignKey(ResultsNotice, on_delete=models.PROTECT, related_name="+")
    # What the certificate says (a snapshot at issue).
    contest_name = models.CharField(max_length=200)
    edition = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField()
    entry_title = models.CharField(max_length=200)
    organisation_name = models.CharField(max_length=200)
    team = models.JSONField(default=list)
    tier = models.CharField(max_length=16)
    tier_label = models.CharField(max_length=32)
    awarded_on = models.DateField()
    issued_at = models.DateTimeField()
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["contest_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "seq"], name="unique_certificate_seq")
        ]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.number

    @property
    def is_withdrawn(self) -> bool:
        return self.award_id is None
