"""Production metrics and logs (skill/telemetry.py): what one request writes, from the handler
that answered, and that nothing personal is ever written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.envelope_serializer import IsoTimestampSerializer
from skill.factory import create_skill_builder
from skill.handlers.content import TopicIntentHandler
from skill.settings import Settings, TelemetrySettings
from skill.simulator import envelopes
from skill.simulator.envelopes import Session, Slot
from skill.telemetry import instrument, request_facts

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
SKILL_ID = "amzn1.ask.skill.6f1d2c3b-0a9e-4d8c-b7a6-5e4f3d2c1b0a"
SLOT_TYPES = {"cause": "CrampCause", "symptom": "RedFlag", "tip": "PreventionTip"}


def settings() -> Settings:
    """The skill's settings as the environment gives them (this test's own visit store), with
    the skill id the envelopes carry checked."""
    return Settings.from_env({**os.environ, "SKILL_ID": SKILL_ID})


def emf_lines(text: str) -> list[dict[str, Any]]:
    """The EMF records among what was printed."""
    records = [json.loads(line) for line in text.splitlines() if line.startswith('{"_aws"')]
    return [r for r in records if "CloudWatchMetrics" in r["_aws"]]


def metrics_of(record: dict[str, Any]) -> dict[str, float]:
    """Metric name -> value of one EMF record."""
    names = [m["Name"] for m in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
    return {name: record[name][0] for name in names}


@pytest.fixture
def handler() -> Any:
    """A fresh instrumented handler, as skill/lambda_function.py builds it."""
    return instrument(create_skill_builder(settings()), TelemetrySettings(namespace="Test"))


def test_one_request_writes_one_emf_record_per_locale_and_for_the_whole_skill(
    handler: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    session = Session(skill_id=SKILL_ID, locale="en-GB")
    handler(envelopes.launch(session), None)
    event = envelopes.intent(
        session, "CauseDetailIntent", {"cause": Slot("cold", "COLD")}, SLOT_TYPES
    )
    handler(event, None)
    first, second = emf_lines(capsys.readouterr().out)
    directive = second["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Test"
    assert directive["Dimensions"] == [["service"], ["locale"]]
    assert (second["service"], second["locale"]) == ("leg-cramp-helper", "en-GB")
    assert metrics_of(first).keys() == {"Requests", "ColdStart", "HandlerLatency"}
    assert metrics_of(second).keys() == {"Requests", "IntentRequests", "HandlerLatency"}
    assert metrics_of(second)["HandlerLatency"] > 0
    assert second["request"] == {
        "type": "IntentRequest",
        "intent": "CauseDetailIntent",
        "slots": {"cause": "COLD"},
        "handler": "CauseDetailIntentHandler",
    }


def test_red_flags_are_counted_from_the_handler_that_answered(
    handler: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A red-flag word heard in another intent's slot is answered by the urgent handler: counted.
    The same intent without it is not."""
    session = Session(skill_id=SKILL_ID)
    heard = {"cause": Slot("chest pain")}
    handler(envelopes.intent(session, "CauseDetailIntent", heard, SLOT_TYPES), None)
    handler(envelopes.intent(session, "CauseDetailIntent"), None)
    handler(envelopes.intent(session, "UrgentSymptomsIntent"), None)
    flagged, plain, urgent = emf_lines(capsys.readouterr().out)
    assert flagged["request"]["handler"] == "UrgentSymptomsIntentHandler"
    assert metrics_of(flagged)["RedFlag"] == 1
    assert "RedFlag" not in metrics_of(plain)
    assert metrics_of(urgent)["RedFlag"] == 1


