"""Experts from an Excel sheet straight into a contest's reviewer pool."""

from __future__ import annotations

from typing import IO

from django.db import transaction

from accounts.models import User
from accounts.services import ExpertImport, experts_import
from projects.models import Contest


def pool_import(*, contest: Contest, file: IO[bytes], actor: User) -> ExpertImport:
    """Import the sheet (``accounts.services.experts_import``) and add every expert of it to the
    contest's pool (``reviews.services.pool_add``), in one transaction: a bad row, or an expert
    who cannot join the pool (e.g. a deactivated profile), leaves nothing behind."""
    from reviews import services

    with transaction.atomic():
        result = experts_import(actor=actor, file=file)
        services.pool_add(contest=contest, reviewers=result.reviewers, actor=actor)
    return result
