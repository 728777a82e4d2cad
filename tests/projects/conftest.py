import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories.projects import CategoryFactory, ContestFactory


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    """Each test writes attachments to its own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    yield
    shutil.rmtree(tmp_path / "private", ignore_errors=True)


@pytest.fixture
def contest(db):
    """An open contest (window from 10 days ago to 10 days ahead) with one category."""
    return ContestFactory()


@pytest.fixture
def category(contest):
    return CategoryFactory(contest=contest, code="innovation", name="创新组")


def attachment_path(attachment) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "attachments" / attachment.storage_name
