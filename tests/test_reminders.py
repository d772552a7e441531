"""The nightly stretch reminder (issue 19), against a stand-in at the cloud's edge.

Amazon's Reminders and Settings APIs cannot be reached from here. `CloudStandIn`
(skill/simulator/cloud.py) is a loopback HTTPS server that speaks their documented request and
response formats; every envelope's `context.System.apiEndpoint` points at it, so the skill's
real code, the SDK's `ReminderManagementServiceClient` and `UpsServiceClient` and the skill's
own 1 s API client make real HTTPS calls to it. It serves a certificate from a certificate
authority this run makes with `cryptography`, which the client trusts through its own
`ca_bundle` setting. Everything Amazon would answer, including its failures, comes from there.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import Conversation, Turn

from skill import reminders
from skill.content import SUPPORTED_LOCALES, load_content
from skill.factory import create_skill_builder
from skill.handlers.reminders import ASK_FOR_PAYLOAD
from skill.reminders import ClockTime, first_occurrence, load_zone
from skill.services import ServiceApiClient
from skill.settings import Settings
from skill.simulator import envelopes
from skill.simulator.cloud import CloudStandIn
from skill.simulator.envelopes import Slot

pytestmark = pytest.mark.integration  # the Reminders and Settings stand-in over loopback HTTPS

ROOT = Path(__file__).resolve().parent.parent
SCOPE = "alexa::alerts:reminders:skill:readwrite"
REMINDERS = "/v1/alerts/reminders"


@pytest.fixture(scope="module")
def cloud() -> Iterator[CloudStandIn]:
    """The stand-in for Amazon's Reminders and Settings APIs, for this module."""
    standin = CloudStandIn()
    yield standin
    standin.close()


@pytest.fixture(autouse=True)
def fresh(cloud: CloudStandIn) -> Iterator[None]:
    """No scripted failure, no fixed clock and the default zone for every test."""
    yield
    cloud.faults.clear()
    cloud.calls.clear()
    cloud.clock = lambda: dt.datetime.now(dt.UTC)
    cloud.default_time_zone = "America/New_York"


@pytest.fixture
def skill(cloud: CloudStandIn) -> Any:
    """A Lambda handler as skill.lambda_function builds it, its API client trusting the stand-in
    (and remembering visits in this test's own SQLite file)."""
    return create_skill_builder(
        Settings.from_env(), api_client=ServiceApiClient(ca_bundle=cloud.ca_path)
    ).lambda_handler()


class Talk(Conversation):
    """A user talking to the skill, with the stand-in as Alexa's APIs and the permission given
    (or not)."""

    def __init__(
        self,
        cloud: CloudStandIn,
        skill: Any,
        locale: str = "en-US",
        *,
        granted: bool = True,
        user_id: str | None = None,
    ) -> None:
        super().__init__(locale, user_id=user_id, skill=skill)
        self.cloud = cloud
        self.token = cloud.token_for(self.session.user_id)
        cloud.user(self.token, granted=granted)
        self.session.api_endpoint = cloud.endpoint
        self.session.api_access_token = self.token
        self.consent(granted)

    def consent(self, granted: bool) -> None:
        """Whether the envelopes say the user granted the permission."""
        self.session.permissions = envelopes.granted_permissions(SCOPE) if granted else None

    def remind(self, time: str | None = None, *, at: str | None = None) -> Turn:
        """SetReminderIntent, with Alexa's AMAZON.TIME value; `at`: the request's timestamp."""
        request = envelopes.intent(self.session, "SetReminderIntent", {"time": Slot(time)})
        if at is not None:
            request["request"]["timestamp"] = at
        return self.send(request)

    def cancel(self) -> Turn:
        """CancelReminderIntent."""
        return self.send(envelopes.intent(self.session, "CancelReminderIntent"))

    def answer(self, status: str | None, **options: Any) -> Turn:
        """Alexa's Connections.Response to the AskFor request."""
        payload = options.pop("payload", {"permissionScope": SCOPE, "status": status})
        name = options.pop("name", "AskFor")
        token = options.pop("token", reminders.ASK_FOR_TOKEN)
        request = envelopes.connections_response(
            self.session, name, status, token, payload=payload, **options
        )
        return self.send(request)

    @property
    def reminders(self) -> list[dict[str, str]]:
        """What the stand-in holds for this user."""
        return self.cloud.reminders(self.token)


