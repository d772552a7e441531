"""Property-based fuzzing of request envelopes: always a valid Alexa response or a 400.

Envelopes come from speakers and from every device with a screen, and include touches on the
screen (APL UserEvents) with any arguments and tokens.

Two targets: the Lambda handler (only Alexa can invoke it, so it gets well-formed envelopes with
arbitrary contents) and the web endpoint through Flask's test client (anything at all). Among
them: touches on a screen with any arguments and tokens, the reminder's intents with any `time`
slot, and Connections.Response answers the skill never asked for, with missing or odd payloads
and status codes (issue 19).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_support import SKILL_ID, app_post, assert_alexa_response

from skill import screens, ssml
from skill.content import load_content
from skill.lambda_function import handler
from skill.simulator import envelopes
from skill.simulator.devices import DEVICES
from skill.simulator.envelopes import Session, Slot
from skill.state import QUESTIONS
from skill.webservice import create_app

pytestmark = pytest.mark.unit

MODEL_PATH = Path(__file__).resolve().parent.parent / "interaction_model" / "en-US.json"
MODEL = json.loads(MODEL_PATH.read_text())["interactionModel"]["languageModel"]
INTENTS = [intent["name"] for intent in MODEL["intents"]]
SLOT_TYPES = {
    slot["name"]: slot["type"] for intent in MODEL["intents"] for slot in intent.get("slots", [])
}
CUSTOM_SLOT_TYPES = {name: t for name, t in SLOT_TYPES.items() if not t.startswith("AMAZON.")}
SCOPE = "alexa::alerts:reminders:skill:readwrite"
# Where fuzzed envelopes say Alexa's APIs are: a closed loopback port, so that a reminder the
# fuzzer gets the skill to set fails at once (refused), as an unreachable API would.
CLOSED_API = "https://127.0.0.1:9"
SLOT_IDS = [value["id"] for slot_type in MODEL["types"] for value in slot_type["values"]]
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
# What the skill keeps between turns, honest or corrupted.
session_attributes = st.fixed_dictionaries(
    {},
    optional={
        "question": st.sampled_from(sorted(QUESTIONS)) | json_values,
        "topic": st.lists(st.sampled_from(["cause", "tip", "topic"]) | st.text(max_size=5))
        | json_values,
        "tip_index": st.integers(-3, 6) | json_values,
        "last_response": st.fixed_dictionaries(
            {"speech": st.text(max_size=30), "reprompt": st.text(max_size=30)}
        )
        | json_values,
        # The reminder's notes (issue 19): what was asked before the permission, the offer.
        "reminder_pending": st.fixed_dictionaries(
            {
                "action": st.sampled_from(["set", "cancel"]) | json_values,
                "time": st.sampled_from(["22:00", "00:05", "24:00", "EV"]) | json_values,
            }
        )
        | json_values,
        "reminder_offered": st.booleans() | json_values,
        "reminder_no_voice_consent": st.booleans() | json_values,
        "unsettled": st.booleans() | json_values,
    },
)
# A touch on a screen: the skill's own actions and ids, its tokens (current or not), or junk.
touch_arguments = st.lists(
    st.sampled_from(["next", "previous", "stop", "cause", "tip", "", "COLD", "BEDDING"])
    | json_values,
    max_size=3,
)
tokens = st.builds(screens.token, st.integers(-1, 5)) | st.text(max_size=20)
session_attributes = session_attributes.map(lambda attributes: attributes) | st.builds(
    lambda attributes, number: {**attributes, screens.SCREEN_KEY: number},
    session_attributes,
    st.integers(-1, 5) | json_values,
)
# What Alexa puts in an AMAZON.TIME slot, and what it should never (a time that is not one).
times = st.sampled_from(["22:00", "21:30", "00:00", "EV", "NI", "25:00", "T22:00", ""]) | st.text(
    max_size=12
)
slots = st.builds(
    Slot,
    value=st.none() | st.text(max_size=30),
    id=st.none() | st.sampled_from(SLOT_IDS) | st.text(max_size=12),
)


@st.composite
def alexa_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """Well-formed envelopes for this skill with arbitrary intents, slots, locales and state."""
    session = Session(
        skill_id=SKILL_ID,
        locale=draw(st.sampled_from(["en-US", "en-GB", "de-DE", ""]) | st.text(max_size=6)),
        attributes=draw(session_attributes),
        new=draw(st.booleans()),
        device=draw(st.sampled_from(sorted(DEVICES))),
        api_endpoint=CLOSED_API,
        api_access_token=draw(st.none() | st.text(max_size=12)),
        permissions=draw(st.sampled_from([None, envelopes.granted_permissions(SCOPE)])),
    )
    kind = draw(st.sampled_from(["launch", "intent", "ended", "touch", "reminder", "permission"]))
    if kind == "touch":  # a UserEvent: the skill's own arguments and tokens, or anything
        return envelopes.user_event(session, draw(tokens), draw(touch_arguments))
    if kind == "launch":
        return envelopes.launch(session)
    if kind == "ended":
        return envelopes.session_ended(session, draw(st.sampled_from(["USER_INITIATED", "ERROR"])))
    if kind == "reminder":
        name = draw(st.sampled_from(["SetReminderIntent", "CancelReminderIntent"]))
        return envelopes.intent(session, name, {"time": Slot(draw(st.none() | times))})
    if kind == "permission":  # Alexa's answer to AskFor, asked for or not, odd or not
        status = (
            st.sampled_from(["ACCEPTED", "DENIED", "NOT_ANSWERED"])
            | st.none()
            | st.text(max_size=8)
        )
        payload = (
            st.none()
            | st.fixed_dictionaries({"status": status, "permissionScope": st.just(SCOPE)})
            | st.dictionaries(st.text(max_size=8), json_values, max_size=3)
        )
        return envelopes.connections_response(
            session,
            draw(st.sampled_from(["AskFor", "Buy"]) | st.text(max_size=8)),
            None,
            draw(st.none() | st.just("stretch-reminder") | st.text(max_size=8)),
            code=draw(st.sampled_from(["200", "400", "500"]) | st.text(max_size=4)),
            payload=draw(payload),
        )
    name = draw(st.sampled_from(INTENTS) | st.text(max_size=30))
    slot_names = st.sampled_from(sorted(SLOT_TYPES)) | st.text(min_size=1, max_size=8)
    return envelopes.intent(
        session, name, draw(st.dictionaries(slot_names, slots, max_size=2)), CUSTOM_SLOT_TYPES
    )


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key or index path inside a JSON value."""
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in items:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


