"""The notice's badge asks the one rule of ``publicity.selectors`` (no rule in templates)."""

from __future__ import annotations

from django import template

from publicity import selectors

register = template.Library()


@register.filter
def notice_phase(notice) -> str:
    """``final``, ``open`` or ``over``: see ``publicity.selectors.notice_phase``."""
    return selectors.notice_phase(notice)