def prompt(locale: str, key: str) -> str:
    return load_content(locale).prompts[key]


def directive(turn: Turn, kind: str) -> dict[str, Any] | None:
    return next((d for d in turn.response.get("directives", []) if d["type"] == kind), None)


def posted(cloud: CloudStandIn, method: str = "POST") -> list[Any]:
    """The bodies the skill sent to create (or update) a reminder."""
    return [c.body for c in cloud.calls if c.method == method and c.path.startswith(REMINDERS)]


# --- setting, replacing, cancelling ---


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_daily_reminder_at_the_local_time_in_the_devices_zone(
    cloud: CloudStandIn, skill: Any, locale: str
) -> None:
    talk = Talk(cloud, skill, locale)
    turn = talk.remind("22:00")
    content = load_content(locale)
    assert turn.speech == content.fill("reminder_set", time=content.clock.spoken(22, 0))
    assert turn.ends and turn.card["title"] == content.cards["reminder"]
    assert content.clock.written(22, 0) in turn.card["content"]
    assert talk.reminders == [
        {
            "id": talk.reminders[0]["id"],
            "time": "22:00",
            "recurrence": "FREQ=DAILY;BYHOUR=22;BYMINUTE=0;BYSECOND=0",
            "text": content.reminder_text,
        }
    ]
    (body,) = posted(cloud)
    trigger = body["trigger"]
    assert trigger["type"] == "SCHEDULED_ABSOLUTE"
    assert trigger["timeZoneId"] == "America/New_York"  # from the Settings API, never an offset
    assert trigger["scheduledTime"].endswith("T22:00:00")  # local, no "Z", no "+01:00"
    assert trigger["recurrence"]["recurrenceRules"] == [
        "FREQ=DAILY;BYHOUR=22;BYMINUTE=0;BYSECOND=0"
    ]
    assert trigger["recurrence"]["startDateTime"] == trigger["scheduledTime"]
    (spoken,) = body["alertInfo"]["spokenInfo"]["content"]
    assert spoken == {
        "locale": locale,
        "text": content.reminder_text,
        "ssml": f"<speak>{content.reminder_text}</speak>",
    }
    assert len(content.reminder_text) <= 140
    zone_calls = [c for c in cloud.calls if c.path.endswith("/settings/System.timeZone")]
    assert zone_calls and zone_calls[0].path == (
        f"/v2/devices/{talk.session.device_id}/settings/System.timeZone"
    )


def test_a_new_time_replaces_the_reminder_and_cancel_deletes_it(
    cloud: CloudStandIn, skill: Any
) -> None:
    talk = Talk(cloud, skill)
    talk.remind("22:00")
    (first,) = talk.reminders
    moved = talk.remind("21:30")
    assert moved.speech == "Done. Your stretch reminder is now every day at nine thirty p.m."
    assert [(r["id"], r["time"]) for r in talk.reminders] == [(first["id"], "21:30")]
    assert len(posted(cloud, "PUT")) == 1 and len(posted(cloud)) == 1  # updated in place
    gone = talk.cancel()
    assert gone.speech == prompt("en-US", "reminder_cancelled") and gone.ends
    assert talk.reminders == []
    again = talk.cancel()
    assert again.speech == prompt("en-US", "reminder_none")


def test_a_reminder_deleted_in_the_alexa_app(cloud: CloudStandIn, skill: Any) -> None:
    """Cancel says there is none; setting again makes a new one; nothing breaks."""
    talk = Talk(cloud, skill)
    talk.remind("22:00")
    cloud.delete_from_app(talk.token)
    assert talk.cancel().speech == prompt("en-US", "reminder_none")
    assert talk.remind("22:15").speech == (
        "Done. I'll remind you to stretch every day at ten fifteen p.m."
    )
    assert [r["time"] for r in talk.reminders] == ["22:15"]


