"""Template helpers of the layout (no rules here: what a page shows comes from its view)."""

from __future__ import annotations

from django import forms, template
from django.utils import timezone

register = template.Library()


@register.filter
def styled(bound_field):
    """Render a form field's widget with the CSS framework's classes (and is-invalid on error)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    return bound_field.as_widget(attrs={"class": css})


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def days_left(moment) -> int | None:
    """Whole days from now to ``moment`` (negative when past), for countdowns."""
    if not moment:
        return None
    return (moment - timezone.now()).days
