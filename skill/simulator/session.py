"""A simulated Alexa conversation: typed words in, the answer out, through the Lambda handler."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any, cast

from skill.simulator import envelopes
from skill.simulator.devices import DEVICES, SPEAKER
from skill.simulator.envelopes import Session, Slot
from skill.simulator.nlu import NLU
from skill.simulator.textnorm import fold

# The simulator's user unless `--user-id` names another: stable, so that the visits it makes
# are remembered from one `make run` to the next (README, "Remembering users").
DEFAULT_USER_ID = "amzn1.ask.account.SIMULATOR-DEVELOPER"
# What `directives` rows carry besides `type`, whichever directive has them (RenderDocument:
# token, document, datasources; ExecuteCommands: token, commands; Connections.SendRequest: name).
DIRECTIVE_KEYS = ("token", "document", "datasources", "commands", "name")


class SimulatorError(Exception):
    """Something the simulator cannot go on from: a missing model, a refused request."""


def normalise(text: str) -> str:
    """Lower-case words only, without accents, as a speech recogniser would hear them."""
    text = fold(text).replace("\u2019", "'").replace("_", " ")
    return " ".join(re.sub(r"[^\w']+", " ", text).split())


def _choice(phrases: list[str]) -> str:
    """A regex alternation of phrases, longest first."""
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request sent to the skill and the response it gave."""

    request: dict[str, Any]
    response: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Turn:
    """What one typed line did: the exchange, and any session it closed first."""

    utterance: str
    exchange: Exchange
    closed: Exchange | None = None
    considered: tuple[tuple[str, float], ...] = ()  # intents the NLU weighed, best first

    @property
    def request_type(self) -> str:
        """LaunchRequest, IntentRequest or SessionEndedRequest."""
        request_type: str = self.exchange.request["request"]["type"]
        return request_type

    @property
    def intent(self) -> str | None:
        """The intent Alexa would have matched, if this was an IntentRequest."""
        name: str | None = self.exchange.request["request"].get("intent", {}).get("name")
        return name

    @property
    def slots(self) -> dict[str, dict[str, str | None]]:
        """Filled slots: the words heard and the resolved id (None when nothing matched)."""
        slots = self.exchange.request["request"].get("intent", {}).get("slots", {})
        return {
            name: {"value": slot["value"], "id": _resolved_id(slot)}
            for name, slot in slots.items()
            if slot.get("value") is not None
        }

    @property
    def _response(self) -> dict[str, Any]:
        return self.exchange.response.get("response") or {}

    @property
    def ssml(self) -> str:
        """The SSML spoken ("" when silent)."""
        speech = self._response.get("outputSpeech") or {}
        return speech.get("ssml") or speech.get("text") or ""

    @property
    def speech(self) -> str:
        """What the user hears, as plain text."""
        return _plain(self.ssml)

    @property
    def reprompt(self) -> str | None:
        """What Alexa says if the user stays silent, as plain text."""
        reprompt = (self._response.get("reprompt") or {}).get("outputSpeech") or {}
        text = reprompt.get("ssml") or reprompt.get("text")
        return _plain(text) if text else None

    @property
    def card(self) -> dict[str, str] | None:
        """The card shown in the Alexa app, if any."""
        card = self._response.get("card")
        if not card:
            return None
        return {"title": card.get("title", ""), "text": card.get("content", card.get("text", ""))}

    @property
    def directives(self) -> list[dict[str, Any]]:
        """Each directive of the response: its `type`, and the members that say what it does."""
        return [
            {"type": d.get("type"), **{k: d[k] for k in DIRECTIVE_KEYS if k in d}}
            for d in self._response.get("directives") or []
            if isinstance(d, dict)
        ]

    @property
    def end_session(self) -> bool:
        """Whether the skill ended the session (anything but an explicit False ends it)."""
        return self._response.get("shouldEndSession") is not False

    def summary(self) -> dict[str, Any]:
        """The `--json` line for this turn."""
        return {
            "utterance": self.utterance,
            "request_type": self.request_type,
            "intent": self.intent,
            "slots": self.slots,
            "speech": self.speech,
            "ssml": self.ssml,
            "reprompt": self.reprompt,
            "card": self.card,
            "end_session": self.end_session,
            "directives": self.directives,
        }


def _resolved_id(slot: dict[str, Any]) -> str | None:
    for authority in slot.get("resolutions", {}).get("resolutionsPerAuthority", []):
        if authority.get("status", {}).get("code") == "ER_SUCCESS_MATCH":
            value_id: str | None = authority["values"][0]["value"]["id"]
            return value_id
    return None


def _plain(ssml: str) -> str:
    from skill.ssml import to_plain_text

    return to_plain_text(ssml)


@cache
def nlu_for(locale: str) -> NLU:
    """The language understanding for a locale, built once per process."""
    return NLU.for_locale(locale)


