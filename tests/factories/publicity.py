"""Set-ups for the results notice: a finalized final round with awards, a published notice, a
scan to attach to an objection."""

from __future__ import annotations

import io
from decimal import Decimal

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.enums import EntryState, TeamRole
from publicity import services
from reviews import services as review_services
from reviews.enums import AdvancementRule, RoundState
from reviews.models import RoundEntry
from tests.factories.projects import TeamMemberFactory
from tests.factories.reviews import ReviewContestFactory, ReviewEntryFactory, RoundFactory

TIERS = ("first", "second", "third")


def make_awarded_round(*, actor, n: int = 3, organisations=None, contest=None):
    """A finalized final round of a contest, whose ``n`` entries hold awards (first, second,
    third, …); each entry has a team leader. Returns (round, entries)."""
    contest = contest or ReviewContestFactory(year=2026)
    round_ = RoundFactory(
        contest=contest,
        name="决赛",
        advancement_rule=AdvancementRule.NONE,
        advancement_value=None,
        state=RoundState.FINALIZED,
    )
    entries = []
    for i in range(n):
        kwargs = {"organisation": organisations[i]} if organisations else {}
        entry = ReviewEntryFactory(
            contest=contest,
            state=EntryState.IN_REVIEW,
            title=f"新能源重卡换电站快速锁止机构{i}",
            **kwargs,
        )
        TeamMemberFactory(entry=entry, name=f"王建国{i}", role=TeamRole.LEADER)
        RoundEntry.objects.create(
            round=round_,
            entry=entry,
            n_reviews=5,
            score=Decimal("95.5") - i,
            rank=1,
            advanced=False,
        )
        entries.append(entry)
    for entry, tier in zip(entries, (TIERS * n)[:n], strict=True):
        review_services.award_grant(round=round_, entry=entry, tier=tier, actor=actor)
    return round_, entries


def make_notice(*, actor, round_, publish: bool = True, **kwargs):
    notice = services.notice_create(
        actor=actor,
        contest=round_.contest,
        round=round_,
        title=kwargs.pop("title", "关于第五届职工创新创业大赛获奖项目的公示"),
        contact=kwargs.pop("contact", "市总工会经济技术部，电话 0719-8888888"),
        **kwargs,
    )
    if publish:
        notice = services.notice_publish(actor=actor, notice=notice)
    return notice


def scan_pdf_bytes(text: str = "objection signed") -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    pdf.pages[0].Contents = pdf.make_stream(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def scan_upload(name: str = "异议书.pdf", content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content if content is not None else scan_pdf_bytes(), content_type="application/pdf"
    )


def objection_data(entry, **overrides) -> dict:
    data = {
        "entry_id": entry.pk,
        "name": "李明",
        "unit": "十堰某汽车零部件公司工会",
        "contact": "13800000000",
        "email": "liming@example.com",
        "reason": "该项目的核心技术与本单位2023年的专利相同。",
    }
    data.update(overrides)
    return data
