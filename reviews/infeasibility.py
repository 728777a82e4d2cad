"""The solver's explanations of an infeasible round, in the staff's language.

``reviews.assignment`` stays free of Django: it raises ``AssignmentInfeasible`` with short
findings (a code and numbers, see ``assignment.FINDING_TEXTS`` for the English) and the
per-entry / per-reviewer details. This module says the findings first, translated, then the
details.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from reviews.assignment import AssignmentInfeasible


def _templates() -> dict[str, str]:
    return {
        "too_few_reviewers": _(
            "Each entry needs %(k)s reviewers but the pool has only %(reviewers)s: add "
            "reviewers or lower the number of reviewers per entry."
        ),
        "max_loads_short": _(
            "%(need)s reviews are needed but the reviewers' maximum loads allow only "
            "%(capacity)s: raise the maximum loads or add reviewers."
        ),
        "min_loads_excess": _(
            "The minimum loads add up to %(minimum)s reviews, more than the %(need)s to be "
            "done: lower the minimum loads."
        ),
        "employer_limit": _(
            "The %(reviewers)s reviewers employed by organisation %(org)s need at least "
            "%(need)s entries from other organisations to reach their minimum loads (one "
            "reviewer per employer on an entry), but there are only %(available)s: lower "
            "their minimum loads or allow several reviewers of one employer."
        ),
        "entries_short": _(
            "%(entries)s entries have fewer eligible reviewers than they need (conflicts of "
            "interest, recusals, full reviewers): add reviewers or lower the number of "
            "reviewers per entry."
        ),
        "entries_short_of_employers": _(
            "%(entries)s entries have eligible reviewers from too few different employers: "
            "add reviewers from other employers or allow several reviewers of one employer."
        ),
        "min_load_unreachable": _(
            "%(reviewers)s reviewers cannot reach their minimum load (too few entries they "
            "may review): lower the minimum load or add entries."
        ),
        "slots_short": _(
            "At most %(filled)s of the %(need)s reviews can be assigned without breaking a "
            "conflict of interest, a maximum load or the one-reviewer-per-employer rule: add "
            "reviewers or raise their maximum loads."
        ),
        "min_loads_short": _(
            "Every review can be assigned, but not so that all minimum loads are met: the "
            "best assignment still falls %(short)s reviews short of them: lower the minimum "
            "loads."
        ),
        "not_proven": _(
            "No valid assignment was found among the %(pairs)s candidate pairs searched; this "
            "does not prove that none exists: ask the administrator to retry with more "
            "candidate pairs."
        ),
    }


def infeasible_reasons(exc: AssignmentInfeasible) -> list[str]:
    """The short findings in the active language, then the details (English, per entry and
    per reviewer, for the administrator)."""
    templates = _templates()
    said = [templates[f.code] % f.params for f in exc.findings]
    return said + exc.details if (said or exc.details) else exc.reasons
