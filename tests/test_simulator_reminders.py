"""The reminder in the simulators: spoken times, --grant, .accept and .deny, the web switch.

The simulators serve the same stand-in at the cloud's edge as tests/test_reminders.py (the
Reminders and Settings APIs on loopback HTTPS, skill/simulator/cloud.py), so a whole
conversation can set, replace and cancel a reminder with no Amazon account.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from web_support import post, serve

from skill.content import load_content
from skill.simulator.amazon_time import find, understand
from skill.simulator.cli import main
from skill.simulator.nlu import NLU
from skill.simulator.session import Simulator, normalise
from skill.simulator.web import create_app

pytestmark = pytest.mark.integration  # the Reminders and Settings stand-in over loopback HTTPS

# The AskFor row of `directives`: its type and name (and the token the skill chose).
ASK_FOR = {"type": "Connections.SendRequest", "name": "AskFor", "token": "stretch-reminder"}
P = load_content("en-US").prompts


def run(*argv: str) -> tuple[int, list[dict[str, Any]], str]:
    """The command line in-process, as a new user; (exit status, --json rows, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    user = f"amzn1.ask.account.{uuid.uuid4().hex}"
    status = main(["--json", "--user-id", user, *argv], stdin=io.StringIO(), stdout=out, stderr=err)
    return status, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


# --- AMAZON.TIME as Alexa resolves it ---

ENGLISH = {
    "ten pm": "22:00",
    "half past nine": "09:30",
    "half past nine at night": "21:30",
    "a quarter to ten": "09:45",
    "a quarter to ten pm": "21:45",
    "twenty two hundred": "22:00",
    "twenty two hundred hours": "22:00",
    "ten thirty p.m.": "22:30",
    "ten oh five pm": "22:05",
    "twenty past nine in the evening": "21:20",
    "ten to eleven tonight": "22:50",
    "twelve thirty a.m.": "00:30",
    "midnight": "00:00",
    "noon": "12:00",
    "eleven o'clock at night": "23:00",
    "half nine": "09:30",
    "22:00": "22:00",
}
SPANISH = {
    "a las diez de la noche": "22:00",
    "a las nueve y media": "09:30",
    "a las nueve y media de la noche": "21:30",
    "a las veintidós": "22:00",
    "a las diez menos cuarto de la noche": "21:45",
    "a las once y cuarto de la noche": "23:15",
    "a la una de la madrugada": "01:00",
    "a las doce de la noche": "00:00",
    "a medianoche": "00:00",
    "a las doce del mediodía": "12:00",
    "a las ocho de la tarde": "20:00",
    "a las veintiuna treinta": "21:30",
}


@pytest.mark.parametrize(("said", "value"), ENGLISH.items())
def test_english_times_resolve_like_alexa(said: str, value: str) -> None:
    match = find(normalise(f"remind me at {said}"), "en")
    assert match is not None and match.value == value, said


@pytest.mark.parametrize(("said", "value"), SPANISH.items())
def test_spanish_times_resolve_like_alexa(said: str, value: str) -> None:
    match = find(normalise(f"recuérdame estirar {said}"), "es")
    assert match is not None and match.value == value, said


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("en", "why do my legs cramp at night"),
        ("en", "i've had cramps for two weeks"),
        ("en", "hold the stretch for ten seconds"),
        ("en", "i get one or two cramps a night"),
        ("es", "me duelen las dos piernas"),
        ("es", "por qué me dan calambres por la noche"),
        ("es", "me pasa a las dos semanas de empezar"),
    ],
)
def test_numbers_that_are_not_times_stay_words(language: str, line: str) -> None:
    assert find(normalise(line), language) is None


@pytest.mark.parametrize(
    ("language", "answer", "value"),
    [
        ("en", "ten", "10:00"),  # a bare hour is the morning one, as AMAZON.TIME has it
        ("en", "at nine thirty", "09:30"),
        ("en", "in the evening", "EV"),
        ("en", "tonight", "NI"),
        ("es", "diez", "10:00"),
        ("es", "por la noche", "NI"),
        ("es", "a las diez de la noche", "22:00"),
    ],
)
def test_an_answer_to_what_time(language: str, answer: str, value: str) -> None:
    match = find(normalise(answer), language, answer=True)
    assert match is not None and match.value == value


