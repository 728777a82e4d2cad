"""Issuing award certificates once the results are final (all writes of ``certificates``).

``certificates_issue`` runs inside the job of ``certificates.jobs`` (one transaction: a failed or
cancelled run leaves no certificate behind). It issues one certificate per award that a **final**
results notice shows and that has none yet, so running it again issues only what is new."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from certificates.errors import CertificateError
from certificates.models import Certificate
from certificates.pdf import render_certificate
from core.exceptions import Conflict
from core.models import AuditEvent
from notifications.rendering import site_link
from projects.models import Contest
from publicity.enums import NoticeState
from publicity.models import ResultsNotice
from publicity.selectors import notice_current_version
from reviews.enums import AWARD_TIER_ORDER, AwardTier
from reviews.models import Award


def certificate_number(contest: Contest, seq: int) -> str:
    """``2026-05-0001-K4QX``: year, edition, sequence and a check code (HMAC of the site's secret),
    so a number cannot be guessed from its neighbours and a mistyped one is unknown."""
    base = f"{contest.year}-{contest.edition:02d}-{seq:04d}"
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"certificate:{contest.pk}:{base}".encode(), hashlib.sha256
    ).digest()
    return f"{base}-{base64.b32encode(digest).decode()[:4]}"


def verify_path(number: str) -> str:
    return f"/certificates/verify/{number}/"


def final_notices(contest: Contest):
    return ResultsNotice.objects.filter(contest=contest, state=NoticeState.FINAL)


def check_results_final(contest: Contest) -> None:
    if not final_notices(contest).exists():
        raise Conflict(
            _("Certificates are issued once the results notice of the contest is final."),
            code=CertificateError.RESULTS_NOT_FINAL,
        )


def awards_to_certify(contest: Contest) -> list[tuple[Award, ResultsNotice]]:
    """The awards that a final notice of the contest put up and that hold no certificate yet,
    each with that notice, in tier order. "Put up" means a row of the notice's current version
    shows the entry with the award's tier: so a notice limited to chosen entries certifies only
    those, an award granted or changed by hand after the notice became final gets no
    certificate until a notice shows it, and a withdrawn award (its row gone in a new version)
    none."""
    shown: dict[int, list[tuple[str, ResultsNotice]]] = {}
    for notice in final_notices(contest).order_by("finalized_at", "pk"):
        version = notice_current_version(notice)
        for row in version.rows if version else []:
            shown.setdefault(row["entry"], []).append((row["tier"], notice))
    if not shown:
        return []
    awards = (
        Award.objects.filter(
            round__contest=contest, certificate__isnull=True, entry_id__in=list(shown)
        )
        .select_related("entry__organisation", "round")
        .prefetch_related("entry__team")
    )
    order = {tier: i for i, tier in enumerate(AWARD_TIER_ORDER)}
    out = []
    for award in awards:
        notice = next(
            (
                n
                for tier, n in shown[award.entry_id]
                if tier == award.tier and n.round_id in (None, award.round_id)
            ),
            None,
        )
        if notice is not None:
            out.append((award, notice))
    out.sort(key=lambda pair: (order.get(pair[0].tier, 99), pair[0].entry_id))
    return out


_INSERT_BATCH = 200  # certificates per INSERT: each row carries its PDF


def certificates_issue(
    *, contest: Contest, actor: User | None, progress: Callable[[int, int], None] | None = None
) -> list[Certificate]:
    """Issue the certificates not issued yet (see the module doc). Refused (409) before the
    results are final. Numbers continue the contest's sequence without a gap: the contest row is
    locked while the next numbers are taken and the certificates written (two runs at once
    queue; the second numbers after the first), and ``unique_certificate_seq`` backs it up. The
    PDFs are rendered one by one (``progress`` after each); the rows and their audit lines are
    then inserted in bulk."""
    with transaction.atomic():
        locked = Contest.objects.select_for_update().get(pk=contest.pk)
        check_results_final(locked)
        awards = awards_to_certify(locked)
        seq = Certificate.objects.filter(contest=locked).aggregate(m=Max("seq"))["m"] or 0
        issuer = getattr(settings, "CERTIFICATE_ISSUER", "十堰市总工会")
        issued = []
        for i, (award, notice) in enumerate(awards):
            seq += 1
            entry = award.entry
            data = {
                "number": certificate_number(locked, seq),
                "contest_name": locked.name,
                "edition": locked.edition,
                "year": locked.year,
                "entry_title": entry.title,
                "organisation_name": entry.organisation.name,
                "team": [m.name for m in sorted(entry.team.all(), key=lambda m: m.position)],
                "tier": award.tier,
                "tier_label": str(AwardTier(award.tier).label),
                "awarded_on": timezone.localtime(notice.finalized_at).date(),
            }
            pdf = render_certificate(
                {**data, "issuer": issuer}, verify_url=site_link(verify_path(data["number"]))
            )
            issued.append(
                Certificate(
                    seq=seq,
                    contest=locked,
                    entry=entry,
                    organisation=entry.organisation,
                    award=award,
                    notice=notice,
                    issued_at=timezone.now(),
                    pdf=pdf,
                    pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                    **data,
                )
            )
            if progress:
                progress(i + 1, len(awards))
        if not issued:
            return []
        Certificate.objects.bulk_create(issued, batch_size=_INSERT_BATCH)
        certificate_type = ContentType.objects.get_for_model(Certificate)
        actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor_id=actor_id,
                    action="certificate.issue",
                    target_type=certificate_type,
                    target_id=str(certificate.pk),
                    data={"number": certificate.number, "award": certificate.award_id},
                )
                for certificate in issued
            ],
            batch_size=2000,
        )
    return issued