def test_fallback_and_errors_are_counted(
    handler: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fallback: Alexa chose AMAZON.FallbackIntent. Errors: the catch-all answered (the skill
    still apologises), or the request failed outright (then it still raises)."""
    session = Session(skill_id=SKILL_ID)
    handler(envelopes.intent(session, "AMAZON.FallbackIntent"), None)

    def broken(self: Any, handler_input: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(TopicIntentHandler, "handle", broken)
    answer = handler(envelopes.intent(session, "CrampCausesIntent"), None)
    assert answer["response"]["outputSpeech"]["ssml"]
    with pytest.raises(Exception, match="Skill ID"):
        handler(envelopes.launch(Session(skill_id="amzn1.ask.skill.not-this-one")), None)
    fallback, apology, refused = emf_lines(capsys.readouterr().out)
    assert metrics_of(fallback)["Fallback"] == 1 and "Errors" not in metrics_of(fallback)
    assert metrics_of(apology)["Errors"] == 1
    assert apology["request"]["error"] == "RuntimeError"
    assert apology["request"]["handler"] == "TopicIntentHandler"  # it began to answer
    assert metrics_of(refused)["Errors"] == 1
    assert refused["request"]["error"] == "AskSdkException"


def test_the_instrumented_handler_answers_as_the_sdks_does() -> None:
    """Same responses as `builder.lambda_handler()`, for a whole conversation (each its own
    user, as visits are remembered)."""

    def conversation(handler: Any) -> list[dict[str, Any]]:
        session = Session(skill_id=SKILL_ID)
        steps: list[Any] = [
            envelopes.launch,
            lambda s: envelopes.intent(s, "CrampCausesIntent"),
            lambda s: envelopes.intent(
                s, "CauseDetailIntent", {"cause": Slot("cold", "COLD")}, SLOT_TYPES
            ),
            lambda s: envelopes.intent(s, "PreventionTipsIntent"),
            lambda s: envelopes.intent(s, "AMAZON.YesIntent"),
            lambda s: envelopes.intent(s, "AMAZON.RepeatIntent"),
            lambda s: envelopes.intent(s, "AMAZON.StopIntent"),
        ]
        answers = []
        for step in steps:
            answer = handler(step(session), None)
            session.update(answer)
            answers.append(answer)
        return answers

    plain = create_skill_builder(settings()).lambda_handler()
    instrumented = instrument(create_skill_builder(settings()), TelemetrySettings())
    assert conversation(instrumented) == conversation(plain)


def test_without_powertools_the_skill_still_answers(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "aws_lambda_powertools", None)
    handler = instrument(create_skill_builder(settings()), TelemetrySettings())
    answer = handler(envelopes.launch(Session(skill_id=SKILL_ID)), None)
    assert answer["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    assert "no metrics: AWS Lambda Powertools is not importable" in caplog.text


def test_only_names_from_the_model_become_dimensions_or_properties() -> None:
    event = envelopes.intent(
        Session(locale="en-US"), "CauseDetailIntent", {"cause": Slot("x", "COLD")}, SLOT_TYPES
    )
    event["request"]["locale"] = "en-US; DROP"
    event["request"]["intent"]["name"] = "a name with spaces"
    slot = event["request"]["intent"]["slots"]["cause"]
    slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] = "id with space"
    assert request_facts(event) == {
        "locale": "unknown",
        "type": "IntentRequest",
        "intent": "unknown",
    }
    assert request_facts({"request": "nonsense"}) == {"locale": "unknown", "type": "unknown"}


def test_timestamps_are_read_as_the_sdk_reads_them() -> None:
    """The faster ISO 8601 path gives the SDK's own envelopes; anything else is the SDK's."""
    fast, sdk = IsoTimestampSerializer(), DefaultSerializer()
    session = Session()
    events = [
        envelopes.launch(session),
        envelopes.intent(session, "CauseDetailIntent", {"cause": Slot("cold", "COLD")}, SLOT_TYPES),
        envelopes.session_ended(session),
    ]
    stamps = ["2026-11-26T21:04:05Z", "2026-11-26T21:04:05.123Z", "2026-11-26T22:04:05+01:00"]
    for event, stamp in zip(events, stamps, strict=True):
        event["request"]["timestamp"] = stamp
        payload = json.dumps(event)
        ours, theirs = (
            fast.deserialize(payload, RequestEnvelope),
            sdk.deserialize(payload, RequestEnvelope),
        )
        assert ours == theirs
        assert ours.request.timestamp == theirs.request.timestamp
    assert fast.deserialize('"2026-11-26"', date) == date(2026, 11, 26)
    assert fast.deserialize('"26 Nov 2026 9pm"', datetime) == sdk.deserialize(
        '"26 Nov 2026 9pm"', datetime
    )
    with pytest.raises(Exception, match="Failed to parse"):
        fast.deserialize('"not a time"', datetime)


def test_the_faster_path_is_the_one_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    """With dateutil's parser broken, ISO timestamps still parse: the SDK hook is overridden."""
    import dateutil.parser

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("dateutil was used")

    monkeypatch.setattr(dateutil.parser, "parse", refuse)
    envelope = IsoTimestampSerializer().deserialize(
        json.dumps(envelopes.launch(Session())), RequestEnvelope
    )
    assert envelope.request.timestamp.tzinfo is not None


# Distinctive values in every place an envelope carries something personal. None may appear
# in anything the function writes.
MARKERS = {
    "user": "amzn1.ask.account.PIIUSERq7v3",
    "device": "amzn1.ask.device.PIIDEVICEk2m8",
    "session": "amzn1.echo-api.session.PIISESSIONx9c1",
    "api_token": "PIIAPITOKENz5b4",
    "consent": "PIICONSENTw3n6",
    "access_token": "PIIACCESSt8r2",
    "person": "amzn1.ask.person.PIIPERSONh4j7",
    "heard": "pii heard words yq4",
    "heard_red_flag": "chest pain piiredflagu6e2",
    "reminder": "take magnesium PIIREMINDERg1d5 at ten",
    "attribute": "PIIATTRIBUTEp0s9",
    "error_message": "PIIERRORMESSAGEf5l3",
    "session_end": "PIISESSIONENDa8k0",
}

DRIVER = r"""
import json, logging, sys
markers = json.loads(sys.argv[1])
import skill.lambda_function as entry
from skill.handlers.content import TopicIntentHandler
from skill.simulator import envelopes
from skill.simulator.envelopes import Session, Slot


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.seen = []
    def emit(self, record):
        import traceback
        text = [repr(record.__dict__), record.getMessage()]
        if record.exc_info:
            text.append("".join(traceback.format_exception(*record.exc_info)))
        self.seen.append("\n".join(text))

def personal(event):
    system = event["context"]["System"]
    system["apiAccessToken"] = markers["api_token"]
    system["user"]["permissions"] = {"consentToken": markers["consent"]}
    system["user"]["accessToken"] = markers["access_token"]
    system["person"] = {"personId": markers["person"], "accessToken": markers["access_token"]}
    event["session"]["user"] = dict(system["user"])
    event["session"]["attributes"].update(reminder=markers["reminder"], note=markers["attribute"])
    return event

ids = {"user_id": markers["user"], "device_id": markers["device"]}
session = Session(skill_id="__ID__", session_id=markers["session"], **ids)
entry.handler(envelopes.launch(Session(skill_id=session.skill_id)), None)  # loads Powertools
root, skill_logger = logging.getLogger(), logging.getLogger("skill")
capture = Capture()
root.setLevel(logging.DEBUG)
skill_logger.setLevel(logging.DEBUG)
for logger in (root, skill_logger):
    logger.addHandler(capture)
types = {"cause": "CrampCause", "symptom": "RedFlag", "tip": "PreventionTip", "remedy": "Remedy"}
heard, red_flag = Slot(markers["heard"]), Slot(markers["heard_red_flag"])
events = [
    envelopes.launch(session),
    envelopes.intent(session, "CauseDetailIntent", {"cause": heard}, types),
    envelopes.intent(session, "MedicineQuestionIntent", {"remedy": Slot(heard.value, "QUININE")},
                     types),
    envelopes.intent(session, "CauseDetailIntent", {"cause": red_flag}, types),
    envelopes.intent(session, "UrgentSymptomsIntent", {"symptom": Slot(heard.value, "CHEST")},
                     types),
    envelopes.intent(session, "AMAZON.FallbackIntent"),
    envelopes.intent(session, "CrampCausesIntent"),
    envelopes.session_ended(session, "ERROR"),
]
events[-1]["request"]["error"] = {"type": "INVALID_RESPONSE", "message": markers["session_end"]}

def broken(self, handler_input):
    raise ValueError("cannot answer " + markers["error_message"] + " " + markers["heard"])

TopicIntentHandler.handle = broken
for event in events:
    entry.handler(personal(event), None)
print("\n".join(capture.seen), file=sys.stderr)
"""


def test_nothing_personal_is_written_anywhere() -> None:
    """Envelopes carrying ids, tokens, heard words, attributes and a failing handler whose error
    message holds them go through the real Lambda handler, configured as on Lambda (structured
    logs, debug level). Everything written, stdout (EMF and JSON logs), stderr and every log
    record, is searched for them."""
    driver = DRIVER.replace("__ID__", SKILL_ID)
    result = subprocess.run(
        [sys.executable, "-c", driver, json.dumps(MARKERS)],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "SKILL_ID": SKILL_ID,
            "AWS_LAMBDA_FUNCTION_NAME": "leg-cramp-helper-test-skill",
            "POWERTOOLS_LOG_LEVEL": "DEBUG",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    written = result.stdout + result.stderr
    leaked = {name: value for name, value in MARKERS.items() if value.lower() in written.lower()}
    # The words of a marker one by one, too (a value split or re-cased on the way out).
    parts = {part for value in MARKERS.values() for part in value.split() if "pii" in part.lower()}
    leaked.update({part: part for part in parts if part.lower() in written.lower()})
    assert leaked == {}

    records = emf_lines(result.stdout)
    assert len(records) == 9  # the warm-up launch and eight requests
    flagged = [r for r in records if "RedFlag" in metrics_of(r)]
    assert [r["request"]["intent"] for r in flagged] == [
        "CauseDetailIntent",
        "UrgentSymptomsIntent",
    ]
    assert [r["request"]["slots"] for r in records if "slots" in r["request"]] == [
        {"remedy": "QUININE"},
        {"symptom": "CHEST"},
    ]
    failed = [r for r in records if "Errors" in metrics_of(r)]
    assert [r["request"].get("error") for r in failed] == ["ValueError", None]
    assert failed[1]["request"] == {
        "type": "SessionEndedRequest",
        "reason": "ERROR",
        "alexa_error": "INVALID_RESPONSE",
        "handler": "SessionEndedRequestHandler",
    }
    logs = [json.loads(line) for line in result.stdout.splitlines() if '"level"' in line]
    errors = [log for log in logs if log["level"] == "ERROR"]
    assert errors and errors[0]["error_type"] == "ValueError"
    assert any("in broken" in frame for frame in errors[0]["error_frames"])
    assert all(log["service"] == "leg-cramp-helper" for log in logs)
