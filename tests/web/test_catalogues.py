"""Chinese first: every message of the product has a Chinese translation, none is fuzzy, the
catalogues are current with the source, and the compiled .mo files match the .po files."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    [ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"]
    + list((ROOT / "web").glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
    # Domain apps with a catalogue of their own (publicity, certificates, finals; scripts/messages.sh).
    + list(ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
)


def _ids(name) -> str:
    return str(name.relative_to(ROOT))


def _msgattrib(po: Path, flag: str) -> str:
    return subprocess.run(
        ["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout


def _entries(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


@pytest.mark.parametrize("po", CATALOGUES, ids=_ids)
def test_catalogue_has_no_untranslated_message(po):
    assert _entries(_msgattrib(po, "--untranslated")) == []


@pytest.mark.parametrize("po", CATALOGUES, ids=_ids)
def test_catalogue_has_no_fuzzy_message(po):
    assert _entries(_msgattrib(po, "--only-fuzzy")) == []


@pytest.mark.parametrize("po", CATALOGUES, ids=_ids)
def test_compiled_catalogue_matches_its_source(po, tmp_path):
    fresh = tmp_path / "fresh.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)
    with fresh.open("rb") as a, po.with_suffix(".mo").open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog, (
            "run scripts/messages.sh"
        )


def _source_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [f for f in listed if (ROOT / f).is_file()]


def test_catalogues_hold_every_message_of_the_source(tmp_path):
    """makemessages over a copy of the source adds no message the catalogues lack."""
    copy = tmp_path / "src"
    for name in _source_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    env = {**os.environ, "VENV": str(Path(sys.executable).parent.parent)}
    subprocess.run(["bash", "scripts/messages.sh"], cwd=copy, env=env, check=True)
    missing = {}
    for po in CATALOGUES:
        fresh = copy / po.relative_to(ROOT)
        have = set(_entries(_msgattrib(po, "--translated")))
        need = set(_entries(_msgattrib(fresh, "--no-obsolete")))
        if need - have:
            missing[_ids(po)] = sorted(need - have)
    assert not missing, f"untranslated after makemessages (run scripts/messages.sh): {missing}"


def _translations(po: Path, tmp_path: Path) -> dict:
    """The catalogue as gettext reads it: {msgid or "context\\x04msgid" (or (msgid, n) for a
    plural form): translation}."""
    mo = tmp_path / f"{abs(hash(po))}.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    with mo.open("rb") as f:
        return {k: v for k, v in gettext.GNUTranslations(f)._catalog.items() if k != ""}


def _label(key) -> str:
    msgid, form = key if isinstance(key, tuple) else (key, None)
    context, _, msgid = msgid.rpartition("\x04")
    return (
        f"{msgid!r}"
        + (f" (context {context!r})" if context else "")
        + (f" [plural {form}]" if form is not None else "")
    )


def test_no_two_catalogues_translate_one_message_differently(tmp_path):
    """Django merges every catalogue into one per language (LOCALE_PATHS first, then the apps in
    INSTALLED_APPS order): a msgid (same context) translated differently by two catalogues shows
    the first one's wording on every app's pages. An app-specific wording needs a context."""
    seen: dict = {}
    for po in CATALOGUES:
        for key, text in _translations(po, tmp_path).items():
            seen.setdefault(key, {})[_ids(po)] = text
    clashes = {
        _label(key): by_catalogue
        for key, by_catalogue in seen.items()
        if len(set(by_catalogue.values())) > 1
    }
    assert not clashes, (
        "one message, different translations (give the app-specific wording a context, "
        f"pgettext / {{% translate ... context %}}, or use the same wording): {clashes}"
    )


@pytest.mark.parametrize("po", CATALOGUES, ids=_ids)
def test_translations_keep_their_placeholders(po):
    """A python-format message's translation names exactly the msgid's %(name)s placeholders
    (a missing one drops a fact from the message, an unknown one is a KeyError at run time)."""
    checked = subprocess.run(
        ["msgfmt", "--check-format", "-o", os.devnull, str(po)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