def test_deleted_between_listing_and_updating_and_one_reminder_a_user(
    cloud: CloudStandIn, skill: Any
) -> None:
    talk = Talk(cloud, skill)
    talk.remind("22:00")
    cloud.fail("PUT", REMINDERS, 404, body=json.dumps({"code": "NOT_FOUND", "message": "gone"}))
    assert talk.remind("21:00").speech == "Done. I'll remind you to stretch every day at nine p.m."
    assert sorted(r["time"] for r in talk.reminders) == ["21:00", "22:00"]  # the 404 was staged
    talk.remind("20:00")  # two listed: one is moved, the other deleted
    assert [r["time"] for r in talk.reminders] == ["20:00"]


def test_nothing_is_stored_for_reminders_and_it_works_without_a_store(
    cloud: CloudStandIn, monkeypatch: pytest.MonkeyPatch, visit_store: Path
) -> None:
    monkeypatch.setenv("PERSISTENCE", "none")
    client = ServiceApiClient(ca_bundle=cloud.ca_path)
    talk = Talk(
        cloud, create_skill_builder(Settings.from_env(), api_client=client).lambda_handler()
    )
    talk.remind("22:00")
    talk.remind("06:45")
    assert [r["time"] for r in talk.reminders] == ["06:45"]
    assert talk.turns[-1].speech.endswith("six forty five a.m.")
    talk.cancel()
    assert talk.reminders == [] and not visit_store.exists()
    assert "reminder" not in json.dumps(talk.turns[-1].envelope.get("sessionAttributes") or {})


# --- asking for the time ---


def test_without_a_time_the_skill_asks_for_one(cloud: CloudStandIn, skill: Any) -> None:
    talk = Talk(cloud, skill)
    turn = talk.remind(None)
    elicit = directive(turn, "Dialog.ElicitSlot")
    assert elicit == {
        "type": "Dialog.ElicitSlot",
        "slotToElicit": "time",
        "updatedIntent": {
            "name": "SetReminderIntent",
            "confirmationStatus": "NONE",
            "slots": {"time": {"name": "time", "confirmationStatus": "NONE"}},
        },
    }
    assert turn.speech == "What time should I remind you?" and not turn.ends
    assert turn.reprompt == "What time should I remind you, for example nine thirty p.m.?"
    assert cloud.calls == []


@pytest.mark.parametrize("value", ["EV", "NI", "banana", "25:00", "22:61", "T22:00", " ", "2200"])
def test_a_time_slot_that_is_not_a_time_gets_a_short_true_answer(
    cloud: CloudStandIn, skill: Any, value: str
) -> None:
    talk = Talk(cloud, skill)
    turn = talk.remind(value)
    if value.strip():
        assert turn.speech.startswith(prompt("en-US", "reminder_not_a_time"))
    assert directive(turn, "Dialog.ElicitSlot") is not None and not turn.ends
    assert talk.reminders == []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_asks_for_the_time_and_hints_at_the_evening(
    cloud: CloudStandIn, skill: Any, locale: str
) -> None:
    turn = Talk(cloud, skill, locale).remind(None)
    assert turn.speech == prompt(locale, "reminder_ask_time")
    assert turn.reprompt == prompt(locale, "reminder_time_hint")


# --- the permission ---


def test_without_permission_the_skill_asks_by_voice_and_keeps_the_time(
    cloud: CloudStandIn, skill: Any
) -> None:
    talk = Talk(cloud, skill, granted=False)
    turn = talk.remind("22:00")
    assert turn.response["directives"] == [
        {
            "type": "Connections.SendRequest",
            "name": "AskFor",
            "payload": ASK_FOR_PAYLOAD,
            "token": reminders.ASK_FOR_TOKEN,
        }
    ]
    assert ASK_FOR_PAYLOAD == {
        "@type": "AskForPermissionsConsentRequest",
        "@version": "2",
        "permissionScopes": [{"permissionScope": SCOPE, "consentLevel": "ACCOUNT"}],
    }
    assert "outputSpeech" not in turn.response and "reprompt" not in turn.response
    assert turn.envelope["sessionAttributes"][reminders.PENDING_KEY] == {
        "action": "set",
        "time": "22:00",
    }
    assert cloud.calls == []  # nothing is tried without the permission
    cloud.user(talk.token, granted=True)
    talk.consent(True)  # Alexa asked; the user said yes
    done = talk.answer("ACCEPTED")
    assert done.speech == "Done. I'll remind you to stretch every day at ten p.m."
    assert [r["time"] for r in talk.reminders] == ["22:00"]
    assert reminders.PENDING_KEY not in (done.envelope.get("sessionAttributes") or {})


