"""Templates per kind and language; the convention other apps rely on."""

import pytest

from notifications import rendering
from notifications.rendering import notice_language, render_notice
from notifications.templatetags.notices import local_time


@pytest.fixture
def extra_templates(tmp_path, settings):
    """A project-level templates folder with a kind that only has Chinese templates (as another
    app would add)."""
    folder = tmp_path / "notifications" / "studio_assessment_due" / "zh-hans"
    folder.mkdir(parents=True)
    (folder / "subject.txt").write_text("【年度考核】{{ studio }} & 提醒\n第二行\n")
    (folder / "body.txt").write_text("请于 {{ due|local_time }} 前提交 <考核材料>。\n")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    rendering._engine.cache_clear()
    yield
    rendering._engine.cache_clear()


def test_kind_without_english_template_falls_back_to_chinese_unescaped(extra_templates):
    title, body = render_notice(
        kind="studio_assessment_due",
        language="en",
        context={"studio": "王伟劳模创新工作室", "due": "2026-12-31T16:00:00+00:00"},
    )
    assert title == "【年度考核】王伟劳模创新工作室 & 提醒 第二行"
    assert body == "请于 2027-01-01 00:00 前提交 <考核材料>。\n"


def test_unknown_kind_is_an_error_for_the_caller():
    from django.template import TemplateDoesNotExist

    with pytest.raises(TemplateDoesNotExist):
        render_notice(kind="no_such_kind", language="zh-hans", context={})


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "en"), ("zh-hans", "zh-hans"), ("fr", "zh-hans"), ("", "zh-hans")],
)
def test_notice_language_follows_recipient_with_chinese_fallback(language, expected):
    class Person:
        pass

    person = Person()
    person.language = language
    assert notice_language(person) == expected


def test_local_time_prints_shanghai_time_whatever_the_input_zone():
    assert local_time("2026-06-30T23:30:00-05:00") == "2026-07-01 12:30"
    assert local_time("") == ""
    assert local_time("not a date") == "not a date"
