"""The draw's services over the database: definition, the draw itself (seed, inputs, result,
audit), confirmations and reserves, seating the panel as reviewers of the final round."""

from __future__ import annotations

import pytest

from core.exceptions import Conflict, InvalidTransition, ValidationFailed
from core.models import AuditEvent
from finals import selectors, services
from finals.enums import DrawState, MemberStatus
from finals.models import LiveSlot, PanelMember
from reviews import services as review_services
from reviews.enums import AssignmentStatus
from reviews.models import Assignment
from tests.factories.finals import make_final, seat_final
from tests.factories.reviews import make_reviewer

pytestmark = pytest.mark.django_db


def test_draw_records_seed_inputs_and_result_and_replays():
    final = make_final()
    draw = services.draw_run(draw=final.draw, actor=final.staff, seed=12345)
    assert draw.state == DrawState.DRAWN and draw.seed == 12345
    assert len(draw.result["panel"]) == 5 and len(draw.result["reserves"]) == 2
    assert draw.members.filter(status=MemberStatus.INVITED).count() == 5
    assert list(
        draw.members.filter(status=MemberStatus.RESERVE)
        .order_by("reserve_position")
        .values_list("reserve_position", flat=True)
    ) == [1, 2]
    assert selectors.draw_replay(draw)
    event = AuditEvent.objects.get(action="panel_draw.run", target_id=str(draw.pk))
    assert event.data["seed"] == 12345 and event.data["result"] == draw.result


def test_same_seed_on_the_same_pool_gives_the_same_panel():
    a = make_final()
    draw = services.draw_run(draw=a.draw, actor=a.staff, seed=99)
    second = services.draw_create(
        round=a.round, per_field=a.draw.per_field, reserves_per_field=2, actor=a.staff
    )
    again = services.draw_run(draw=second, actor=a.staff, seed=99)
    assert again.result == draw.result


def test_own_employer_of_a_finalist_is_excluded_with_the_reason():
    final = make_final(pool=8)
    employee = make_reviewer(employer=final.entries[0].organisation, expertise=[final.field])
    review_services.pool_add(contest=final.round.contest, reviewers=[employee], actor=final.staff)
    draw = services.draw_run(draw=final.draw, actor=final.staff, seed=1)
    assert not draw.members.filter(reviewer=employee).exists()
    (excluded,) = selectors.exclusions_of(draw)
    assert excluded["expert"] == employee.pk
    assert excluded["reasons"] == [
        f"works for the organisation of finalist {final.entries[0].title}"
    ]


def test_declared_conflict_is_excluded():
    final = make_final(pool=8)
    expert = final.experts[0]
    review_services.conflict_declare(
        reviewer=expert,
        organisation=final.entries[1].organisation,
        reason="前同事",
        actor=final.staff,
    )
    draw = services.draw_run(draw=final.draw, actor=final.staff, seed=3)
    assert not draw.members.filter(reviewer=expert).exists()
    assert [x["expert"] for x in draw.result["excluded"]] == [expert.pk]


def test_impossible_draw_is_409_in_words_and_writes_nothing():
    final = make_final(pool=4, panel=5)
    with pytest.raises(Conflict) as exc:
        services.draw_run(draw=final.draw, actor=final.staff, seed=1)
    assert exc.value.code == "draw_impossible"
    assert "5 experts are needed but only 4 can be drawn" in exc.value.detail
    final.draw.refresh_from_db()
    assert final.draw.state == DrawState.DRAFT and not final.draw.members.exists()


def test_drawing_twice_is_an_invalid_move():
    final = make_final()
    services.draw_run(draw=final.draw, actor=final.staff, seed=1)
    with pytest.raises(InvalidTransition):
        services.draw_run(draw=final.draw, actor=final.staff, seed=2)


def test_definition_must_match_the_rounds_panel_size():
    final = make_final(panel=5)
    with pytest.raises(ValidationFailed) as exc:
        services.draw_create(
            round=final.round,
            per_field={final.field.pk: 4},
            reserves_per_field=1,
            actor=final.staff,
        )
    assert "per_field" in exc.value.fields


def test_decline_calls_up_the_next_reserve_in_order():
    final = make_final()
    draw = services.draw_run(draw=final.draw, actor=final.staff, seed=5)
    first = draw.members.filter(status=MemberStatus.INVITED).first()
    reserve_1 = draw.members.get(reserve_position=1)
    member, called = services.member_respond(member=first, confirmed=False, actor=final.staff)
    assert member.status == MemberStatus.DECLINED
    assert called.pk == reserve_1.pk and called.status == MemberStatus.INVITED
    assert called.replaces_id == first.pk
    # the called reserve declines too: the second reserve comes next
    _, called_2 = services.member_respond(member=called, confirmed=False, actor=final.staff)
    assert called_2.reserve_position == 2
    _, none_left = services.member_respond(member=called_2, confirmed=False, actor=final.staff)
    assert none_left is None
    assert AuditEvent.objects.filter(action="panel_member.call_reserve").count() == 2


def test_seating_needs_every_answer():
    final = make_final()
    services.draw_run(draw=final.draw, actor=final.staff, seed=5)
    with pytest.raises(Conflict) as exc:
        services.draw_seat(draw=final.draw, actor=final.staff)
    assert exc.value.code == "panel_unanswered"


def test_seated_members_review_every_finalist_in_presentation_order():
    final = seat_final(make_final(finalists=3))
    assert [m.seat for m in final.members] == [1, 2, 3, 4, 5]
    assert (
        Assignment.objects.filter(round=final.round, status=AssignmentStatus.ACTIVE).count()
        == 5 * 3
    )
    slots = LiveSlot.objects.filter(session=final.session).order_by("position")
    assert [s.entry_id for s in slots] == sorted(e.pk for e in final.entries)
    assert all(m.pledged_at for m in final.members)


def test_member_of_a_finalists_employer_is_blanked_by_the_assignment_rule():
    final = make_final(finalists=3, pool=5, panel=5, reserves=0)
    # the employer rule off in the draw: the member is drawn, and the round's own conflict
    # rule (assignment_add) refuses that one pair, so the member is blanked for it
    final.draw.avoid_own_employer = False
    final.draw.save()
    profile = final.experts[0].reviewer_profile
    profile.employer = final.entries[0].organisation
    profile.save()
    seat_final(final)
    member = PanelMember.objects.get(draw=final.draw, reviewer=final.experts[0])
    assert not Assignment.objects.filter(
        round=final.round, reviewer=final.experts[0], entry=final.entries[0]
    ).exists()
    assert Assignment.objects.filter(round=final.round, reviewer=final.experts[0]).count() == 2
    event = AuditEvent.objects.get(action="panel_draw.seat")
    assert event.data["blanked"] == [[member.pk, final.entries[0].pk]]


def test_presentation_order_drawn_by_lot_replays_from_the_seed():
    from finals.draw import presentation_order

    final = make_final(finalists=4)
    services.draw_run(draw=final.draw, actor=final.staff, seed=11)
    for member in final.draw.members.filter(status="invited"):
        services.member_respond(member=member, confirmed=True, actor=final.staff)
    session = services.draw_seat(draw=final.draw, actor=final.staff, draw_order=True)
    order = list(session.slots.order_by("position").values_list("entry_id", flat=True))
    assert order == presentation_order([e.pk for e in final.entries], seed=11)
    assert AuditEvent.objects.get(action="panel_draw.seat").data["order_drawn"] is True
