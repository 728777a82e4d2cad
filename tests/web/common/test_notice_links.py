"""Links in notices and e-mails open pages, never the JSON API (issue 16): every link a notice
context is given (``site_link(...)``) and every link written in a notice template."""

import re
from pathlib import Path

from django.urls import Resolver404, resolve

ROOT = Path(__file__).resolve().parents[3]
APPS = [p.parent for p in ROOT.glob("*/apps.py")] + [p.parent for p in ROOT.glob("web/*/apps.py")]
SITE_LINK = re.compile(r"""site_link\(\s*f?["']([^"']*)["']""")
# Links that still go to the API, each waiting for its owner to point it at a page. Remove the
# line with the fix; a new API link anywhere else fails.
KNOWN_API_LINKS: dict[str, str] = {}


def _sources() -> list[Path]:
    return [p for app in APPS for p in app.rglob("*.py") if "migrations" not in p.parts]


def test_no_notice_link_goes_to_the_api():
    found = {
        f"{path.relative_to(ROOT)}: {link}"
        for path in _sources()
        for link in SITE_LINK.findall(path.read_text())
        if link.startswith("/api/") and KNOWN_API_LINKS.get(str(path.relative_to(ROOT))) != link
    }
    assert not found, f"notice links to the API instead of a page: {sorted(found)}"


def test_no_notice_template_writes_an_api_link():
    found = [
        str(path.relative_to(ROOT))
        for app in APPS
        for path in app.glob("templates/notifications/**/*.txt")
        if "/api/" in path.read_text()
    ]
    assert not found, f"notice templates with an API link: {found}"


def test_every_notice_link_resolves_to_a_page():
    unresolved = []
    for path in _sources():
        for link in SITE_LINK.findall(path.read_text()):
            if KNOWN_API_LINKS.get(str(path.relative_to(ROOT))) == link:
                continue
            page = re.sub(r"\{[^}]*\}", "1", link).split("?")[0].split("#")[0]
            try:
                resolve(page)
            except Resolver404:
                unresolved.append(f"{path.relative_to(ROOT)}: {link}")
    assert not unresolved, f"notice links to no page: {unresolved}"
