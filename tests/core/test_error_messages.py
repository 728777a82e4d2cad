"""Service error messages are user-facing text in two languages.

Every :class:`core.exceptions.DomainError` (and subclass) raised in the domain apps carries a
message written with gettext and %-named placeholders, never an f-string or a bare literal, so
that the Chinese pages show Chinese and the catalogue can translate it. The field messages in
``fields={...: [...]}`` follow the same rule. The stable machine ``code`` is not translated.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation

import core.exceptions
from core.exceptions import DomainError, InvalidTransition
from core.transitions import SUBJECTS, check_transition
from projects.enums import ENTRY_TRANSITIONS, EntryState

ROOT = Path(__file__).resolve().parents[2]
# Every app of ours (a top-level package with an apps.py), so a new app is checked too.
DOMAIN_APPS = tuple(sorted(p.parent.name for p in ROOT.glob("*/apps.py"))) + ("web",)
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
# Helpers that wrap a message into a DomainError (their first argument is the message).
MESSAGE_FACTORIES = {"_refuse", "_file_refused"}


def _error_classes() -> set[str]:
    names = {
        name
        for name, obj in inspect.getmembers(core.exceptions, inspect.isclass)
        if issubclass(obj, DomainError)
    }
    # Subclasses defined in the apps (e.g. jobs.services.JobFailed).
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef) and any(
                isinstance(b, ast.Name) and b.id in names for b in node.bases
            ):
                names.add(node.name)
    return names


def _sources() -> list[Path]:
    return [
        path
        for app in DOMAIN_APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_literal_text(node: ast.expr) -> bool:
    """A message written as text that gettext never sees: a str literal, an f-string, a literal
    formatted with % or .format(), or text glued with +."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_literal_text(node.left) or _is_literal_text(node.right)
    if isinstance(node, ast.Call) and _name(node.func) == "format":
        return isinstance(node.func, ast.Attribute) and _is_literal_text(node.func.value)
    if isinstance(node, ast.IfExp):
        return _is_literal_text(node.body) or _is_literal_text(node.orelse)
    return False


def _field_messages(node: ast.expr) -> list[ast.expr]:
    values = node.values if isinstance(node, ast.Dict) else []
    if isinstance(node, ast.DictComp):
        values = [node.value]
    return [e for v in values if isinstance(v, ast.List | ast.Tuple) for e in v.elts]


def _offences() -> list[str]:
    classes = _error_classes() | MESSAGE_FACTORIES
    found = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and _name(node.func) in classes):
                continue
            suspects = node.args[:1] + [
                e for k in node.keywords if k.arg == "fields" for e in _field_messages(k.value)
            ]
            suspects += [k.value for k in node.keywords if k.arg == "detail"]
            for arg in suspects:
                if _is_literal_text(arg):
                    where = f"{path.relative_to(ROOT)}:{arg.lineno}"
                    found.append(f"{where} {_name(node.func)}({ast.unparse(arg)[:70]})")
    return found


def test_every_domain_error_message_goes_through_gettext():
    assert _offences() == []


def test_the_check_sees_an_f_string_a_literal_and_glued_text(tmp_path, monkeypatch):
    """The walk itself: it flags what it must and lets gettext calls through."""
    bad = tmp_path / "core" / "bad.py"
    bad.parent.mkdir()
    bad.write_text(
        "from django.utils.translation import gettext as _\n"
        "from core.exceptions import Conflict, ValidationFailed\n"
        "def a(x):\n    raise Conflict(f'Round {x} is closed.')\n"
        "def b():\n    raise ValidationFailed('Plain text.')\n"
        "def c(x):\n    raise Conflict('Limit ' + str(x))\n"
        "def d(x):\n    raise Conflict(_('Fine %(x)s.') % {'x': x}, fields={'x': ['Not fine.']})\n"
        "def e(x):\n    raise Conflict(_('Fine %(x)s.') % {'x': x}, fields={'x': [_('Fine.')]})\n"
    )
    monkeypatch.setitem(globals(), "ROOT", tmp_path)
    found = _offences()
    assert [f.split(" ", 1)[0] for f in found] == [
        "core/bad.py:4",
        "core/bad.py:6",
        "core/bad.py:8",
        "core/bad.py:10",
    ]


def test_the_domain_apps_raise_errors_at_all():
    """Guard against a walk that silently looks at nothing."""
    classes = _error_classes()
    assert {"ValidationFailed", "Conflict", "InvalidTransition", "JobFailed"} <= classes
    calls = sum(
        1
        for path in _sources()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and _name(node.func) in classes
    )
    assert calls > 100


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "参赛项目无法从“已提交”变为“获奖”。“已提交”只能变为："),
        ("en", "Cannot move entry from 'Submitted' to 'Awarded'. Allowed from 'Submitted': "),
    ],
)
def test_a_refused_move_names_the_states_by_their_labels(language, expected):
    with translation.override(language), pytest.raises(InvalidTransition) as err:
        check_transition(ENTRY_TRANSITIONS, EntryState.SUBMITTED, EntryState.AWARDED, what="entry")
    assert err.value.detail.startswith(expected)
    assert err.value.code == "invalid_transition"
    assert "submitted" not in err.value.detail  # the raw value never shows


@override_settings(LANGUAGE_CODE="zh-hans")
def test_every_transition_subject_has_a_chinese_noun():
    with translation.override("zh-hans"):
        untranslated = [key for key, noun in SUBJECTS.items() if str(noun) == key]
    assert untranslated == []


def test_the_error_renders_in_the_language_active_where_it_is_raised():
    from django.utils.translation import gettext_lazy

    from core.exceptions import Conflict

    with translation.override("zh-hans"):
        err = Conflict(
            gettext_lazy("The round is not open."), fields={"round": [gettext_lazy("Invalid.")]}
        )
    with translation.override("en"):
        assert err.detail == "该评审轮次不在评分中。"
        assert err.fields == {"round": ["无效。"]}


def test_a_stored_state_value_is_named_by_its_label_too():
    """A model field holds the plain value ("in_review"); the refusal still uses the label."""
    with translation.override("zh-hans"), pytest.raises(InvalidTransition) as err:
        check_transition(ENTRY_TRANSITIONS, "in_review", EntryState.DRAFT, what="entry")
    assert err.value.detail.startswith("参赛项目无法从“评审中”变为“草稿”。")
    assert "in_review" not in err.value.detail


def test_every_transition_subject_in_the_code_has_a_noun():
    """``check_transition(..., what="x")``: "x" is a key of SUBJECTS, so the refusal names the
    object in the request's language, not by the English key."""
    used = {
        (kw.value.value, f"{path.relative_to(ROOT)}:{node.lineno}")
        for path in _sources()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call) and _name(node.func) == "check_transition"
        for kw in node.keywords
        if kw.arg == "what" and isinstance(kw.value, ast.Constant)
    }
    assert len(used) > 10
    assert sorted(where for key, where in used if key not in SUBJECTS) == []
