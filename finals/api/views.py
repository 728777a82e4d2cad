"""The live final's API: draws (staff), panel members' answers and sign-in codes (staff), live
sessions: the host's moves (staff), a seated member's score, and the version the pages poll."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.permissions import IsUnionStaff
from core.exceptions import NotPermitted, ValidationFailed
from finals import selectors, services
from finals.api import serializers as s
from finals.enums import SlotState
from finals.errors import FinalError
from finals.models import LiveSlot


def _staff_only() -> list:
    return [IsAuthenticated(), IsUnionStaff()]


class PanelDrawViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Panel draws of final rounds (staff): define, draw (seed recorded), replay, seat."""

    serializer_class = s.PanelDrawSerializer

    def get_permissions(self):
        return _staff_only()

    def get_queryset(self):
        return selectors.draws_visible_to(self.request.user).prefetch_related(
            "members__reviewer", "members__field"
        )

    @extend_schema(request=s.PanelDrawCreateSerializer, responses={201: s.PanelDrawSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.PanelDrawCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draw = services.draw_create(actor=request.user, **serializer.validated_data)
        return Response(s.PanelDrawSerializer(draw).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DrawRunSerializer, responses=s.PanelDrawSerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        """Draw the panel (409 ``draw_impossible`` says per field what is short)."""
        serializer = s.DrawRunSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draw = services.draw_run(
            draw=self.get_object(), actor=request.user, seed=serializer.validated_data["seed"]
        )
        return Response(s.PanelDrawSerializer(self.get_queryset().get(pk=draw.pk)).data)

    @extend_schema(responses=s.ReplaySerializer)
    @action(detail=True, methods=["get"])
    def replay(self, request, pk=None):
        """Draw again from the recorded inputs and seed: does it give the recorded panel?"""
        return Response({"matches": selectors.draw_replay(self.get_object())})

    @extend_schema(request=s.SeatSerializer, responses={201: s.LiveSessionSerializer})
    @action(detail=True, methods=["post"])
    def seat(self, request, pk=None):
        """Seat the confirmed panel and make the live session (finalists in ``order``)."""
        serializer = s.SeatSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.draw_seat(
            draw=self.get_object(),
            actor=request.user,
            order=serializer.validated_data["order"] or None,
            anonymise=serializer.validated_data["anonymise"],
            draw_order=serializer.validated_data["draw_order"],
        )
        return Response(s.LiveSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class PanelMemberViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Drawn experts and reserves (``?draw=``), their answers and sign-in codes (staff)."""

    serializer_class = s.PanelMemberSerializer

    def get_permissions(self):
        return _staff_only()

    def get_queryset(self):
        from finals.models import PanelMember

        draws = selectors.draws_visible_to(self.request.user)
        members = PanelMember.objects.filter(draw__in=draws).select_related("reviewer", "field")
        draw = self.request.query_params.get("draw", "")
        if self.action == "list" and draw:
            if not draw.isdigit():
                raise ValidationFailed(_("draw: a draw id."), fields={"draw": [_("A draw id.")]})
            members = members.filter(draw_id=int(draw))
        return members.order_by("draw_id", "seat", "field_id", "reserve_position", "id")

    def _respond(self, request, confirmed: bool):
        serializer = s.NoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member, _called = services.member_respond(
            member=self.get_object(),
            confirmed=confirmed,
            actor=request.user,
            note=serializer.validated_data["note"],
        )
        return Response(s.PanelMemberSerializer(member).data)

    @extend_schema(request=s.NoteSerializer, responses=s.PanelMemberSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._respond(request, True)

    @extend_schema(request=s.NoteSerializer, responses=s.PanelMemberSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """The expert declines; the next reserve of the field is called up."""
        return self._respond(request, False)

    @extend_schema(request=None, responses={201: s.SignInCodeSerializer})
    @action(detail=True, methods=["post"], url_path="sign-in-code")
    def sign_in_code(self, request, pk=None):
        """A new sign-in link for the member's phone (earlier ones revoked)."""
        code, token = services.sign_in_code_issue(member=self.get_object(), actor=request.user)
        url = request.build_absolute_uri(reverse("live:join", args=[token]))
        return Response({"url": url, "expires_at": code.expires_at}, status=201)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"], url_path="revoke-codes")
    def revoke_codes(self, request, pk=None):
        services.sign_in_code_revoke(member=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LiveSessionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Live sessions. Staff move the entry on stage; a seated member scores; everyone allowed
    polls ``version/``."""

    serializer_class = s.LiveSessionSerializer
    _HOST = (
        "present",
        "open_scoring",
        "close_scoring",
        "reveal",
        "record_reviews",
        "list",
        "retrieve",
    )

    def get_permissions(self):
        if self.action in self._HOST:
            return _staff_only()
        return [IsAuthenticated()]

    def get_queryset(self):
        return (
            selectors.sessions_visible_to(self.request.user)
            .prefetch_related("slots__entry")
            .order_by("-pk")
            .distinct()
        )

    def _move(self, request, to_state):
        serializer = s.SlotMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = self.get_object()
        slot = None
        if serializer.validated_data["slot"]:
            slot = get_object_or_404(
                LiveSlot, session=session, pk=serializer.validated_data["slot"]
            )
        slot = services.slot_move(session=session, to_state=to_state, actor=request.user, slot=slot)
        return Response(s.LiveSlotSerializer(slot).data)

    @extend_schema(request=s.SlotMoveSerializer, responses=s.LiveSlotSerializer)
    @action(detail=True, methods=["post"])
    def present(self, request, pk=None):
        """The next finalist (or ``slot``) takes the stage."""
        return self._move(request, SlotState.PRESENTING)

    @extend_schema(request=s.SlotMoveSerializer, responses=s.LiveSlotSerializer)
    @action(detail=True, methods=["post"], url_path="open-scoring")
    def open_scoring(self, request, pk=None):
        return self._move(request, SlotState.SCORING_OPEN)

    @extend_schema(request=s.SlotMoveSerializer, responses=s.LiveSlotSerializer)
    @action(detail=True, methods=["post"], url_path="close-scoring")
    def close_scoring(self, request, pk=None):
        return self._move(request, SlotState.SCORING_CLOSED)

    @extend_schema(request=s.SlotMoveSerializer, responses=s.LiveSlotSerializer)
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """Show the score: computed once; a second click is a 409."""
        return self._move(request, SlotState.REVEALED)

    @extend_schema(request=None, responses=s.RecordedSerializer)
    @action(detail=True, methods=["post"], url_path="record-reviews")
    def record_reviews(self, request, pk=None):
        """Every finalist revealed: the scores become the panel's reviews of the final round."""
        return Response(
            services.session_record_reviews(session=self.get_object(), actor=request.user)
        )

    @extend_schema(request=s.ScoreSerializer, responses=s.ScoreResultSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        """A seated member's score of the entry on stage (sent again: replaced, not doubled)."""
        session = self.get_object()
        member = selectors.seat_of(session, request.user)
        if member is None:
            raise NotPermitted(_("You are not on this panel."), code=FinalError.NOT_ON_PANEL)
        serializer = s.ScoreSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slot = get_object_or_404(LiveSlot, session=session, pk=serializer.validated_data["slot"])
        score, created = services.score_submit(
            session=session, member=member, slot=slot, scores=serializer.validated_data["scores"]
        )
        return Response(
            {"slot": slot.pk, "total": score.total, "scores": score.scores, "created": created}
        )

    @extend_schema(
        parameters=[OpenApiParameter("v", OpenApiTypes.INT, description="the version you have")],
        responses={200: s.VersionSerializer, 204: None},
    )
    @action(detail=True, methods=["get"])
    def version(self, request, pk=None):
        """204 while the session is at version ``v``; else its version (poll every second)."""
        session = self.get_object()
        if str(session.version) == request.query_params.get("v"):
            return HttpResponse(status=204)
        return Response({"version": session.version})
