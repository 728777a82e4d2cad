from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import Conflict, InvalidTransition, ValidationFailed
from core.services import audit_trail
from projects.enums import EntryState
from reviews import services
from reviews.enums import AssignmentStatus, RoundState
from reviews.models import Assignment, RoundEntry
from tests.factories.reviews import ReviewEntryFactory, RoundFactory
from tests.reviews.conftest import assign_by_hand


def test_start_assigning_enrols_submitted_entries(draft_round, entries, union_staff, contest):
    ReviewEntryFactory(contest=contest, category=entries[0].category, state=EntryState.DRAFT)
    services.round_start_assigning(round=draft_round, actor=union_staff)
    assert draft_round.state == RoundState.ASSIGNING
    assert set(RoundEntry.objects.filter(round=draft_round).values_list("entry_id", flat=True)) == {
        e.pk for e in entries
    }


def test_start_assigning_without_rubric_is_conflict(contest, entries, union_staff):
    round_ = RoundFactory(contest=contest, rubric=False)
    with pytest.raises(Conflict):
        services.round_start_assigning(round=round_, actor=union_staff)


def test_wrong_move_is_invalid_transition(draft_round, union_staff):
    with pytest.raises(InvalidTransition):
        services.round_set_state(round=draft_round, to_state=RoundState.CLOSED, actor=union_staff)


def test_confirm_refuses_incomplete_assignment(draft_round, entries, pool, union_staff):
    services.round_start_assigning(round=draft_round, actor=union_staff)
    services.assignment_add(
        round=draft_round, reviewer=pool[0], entry=entries[0], actor=union_staff
    )
    with pytest.raises(Conflict) as exc:
        services.round_confirm_assignments(round=draft_round, actor=union_staff)
    assert exc.value.code == "assignment_invalid"
    draft_round.refresh_from_db()
    assert draft_round.state == RoundState.ASSIGNING


def test_confirm_opens_round_and_moves_entries(draft_round, entries, pool, union_staff):
    services.round_start_assigning(round=draft_round, actor=union_staff)
    assign_by_hand(draft_round, entries, pool, union_staff)
    services.round_confirm_assignments(round=draft_round, actor=union_staff)
    assert draft_round.state == RoundState.OPEN
    entries[0].refresh_from_db()
    assert entries[0].state == EntryState.IN_REVIEW
    assert audit_trail(entries[0]).filter(to_state=EntryState.IN_REVIEW).exists()


def test_add_refuses_own_employer(draft_round, entries, pool, union_staff):
    services.round_start_assigning(round=draft_round, actor=union_staff)
    profile = pool[0].reviewer_profile
    profile.employer = entries[0].organisation
    profile.save()
    with pytest.raises(Conflict) as exc:
        services.assignment_add(
            round=draft_round, reviewer=pool[0], entry=entries[0], actor=union_staff
        )
    assert exc.value.code == "conflict_of_interest"
    assert not Assignment.objects.exists()


def test_add_refuses_declared_conflict(draft_round, entries, pool, union_staff):
    services.round_start_assigning(round=draft_round, actor=union_staff)
    services.conflict_declare(
        reviewer=pool[0], organisation=entries[0].organisation, reason="前同事", actor=pool[0]
    )
    with pytest.raises(Conflict):
        services.assignment_add(
            round=draft_round, reviewer=pool[0], entry=entries[0], actor=union_staff
        )


def test_add_refuses_beyond_k_and_max_load(draft_round, entries, pool, union_staff):
    services.round_start_assigning(round=draft_round, actor=union_staff)
    services.assignment_add(
        round=draft_round, reviewer=pool[0], entry=entries[0], actor=union_staff
    )
    services.assignment_add(
        round=draft_round, reviewer=pool[1], entry=entries[0], actor=union_staff
    )
    with pytest.raises(Conflict):
        services.assignment_add(
            round=draft_round, reviewer=pool[2], entry=entries[0], actor=union_staff
        )
    member = pool[3].review_pools.get()
    member.max_load = 1
    member.save()
    services.assignment_add(
        round=draft_round, reviewer=pool[3], entry=entries[1], actor=union_staff
    )
    with pytest.raises(Conflict):
        services.assignment_add(
            round=draft_round, reviewer=pool[3], entry=entries[2], actor=union_staff
        )


def test_swap_replaces_reviewer_and_is_audited(draft_round, entries, pool, union_staff):
    services.round_start_assigning(round=draft_round, actor=union_staff)
    a = services.assignment_add(
        round=draft_round, reviewer=pool[0], entry=entries[0], actor=union_staff
    )
    new = services.assignment_swap(assignment=a, reviewer=pool[1], actor=union_staff, reason="换人")
    a.refresh_from_db()
    assert a.status == AssignmentStatus.REMOVED
    assert new.reviewer == pool[1] and new.status == AssignmentStatus.ACTIVE
    assert audit_trail(a).filter(action="assignment.remove", reason="换人").exists()


def test_swap_to_conflicted_reviewer_changes_nothing(draft_round, entries, pool, union_staff):
    services.round_start_assigning(round=draft_round, actor=union_staff)
    a = services.assignment_add(
        round=draft_round, reviewer=pool[0], entry=entries[0], actor=union_staff
    )
    services.conflict_declare(
        reviewer=pool[1], organisation=entries[0].organisation, reason="亲属", actor=union_staff
    )
    with pytest.raises(Conflict):
        services.assignment_swap(assignment=a, reviewer=pool[1], actor=union_staff, reason="x")
    a.refresh_from_db()
    assert a.status == AssignmentStatus.ACTIVE


