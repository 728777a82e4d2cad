from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from projects.selectors import contests_open_to_the_public
from web.common import registry


def home(request):
    """The visitors' page: the three programmes, open contests and their deadlines, the studio
    directory, whatever other apps add as home sections, and the way to sign in."""
    context = {
        "page_title": _("Home"),
        "open_contests": contests_open_to_the_public()[:10],
        "home_sections": registry.home_sections(request),
    }
    return render(request, "public/home.html", context)
