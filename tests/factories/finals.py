"""Set-ups of a live final: a final round with its finalists enrolled, a pool of experts of one
field, a drawn and seated panel, a live session."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.models import ExpertiseField, User
from finals import services
from finals.models import LiveSession, PanelDraw, PanelMember
from projects.models import Entry
from reviews import services as review_services
from reviews.enums import AdvancementRule, AggregationMethod
from reviews.models import PoolMember, Round
from tests.factories.accounts import ExpertiseFieldFactory
from tests.factories.reviews import (
    ReviewCategoryFactory,
    ReviewContestFactory,
    ReviewEntryFactory,
    RoundFactory,
    make_reviewer,
    make_staff,
)


@dataclass
class Final:
    round: Round
    entries: list[Entry]
    staff: User
    field: ExpertiseField
    experts: list[User]
    draw: PanelDraw | None = None
    session: LiveSession | None = None
    members: list[PanelMember] = field(default_factory=list)


def make_final(*, finalists: int = 3, panel: int = 5, pool: int = 8, reserves: int = 2) -> Final:
    """A final round (k = panel size, trimmed mean) that is assigning with ``finalists``
    entries enrolled, and ``pool`` experts of one field in the contest's pool."""
    contest = ReviewContestFactory()
    category = ReviewCategoryFactory(contest=contest)
    entries = [ReviewEntryFactory(contest=contest, category=category) for _ in range(finalists)]
    expertise = ExpertiseFieldFactory()
    experts = [make_reviewer(expertise=[expertise]) for _ in range(pool)]
    PoolMember.objects.bulk_create([PoolMember(contest=contest, reviewer=r) for r in experts])
    staff = make_staff()
    round_ = RoundFactory(
        contest=contest,
        name="决赛",
        reviewers_per_entry=panel,
        aggregation=AggregationMethod.TRIMMED_MEAN,
        advancement_rule=AdvancementRule.NONE,
        advancement_value=None,
    )
    review_services.round_start_assigning(round=round_, actor=staff)
    round_.refresh_from_db()
    final = Final(round=round_, entries=entries, staff=staff, field=expertise, experts=experts)
    final.draw = services.draw_create(
        round=round_,
        per_field={expertise.pk: panel},
        reserves_per_field=reserves,
        actor=staff,
    )
    return final


def seat_final(final: Final, *, seed: int = 7, pledge: bool = True) -> Final:
    """Draw with ``seed``, every drawn expert confirms, seat; members pledged."""
    services.draw_run(draw=final.draw, actor=final.staff, seed=seed)
    for member in PanelMember.objects.filter(draw=final.draw, status="invited"):
        services.member_respond(member=member, confirmed=True, actor=final.staff)
    final.session = services.draw_seat(draw=final.draw, actor=final.staff)
    final.draw.refresh_from_db()
    final.members = list(final.draw.members.filter(seat__isnull=False).order_by("seat"))
    if pledge:
        for member in final.members:
            _, token = services.sign_in_code_issue(member=member, actor=final.staff)
            services.sign_in_redeem(token=token, ip_address="10.0.0.1")
            member.refresh_from_db()
    return final


def scores_for(round_: Round, total_share: float) -> dict[str, str]:
    """Scores of every criterion at ``total_share`` of its maximum (one decimal)."""
    return {
        str(c.pk): str(round(float(c.max_score) * total_share, 1))
        for c in round_.criteria.order_by("position")
    }
