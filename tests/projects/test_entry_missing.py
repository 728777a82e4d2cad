"""What a submission lacks: ``entries_missing`` (bulk, one query) and ``entry_missing`` (one entry)
give the same answer, and that answer is the submission rule written out plainly below."""

import itertools

import pytest

from projects.enums import AttachmentKind, TeamRole
from projects.models import Entry
from projects.services import entries_missing, entry_missing
from tests.factories.projects import (
    AttachmentFactory,
    CategoryFactory,
    EntryFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db

TEXTS = ("title", "summary", "innovation_points", "expected_benefits")
# Every character Python's str.strip() removes, in a text that is otherwise empty or not.
WHITESPACE = [c for c in map(chr, range(0x3001)) if c.isspace()]
TEXT_VALUES = ["焊装夹具", "", " ", "\u3000\u3000", "\t\n", "\xa0", " 甲 ", "\u3000乙\u3000", "0"]


def _reference(entry: Entry) -> set[str]:
    """The rule, independently: blank texts (as str.strip() sees them), no keyword, no team
    leader, no plan attachment."""
    missing = {f for f in TEXTS if not getattr(entry, f).strip()}
    if not entry.keywords:
        missing.add("keywords")
    if not entry.team.filter(role=TeamRole.LEADER).exists():
        missing.add("team")
    if not entry.attachments.filter(kind=AttachmentKind.PLAN).exists():
        missing.add("attachments")
    return missing


def _varied_entries() -> list[Entry]:
    category = CategoryFactory()
    entries = []
    teams = [[], [TeamRole.MEMBER], [TeamRole.LEADER], [TeamRole.MEMBER, TeamRole.LEADER]]
    files = [[], [AttachmentKind.SUPPORTING], [AttachmentKind.PLAN], [AttachmentKind.PICTURE] * 2]
    keywords = [[], ["焊装"], ["焊装", "夹具"]]
    combos = itertools.product(range(len(TEXT_VALUES)), teams, files, keywords)
    for i, (text_index, team, kinds, words) in enumerate(itertools.islice(combos, 0, None, 5)):
        texts = {
            f: TEXT_VALUES[(text_index + n * i) % len(TEXT_VALUES)] for n, f in enumerate(TEXTS)
        }
        texts["title"] = texts["title"] or " "  # a CharField: blank but not empty is the hard case
        entry = EntryFactory(contest=category.contest, category=category, keywords=words, **texts)
        for role in team:
            TeamMemberFactory(entry=entry, role=role)
        for kind in kinds:
            AttachmentFactory(entry=entry, kind=kind)
        entries.append(entry)
    return entries


def test_bulk_and_single_agree_with_the_rule_on_varied_entries():
    entries = _varied_entries()
    bulk = entries_missing(Entry.objects.filter(pk__in=[e.pk for e in entries]))
    assert set(bulk) == {e.pk for e in entries}
    answers = set()
    for entry in entries:
        entry.refresh_from_db()
        expected = _reference(entry)
        assert set(bulk[entry.pk]) == expected, entry.pk
        assert entry_missing(entry) == bulk[entry.pk]
        answers.add(frozenset(expected))
    assert frozenset() in answers and len(answers) > 10  # the cases really vary


@pytest.mark.parametrize("char", WHITESPACE, ids=[f"U+{ord(c):04X}" for c in WHITESPACE])
def test_every_python_whitespace_counts_as_blank(char):
    blank = EntryFactory(summary=char * 3)
    kept = EntryFactory(summary=f"{char}甲{char}")
    missing = entries_missing(Entry.objects.filter(pk__in=[blank.pk, kept.pk]))
    assert "summary" in missing[blank.pk]
    assert "summary" not in missing[kept.pk]


def test_messages_name_each_missing_field():
    entry = EntryFactory(summary="", keywords=[])
    assert entry_missing(entry) == {
        "summary": ["This field is required to submit."],
        "keywords": ["Give at least one keyword."],
        "team": ["Name the team leader."],
        "attachments": ["Upload at least one project plan document."],
    }


@pytest.mark.parametrize("n", [1, 30])
def test_bulk_is_one_query_whatever_the_number_of_entries(n, django_assert_num_queries):
    category = CategoryFactory()
    for i in range(n):
        entry = EntryFactory(contest=category.contest, category=category)
        TeamMemberFactory(entry=entry)
        if i % 2:
            AttachmentFactory(entry=entry)
    with django_assert_num_queries(1):
        missing = entries_missing(Entry.objects.filter(contest=category.contest))
    assert len(missing) == n