class Simulator:
    """Turns typed lines into Alexa request envelopes and sends them through the Lambda handler."""

    def __init__(
        self,
        locale: str = "en-US",
        skill_id: str | None = None,
        user_id: str | None = None,
        device: str = SPEAKER,
    ) -> None:
        if device not in DEVICES:
            raise SimulatorError(f"unknown device {device!r}; known: {', '.join(DEVICES)}")
        self.locale, self.device = locale, device
        self.skill_id = skill_id or os.environ.get("SKILL_ID") or envelopes.DEFAULT_SKILL_ID
        self.user_id = user_id or DEFAULT_USER_ID
        self.session: Session | None = None
        try:
            self.nlu = nlu_for(locale)
        except FileNotFoundError as exc:
            raise SimulatorError(f"no interaction model for locale {locale!r}: {exc}") from None
        name = re.escape(normalise(self.nlu.invocation_name))
        words = {key: _choice(phrases) for key, phrases in self.nlu.lang.invocation.items()}
        self._launch = re.compile(
            rf"(?:{words['launch']}) {name}(?: (?:{words['then']}) (?P<rest>.+))?"
        )
        self._ask = re.compile(
            rf"(?:{words['ask']}) {name}(?: (?:(?:{words['connectors']}) )?(?P<rest>.+))?"
        )

    @cached_property
    def _handler(self) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        """A Lambda handler built as skill.lambda_function builds it, but remembering visits in
        the local SQLite file unless `PERSISTENCE` says otherwise."""
        from skill.factory import create_skill_builder
        from skill.persistence import LOCAL_DEFAULT

        handler = create_skill_builder(default_persistence=LOCAL_DEFAULT).lambda_handler()
        # The SDK types the event as str; Lambda (and this simulator) passes the parsed JSON.
        return cast(Callable[[dict[str, Any], Any], dict[str, Any]], handler)

    @property
    def session_open(self) -> bool:
        """Whether a session is open, so the next line is a turn in it."""
        return self.session is not None and not self.session.ended

    def say(self, line: str) -> Turn:
        """Send what a user said; words Alexa cannot make out go to the NLU and fall back."""
        words = re.sub(r"^(?:(?:hey|oye) )?alexa\b ?", "", normalise(line))
        invocation = self._launch.fullmatch(words) or self._ask.fullmatch(words)
        closed = self.end_session() if invocation is not None else None
        if invocation is not None:
            words = invocation["rest"] or ""
        if not self.session_open:
            self.session = self._new_session()
        assert self.session is not None
        considered: tuple[tuple[str, float], ...] = ()
        if invocation is not None and not words:
            request = envelopes.launch(self.session)
        else:
            request, considered = self._intent_request(self.session, words)
        return Turn(line.strip(), self._send(request), closed, considered)

    def touch(self, arguments: list[Any], token: str) -> Turn:
        """A touch on the screen the skill sent: an APL UserEvent in the current session."""
        if not self.session_open:
            self.session = self._new_session()
        assert self.session is not None
        label = " ".join(str(a) for a in arguments if a not in ("", None))
        request = envelopes.user_event(self.session, token, arguments)
        return Turn(f"(touch: {label})", self._send(request))

    def end_session(self, reason: str = "USER_INITIATED") -> Exchange | None:
        """Close an open session with a SessionEndedRequest, as Alexa does; None if none is open."""
        if not self.session_open:
            return None
        assert self.session is not None
        exchange = self._send(envelopes.session_ended(self.session, reason))
        self.session.ended = True
        return exchange

    def _new_session(self) -> Session:
        """A new session for the same user and device as before."""
        session = Session(
            skill_id=self.skill_id, locale=self.locale, user_id=self.user_id, device=self.device
        )
        if self.session is not None:
            session.device_id = self.session.device_id
        return session

    def _intent_request(
        self, session: Session, words: str
    ) -> tuple[dict[str, Any], tuple[tuple[str, float], ...]]:
        """The IntentRequest Alexa would send (every declared slot), and the intents weighed."""
        parse, considered = self.nlu.ranked(words)
        declared = self.nlu.slot_types(parse.intent)
        slots = {}
        for slot_name in declared:
            match = parse.slots.get(slot_name)
            heard = Slot(match.value, match.id, match.resolved_name) if match else Slot(None)
            slots[slot_name] = heard
        custom = {n: t for n, t in declared.items() if not t.startswith("AMAZON.")}
        return envelopes.intent(session, parse.intent, slots, custom), tuple(considered)

    def _send(self, request: dict[str, Any]) -> Exchange:
        """Send one envelope through the Lambda handler, as JSON on the wire."""
        from ask_sdk_runtime.exceptions import AskSdkException

        wire = json.loads(json.dumps(request))
        try:
            response = self._handler(wire, None)
        except AskSdkException as exc:
            raise SimulatorError(f"the skill refused the request: {exc}") from None
        if self.session is not None and request["request"]["type"] != "SessionEndedRequest":
            self.session.update(response)
        return Exchange(request, response)
