"""Remembering users in DynamoDB, as on Lambda: the same adapter code against dynalite.

AWS itself is the one stand-in: dynalite (npm, a real DynamoDB implementation) runs on loopback,
and boto3 reaches it through its own `AWS_ENDPOINT_URL_DYNAMODB` setting with dummy credentials.
dynalite cannot throttle, so throttling and a server that never answers come from small HTTP
stand-ins on loopback answering as DynamoDB does; that is the edge of the unreachable service.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from conftest import Conversation
from test_visits import USER, skill_disabled, visit

from skill.factory import create_skill_builder
from skill.persistence import RETENTION_DAYS
from skill.settings import Settings

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
DYNALITE = ROOT / "node_modules" / ".bin" / "dynalite"
TABLE = "leg-cramp-helper-test-visits"
KEY = hashlib.sha256(USER.encode()).hexdigest()
# Alexa waits 8 s and the Lambda gives up after 7 s: a failing store must cost far less.
DEADLINE_SECONDS = 7.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dynalite:
    """A dynalite server on loopback, with the skill's table (as serverless.yml defines it)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(DYNALITE),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--createTableMs",
                "0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("dynalite did not start") from None
                time.sleep(0.05)
        self.client = boto3.client("dynamodb", endpoint_url=self.url)
        self.client.create_table(
            TableName=TABLE,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        )
        self.client.get_waiter("table_exists").wait(
            TableName=TABLE, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
        )

    def item(self) -> dict[str, Any] | None:
        """The user's item as DynamoDB returns it (boto3's resource types)."""
        table = boto3.resource("dynamodb", endpoint_url=self.url).Table(TABLE)
        return table.get_item(Key={"id": KEY}, ConsistentRead=True).get("Item")

    def stop(self) -> None:
        """Stop the server (a DynamoDB outage, as far as the skill can tell)."""
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials and a region, and no AWS configuration from this machine."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "dummy")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "dummy")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def dynalite(aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Dynalite]:
    """A fresh dynalite with the table, and the skill pointed at it with PERSISTENCE."""
    server = Dynalite()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", server.url)
    monkeypatch.setenv("PERSISTENCE", f"dynamodb:{TABLE}")
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def skill(dynalite: Dynalite) -> Any:
    """The Lambda handler as Lambda builds it, with PERSISTENCE=dynamodb:TABLE."""
    return create_skill_builder(Settings.from_env()).lambda_handler()


def test_a_returning_user_is_remembered_in_the_table(skill: Any, dynalite: Dynalite) -> None:
    """Shorter welcome back, and the item: hashed id, the dates and count, a 90-day TTL."""
    assert visit(skill).turns[0].speech.startswith("Welcome to Leg Cramp Helper.")
    assert visit(skill).turns[0].speech.startswith("Welcome back.")
    item = dynalite.item()
    assert item is not None
    today = time.strftime("%Y-%m-%d", time.gmtime())
    assert set(item) == {"id", "attributes", "expires_at"}
    assert item["attributes"] == {"first_visit": today, "last_visit": today, "visits": Decimal(2)}
    assert abs(int(item["expires_at"]) - (time.time() + RETENTION_DAYS * 86400)) < 60
    assert USER not in json.dumps(item, default=str)


def test_the_tip_walk_is_resumed_from_the_table(skill: Any, dynalite: Dynalite) -> None:
    """Saved as it moves, offered next time, and yes continues with the next tip."""
    talk = visit(skill)
    talk.intent("PreventionTipsIntent")
    talk.intent("AMAZON.YesIntent")
    assert dynalite.item()["attributes"]["tip"] == "FOOTWEAR"
    again = visit(skill)
    assert "Last time we got to comfortable shoes. Shall we carry on?" in again.turns[0].speech
    assert again.intent("AMAZON.YesIntent").speech.startswith("Keep your bedding loose")
    assert dynalite.item()["attributes"]["tip"] == "BEDDING"


def test_disabling_the_skill_deletes_the_item(skill: Any, dynalite: Dynalite) -> None:
    """SkillDisabled with NOT_PERSISTED removes the user's item from the table."""
    talk = visit(skill)
    assert dynalite.item() is not None
    assert skill_disabled(talk, "NOT_PERSISTED")["response"] == {}
    assert dynalite.item() is None


