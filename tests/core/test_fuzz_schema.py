"""Schemathesis over the project's own OpenAPI schema, as an administrator, an enterprise member
and a reviewer: no request may answer 5xx, every status must be documented for its operation, and
every response must match the schema.

In process: the WSGI application is called directly (no server), on the demo data of
``test_endpoint_matrix`` (loaded once per module in a transaction that is rolled back). Path ids
are real ids the caller may see, so requests reach serializers and services rather than 404s.
Bounded and deterministic: ``FUZZ_EXAMPLES`` examples per operation and role (default 3),
Hypothesis derandomized (a fixed seed per test), no example database, no shrinking beyond the
first failure's. Raise ``FUZZ_EXAMPLES`` for a deeper run on a developer machine.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.core.test_endpoint_matrix import SCHEMA, concrete, demo  # noqa: F401 - fixture

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
APP = get_wsgi_application()
FUZZ_SCHEMA = schemathesis.openapi.from_dict(SCHEMA)
OPERATIONS = sorted(
    (result.ok().method.upper(), result.ok().path) for result in FUZZ_SCHEMA.get_all_operations()
)
ROLES = ("admin", "dongfeng", "expert01")
# status_code_conformance: every status a response has is documented for its operation (the
# error answers by core/schema.py), so a client can rely on the schema for 4xx too.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


@pytest.fixture(scope="module")
def tokens(demo):  # noqa: F811 - the fixture imported above
    from accounts.services import api_token_issue

    return {role: api_token_issue(user=demo.users[role], device="fuzz")[1] for role in ROLES}


@pytest.fixture
def in_process_requests():
    """Django's handler closes "old" connections around each request, which would end the test
    transaction; the test client switches that off in the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _path_parameters(path: str, ids: dict[str, int]) -> dict[str, object]:
    filled = concrete(path, ids)
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    values = [
        v for p, v in zip(path.split("/"), filled.split("/"), strict=True) if p.startswith("{")
    ]
    return dict(zip(names, values, strict=True))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op[0]} {op[1]}")
def test_fuzz_no_server_error_and_schema_conformance(
    demo,  # noqa: F811 - the fixture imported above
    tokens,
    db,
    in_process_requests,
    role,
    operation,
):
    method, path = operation
    api_operation = FUZZ_SCHEMA[path][method]
    strategy = api_operation.as_strategy(
        path_parameters=_path_parameters(path, demo.ids[role]) or None,
        headers={"Authorization": f"Token {tokens[role]}"},
    )

    @hypothesis_settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call(app=APP)
        case.validate_response(response, checks=CHECKS)

    run()
