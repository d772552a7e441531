"""Issue 18 in the simulators: `--device`, `directives` in `--json` rows, the web API's devices
and touches (`POST /api/event`), and its bad input."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from web_support import get, post, serve

from skill import screens
from skill.simulator import cli
from skill.simulator.devices import DEVICES
from skill.simulator.web import create_app

pytestmark = pytest.mark.integration  # the web simulator over a real HTTP server

RENDER = "Alexa.Presentation.APL.RenderDocument"


def run_json(*argv: str) -> list[dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["--json", "--user-id", "new", *argv], stdout=out, stderr=err) == 0, err
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_speaker_row_has_no_directives() -> None:
    (row,) = run_json("ask leg cramp helper why do my legs cramp at night")
    assert row["directives"] == []


@pytest.mark.parametrize("device", [d for d in DEVICES if DEVICES[d] is not None])
def test_every_device_row_carries_the_rendered_document(device: str) -> None:
    rows = run_json("--device", device, "open leg cramp helper", "walk me through a stretch")
    launch, stretch = rows
    (render,) = launch["directives"]
    assert render["type"] == RENDER and render["token"].startswith(screens.TOKEN_PREFIX)
    assert render["document"]["type"] == "APL"
    assert render["datasources"]["screen"]["properties"]["headline"]
    kinds = [d["type"] for d in stretch["directives"]]
    assert kinds == [RENDER, "Alexa.Presentation.APL.ExecuteCommands"]
    assert stretch["directives"][1]["commands"][0]["commands"][0]["type"] == "SpeakList"


def test_an_unknown_device_is_bad_usage() -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as stop:
        cli.main(["--device", "echo-dot", "hi"], stdout=io.StringIO(), stderr=err)
    assert stop.value.code == 2


def test_the_terminal_shows_the_screen_line() -> None:
    out = io.StringIO()
    argv = [
        "--device",
        "echo-show-5",
        "--user-id",
        "new",
        "open leg cramp helper",
        "what about calcium",
    ]
    assert cli.main(argv, stdout=out, stderr=io.StringIO()) == 0
    assert (
        "screen   Alexa.Presentation.APL.RenderDocument: Low calcium · Cause 3 of 4"
        in out.getvalue()
    )


@pytest.fixture
def server() -> Iterator[str]:
    """The web simulator as `--web` serves it, configured by this test's environment (its own
    visit store: tests/conftest.py)."""
    with serve(create_app()) as base_url:
        yield base_url


def call(base_url: str, path: str, body: Any) -> tuple[int, dict[str, Any]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, answer = post(base_url, raw, {"Content-Type": "application/json"}, path)
    assert answer is not None
    return status, answer


def test_the_api_lists_the_devices(server: str) -> None:
    status, _, body = get(server, "/api/devices")
    assert status == 200
    listed = json.loads(body)
    assert [d["name"] for d in listed["devices"]] == list(DEVICES)
    assert listed["default"] == "speaker"
    spot = next(d for d in listed["devices"] if d["name"] == "echo-spot")
    assert spot["screen"]["shape"] == "ROUND" and spot["screen"]["width"] == 480


def test_touching_next_in_the_api_moves_the_walk(server: str) -> None:
    session = None
    for line in ("open leg cramp helper", "how can I prevent leg cramps", "yes"):
        status, answer = call(
            server, "/api/turn", {"line": line, "session": session, "device": "echo-show-8"}
        )
        assert status == 200, answer
        session = answer["session"]
    render = answer["turn"]["directives"][0]
    assert render["datasources"]["screen"]["properties"]["place"] == "Tip 1 of 4"
    status, touched = call(
        server,
        "/api/event",
        {"session": session, "arguments": ["next", ""], "token": render["token"]},
    )
    assert status == 200, touched
    assert touched["turn"]["request_type"] == screens.USER_EVENT
    assert touched["request"]["request"]["arguments"] == ["next", ""]
    place = touched["turn"]["directives"][0]["datasources"]["screen"]["properties"]["place"]
    assert place == "Tip 2 of 4"
    assert touched["voice"]


def test_bad_touches_get_a_4xx(server: str) -> None:
    status, answer = call(
        server, "/api/turn", {"line": "open leg cramp helper", "device": "echo-spot"}
    )
    session = answer["session"]
    _, speaker = call(server, "/api/turn", {"line": "open leg cramp helper"})
    bad = [
        ({"arguments": ["next"]}, 400),  # no session
        ({"session": session}, 400),  # no arguments
        ({"session": session, "arguments": "next"}, 400),
        ({"session": session, "arguments": [1]}, 400),
        ({"session": session, "arguments": ["a"] * 5}, 400),
        ({"session": session, "arguments": ["next"], "token": 3}, 400),
        ({"session": session, "arguments": ["next"], "token": "x" * 201}, 400),
        ({"session": "nope", "arguments": ["next"]}, 404),
        ({"session": speaker["session"], "arguments": ["next"]}, 400),  # a speaker
    ]
    for body, expected in bad:
        status, answer = call(server, "/api/event", body)
        assert status == expected, (body, answer)
        assert "error" in answer
    status, answer = call(server, "/api/event", b"[1")
    assert status == 400
    assert call(server, "/api/turn", {"line": "hi", "device": "echo-dot"})[0] == 400
    status, answer = call(
        server, "/api/turn", {"line": "hi", "session": session, "device": "fire-tv"}
    )
    assert status == 400 and "echo-spot" in answer["error"]


def test_a_stale_touch_in_the_api_gets_the_short_answer(server: str) -> None:
    _, answer = call(server, "/api/turn", {"line": "open leg cramp helper", "device": "fire-tv"})
    status, touched = call(
        server,
        "/api/event",
        {"session": answer["session"], "arguments": ["next", ""], "token": "old"},
    )
    assert status == 200
    assert touched["turn"]["speech"].startswith("Sorry, that is no longer on the screen.")
    assert touched["turn"]["end_session"] is False
