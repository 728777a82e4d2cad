"""The visitors' app adds the published results notices to the home page (issue 13)."""

from django.utils import timezone

from web.common.registry import home_section


def _notices(request) -> dict:
    from publicity.selectors import notices_public

    return {"published_notices": list(notices_public()[:5]), "now": timezone.now()}


home_section("notices", template="public/publicity/home_notices.html", order=50, context=_notices)
