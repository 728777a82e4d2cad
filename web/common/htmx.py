"""htmx helpers. A partial is a named ``{% partialdef %}`` block of the page's own template
(django-template-partials), so the full page and the fragment are one template and a page still
works without JavaScript."""

from __future__ import annotations

from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect


def is_partial_request(request) -> bool:
    """An htmx request that wants a fragment (a boosted link wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render_page(request, template: str, context: dict, *, partial: str = "", status: int = 200):
    """Render ``template`` whole, or only its ``partial`` block when htmx asks for a fragment."""
    name = f"{template}#{partial}" if partial and is_partial_request(request) else template
    return render(request, name, context, status=status)


class PartialTemplateMixin:
    """For class-based views: ``partial_name = "rows"`` answers htmx requests with that block."""

    partial_name = ""

    def get_template_names(self):
        names = super().get_template_names()
        if self.partial_name and is_partial_request(self.request):
            return [f"{n}#{self.partial_name}" for n in names]
        return names


def redirect_after_post(request, url: str):
    """After a successful POST: htmx follows HX-Redirect, a plain form a 303."""
    from django.shortcuts import redirect

    if getattr(request, "htmx", None):
        return HttpResponseClientRedirect(url)
    response = redirect(url)
    response.status_code = 303
    return response
