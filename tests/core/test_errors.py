"""Every error has one body shape: {code, detail, fields}."""

import pytest

from core.exceptions import Conflict, InvalidTransition
from core.transitions import check_transition

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "method", "url", "status"),
    [
        ("api", "get", "/api/v1/users/", 401),
        ("member_client", "get", "/api/v1/users/", 403),
        ("staff_client", "get", "/api/v1/organisations/999999/", 404),
        ("staff_client", "post", "/api/v1/organisations/", 400),
    ],
)
def test_error_bodies_share_one_shape(request, who, method, url, status):
    response = getattr(request.getfixturevalue(who), method)(url, {}, format="json")
    assert response.status_code == status
    assert set(response.data) == {"code", "detail", "fields"}
    assert response.data["detail"]


def test_check_transition_refuses_move_outside_table():
    table = {"draft": {"open"}, "open": {"closed"}}
    with pytest.raises(InvalidTransition) as err:
        check_transition(table, "draft", "closed", what="contest")
    assert err.value.status_code == 409
    assert "Allowed from 'draft': open" in err.value.detail


def test_check_transition_allows_move_in_table():
    assert check_transition({"draft": {"open"}}, "draft", "open", what="contest") is None


def test_domain_error_status_codes():
    assert Conflict("x").status_code == 409
    assert InvalidTransition("x").code == "invalid_transition"
