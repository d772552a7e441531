"""The nightly stretch reminder: one daily reminder a user, through Alexa's Reminders API.

Nothing about a reminder is stored by the skill: Alexa's API lists only this skill's reminders
for the user, so setting a new time updates the one listed, and cancelling deletes what is
listed. The reminder fires every day at a local time in the device's time zone, read from the
Alexa Settings API (a zone id such as "America/New_York", so daylight-saving changes keep the
local time); without a zone the reminder is not set, never guessed. Every failure of the APIs
becomes an `Outcome` that the handlers answer truthfully.

The SDK's service clients and models load when a request needs them, not with the skill.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import Enum
from typing import Any

from ask_sdk_core.handler_input import HandlerInput

from skill.content import Content

log = logging.getLogger(__name__)

SCOPE = "alexa::alerts:reminders:skill:readwrite"
ASK_FOR_TOKEN = "stretch-reminder"  # the token our AskFor carries, returned in the answer
# Session attributes: what was asked before the permission round trip, and a note.
PENDING_KEY = "reminder_pending"  # {"action": "set", "time": "22:00"} or {"action": "cancel"}
NO_VOICE_KEY = "reminder_no_voice_consent"  # Alexa could not ask by voice on this device
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2}))?$")
_ZONE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+){0,2}$")


class Outcome(Enum):
    """What a call to the Reminders API came to, each with its own true answer."""

    SET = "set"
    MOVED = "moved"
    CANCELLED = "cancelled"
    NONE = "none"  # nothing of ours to cancel (or deleted in the Alexa app)
    ASK_PERMISSION = "ask_permission"  # 401/403: the permission is missing or was revoked
    NO_TIME_ZONE = "no_time_zone"
    BUSY = "busy"  # 429
    UNAVAILABLE = "unavailable"  # 5xx, a timeout, no answer, an answer that does not parse
    REFUSED = "refused"  # any other 4xx


@dataclass(frozen=True, slots=True)
class ClockTime:
    """A time of day, as Alexa's AMAZON.TIME gives it ("22:00")."""

    hour: int
    minute: int

    @classmethod
    def parse(cls, value: Any) -> ClockTime | None:
        """ "HH:MM" or "HH:MM:SS"; anything else (None, "EV" for evening, "banana") is None."""
        match = _TIME.match(value.strip()) if isinstance(value, str) else None
        if match is None:
            return None
        hour, minute = int(match[1]), int(match[2])
        return cls(hour, minute) if hour < 24 and minute < 60 else None

    @property
    def iso(self) -> str:
        """ "22:00"."""
        return f"{self.hour:02d}:{self.minute:02d}"

    @property
    def rrule(self) -> str:
        """Every day at this time, as the Reminders API's recurrence rule."""
        return f"FREQ=DAILY;BYHOUR={self.hour};BYMINUTE={self.minute};BYSECOND=0"