@st.composite
def mutated_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed envelope with one to three members deleted or replaced by random JSON."""
    envelope = copy.deepcopy(draw(alexa_envelopes()))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(envelope))))
        parent = envelope
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
        if not list(_paths(envelope)):
            break
    return envelope


@FUZZ
@given(envelope=alexa_envelopes())
def test_lambda_handler_always_answers(envelope: dict[str, Any]) -> None:
    assert_alexa_response(handler(json.loads(json.dumps(envelope)), None))


ERROR_SPEECH = load_content("en-US").prompts["error"]


@FUZZ
@given(envelope=alexa_envelopes())
def test_reminder_requests_get_true_answers_never_the_error_one(envelope: dict[str, Any]) -> None:
    """A time that is not a time, an answer never asked for, an odd payload: no exception
    reaches the catch-all handler."""
    request = envelope["request"]
    name = request.get("intent", {}).get("name", "")
    if request["type"] != "Connections.Response" and "Reminder" not in name:
        return
    answer = handler(json.loads(json.dumps(envelope)), None)
    assert_alexa_response(answer)
    speech = (answer["response"].get("outputSpeech") or {}).get("ssml", "")
    assert ssml.to_plain_text(ERROR_SPEECH) not in ssml.to_plain_text(speech)


@pytest.fixture(scope="module")
def endpoint() -> FlaskClient:
    """The endpoint in dev mode (the fuzzer cannot sign)."""
    return create_app(skill_id=SKILL_ID, dev_mode=True).test_client()


def _assert_answer_or_400(endpoint: FlaskClient, body: bytes) -> int:
    status, answer = app_post(endpoint, body, {"Content-Type": "application/json"})
    assert status in (200, 400), status
    if status == 200:
        assert_alexa_response(answer)
    return status


@FUZZ
@given(envelope=alexa_envelopes())
def test_endpoint_answers_every_well_formed_envelope(
    endpoint: FlaskClient, envelope: dict[str, Any]
) -> None:
    assert _assert_answer_or_400(endpoint, json.dumps(envelope).encode()) == 200


@FUZZ
@given(envelope=mutated_envelopes())
def test_endpoint_answers_or_400s_a_mutated_envelope(
    endpoint: FlaskClient, envelope: dict[str, Any]
) -> None:
    _assert_answer_or_400(endpoint, json.dumps(envelope).encode())


@FUZZ
@given(body=st.binary(max_size=300) | json_values.map(lambda value: json.dumps(value).encode()))
def test_endpoint_400s_arbitrary_bytes(endpoint: FlaskClient, body: bytes) -> None:
    assert _assert_answer_or_400(endpoint, body) == 400