@pytest.mark.parametrize(
    ("status", "key"),
    [("DENIED", "permission_denied"), ("NOT_ANSWERED", "permission_not_answered")],
)
@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_denied_and_not_answered_get_a_kind_word(
    cloud: CloudStandIn, skill: Any, status: str, key: str, locale: str
) -> None:
    talk = Talk(cloud, skill, locale, granted=False)
    talk.remind("21:30")
    turn = talk.answer(status)
    assert turn.speech == prompt(locale, key) and turn.ends
    assert talk.reminders == [] and cloud.calls == []


def test_cancelling_asks_for_the_permission_it_lost(cloud: CloudStandIn, skill: Any) -> None:
    talk = Talk(cloud, skill)
    talk.remind("22:00")
    cloud.user(talk.token, granted=False)  # revoked in the Alexa app since
    turn = talk.cancel()
    assert directive(turn, "Connections.SendRequest")["name"] == "AskFor"
    assert turn.envelope["sessionAttributes"][reminders.PENDING_KEY] == {"action": "cancel"}
    cloud.user(talk.token, granted=True)
    assert talk.answer("ACCEPTED").speech == prompt("en-US", "reminder_cancelled")
    assert talk.reminders == []


def test_cancel_without_the_permission_says_what_it_cannot_see(
    cloud: CloudStandIn, skill: Any
) -> None:
    turn = Talk(cloud, skill, granted=False).cancel()
    assert turn.speech == prompt("en-US", "reminder_cancel_no_permission") and turn.ends


@pytest.mark.parametrize("status", [401, 403])
def test_a_revoked_permission_is_asked_again(cloud: CloudStandIn, skill: Any, status: int) -> None:
    talk = Talk(cloud, skill)
    cloud.fail("GET", REMINDERS, status)
    turn = talk.remind("22:00")
    assert directive(turn, "Connections.SendRequest")["name"] == "AskFor"
    assert turn.envelope["sessionAttributes"][reminders.PENDING_KEY]["time"] == "22:00"


def test_accepted_yet_refused_by_the_api_says_it_did_not_work(
    cloud: CloudStandIn, skill: Any
) -> None:
    talk = Talk(cloud, skill, granted=False)
    talk.remind("22:00")
    turn = talk.answer("ACCEPTED")  # the stand-in still has no permission for the user
    assert turn.speech == prompt("en-US", "reminder_refused") and turn.ends


def test_a_device_that_cannot_ask_by_voice_gets_the_consent_card(
    cloud: CloudStandIn, skill: Any
) -> None:
    talk = Talk(cloud, skill, granted=False)
    talk.remind("22:00")
    turn = talk.answer(None, code="400", payload={})
    assert turn.card == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert turn.speech == prompt("en-US", "permission_card")
    again = talk.remind("22:00")  # in this session: the card at once, not the directive
    assert again.card["type"] == "AskForPermissionsConsent"
    assert directive(again, "Connections.SendRequest") is None


@pytest.mark.parametrize(
    "odd",
    [
        {"payload": None},
        {"payload": {"status": "MAYBE"}},
        {"payload": {"status": ["ACCEPTED"]}},
        {"payload": {}},
    ],
)
def test_a_missing_or_odd_payload_is_not_an_answer(
    cloud: CloudStandIn, skill: Any, odd: dict[str, Any]
) -> None:
    talk = Talk(cloud, skill, granted=False)
    talk.remind("22:00")
    turn = talk.answer(None, **odd)
    assert turn.speech == prompt("en-US", "permission_not_answered")
    assert talk.reminders == []


@pytest.mark.parametrize("name", ["AskFor", "Buy", None])
def test_a_connections_response_never_asked_for(
    cloud: CloudStandIn, skill: Any, name: str | None
) -> None:
    talk = Talk(cloud, skill, granted=False)
    if name != "AskFor":
        talk.remind("22:00")  # the skill asked for the permission, but this answers something else
    turn = talk.answer("ACCEPTED", name=name)
    assert turn.speech == prompt("en-US", "permission_unexpected")
    assert talk.reminders == [] and cloud.calls == []


# --- failures of the APIs: each a true, short answer, nothing lost ---