def test_dynamodb_stopping_mid_conversation_breaks_no_answer(
    skill: Any, dynalite: Dynalite, caplog: pytest.LogCaptureFixture
) -> None:
    """The walk goes on after the server dies; the next session is answered as a new user."""
    talk = visit(skill)
    talk.intent("PreventionTipsIntent")
    dynalite.stop()
    with caplog.at_level(logging.WARNING):
        started = time.monotonic()
        tip = talk.intent("AMAZON.YesIntent")
        assert time.monotonic() - started < DEADLINE_SECONDS
        started = time.monotonic()
        welcome = visit(skill).turns[0]
        assert time.monotonic() - started < DEADLINE_SECONDS
    assert tip.speech.startswith("Wear comfortable, supportive shoes")
    assert not tip.ends
    assert welcome.speech.startswith("Welcome to Leg Cramp Helper.")
    assert not welcome.ends
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and all("answering as for a new user" in w for w in warnings)
    assert all("ConnectionRefusedError" in w for w in warnings)
    assert all(USER not in w and KEY not in w for w in warnings)


def test_a_missing_table_means_a_new_user(
    dynalite: Dynalite, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A PERSISTENCE table that does not exist: answers as for a new user, and says why."""
    monkeypatch.setenv("PERSISTENCE", "dynamodb:no-such-table")
    skill = create_skill_builder(Settings.from_env()).lambda_handler()
    with caplog.at_level(logging.WARNING):
        talk = visit(skill)
        talk.intent("TipDetailIntent", tip="BEDDING")
    assert talk.turns[0].speech.startswith("Welcome to Leg Cramp Helper.")
    assert talk.turns[1].speech.startswith("Keep your bedding loose")
    assert any("ResourceNotFoundException" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "attributes",
    ["not a map", {"visits": "lots"}, {"first_visit": "2026-11-01", "tip": ["x"]}, {}],
)
def test_a_corrupted_item_means_a_new_user_and_is_replaced(
    skill: Any, dynalite: Dynalite, attributes: Any
) -> None:
    """Whatever sits in `attributes`, the user hears the first welcome and gets a good record."""
    table = boto3.resource("dynamodb", endpoint_url=dynalite.url).Table(TABLE)
    table.put_item(Item={"id": KEY, "attributes": attributes, "expires_at": 4102444800})
    assert visit(skill).turns[0].speech.startswith("Welcome to Leg Cramp Helper.")
    assert dynalite.item()["attributes"]["visits"] == 1


class StandIn(BaseHTTPRequestHandler):
    """DynamoDB's edge, as a throttled or hung service answers; counts requests per operation."""

    calls: list[str]
    mode: str

    def do_POST(self) -> None:
        """Throttle every request, or never answer within the client's read timeout."""
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.calls.append(self.headers.get("X-Amz-Target", "").rpartition(".")[2])
        if self.mode == "hang":
            time.sleep(2.5)
        body = json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "The level of configured provisioned throughput for the table was "
                "exceeded. Consider increasing your provisioning level with the UpdateTable API.",
            }
        ).encode()
        with contextlib.suppress(OSError):  # a client that timed out has gone
            self._answer(body)

    def _answer(self, body: bytes) -> None:
        self.send_response(400)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture(params=["throttle", "hang"])
def troubled(
    request: pytest.FixtureRequest, aws: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[str]]:
    """A stand-in DynamoDB endpoint that throttles everything, or hangs past the read timeout."""
    calls: list[str] = []
    handler = type("Handler", (StandIn,), {"calls": calls, "mode": request.param})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("PERSISTENCE", f"dynamodb:{TABLE}")
    yield calls
    server.shutdown()
    server.server_close()


def test_throttling_or_a_hung_service_costs_one_retry_and_no_answer(
    troubled: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    """One try and one retry per request, well inside Alexa's wait, then a new-user answer."""
    skill = create_skill_builder(Settings.from_env()).lambda_handler()
    with caplog.at_level(logging.WARNING):
        started = time.monotonic()
        talk = visit(skill)
        elapsed = time.monotonic() - started
    assert talk.turns[0].speech.startswith("Welcome to Leg Cramp Helper.")
    assert not talk.turns[0].ends
    assert elapsed < DEADLINE_SECONDS
    # A store that failed to read is not written to in the same request.
    assert troubled == ["GetItem", "GetItem"]
    assert any("answering as for a new user" in r.getMessage() for r in caplog.records)
    assert all(USER not in r.getMessage() for r in caplog.records)


def test_a_one_shot_request_counts_as_a_visit(skill: Any, dynalite: Dynalite) -> None:
    """ "Ask leg cramp helper ..." opens a session too: it is answered and counted."""
    talk = Conversation(user_id=USER, skill=skill)
    turn = talk.intent("CrampReliefIntent")
    assert turn.speech.startswith("To ease a cramp right now")
    assert dynalite.item()["attributes"]["visits"] == 1


def test_the_lambda_imports_boto3_on_its_first_request_not_at_import() -> None:
    """As deployed (`PERSISTENCE=dynamodb:...`), a cold import stays as light as without a store."""
    probe = "import sys, skill.lambda_function; print('boto3' in sys.modules)"
    env = {**os.environ, "PERSISTENCE": "dynamodb:leg-cramp-helper-dev-visits"}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
