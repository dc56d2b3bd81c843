"""schemathesis against /openapi.json: every saved query, generated valid and invalid parameters,
every response checked against the description (status codes, content types, no 5xx).

Runs on the real data and the real catalogue through the WSGI app, so nothing leaves the process.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from tests.helpers import running_app


@pytest.fixture(scope="module")
def api_app(real_store: str) -> Iterator[Flask]:
    with running_app(real_store, query_timeout=5.0) as app:
        yield app


MODES = ["positive", "negative"]
EXAMPLES = {"positive": 5, "negative": 3}  # per operation


def _not_deliberate(case) -> bool:  # type: ignore[no-untyped-def]
    """Leave out two deliberate differences from a literal reading of the description:
    an empty value counts as not given (a blank field of an HTML form), and an integer is
    written with digits only (JSON Schema calls 5.0 an integer too)."""
    values = (case.query or {}).values()
    return not any(v == "" or isinstance(v, float) for v in values)


TRIED: dict[str, int] = {}


@pytest.mark.parametrize("mode", MODES)
def test_saved_query_api(api_app: Flask, mode: str) -> None:
    """Each operation gets generated cases; every response must match the description.

    Driven by hand rather than by schemathesis' pytest plugin, which does not load under
    pytest 9; the checks are schemathesis' own (all of them, via ``call_and_validate``).
    """
    schema = schemathesis.openapi.from_wsgi("/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    generation = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=generation).filter(_not_deliberate))
        @settings(
            max_examples=EXAMPLES[mode],
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            TRIED[mode] = TRIED.get(mode, 0) + 1
            # The description is checked on the plain bytes; the WSGI transport does not
            # undo gzip the way an HTTP client does.
            case.call_and_validate(headers={"Accept-Encoding": "identity"})

        run()


def test_report_counts(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\nschemathesis: {TRIED} generated cases, all passing every check")
