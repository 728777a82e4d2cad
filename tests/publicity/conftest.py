import pytest

from tests.factories.publicity import make_awarded_round, make_notice


@pytest.fixture
def awarded(union_staff):
    """(round, entries): a finalized final round with a first, second and third award."""
    return make_awarded_round(actor=union_staff)


@pytest.fixture
def notice(awarded, union_staff):
    return make_notice(actor=union_staff, round_=awarded[0])