@pytest.mark.parametrize(
    ("method", "path", "status", "key"),
    [
        ("GET", REMINDERS, 429, "reminder_busy"),
        ("GET", REMINDERS, 500, "reminder_unavailable"),
        ("PUT", REMINDERS, 429, "reminder_busy"),
        ("PUT", REMINDERS, 504, "reminder_unavailable"),
        ("PUT", REMINDERS, 400, "reminder_refused"),
        ("GET", "/v2/devices", 429, "reminder_busy"),
        ("GET", "/v2/devices", 500, "reminder_unavailable"),
        ("GET", "/v2/devices", 401, "reminder_no_time_zone"),
    ],
)
def test_api_errors_get_true_answers_and_keep_the_old_reminder(
    cloud: CloudStandIn, skill: Any, method: str, path: str, status: int, key: str
) -> None:
    talk = Talk(cloud, skill)
    talk.remind("22:00")
    cloud.fail(method, path, status)
    turn = talk.remind("21:00")
    assert turn.speech == prompt("en-US", key) and turn.ends
    assert [r["time"] for r in talk.reminders] == ["22:00"]  # nothing lost


@pytest.mark.parametrize(
    ("status", "key"),
    [(429, "reminder_busy"), (503, "reminder_unavailable"), (400, "reminder_refused")],
)
def test_creating_fails_truly(cloud: CloudStandIn, skill: Any, status: int, key: str) -> None:
    talk = Talk(cloud, skill)
    cloud.fail("POST", REMINDERS, status)
    assert talk.remind("22:00").speech == prompt("en-US", key)
    assert talk.reminders == []


@pytest.mark.parametrize("status", [429, 500])
def test_cancel_failures_say_nothing_changed(cloud: CloudStandIn, skill: Any, status: int) -> None:
    talk = Talk(cloud, skill)
    talk.remind("22:00")
    cloud.fail("DELETE", REMINDERS, status)
    key = "reminder_busy" if status == 429 else "reminder_unavailable"
    assert talk.cancel().speech == prompt("en-US", key)
    assert len(talk.reminders) == 1


def test_an_api_that_never_answers_costs_at_most_about_a_second(
    cloud: CloudStandIn, skill: Any
) -> None:
    talk = Talk(cloud, skill)
    cloud.fail("GET", REMINDERS, 200, hang=3.0)
    started = time.perf_counter()
    turn = talk.remind("22:00")
    elapsed = time.perf_counter() - started
    assert turn.speech == prompt("en-US", "reminder_unavailable")
    assert elapsed < 2.0, elapsed  # the 1 s timeout, well inside Alexa's 8 s
    assert talk.reminders == []


@pytest.mark.parametrize("body", ["<html>Service Unavailable</html>", "", '{"alerts": 5}'])
def test_an_answer_that_does_not_parse(cloud: CloudStandIn, skill: Any, body: str) -> None:
    talk = Talk(cloud, skill)
    cloud.fail("GET", REMINDERS, 200 if body else 503, body=body)
    assert talk.remind("22:00").speech == prompt("en-US", "reminder_unavailable")


def test_the_client_checks_the_certificate(cloud: CloudStandIn) -> None:
    """A client that does not trust the stand-in's authority is refused: TLS is really verified."""
    strict = create_skill_builder(
        Settings.from_env(), api_client=ServiceApiClient()
    ).lambda_handler()
    talk = Talk(cloud, strict)
    assert talk.remind("22:00").speech == prompt("en-US", "reminder_unavailable")
    assert talk.reminders == []


def test_plain_http_is_refused(cloud: CloudStandIn, skill: Any) -> None:
    talk = Talk(cloud, skill)
    talk.session.api_endpoint = cloud.endpoint.replace("https://", "http://")
    assert talk.remind("22:00").speech == prompt("en-US", "reminder_unavailable")
    assert cloud.calls == []


# --- the time zone: read from the device, never guessed ---


@pytest.mark.parametrize("zone", [None, "UTC+3", "GMT-05:00", "Mars/Olympus_Mons", "EST5EDT,M3"])
def test_without_a_readable_time_zone_the_reminder_is_not_set(
    cloud: CloudStandIn, skill: Any, zone: str | None
) -> None:
    talk = Talk(cloud, skill)
    cloud.set_time_zone(talk.session.device_id, zone)
    turn = talk.remind("22:00")
    assert turn.speech == prompt("en-US", "reminder_no_time_zone")
    assert talk.reminders == [] and posted(cloud) == []


