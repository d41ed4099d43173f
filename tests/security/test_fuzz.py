"""Schemathesis over the server's own OpenAPI, anonymously and with each role's token:
no answer is a 5xx, and every refusal is a JSON error with a plain message.

Every operation of /openapi.json (but the event stream, which never ends for an allowed
caller; the role matrix covers it) is fuzzed with positive (schema-valid) and negative
(schema-breaking) cases, as each caller. The admin goes last, since it may delete the
hall's reference data, and each caller's /logout goes last among its operations, since it
ends that caller's session."""

from __future__ import annotations

import os
import time
from collections import Counter

import hypothesis
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from tests.security.conftest import DATABASES, ROLES, auth, start_hall

# Cases per operation, caller and mode: about two minutes on two cores (a third of them on
# PostgreSQL, where values are refused differently). A deeper run:
# COUNTER_FUZZ_EXAMPLES=200 python -m pytest tests/security/test_fuzz.py -s
MAX_EXAMPLES = int(os.environ.get("COUNTER_FUZZ_EXAMPLES", "30"))
STREAMING = {("GET", "/api/v1/events")}  # never ends for an allowed caller; the matrix covers it
LAST = {("POST", "/api/v1/logout")}  # ends the caller's session: after everything else
assert ROLES[-1] == "admin", "the admin, who may delete reference data, is fuzzed last"


@schemathesis.serializer("application/pdf")
def pdf_body(ctx, value) -> bytes:
    """A document upload's body: the bytes generated for it (binary), as they are."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    data = getattr(value, "data", None)  # schemathesis' wrapper of generated binary
    if isinstance(data, bytes):
        return data
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else repr(value).encode()


@pytest.fixture(scope="module", params=DATABASES)
def server(request, tmp_path_factory, demo_hall_seed):
    yield from start_hall(request, tmp_path_factory, demo_hall_seed, request.param)


def refusal_problem(response) -> str | None:
    """Why a 4xx answer is not a JSON error with a plain message, or None."""
    try:
        body = response.json()
    except ValueError:
        return f"not JSON: {response.text[:120]!r}"
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str) and detail.strip():
        return None
    if isinstance(detail, list) and detail and all(isinstance(d, dict) and d.get("msg") for d in detail):
        return None  # validation problems: each names its place and says what is wrong
    return f"no message: {response.text[:120]!r}"


def check_answer(response) -> str | None:
    if response.status_code >= 500:
        return f"{response.status_code} {response.text[:200]!r}"
    if 400 <= response.status_code < 500:
        problem = refusal_problem(response)
        return f"{response.status_code} {problem}" if problem else None
    return None


def fuzzed_operations(server) -> list:
    schema = schemathesis.openapi.from_dict(requests.get(f"{server.url}/openapi.json", timeout=30).json())
    operations = [result.ok() for result in schema.get_all_operations()]
    operations = [op for op in operations if (op.method.upper(), op.path) not in STREAMING]
    return sorted(operations, key=lambda op: (op.method.upper(), op.path) in LAST)


class Tally:
    """What the fuzz sent and what came back."""

    def __init__(self) -> None:
        self.tried = 0
        self.fivexx = 0
        self.unbreakable: set[str] = set()  # operations without a negative case
        self.answers: Counter[tuple[str, int]] = Counter()  # (caller, status) -> count
        self.problems: list[str] = []


def fuzz(server, http: requests.Session, operation, mode: GenerationMode, role: str,
         headers: dict[str, str], tally: Tally, examples: int) -> None:
    """`examples` cases of `operation` in `mode`, sent as `role`."""

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate],
              verbosity=hypothesis.Verbosity.quiet)
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        tally.tried += 1
        response = case.call(base_url=server.url, session=http, headers=headers, timeout=30)
        tally.answers[role, response.status_code] += 1
        problem = check_answer(response)
        if problem:
            tally.fivexx += response.status_code >= 500
            tally.problems.append(f"{operation.method.upper()} {case.formatted_path} as {role} "
                                  f"({mode.value}): {problem}\n    {case.as_curl_command()[:400]}")

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, f"no valid case for {operation.label}"
        tally.unbreakable.add(operation.label)  # nothing to break: no parameters, no body


@pytest.mark.timeout(900)
def test_fuzz_every_operation_as_every_role(server, tokens):
    operations = fuzzed_operations(server)
    assert len(operations) >= 40, "the OpenAPI lost its operations?"
    tally = Tally()
    examples = MAX_EXAMPLES if server.db_url.startswith("sqlite") else max(1, MAX_EXAMPLES // 3)
    http = requests.Session()
    started = time.monotonic()

    for role in ROLES:
        headers = auth(tokens[role])
        for operation in operations:
            if (operation.method.upper(), operation.path) in LAST and tokens[role]:
                # Everything before ran as this caller, not as someone refused at the door.
                me = http.get(server.api("/me"), headers=headers, timeout=30)
                assert me.status_code == 200, f"the {role} token died during the fuzz: {me.text}"
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                fuzz(server, http, operation, mode, role, headers, tally, examples)

    print(f"\nfuzz on {server.db_url.split(':', 1)[0]}: {len(operations)} operations x {len(ROLES)} callers "
          f"x 2 modes, {tally.tried} cases tried in {time.monotonic() - started:.0f} s "
          f"({len(tally.unbreakable)} operations without a negative case), {tally.fivexx} answers >= 500, "
          f"{len(tally.problems)} problems")
    for role in ROLES:
        print(f"  {role}: " + ", ".join(f"{code} x{n}" for (r, code), n in sorted(tally.answers.items())
                                        if r == role))
    assert not tally.problems, "\n".join(tally.problems[:60])
