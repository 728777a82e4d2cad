"""The live session: the host's moves by the table, scores on the spot (one per member and
entry, refused once closed), blanked members, the reveal computed once — also under races on
real PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from core.exceptions import Conflict, InvalidTransition, ValidationFailed
from core.models import AuditEvent
from finals import selectors, services
from finals.enums import SlotState
from finals.models import LiveScore, LiveSlot, PanelMember
from reviews import services as review_services
from reviews.models import Assignment
from tests.factories.finals import make_final, scores_for, seat_final


def _open(final):
    slot = services.slot_move(
        session=final.session, to_state=SlotState.PRESENTING, actor=final.staff
    )
    return services.slot_move(
        session=final.session, to_state=SlotState.SCORING_OPEN, actor=final.staff, slot=slot
    )


@pytest.mark.django_db
def test_host_walks_an_entry_through_the_table():
    final = seat_final(make_final())
    slot = _open(final)
    assert slot.position == 1 and slot.state == SlotState.SCORING_OPEN
    for i, member in enumerate(final.members):
        services.score_submit(
            session=final.session,
            member=member,
            slot=slot,
            scores=scores_for(final.round, [0.8, 0.9, 0.7, 0.6, 0.5][i]),
        )
    services.slot_move(session=final.session, to_state=SlotState.SCORING_CLOSED, actor=final.staff)
    slot = services.slot_move(session=final.session, to_state=SlotState.REVEALED, actor=final.staff)
    assert slot.final_score == Decimal("70.000")
    assert slot.result["dropped"] == [2, 5]
    board = selectors.board(final.session)
    assert board["shown"]["final"] == Decimal("70.000")
    assert [m["label"] for m in board["shown"]["marks"]] == [f"Judge {n}" for n in range(1, 6)]
    assert [m["dropped"] for m in board["shown"]["marks"]] == [False, True, False, False, True]
    assert board["ranking"][0]["slot"].pk == slot.pk


@pytest.mark.django_db
def test_wrong_moves_are_invalid_transitions():
    final = seat_final(make_final())
    services.slot_move(session=final.session, to_state=SlotState.PRESENTING, actor=final.staff)
    with pytest.raises(InvalidTransition):
        services.slot_move(session=final.session, to_state=SlotState.REVEALED, actor=final.staff)
    with pytest.raises(Conflict) as exc:  # a second entry while one is on stage
        second = LiveSlot.objects.get(session=final.session, position=2)
        services.slot_move(
            session=final.session, to_state=SlotState.PRESENTING, actor=final.staff, slot=second
        )
    assert exc.value.code == "entry_on_stage"


@pytest.mark.django_db
def test_resubmitting_replaces_the_score_and_keeps_one_row():
    final = seat_final(make_final())
    slot = _open(final)
    member = final.members[0]
    services.score_submit(
        session=final.session, member=member, slot=slot, scores=scores_for(final.round, 0.5)
    )
    score, created = services.score_submit(
        session=final.session, member=member, slot=slot, scores=scores_for(final.round, 0.9)
    )
    assert not created
    assert LiveScore.objects.filter(slot=slot, member=member).count() == 1
    assert score.total == Decimal("90.000")


@pytest.mark.django_db
def test_score_after_close_is_refused_and_nothing_changes():
    final = seat_final(make_final())
    slot = _open(final)
    member = final.members[0]
    services.score_submit(
        session=final.session, member=member, slot=slot, scores=scores_for(final.round, 0.5)
    )
    services.slot_move(session=final.session, to_state=SlotState.SCORING_CLOSED, actor=final.staff)
    with pytest.raises(Conflict) as exc:
        services.score_submit(
            session=final.session, member=member, slot=slot, scores=scores_for(final.round, 0.9)
        )
    assert exc.value.code == "scoring_closed"
    assert LiveScore.objects.get(slot=slot, member=member).total == Decimal("50.000")


@pytest.mark.django_db
def test_out_of_range_score_names_the_criterion():
    final = seat_final(make_final())
    slot = _open(final)
    scores = scores_for(final.round, 0.5)
    first = final.round.criteria.order_by("position").first()
    scores[str(first.pk)] = "99"
    with pytest.raises(ValidationFailed) as exc:
        services.score_submit(
            session=final.session, member=final.members[0], slot=slot, scores=scores
        )
    assert list(exc.value.fields) == [f"scores.{first.name}"]
    assert not LiveScore.objects.exists()


@pytest.mark.django_db
def test_conflict_declared_after_seating_blanks_the_member_when_scoring_opens():
    final = seat_final(make_final())
    member = final.members[0]
    entry = LiveSlot.objects.get(session=final.session, position=1).entry
    # the member recuses (回避) from that finalist in the round: the pair is no longer active
    review_services.assignment_recuse(
        assignment=Assignment.objects.get(round=final.round, reviewer=member.reviewer, entry=entry),
        reviewer=member.reviewer,
        reason="前雇主",
    )
    slot = _open(final)
    assert slot.blanked == [member.pk]
    with pytest.raises(Conflict) as exc:
        services.score_submit(
            session=final.session, member=member, slot=slot, scores=scores_for(final.round, 0.5)
        )
    assert exc.value.code == "conflict_of_interest"
    for other in final.members[1:]:
        services.score_submit(
            session=final.session, member=other, slot=slot, scores=scores_for(final.round, 0.8)
        )
    services.slot_move(session=final.session, to_state=SlotState.SCORING_CLOSED, actor=final.staff)
    slot = services.slot_move(session=final.session, to_state=SlotState.REVEALED, actor=final.staff)
    assert slot.result["counted"] == [2, 3, 4, 5] and slot.result["dropped"] == []
    assert slot.final_score == Decimal("80.000")


@pytest.mark.django_db
def test_sign_in_code_is_single_use_expiring_and_revocable():
    final = seat_final(make_final(), pledge=False)
    member = final.members[0]
    code, token = services.sign_in_code_issue(member=member, actor=final.staff)
    redeemed = services.sign_in_redeem(token=token, ip_address="10.1.2.3")
    assert selectors.member_of_code(redeemed.pk) == member
    with pytest.raises(Conflict):
        services.sign_in_redeem(token=token, ip_address="10.1.2.3")
    member.refresh_from_db()
    assert member.pledged_at and member.pledge_ip == "10.1.2.3" and member.pledge_text
    services.sign_in_code_revoke(member=member, actor=final.staff)
    assert selectors.member_of_code(redeemed.pk) is None
    _, token2 = services.sign_in_code_issue(member=member, actor=final.staff)
    code2 = selectors.code_for_token(token2)
    code2.expires_at = code2.created_at
    code2.save()
    with pytest.raises(Conflict):
        services.sign_in_redeem(token=token2, ip_address=None)
    assert code.token_hash != token  # only the hash is stored


def _race(target, n=2):
    barrier = threading.Barrier(n)
    outcomes = []

    def run():
        try:
            barrier.wait()
            target()
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the test records which error each got
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_hosts_revealing_at_once_make_one_result():
    final = seat_final(make_final())
    slot = _open(final)
    for member in final.members:
        services.score_submit(
            session=final.session, member=member, slot=slot, scores=scores_for(final.round, 0.7)
        )
    services.slot_move(session=final.session, to_state=SlotState.SCORING_CLOSED, actor=final.staff)
    outcomes = _race(
        lambda: services.slot_move(
            session=final.session, to_state=SlotState.REVEALED, actor=final.staff, slot=slot
        )
    )
    assert outcomes == ["InvalidTransition", "ok"]
    assert (
        AuditEvent.objects.filter(
            action="live_slot.move", target_id=str(slot.pk), to_state=SlotState.REVEALED
        ).count()
        == 1
    )
    slot.refresh_from_db()
    assert slot.state == SlotState.REVEALED and slot.final_score == Decimal("70.000")


@pytest.mark.django_db(transaction=True)
def test_member_double_submitting_at_once_leaves_one_score():
    final = seat_final(make_final())
    slot = _open(final)
    member = final.members[0]
    outcomes = _race(
        lambda: services.score_submit(
            session=final.session, member=member, slot=slot, scores=scores_for(final.round, 0.6)
        ),
        n=3,
    )
    assert outcomes == ["ok", "ok", "ok"]
    assert LiveScore.objects.filter(slot=slot, member=member).count() == 1


@pytest.mark.django_db(transaction=True)
def test_score_racing_the_close_is_either_in_or_refused():
    final = seat_final(make_final())
    slot = _open(final)
    member = final.members[0]
    results = {}

    def close():
        services.slot_move(
            session=final.session, to_state=SlotState.SCORING_CLOSED, actor=final.staff
        )

    def score():
        try:
            services.score_submit(
                session=final.session, member=member, slot=slot, scores=scores_for(final.round, 0.6)
            )
            results["score"] = "ok"
        except Conflict:
            results["score"] = "refused"

    barrier = threading.Barrier(2)

    def run(fn):
        try:
            barrier.wait()
            fn()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in (close, score)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slot.refresh_from_db()
    stored = LiveScore.objects.filter(slot=slot, member=member)
    assert slot.state == SlotState.SCORING_CLOSED
    if results["score"] == "ok":
        assert stored.get().updated_at <= slot.closed_at
    else:
        assert not stored.exists()
    assert PanelMember.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db
def test_revealed_scores_become_the_rounds_reviews_once():
    from reviews.models import Review

    final = seat_final(make_final(finalists=2))
    review_services.round_confirm_assignments(round=final.round, actor=final.staff)
    for _ in range(2):
        slot = _open(final)
        for member, share in zip(final.members, [0.8, 0.9, 0.7, 0.6, 0.5], strict=True):
            services.score_submit(
                session=final.session,
                member=member,
                slot=slot,
                scores=scores_for(final.round, share),
            )
        services.slot_move(
            session=final.session, to_state=SlotState.SCORING_CLOSED, actor=final.staff
        )
        services.slot_move(session=final.session, to_state=SlotState.REVEALED, actor=final.staff)
    assert services.session_record_reviews(session=final.session, actor=final.staff) == {
        "written": 10,
        "skipped": 0,
    }
    assert Review.objects.filter(round=final.round, state="submitted").count() == 10
    again = services.session_record_reviews(session=final.session, actor=final.staff)
    assert again == {"written": 0, "skipped": 10}
    review_services.round_close(round=final.round, actor=final.staff)
    review_services.round_compute_results(round=final.round, actor=final.staff)
    scores = set(final.round.round_entries.values_list("score", flat=True))
    assert scores == {Decimal("70.000")}  # the round's own trimmed mean agrees with the screen


@pytest.mark.django_db
def test_recording_needs_every_finalist_revealed():
    final = seat_final(make_final())
    review_services.round_confirm_assignments(round=final.round, actor=final.staff)
    with pytest.raises(Conflict) as exc:
        services.session_record_reviews(session=final.session, actor=final.staff)
    assert exc.value.code == "session_unfinished"


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99", "-1", "12.25", "abc"])
def test_phone_score_errors_are_the_reviews_errors(value):
    """The phone and the online review apply one rule (reviews.score_rules) with one wording."""
    from reviews.score_rules import clean_criterion_scores

    final = seat_final(make_final())
    slot = _open(final)
    criteria = list(final.round.criteria.order_by("position", "id"))
    scores = scores_for(final.round, 0.5)
    scores[str(criteria[0].pk)] = value
    with pytest.raises(ValidationFailed) as phone:
        services.score_submit(
            session=final.session, member=final.members[0], slot=slot, scores=scores
        )
    with pytest.raises(ValidationFailed) as review:
        clean_criterion_scores(
            criteria, [{"criterion": criteria[0].pk, "score": value}], complete=False
        )
    assert phone.value.fields == review.value.fields
    assert list(phone.value.fields) == [f"scores.{criteria[0].name}"]
    assert not LiveScore.objects.exists()


@pytest.mark.django_db
def test_phone_score_of_one_criterion_twice_is_refused():
    final = seat_final(make_final())
    slot = _open(final)
    criteria = list(final.round.criteria.order_by("position", "id"))
    scores = scores_for(final.round, 0.5)
    scores[f"0{criteria[0].pk}"] = "1"
    with pytest.raises(ValidationFailed) as exc:
        services.score_submit(
            session=final.session, member=final.members[0], slot=slot, scores=scores
        )
    assert list(exc.value.fields) == [f"scores.{criteria[0].name}"]
    assert not LiveScore.objects.exists()


def _play(final, shares=(0.8, 0.9, 0.7, 0.6, 0.5)):
    """Every finalist on stage, scored by the whole panel and revealed."""
    for _ in range(LiveSlot.objects.filter(session=final.session).count()):
        slot = _open(final)
        for member, share in zip(final.members, shares, strict=True):
            services.score_submit(
                session=final.session,
                member=member,
                slot=slot,
                scores=scores_for(final.round, share),
            )
        services.slot_move(
            session=final.session, to_state=SlotState.SCORING_CLOSED, actor=final.staff
        )
        services.slot_move(session=final.session, to_state=SlotState.REVEALED, actor=final.staff)


def _recorded_queries(final):
    from django.contrib.contenttypes.models import ContentType
    from django.test.utils import CaptureQueriesContext

    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        counts = services.session_record_reviews(session=final.session, actor=final.staff)
    return counts, len(queries)


@pytest.mark.django_db
def test_recording_reviews_takes_the_same_queries_for_a_small_and_a_large_final():
    small = seat_final(make_final(finalists=1))
    large = seat_final(make_final(finalists=4))
    for final in (small, large):
        review_services.round_confirm_assignments(round=final.round, actor=final.staff)
        _play(final)
    small_counts, small_queries = _recorded_queries(small)
    large_counts, large_queries = _recorded_queries(large)
    assert small_counts == {"written": 5, "skipped": 0}
    assert large_counts == {"written": 20, "skipped": 0}
    # session, slots, savepoint, round lock, rubric, scores, assignments, pledges, 4 inserts,
    # 3 content types (cold cache), 2 audit inserts, release
    assert small_queries == large_queries <= 17


@pytest.mark.django_db
def test_recorded_reviews_are_submitted_pledged_and_audited_like_online_ones():
    from reviews import pledges
    from reviews.models import PledgeAcceptance, Review

    final = seat_final(make_final(finalists=2))
    review_services.round_confirm_assignments(round=final.round, actor=final.staff)
    _play(final)
    first = final.members[0]
    slot = LiveSlot.objects.get(session=final.session, position=1)
    # one member had begun an online draft of the first finalist: it is completed and submitted
    assignment = Assignment.objects.get(
        round=final.round, reviewer=first.reviewer, entry=slot.entry
    )
    pledges.pledge_accept(round=final.round, reviewer=first.reviewer, ip_address="10.0.0.9")
    criterion = final.round.criteria.order_by("position").first()
    draft = review_services.review_save_draft(
        assignment=assignment,
        reviewer=first.reviewer,
        scores=[{"criterion": criterion.pk, "score": "1"}],
        comment="现场",
    )
    assert services.session_record_reviews(session=final.session, actor=final.staff) == {
        "written": 10,
        "skipped": 0,
    }
    draft.refresh_from_db()
    assert draft.state == "submitted" and draft.total == Decimal("80.000")
    assert draft.comment == "现场"
    live = LiveScore.objects.get(slot=slot, member=first)
    assert {str(s.criterion_id): str(s.score) for s in draft.scores.all()} == {
        k: str(Decimal(v).quantize(Decimal("0.1"))) for k, v in live.scores.items()
    }
    reviews = Review.objects.filter(round=final.round)
    assert reviews.count() == 10 and not reviews.exclude(state="submitted").exists()
    assert {r.total for r in reviews.filter(entry=slot.entry)} == {
        LiveScore.objects.get(slot=slot, member=m).total for m in final.members
    }
    pledges = PledgeAcceptance.objects.filter(round=final.round)
    assert pledges.count() == 5
    assert pledges.get(reviewer=first.reviewer).ip_address == "10.0.0.9"  # kept, not redone
    assert {p.ip_address for p in pledges.exclude(reviewer=first.reviewer)} == {"10.0.0.1"}
    submits = AuditEvent.objects.filter(action="review.submit")
    assert submits.count() == 10
    assert set(submits.values_list("actor_id", flat=True)) == {m.reviewer_id for m in final.members}
    assert AuditEvent.objects.filter(action="round.pledge_accept").count() == 5
    assert AuditEvent.objects.get(action="live_session.record_reviews").data == {
        "written": 10,
        "skipped": 0,
    }


@pytest.mark.django_db
def test_recording_after_the_rounds_deadline_writes_nothing():
    import time_machine

    from reviews.models import Review

    final = seat_final(make_final(finalists=1))
    review_services.round_confirm_assignments(round=final.round, actor=final.staff)
    _play(final)
    final.round.refresh_from_db()
    late = time_machine.travel(final.round.deadline + timedelta(minutes=1))
    with late, pytest.raises(Conflict) as exc:
        services.session_record_reviews(session=final.session, actor=final.staff)
    assert exc.value.code == "deadline"
    assert not Review.objects.exists()