def test_understand_fills_the_time_slot_and_leaves_other_intents_alone() -> None:
    nlu = NLU.for_locale("en-US")
    parse, _ = understand(nlu, "set a stretch reminder for ten pm")
    assert parse.intent == "SetReminderIntent" and parse.slots["time"].value == "22:00"
    causes, _ = understand(nlu, "why do my legs cramp at ten pm")
    assert causes.intent == "CrampCausesIntent" and "time" not in causes.slots


# --- the terminal ---


def test_grant_reminders_sets_replaces_and_cancels() -> None:
    status, rows, err = run(
        "--grant",
        "reminders",
        "ask leg cramp helper to remind me to stretch before bed at ten pm",
        "ask leg cramp helper to set a stretch reminder for half past nine at night",
        "ask leg cramp helper to stop my stretch reminders",
    )
    assert (status, err) == (0, "")
    set_, moved, cancelled = rows
    assert set_["intent"] == "SetReminderIntent" and set_["slots"]["time"]["value"] == "22:00"
    assert set_["speech"] == "Done. I'll remind you to stretch every day at ten p.m."
    assert set_["directives"] == [] and [r["time"] for r in set_["reminders"]] == ["22:00"]
    (reminder,) = moved["reminders"]
    assert reminder == {
        "id": set_["reminders"][0]["id"],
        "time": "21:30",
        "recurrence": "FREQ=DAILY;BYHOUR=21;BYMINUTE=30;BYSECOND=0",
        "text": "Time for your calf stretch before bed.",
    }
    assert cancelled["speech"] == P["reminder_cancelled"] and cancelled["reminders"] == []


def test_without_grant_the_skill_asks_and_accept_answers_for_the_rest_of_the_run() -> None:
    status, rows, err = run(
        "open leg cramp helper",
        "remind me to stretch at ten pm",
        ".accept",
        "set a stretch reminder for eleven pm",
    )
    assert (status, err) == (0, "")
    _, asked, accepted, later = rows
    assert asked["directives"] == [ASK_FOR] and asked["speech"] == "" and asked["reminders"] == []
    assert accepted["request_type"] == "Connections.Response"
    assert accepted["speech"] == "Done. I'll remind you to stretch every day at ten p.m."
    assert later["directives"] == [] and [r["time"] for r in later["reminders"]] == ["23:00"]


def test_deny_answers_no() -> None:
    status, rows, _ = run("remind me to stretch at ten pm", ".deny", "open leg cramp helper")
    assert status == 0
    assert rows[1]["speech"] == P["permission_denied"] and rows[1]["reminders"] == []
    assert rows[2]["request_type"] == "LaunchRequest"


def test_accept_with_nothing_asked_is_a_usage_error() -> None:
    status, rows, err = run("open leg cramp helper", ".accept")
    assert status == 1 and len(rows) == 1
    assert "has not asked for a permission" in err


def test_the_elicited_time_comes_from_the_next_line() -> None:
    status, rows, _ = run("--grant", "reminders", "remind me to stretch", "half past nine at night")
    assert status == 0
    ask, answer = rows
    assert ask["directives"] == [{"type": "Dialog.ElicitSlot"}]
    assert ask["speech"] == P["reminder_ask_time"] and ask["end_session"] is False
    assert answer["intent"] == "SetReminderIntent" and answer["slots"]["time"]["value"] == "21:30"
    assert [r["time"] for r in answer["reminders"]] == ["21:30"]