def _local(zone: str, when: str) -> str:
    """A local wall-clock time as the UTC request timestamp Alexa would send."""
    local = dt.datetime.fromisoformat(when).replace(tzinfo=ZoneInfo(zone))
    return local.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("zone", "now", "time", "first"),
    [
        ("America/New_York", "2027-01-05T20:00", "22:00", "2027-01-05T22:00:00"),  # later today
        ("America/New_York", "2027-01-05T22:30", "22:00", "2027-01-06T22:00:00"),  # passed
        ("America/New_York", "2027-01-05T22:00", "22:00", "2027-01-06T22:00:00"),  # this minute
        ("Europe/London", "2027-01-05T23:50", "00:05", "2027-01-06T00:05:00"),  # after midnight
        ("Europe/London", "2027-01-06T00:10", "00:05", "2027-01-07T00:05:00"),  # just passed
        ("Australia/Sydney", "2027-01-05T23:59", "00:00", "2027-01-06T00:00:00"),  # midnight
        ("Asia/Kolkata", "2027-01-05T21:00", "23:30", "2027-01-05T23:30:00"),  # a :30 zone
        # The evening daylight saving starts in New York: 21:30 EDT, 20:30 by a fixed EST
        # offset. 21:00 has passed in the zone's own time, so it starts tomorrow.
        ("America/New_York", "2027-03-14T21:30", "21:00", "2027-03-15T21:00:00"),
        ("Europe/Madrid", "2027-10-31T01:30", "02:30", "2027-10-31T02:30:00"),  # the fall back
    ],
)
def test_the_first_time_is_the_next_one_in_the_zone(
    cloud: CloudStandIn, skill: Any, zone: str, now: str, time: str, first: str
) -> None:
    talk = Talk(cloud, skill)
    cloud.set_time_zone(talk.session.device_id, zone)
    stamp = _local(zone, now)
    cloud.clock = lambda: dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    turn = talk.remind(time, at=stamp)
    assert turn.speech.startswith("Done."), turn.speech
    (body,) = posted(cloud)
    assert body["trigger"]["scheduledTime"] == first
    assert body["trigger"]["timeZoneId"] == zone
    hour, minute = map(int, time.split(":"))
    assert body["trigger"]["recurrence"]["recurrenceRules"] == [
        f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0"
    ]


def test_first_occurrence_and_zones_directly() -> None:
    zone = ZoneInfo("America/New_York")
    now = dt.datetime(2027, 11, 7, 5, 30, tzinfo=dt.UTC)  # 01:30 EDT, the night clocks go back
    assert first_occurrence(now, zone, ClockTime(1, 0)) == dt.datetime(2027, 11, 8, 1, 0)
    assert first_occurrence(now, zone, ClockTime(23, 59)) == dt.datetime(2027, 11, 7, 23, 59)
    assert load_zone("Europe/Madrid") is not None
    for bad in (None, "", "UTC+3", "+01:00", "../etc/passwd", "America/../../x", 7):
        assert load_zone(bad) is None
    assert [ClockTime.parse(v) for v in ("22:00", "07:05:00", "24:00", "ten", None)] == [
        ClockTime(22, 0),
        ClockTime(7, 5),
        None,
        None,
        None,
    ]


# --- the offer: once per person, after the bedtime stretch and the last tip, never pushed ---


def _bedtime(talk: Conversation) -> Turn:
    return talk.intent("GuidedStretchIntent", routine="BEDTIME")