def test_recuse_frees_slot_and_pair_never_returns(
    open_round, entries, pool, union_staff, assignment_of
):
    a = assignment_of(pool[0], entries[0])
    services.assignment_recuse(assignment=a, reviewer=pool[0], reason="曾参与该项目")
    a.refresh_from_db()
    assert a.status == AssignmentStatus.RECUSED
    services.assignment_add(round=open_round, reviewer=pool[2], entry=entries[0], actor=union_staff)
    with pytest.raises(Conflict):
        services.assignment_add(
            round=open_round, reviewer=pool[0], entry=entries[0], actor=union_staff
        )


def test_recuse_needs_reason(open_round, entries, pool, assignment_of):
    with pytest.raises(ValidationFailed):
        services.assignment_recuse(
            assignment=assignment_of(pool[0], entries[0]), reviewer=pool[0], reason=" "
        )


def test_close_due_rounds_closes_past_deadline(open_round):
    closed = services.close_due_rounds(now=timezone.now() + timedelta(days=30))
    assert closed == [open_round.pk]
    open_round.refresh_from_db()
    assert open_round.state == RoundState.CLOSED
    assert audit_trail(open_round).filter(actor=None, to_state=RoundState.CLOSED).exists()


def test_update_refused_after_draft(open_round, union_staff):
    with pytest.raises(Conflict):
        services.round_update(round=open_round, actor=union_staff, name="x")


def test_reopen_needs_future_deadline(open_round, union_staff):
    services.round_close(round=open_round, actor=union_staff)
    with pytest.raises(ValidationFailed):
        services.round_reopen(
            round=open_round, actor=union_staff, deadline=timezone.now() - timedelta(hours=1)
        )
    services.round_reopen(
        round=open_round, actor=union_staff, deadline=timezone.now() + timedelta(days=1)
    )
    assert open_round.state == RoundState.OPEN


def test_assignment_moves_follow_the_table(open_round, pool, union_staff):
    assignment = Assignment.objects.filter(round=open_round).first()
    services.assignment_remove(assignment=assignment, actor=union_staff, reason="换人")
    with pytest.raises(InvalidTransition):
        services.assignment_remove(assignment=assignment, actor=union_staff, reason="again")
    # A removed pair may be put back by staff ...
    back = services.assignment_add(
        round=open_round, reviewer=assignment.reviewer, entry=assignment.entry, actor=union_staff
    )
    assert back.pk == assignment.pk and back.status == AssignmentStatus.ACTIVE
    # ... a recused one never.
    services.assignment_recuse(assignment=back, reviewer=back.reviewer, reason="曾在该单位任职")
    with pytest.raises((InvalidTransition, Conflict)):
        services.assignment_add(
            round=open_round, reviewer=back.reviewer, entry=back.entry, actor=union_staff
        )
    assert Assignment.objects.get(pk=back.pk).status == AssignmentStatus.RECUSED


def test_each_rule_of_a_hand_made_pair_is_refused_with_its_reason(
    draft_round, entries, pool, union_staff
):
    """Manual additions are judged by the solver's checker (``_check_pair`` builds the entry's
    one-entry problem): every rule it can break has its own reason and nothing is written."""
    from django.utils import translation

    from tests.factories.accounts import OrganisationFactory

    services.round_start_assigning(round=draft_round, actor=union_staff)

    def refused(reviewer, entry):
        before = Assignment.objects.count()
        with translation.override("en"), pytest.raises(Conflict) as exc:
            services.assignment_add(
                round=draft_round, reviewer=reviewer, entry=entry, actor=union_staff
            )
        assert Assignment.objects.count() == before
        return exc.value

    own = pool[0].reviewer_profile
    own.employer = entries[0].organisation
    own.save()
    assert "works for the entry's organisation" in refused(pool[0], entries[0]).detail
    services.conflict_declare(
        reviewer=pool[1], organisation=entries[1].organisation, reason="前同事", actor=pool[1]
    )
    error = refused(pool[1], entries[1])
    assert "declared a conflict" in error.detail and error.code == "conflict_of_interest"
    services.assignment_add(
        round=draft_round, reviewer=pool[2], entry=entries[2], actor=union_staff
    )
    assert "already assigned" in refused(pool[2], entries[2]).detail
    services.assignment_add(
        round=draft_round, reviewer=pool[3], entry=entries[2], actor=union_staff
    )
    assert "already has 2 reviewers" in refused(pool[1], entries[2]).detail
    member = pool[3].review_pools.get()
    member.max_load = 1
    member.save()
    assert "maximum load (1)" in refused(pool[3], entries[3]).detail
    draft_round.one_reviewer_per_employer = True
    draft_round.save(update_fields=["one_reviewer_per_employer"])
    shared = OrganisationFactory()
    for reviewer in (pool[1], pool[2]):
        profile = reviewer.reviewer_profile
        profile.employer = shared
        profile.save()
    services.assignment_add(
        round=draft_round, reviewer=pool[2], entry=entries[3], actor=union_staff
    )
    assert "same employer" in refused(pool[1], entries[3]).detail