def test_the_offer_then_yes_then_a_time_then_permission(tmp_path: Any) -> None:
    status, rows, _ = run(
        "open leg cramp helper", "stretch with me before bed", "yes", "ten thirty pm", "yes"
    )
    assert status == 0
    _, stretch, yes, time, consent = rows
    assert stretch["speech"].endswith(P["offer_reminder"])
    assert yes["directives"] == [{"type": "Dialog.ElicitSlot"}]
    assert time["slots"]["time"]["value"] == "22:30" and time["directives"] == [ASK_FOR]
    assert consent["request_type"] == "Connections.Response"  # "yes" answered Alexa's question
    assert [r["time"] for r in consent["reminders"]] == ["22:30"]


def test_the_spanish_conversation() -> None:
    status, rows, _ = run(
        "--locale", "es-MX", "--grant", "reminders",
        "pídele a calambres nocturnos que me recuerde estirar a las diez de la noche",
        "pídele a calambres nocturnos que cancele el recordatorio",
    )  # fmt: skip
    assert status == 0
    assert rows[0]["speech"] == "Listo. Te recordaré estirar todos los días a las diez de la noche."
    assert rows[0]["reminders"][0]["text"] == "Es hora de estirar las pantorrillas antes de dormir."
    assert rows[1]["speech"] == load_content("es-MX").prompts["reminder_cancelled"]


def test_envelopes_carry_the_stand_in_the_token_and_the_consent() -> None:
    simulator = Simulator(user_id=f"amzn1.ask.account.{uuid.uuid4().hex}", grants=["reminders"])
    system = simulator.say("open leg cramp helper").exchange.request["context"]["System"]
    assert system["apiEndpoint"] == simulator.cloud.endpoint.rstrip("/")
    assert system["apiEndpoint"].startswith("https://127.0.0.1:")
    assert system["apiAccessToken"] == simulator.cloud.token_for(simulator.user_id)
    permissions = system["user"]["permissions"]
    assert permissions["consentToken"]
    assert permissions["scopes"] == {
        "alexa::alerts:reminders:skill:readwrite": {"status": "GRANTED"}
    }
    simulator.grant("reminders", False)
    system = simulator.say("what about calcium").exchange.request["context"]["System"]
    assert "permissions" not in system["user"]


# --- the web simulator ---


@pytest.fixture
def server() -> Iterator[str]:
    """The web simulator as `--web` serves it, configured by this test's environment (its own
    visit store: tests/conftest.py)."""
    with serve(create_app()) as base_url:
        yield base_url


def turn(base_url: str, **body: Any) -> tuple[int, dict[str, Any]]:
    status, answer = post(
        base_url, json.dumps(body).encode(), {"Content-Type": "application/json"}, "/api/turn"
    )
    return status, answer


def test_the_web_switch_grants_and_accept_turns_it_on(server: str) -> None:
    user = f"amzn1.ask.account.{uuid.uuid4().hex}"
    status, asked = turn(server, line="remind me to stretch at ten pm", user=user, grant=[])
    assert status == 200 and asked["turn"]["directives"] == [ASK_FOR] and asked["grants"] == []
    session = asked["session"]
    status, done = turn(server, line=".accept", session=session)
    assert status == 200 and done["grants"] == ["reminders"]
    assert [r["time"] for r in done["turn"]["reminders"]] == ["22:00"]
    status, off = turn(server, line="cancel the reminder", session=session, grant=[])
    assert off["turn"]["speech"] == P["reminder_cancel_no_permission"] and off["grants"] == []
    status, on = turn(server, line="cancel the reminder", session=session, grant=["reminders"])
    assert on["turn"]["speech"] == P["reminder_cancelled"] and on["turn"]["reminders"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"line": "hi", "grant": "reminders"}, "must be a list"),
        ({"line": "hi", "grant": [1]}, "must be a list"),
        ({"line": "hi", "grant": ["camera"]}, "unknown permission"),
        ({"line": ".accept"}, "has not asked for a permission"),
        ({"line": ".deny"}, "has not asked for a permission"),
    ],
)
def test_the_web_api_refuses_bad_grants_and_unasked_answers(
    server: str, body: dict[str, Any], message: str
) -> None:
    status, answer = turn(server, **body)
    assert status == 400 and message in answer["error"]