def granted(handler_input: HandlerInput) -> bool:
    """Whether the user has given this skill the reminders permission (Alexa says so in
    `context.System.user.permissions`: the scope GRANTED, or a consent token)."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    permissions = getattr(getattr(system, "user", None), "permissions", None)
    if permissions is None:
        return False
    scope = (permissions.scopes or {}).get(SCOPE) if isinstance(permissions.scopes, dict) else None
    status = getattr(getattr(scope, "status", None), "value", None)
    return status == "GRANTED" or bool(permissions.consent_token)


def first_occurrence(now: datetime, zone: tzinfo, time: ClockTime) -> datetime:
    """The next local date and time at `time` after `now`: today, or tomorrow if it has passed.

    Naive local time, as the API wants it (the zone id travels beside it, so across a
    daylight-saving change the reminder keeps its local time).
    """
    local_now = now.astimezone(zone).replace(tzinfo=None)
    candidate = local_now.replace(hour=time.hour, minute=time.minute, second=0, microsecond=0)
    return candidate if candidate > local_now else candidate + timedelta(days=1)


def load_zone(zone_id: Any) -> tzinfo | None:
    """The time zone for an IANA id, or None: no offsets ("UTC+3"), no POSIX rules, no guess."""
    if not isinstance(zone_id, str) or not _ZONE_ID.match(zone_id):
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(zone_id)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    # A runtime without the system's zone files: python-dateutil (in the Lambda zip) ships them.
    from dateutil.zoneinfo import get_zonefile_instance

    zone: tzinfo | None = get_zonefile_instance().zones.get(zone_id)
    return zone


def pending(attributes: Mapping[str, Any]) -> dict[str, str] | None:
    """What the user asked for before the permission round trip, read defensively."""
    value = attributes.get(PENDING_KEY)
    if not isinstance(value, dict):
        return None
    if value.get("action") == "cancel":
        return {"action": "cancel"}
    time = ClockTime.parse(value.get("time"))
    if value.get("action") == "set" and time is not None:
        return {"action": "set", "time": time.iso}
    return None


def remember_pending(
    attributes: MutableMapping[str, Any], action: str, time: ClockTime | None
) -> None:
    """Keep what was asked across the permission round trip."""
    attributes[PENDING_KEY] = {"action": action, **({"time": time.iso} if time else {})}


def _now(handler_input: HandlerInput) -> datetime:
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return datetime.now(UTC)


def _classify(status: Any) -> Outcome:
    """The outcome of an API error by its HTTP status (a timeout comes as 500 from the SDK)."""
    if status in (401, 403):
        return Outcome.ASK_PERMISSION
    if status == 429:
        return Outcome.BUSY
    if not isinstance(status, int) or status >= 500 or status < 400:
        return Outcome.UNAVAILABLE
    return Outcome.REFUSED


def _reachable(handler_input: HandlerInput) -> bool:
    """Whether the request carries what every API call needs: the endpoint and a token."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    token, endpoint = (
        getattr(system, "api_access_token", None),
        getattr(system, "api_endpoint", None),
    )
    return isinstance(token, str) and bool(token) and isinstance(endpoint, str) and bool(endpoint)


