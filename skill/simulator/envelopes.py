"""Alexa request envelopes, shaped as Alexa sends them: for the simulator, tests, benchmarks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from skill.simulator.devices import DEVICES, SPEAKER

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True, slots=True)
class Slot:
    """A slot as Alexa heard it: the words, and the resolved id if entity resolution matched."""

    value: str | None
    id: str | None = None
    name: str | None = None


@dataclass(slots=True)
class Session:
    """One simulated Alexa session: ids, locale, and attributes carried between turns."""

    skill_id: str = DEFAULT_SKILL_ID
    locale: str = "en-US"
    session_id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.{uuid.uuid4().hex}")
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.{uuid.uuid4().hex}")
    attributes: dict[str, Any] = field(default_factory=dict)
    new: bool = True
    ended: bool = False
    device: str = SPEAKER  # a name in skill.simulator.devices.DEVICES
    # Where the skill calls Alexa's APIs, with what token, and the user's permissions (for
    # example the reminders scope GRANTED with a consent token); see `granted_permissions`.
    api_endpoint: str = "https://api.amazonalexa.com"
    api_access_token: str | None = None
    permissions: dict[str, Any] | None = None

    def update(self, response_envelope: dict[str, Any]) -> None:
        """Carry the response's session attributes and note whether the session ended."""
        self.attributes = dict(response_envelope.get("sessionAttributes") or {})
        self.new = False
        self.ended = response_envelope.get("response", {}).get("shouldEndSession") is not False


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def granted_permissions(*scopes: str) -> dict[str, Any]:
    """`user.permissions` as Alexa sends it when the user granted these scopes."""
    return {
        "consentToken": f"amzn1.ask.consent.{uuid.uuid4().hex}",
        "scopes": {scope: {"status": "GRANTED"} for scope in scopes},
    }


def _envelope(session: Session, request: dict[str, Any]) -> dict[str, Any]:
    application = {"applicationId": session.skill_id}
    user: dict[str, Any] = {"userId": session.user_id}
    if session.permissions is not None:
        user["permissions"] = session.permissions
    screen = DEVICES[session.device]
    interfaces = screen.supported_interfaces() if screen is not None else {}
    system: dict[str, Any] = {
        "application": application,
        "user": user,
        "device": {"deviceId": session.device_id, "supportedInterfaces": interfaces},
        "apiEndpoint": session.api_endpoint,
    }
    if session.api_access_token is not None:
        system["apiAccessToken"] = session.api_access_token
    envelope: dict[str, Any] = {
        "version": "1.0",
        "session": {
            "new": session.new,
            "sessionId": session.session_id,
            "application": application,
            "attributes": dict(session.attributes),
            "user": user,
        },
        "context": {"System": system},
        "request": {
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": _now(),
            "locale": session.locale,
            **request,
        },
    }
    if screen is not None:
        envelope["context"]["Viewport"] = screen.viewport()
        envelope["context"]["Viewports"] = screen.viewports()
    return envelope


def _slot_json(skill_id: str, slot_name: str, slot_type: str | None, slot: Slot) -> dict[str, Any]:
    data: dict[str, Any] = {"name": slot_name, "confirmationStatus": "NONE"}
    if slot.value is None:
        return data
    data["value"] = slot.value
    if slot_type is None:
        return data
    authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}"
    resolution: dict[str, Any]
    if slot.id is None:
        resolution = {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
    else:
        resolution = {
            "authority": authority,
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": slot.name or slot.value, "id": slot.id}}],
        }
    data["resolutions"] = {"resolutionsPerAuthority": [resolution]}
    return data


def launch(session: Session) -> dict[str, Any]:
    """A LaunchRequest ("open leg cramp helper")."""
    return _envelope(session, {"type": "LaunchRequest"})


def intent(
    session: Session,
    name: str,
    slots: dict[str, Slot] | None = None,
    slot_types: dict[str, str] | None = None,
    dialog_state: str = "COMPLETED",
) -> dict[str, Any]:
    """An IntentRequest; slots with a type in `slot_types` carry entity resolution like Alexa's.

    `dialog_state` IN_PROGRESS: the answer to a Dialog directive (an elicited slot).
    """
    slot_types = slot_types or {}
    slot_json = {
        slot_name: _slot_json(session.skill_id, slot_name, slot_types.get(slot_name), slot)
        for slot_name, slot in (slots or {}).items()
    }
    body: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if slot_json:
        body["slots"] = slot_json
    return _envelope(
        session, {"type": "IntentRequest", "dialogState": dialog_state, "intent": body}
    )


def connections_response(
    session: Session,
    name: str,
    status: str | None,
    token: str | None,
    *,
    code: str = "200",
    payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Alexa's answer to a Connections.SendRequest, such as AskFor: `status` ACCEPTED, DENIED
    or NOT_ANSWERED; `code` other than 200 when Alexa could not carry the request out."""
    answer: dict[str, Any] = {
        "type": "Connections.Response",
        "status": {"code": code, "message": "OK" if code == "200" else "Error"},
        "name": name,
        "payload": payload if payload is not None else {"status": status},
    }
    if token is not None:
        answer["token"] = token
    return _envelope(session, answer)


def user_event(session: Session, token: str, arguments: list[Any]) -> dict[str, Any]:
    """A touch on the screen: an APL SendEvent, as Alexa forwards it."""
    return _envelope(
        session,
        {
            "type": "Alexa.Presentation.APL.UserEvent",
            "token": token,
            "arguments": arguments,
            "source": {"type": "TouchWrapper", "handler": "Press", "id": ""},
            "components": {},
        },
    )


def session_ended(session: Session, reason: str = "USER_INITIATED") -> dict[str, Any]:
    """A SessionEndedRequest."""
    return _envelope(session, {"type": "SessionEndedRequest", "reason": reason})
