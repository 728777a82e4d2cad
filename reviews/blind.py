"""Blind rounds (盲评): finding entrant free text that names the entrant. Pure functions over
plain strings, used by ``reviews.selectors.blind_text_flags``.

A reviewer of a blind round reads the entry's title, summary, innovation points, expected
benefits, keywords and the team members' job titles. Those are the entrant's own words, so they
cannot be redacted; instead staff are shown every place where they contain the organisation's
name (or its name without the legal-form suffix, e.g. 东风商用车 for 东风商用车有限公司), its
contact person, a team member's name or a team member's employer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Legal-form and structural suffixes entrants leave out when they name their own organisation.
# Longest first, so 股份有限公司 is removed before 有限公司.
_ORG_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "分公司",
    "总公司",
    "公司",
    "集团",
    "工会委员会",
    "委员会",
    "研究院",
    "研究所",
    "厂",
)
# Shorter than this a term matches too much (a single character, 一 or 厂) to be a useful flag.
_MIN_TERM = 2

FREE_TEXT_FIELDS = ("title", "summary", "innovation_points", "expected_benefits", "keywords")


def _normal(text: str) -> str:
    # NFKC folds full-width letters and digits (ＡＢＣ -> ABC); case folding for Latin names.
    # str.split() splits on exactly the characters ``\s`` matches (str.isspace), faster.
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


@lru_cache(maxsize=65_536)
def _normal_term(term: str) -> str:
    """``_normal`` of a name: names repeat over a round's entries (organisations, employers)."""
    return _normal(term)


@lru_cache(maxsize=65_536)
def org_short_name(name: str) -> str:
    """The organisation's name without its legal-form suffix and a leading place name in
    parentheses: 东风商用车有限公司 -> 东风商用车; 十堰人福医药（集团）有限公司 -> 十堰人福医药."""
    short = re.sub(r"[（(][^）)]*[）)]", "", name or "").strip()
    changed = True
    while changed:
        changed = False
        for suffix in _ORG_SUFFIXES:
            if short.endswith(suffix) and len(short) - len(suffix) >= _MIN_TERM:
                short = short[: -len(suffix)]
                changed = True
                break
    return short


def identity_terms(organisation, team: Iterable) -> list[tuple[str, str]]:
    """(kind, term) pairs that identify the entrant: the organisation's name and short name, its
    contact person, each team member's name and employer."""
    terms: list[tuple[str, str]] = []
    if organisation is not None:
        terms.append(("organisation", organisation.name))
        terms.append(("organisation", org_short_name(organisation.name)))
        terms.append(("contact", getattr(organisation, "contact_name", "")))
    for member in team:
        terms.append(("team_member", member.name))
        terms.append(("employer", getattr(member, "employer_name", "")))
        terms.append(("employer", org_short_name(getattr(member, "employer_name", ""))))
    seen: set[str] = set()
    out = []
    for kind, term in terms:
        key = _normal_term(term or "")
        if len(key) >= _MIN_TERM and key not in seen:
            seen.add(key)
            out.append((kind, term.strip()))
    return out


def reviewer_free_text(entry, team: Iterable) -> dict[str, str]:
    """Field -> the entrant's text a blind-round reviewer reads."""
    texts = {field: getattr(entry, field) or "" for field in FREE_TEXT_FIELDS}
    texts["keywords"] = " ".join(str(k) for k in (entry.keywords or []))
    for i, member in enumerate(team):
        texts[f"team[{i}].job_title"] = member.job_title or ""
    return texts


def identity_mentions(texts: dict[str, str], terms: list[tuple[str, str]]) -> list[dict]:
    """Every (field, kind, term) where a term occurs in a text (whitespace, width and case
    ignored). A longer term that contains a shorter one found in the same field is reported
    once, as the longer one."""
    found = []
    # One normalisation of all the fields at once (NUL between them, which NFKC, whitespace
    # removal and case folding all leave as it is): a round's check normalises 100,000 entries'
    # texts, and one call per field was most of its Python time.
    fields = list(texts)
    joined = _normal("\x00".join((texts[f] or "").replace("\x00", "") for f in fields))
    normal_texts = dict(zip(fields, joined.split("\x00"), strict=True))
    keyed = sorted(
        ((_normal_term(term or ""), kind, term) for kind, term in terms), key=lambda t: -len(t[0])
    )
    for field, text in normal_texts.items():
        hits: list[str] = []
        for key, kind, term in keyed:
            if key in text and not any(key in longer for longer in hits):
                hits.append(key)
                found.append({"field": field, "kind": kind, "term": term})
    return found