class _Failed(Exception):
    """An API call that did not succeed, with the answer it deserves."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.value)
        self.outcome = outcome


def _failure(operation: str, exc: Exception, *, zone_lookup: bool = False) -> _Failed:
    """A failed call as its outcome, logged by kind and status only (never ids or bodies)."""
    status = getattr(exc, "status_code", None)
    if status is None:
        log.warning("%s failed: %s", operation, type(exc).__name__)
        return _Failed(Outcome.UNAVAILABLE)
    log.warning("%s failed: HTTP %s", operation, status)
    outcome = _classify(status)
    if zone_lookup and outcome in (Outcome.ASK_PERMISSION, Outcome.REFUSED):
        outcome = Outcome.NO_TIME_ZONE  # the time zone needs no permission: it is unreadable
    return _Failed(outcome)


def _call(operation: str, call: Any, *args: Any, zone_lookup: bool = False) -> Any:
    """One API call; any failure raises _Failed with its outcome.

    ServiceException carries the HTTP status (the SDK reports a timeout or a refused
    connection as 500); an answer that does not parse raises SerializationException.
    """
    from ask_sdk_core.exceptions import ApiClientException, SerializationException
    from ask_sdk_model.services import ServiceException

    try:
        return call(*args)
    except (ServiceException, SerializationException, ApiClientException) as exc:
        raise _failure(operation, exc, zone_lookup=zone_lookup) from None
    except (ValueError, TypeError, AttributeError) as exc:  # an answer of the wrong shape
        raise _failure(operation, exc) from None


def _sdk_workaround() -> None:
    """ask-sdk-model (1.82.0 still) types AlertInfo's `spokenInfo` with a module that does not
    exist, `...reminder_management.alert_info_spoken_info`, so `get_reminders` cannot read any
    reminder (alexa/alexa-apis-for-python#4, open). That name is given the real module."""
    import sys

    from ask_sdk_model.services.reminder_management import spoken_info

    sys.modules.setdefault(f"{spoken_info.__package__}.alert_info_spoken_info", spoken_info)


def _ours(client: Any) -> list[str]:
    """The alert tokens of this skill's reminders for the user (the API lists only ours)."""
    _sdk_workaround()
    listed = _call("get_reminders", client.get_reminders)
    alerts = getattr(listed, "alerts", None) or []
    return [a.alert_token for a in alerts if isinstance(getattr(a, "alert_token", None), str)]


def _device_zone(handler_input: HandlerInput) -> tuple[str, tzinfo]:
    """The device's time zone id and zone, from the Settings API; _Failed when unreadable."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    device = getattr(system, "device", None)
    device_id = getattr(device, "device_id", None)
    if not isinstance(device_id, str) or not device_id:
        raise _Failed(Outcome.NO_TIME_ZONE)
    ups = handler_input.service_client_factory.get_ups_service()
    zone_id = _call("get_system_time_zone", ups.get_system_time_zone, device_id, zone_lookup=True)
    zone = load_zone(zone_id)
    if zone is None:
        log.warning("get_system_time_zone gave no usable zone id")
        raise _Failed(Outcome.NO_TIME_ZONE)
    return zone_id, zone


def reminder_request(
    content: Content, time: ClockTime, zone_id: str, start: datetime, now: datetime
) -> Any:
    """The create/update body: daily at `time` from `start` (both local), in the zone, with the
    locale's words; `now` (local) is when it was asked for."""
    from ask_sdk_model.services.reminder_management import (
        AlertInfo,
        PushNotification,
        PushNotificationStatus,
        Recurrence,
        ReminderRequest,
        SpokenInfo,
        SpokenText,
        Trigger,
        TriggerType,
    )

    from skill import ssml

    text = content.reminder_text
    return ReminderRequest(
        request_time=now,
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            scheduled_time=start,
            time_zone_id=zone_id,
            recurrence=Recurrence(start_date_time=start, recurrence_rules=[time.rrule]),
        ),
        alert_info=AlertInfo(
            spoken_info=SpokenInfo(
                content=[
                    SpokenText(
                        locale=content.locale, text=text, ssml=f"<speak>{ssml.escape(text)}</speak>"
                    )
                ]
            )
        ),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def set_daily(handler_input: HandlerInput, content: Content, time: ClockTime) -> Outcome:
    """Set the user's one daily reminder at `time`: update the one there is, else create it.

    Updating in place loses nothing when a call fails: the old reminder stays as it was.
    """
    from ask_sdk_model.services import ServiceException

    if not _reachable(handler_input):
        return Outcome.UNAVAILABLE
    try:
        zone_id, zone = _device_zone(handler_input)
        client = handler_input.service_client_factory.get_reminder_management_service()
        existing = _ours(client)
        now = _now(handler_input)
        start = first_occurrence(now, zone, time)
        local_now = now.astimezone(zone).replace(tzinfo=None, microsecond=0)
        body = reminder_request(content, time, zone_id, start, local_now)
        if existing:
            try:
                client.update_reminder(existing[0], body)
            except ServiceException as exc:
                if exc.status_code != 404:  # deleted in the Alexa app meanwhile: create it anew
                    raise _failure("update_reminder", exc) from None
            except Exception as exc:
                raise _failure("update_reminder", exc) from None
            else:
                for extra in existing[1:]:  # one reminder a user, should there ever be more
                    _delete(client, extra)
                return Outcome.MOVED
        _call("create_reminder", client.create_reminder, body)
        return Outcome.SET
    except _Failed as failed:
        return failed.outcome


def _delete(client: Any, alert_token: str) -> None:
    """Delete one reminder; one already gone (deleted in the Alexa app) is no failure."""
    from ask_sdk_model.services import ServiceException

    try:
        client.delete_reminder(alert_token)
    except ServiceException as exc:
        if exc.status_code != 404:
            raise _failure("delete_reminder", exc) from None
    except Exception as exc:
        raise _failure("delete_reminder", exc) from None


def cancel_all(handler_input: HandlerInput) -> Outcome:
    """Delete this skill's reminders for the user."""
    if not _reachable(handler_input):
        return Outcome.UNAVAILABLE
    try:
        client = handler_input.service_client_factory.get_reminder_management_service()
        existing = _ours(client)
        for alert_token in existing:
            _delete(client, alert_token)
        return Outcome.CANCELLED if existing else Outcome.NONE
    except _Failed as failed:
        return failed.outcome


def has_reminder(handler_input: HandlerInput) -> bool | None:
    """Whether the user has a reminder from this skill: False without the permission (none can
    have been set), None when the API could not say."""
    if not granted(handler_input):
        return False
    if not _reachable(handler_input):
        return None
    try:
        client = handler_input.service_client_factory.get_reminder_management_service()
        return bool(_ours(client))
    except _Failed:
        return None