def test_the_offer_follows_the_bedtime_stretch_once_and_yes_asks_the_time(
    cloud: CloudStandIn, skill: Any, visit_store: Path
) -> None:
    talk = Talk(cloud, skill, granted=False)
    talk.launch()
    turn = _bedtime(talk)
    assert turn.speech.endswith(prompt("en-US", "offer_reminder"))
    assert turn.reprompt == prompt("en-US", "offer_reminder")
    asked = talk.intent("AMAZON.YesIntent")
    assert directive(asked, "Dialog.ElicitSlot")["slotToElicit"] == "time"
    assert asked.speech == prompt("en-US", "reminder_ask_time")
    again = _bedtime(talk)  # offered once: the usual question now
    assert again.speech.endswith(prompt("en-US", "routine_again"))
    later = Talk(cloud, skill, granted=False, user_id=talk.session.user_id)
    later.launch()
    assert _bedtime(later).speech.endswith(prompt("en-US", "routine_again"))  # a later visit too
    import sqlite3

    with sqlite3.connect(visit_store) as db:
        (attributes,) = db.execute("SELECT attributes FROM visits").fetchone()
    record = json.loads(attributes)
    assert set(record) == {"first_visit", "last_visit", "visits", "reminder_offered"}
    assert record["reminder_offered"] == dt.datetime.now(dt.UTC).date().isoformat()


def test_no_is_final(cloud: CloudStandIn, skill: Any) -> None:
    talk = Talk(cloud, skill, granted=False)
    talk.launch()
    _bedtime(talk)
    no = talk.intent("AMAZON.NoIntent")
    assert no.speech == prompt("en-US", "goodnight") and no.ends
    talk2 = Talk(cloud, skill, granted=False, user_id=talk.session.user_id)
    talk2.launch()
    assert not _bedtime(talk2).speech.endswith(prompt("en-US", "offer_reminder"))


def test_the_offer_ends_the_tips_walk_but_not_the_stretching_tip(
    cloud: CloudStandIn, skill: Any
) -> None:
    talk = Talk(cloud, skill, granted=False)
    talk.launch()
    talk.intent("PreventionTipsIntent")
    talk.intent("AMAZON.YesIntent")  # footwear
    talk.intent("AMAZON.NextIntent")  # bedding
    stretching = talk.intent("AMAZON.NextIntent")
    assert stretching.speech.endswith(prompt("en-US", "offer_routine"))
    last = talk.intent("AMAZON.NextIntent")  # hydration, the last
    assert last.speech.endswith(
        f"{prompt('en-US', 'last_tip')} {prompt('en-US', 'offer_reminder')}"
    )


@pytest.mark.parametrize(
    "before",
    [
        ("CrampReliefIntent", {}),
        ("SeeDoctorIntent", {}),
        ("CauseDetailIntent", {"cause": "BLOOD_FLOW"}),
        ("GuidedStretchIntent", {"routine": "RELIEF"}),
    ],
)
def test_never_during_a_cramp_or_after_a_warning_sign(
    cloud: CloudStandIn, skill: Any, before: tuple[str, dict[str, str]]
) -> None:
    talk = Talk(cloud, skill, granted=False)
    talk.launch()
    talk.intent(before[0], **before[1])
    assert _bedtime(talk).speech.endswith(prompt("en-US", "routine_again"))


def test_not_offered_to_someone_who_has_a_reminder(cloud: CloudStandIn, skill: Any) -> None:
    talk = Talk(cloud, skill)
    talk.remind("22:00")
    talk2 = Talk(cloud, skill, user_id=talk.session.user_id)
    talk2.launch()
    assert _bedtime(talk2).speech.endswith(prompt("en-US", "routine_again"))
    cloud.fail("GET", REMINDERS, 500)  # and not when the API cannot say
    talk3 = Talk(cloud, skill)
    talk3.launch()
    assert _bedtime(talk3).speech.endswith(prompt("en-US", "routine_again"))


def test_without_a_store_the_offer_is_made_once_a_session(
    cloud: CloudStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PERSISTENCE", "none")
    handler = create_skill_builder(
        Settings.from_env(), api_client=ServiceApiClient(ca_bundle=cloud.ca_path)
    )
    talk = Talk(cloud, handler.lambda_handler(), granted=False)
    talk.launch()
    assert _bedtime(talk).speech.endswith(prompt("en-US", "offer_reminder"))
    assert _bedtime(talk).speech.endswith(prompt("en-US", "routine_again"))


# --- what the skill imports, and when ---


def test_requests_and_the_reminder_models_load_only_when_a_request_needs_them() -> None:
    code = (
        "import sys, skill.lambda_function\n"
        "print(sorted(m for m in ('requests', 'ask_sdk_core.api_client',"
        " 'zoneinfo', 'cryptography', 'skill.simulator.cloud') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
