"""A simulated Alexa conversation: typed words in, the answer out, through the Lambda handler."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any, cast

from skill.model.language import fold
from skill.settings import Settings
from skill.simulator import amazon_time, envelopes, nlucache
from skill.simulator.devices import DEVICES, SPEAKER
from skill.simulator.envelopes import Session, Slot
from skill.simulator.nlu import NLU

if TYPE_CHECKING:
    from skill.simulator.cloud import CloudStandIn

# The simulator's user unless `--user-id` names another: stable, so that the visits it makes
# are remembered from one `make run` to the next (docs/persistence.md).
DEFAULT_USER_ID = "amzn1.ask.account.SIMULATOR-DEVELOPER"
# What `directives` rows carry besides `type`, whichever directive has them (RenderDocument:
# token, document, datasources; ExecuteCommands: token, commands; Connections.SendRequest: name).
DIRECTIVE_KEYS = ("token", "document", "datasources", "commands", "name")
# Permissions `--grant` can give, by name, and the scope each stands for.
GRANTS = {"reminders": "alexa::alerts:reminders:skill:readwrite"}
PERMISSION_ANSWERS = {".accept": "ACCEPTED", ".deny": "DENIED"}


class SimulatorError(Exception):
    """Something the simulator cannot go on from: a missing model, a refused request."""


def normalise(text: str) -> str:
    """Lower-case words only, accents kept, as a speech recogniser writes them (Alexa's Spanish
    recogniser writes "cuéntame más", and the NLU's stemming needs the accents)."""
    text = unicodedata.normalize("NFC", text.lower()).replace("\u2019", "'").replace("_", " ")
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
    reminders: tuple[dict[str, str], ...] = ()  # the stand-in's reminders for this user, after
    reminders_changed: bool = False  # whether this turn changed them

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
            name: {"value": slot["value"], "id": resolved_id(slot)}
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
            "reminders": [dict(r) for r in self.reminders],
        }


def resolved_id(slot: dict[str, Any]) -> str | None:
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
    """The language understanding for a locale, learned once per model (skill/simulator/nlucache.py)
    and loaded once per process."""
    return nlucache.load(locale)


class Simulator:
    """Turns typed lines into Alexa request envelopes and sends them through the Lambda handler.

    Alexa's APIs are the stand-in's (skill/simulator/cloud.py): envelopes carry its endpoint
    and a token for the user, and the permissions granted (`grants`, `grant`, `.accept`).
    """

    def __init__(
        self,
        locale: str = "en-US",
        skill_id: str | None = None,
        user_id: str | None = None,
        device: str = SPEAKER,
        grants: Iterable[str] = (),
        settings: Settings | None = None,
    ) -> None:
        """A simulated device for a locale, talking to the skill as `settings` configure it
        (the entry point's `Settings.from_env(local=True)`; by default the skill's defaults:
        no store, speech as text). Envelopes carry `skill_id`, else the settings' id, else
        the simulator's own."""
        if device not in DEVICES:
            raise SimulatorError(f"unknown device {device!r}; known: {', '.join(DEVICES)}")
        self.locale, self.device = locale, device
        self.settings = Settings() if settings is None else settings
        self.skill_id = skill_id or self.settings.skill_id or envelopes.DEFAULT_SKILL_ID
        self.user_id = user_id or DEFAULT_USER_ID
        self.session: Session | None = None
        unknown = set(grants) - set(GRANTS)
        if unknown:
            raise SimulatorError(f"unknown permission {sorted(unknown)[0]!r}; known: reminders")
        self.grants: set[str] = set(grants)
        self._elicit: tuple[str, str, dict[str, Any]] | None = None  # intent, slot, slots so far
        self._asked: tuple[str, str | None] | None = None  # a Connections.SendRequest: name, token
        try:
            self.nlu = nlu_for(locale)
        except FileNotFoundError as exc:
            raise SimulatorError(f"no interaction model for locale {locale!r}: {exc}") from None
        name = re.escape(fold(normalise(self.nlu.invocation_name)))
        words = {key: _choice(phrases) for key, phrases in self.nlu.lang.invocation.items()}
        self._launch = re.compile(
            rf"(?:{words['launch']}) {name}(?: (?:{words['then']}) (?P<rest>.+))?"
        )
        self._ask = re.compile(
            rf"(?:{words['ask']}) {name}(?: (?:(?:{words['connectors']}) )?(?P<rest>.+))?"
        )

    @cached_property
    def cloud(self) -> CloudStandIn:
        """The stand-in for Alexa's Reminders and Settings APIs (one per process, on loopback)."""
        from skill.simulator.cloud import shared

        return shared()

    @property
    def api_token(self) -> str:
        """The API access token the envelopes carry for this user."""
        return self.cloud.token_for(self.user_id)

    @cached_property
    def _handler(self) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        """A Lambda handler built as skill.lambda_function builds it, from the simulator's
        settings, and trusting the stand-in."""
        from skill.factory import create_skill_builder
        from skill.services import ServiceApiClient

        client = ServiceApiClient(ca_bundle=self.cloud.ca_path)
        handler = create_skill_builder(self.settings, api_client=client).lambda_handler()
        # The SDK types the event as str; Lambda (and this simulator) passes the parsed JSON.
        return cast(Callable[[dict[str, Any], Any], dict[str, Any]], handler)

    @property
    def session_open(self) -> bool:
        """Whether a session is open, so the next line is a turn in it."""
        return self.session is not None and not self.session.ended

    @property
    def awaiting_permission(self) -> bool:
        """Whether the skill asked for a permission that `.accept` or `.deny` can answer."""
        return self._asked is not None and self.session_open

    def grant(self, name: str, granted: bool = True) -> None:
        """Give (or take back) a permission for the next requests, and tell the stand-in."""
        if name not in GRANTS:
            raise SimulatorError(f"unknown permission {name!r}; known: reminders")
        (self.grants.add if granted else self.grants.discard)(name)
        self.cloud.user(self.api_token, granted="reminders" in self.grants)
        if self.session is not None:
            self._authorise(self.session)

    def _authorise(self, session: Session) -> None:
        """The stand-in's endpoint and token, and the permissions granted, on a session."""
        session.api_endpoint = self.cloud.endpoint
        session.api_access_token = self.api_token
        scopes = [GRANTS[name] for name in sorted(self.grants)]
        session.permissions = envelopes.granted_permissions(*scopes) if scopes else None

    def say(self, line: str) -> Turn:
        """Send what a user said; words Alexa cannot make out go to the NLU and fall back.

        `.accept` and `.deny` answer a permission request the skill made (answer_permission).
        """
        if line.strip() in PERMISSION_ANSWERS:
            return self.answer_permission(PERMISSION_ANSWERS[line.strip()], line.strip())
        invoked, words = self._heard_words(line)
        if not invoked and self.awaiting_permission:
            return self.answer_permission(self._heard_as_permission(words), line)
        closed = self.end_session() if invoked else None
        if not self.session_open:
            self.session = self._new_session()
        assert self.session is not None
        if not invoked and self._elicit is not None and (elicited := self._elicited(words)):
            return self._turn(line.strip(), elicited, closed, ())
        request, considered = self._request(self.session, invoked, words)
        return self._turn(line.strip(), request, closed, considered)

    def hear(self, line: str) -> dict[str, Any]:
        """The request Alexa would send for a typed line in a new turn, without sending it or
        changing the session: what `say` understands, for checking understanding alone."""
        invoked, words = self._heard_words(line)
        session = self.session if self.session_open and not invoked else None
        fresh = Session(self.skill_id, self.locale, user_id=self.user_id, device=self.device)
        return self._request(session or fresh, invoked, words)[0]

    def _heard_words(self, line: str) -> tuple[bool, str]:
        """Whether the line invokes the skill ("ask leg cramp helper ..."), and the words left
        for the NLU: lower case, accents kept, as a recogniser writes them."""
        words = re.sub(r"^(?:(?:hey|oye) )?alexa\b ?", "", normalise(line))
        folded = fold(words)  # invocation phrases match with or without accents
        invocation = self._launch.fullmatch(folded) or self._ask.fullmatch(folded)
        if invocation is None:
            return False, words
        rest = (invocation["rest"] or "").split()
        return True, " ".join(words.split()[len(words.split()) - len(rest) :])

    def _request(
        self, session: Session, invoked: bool, words: str
    ) -> tuple[dict[str, Any], tuple[tuple[str, float], ...]]:
        """A LaunchRequest for a bare invocation, else the IntentRequest for the words."""
        if invoked and not words:
            return envelopes.launch(session), ()
        return self._intent_request(session, words)

    def answer_permission(self, status: str, utterance: str | None = None) -> Turn:
        """Alexa's Connections.Response to the permission request: ACCEPTED, DENIED or
        NOT_ANSWERED (`.accept`, `.deny`). After ACCEPTED the permission stays granted."""
        if not self.awaiting_permission or self._asked is None or self.session is None:
            raise SimulatorError("the skill has not asked for a permission to answer")
        name, token = self._asked
        if status == "ACCEPTED":
            self.grant("reminders")
        payload = {"permissionScope": GRANTS["reminders"], "status": status}
        request = envelopes.connections_response(self.session, name, status, token, payload=payload)
        return self._turn(utterance or status.lower(), request, None, ())

    def _heard_as_permission(self, words: str) -> str:
        """What Alexa's own permission question hears in a spoken answer: yes, no, or neither."""
        intent = self.nlu.parse(words).intent if words else None
        return {"AMAZON.YesIntent": "ACCEPTED", "AMAZON.NoIntent": "DENIED"}.get(
            intent or "", "NOT_ANSWERED"
        )

    def _elicited(self, words: str) -> dict[str, Any] | None:
        """The IntentRequest filling the slot the skill asked for, when the words are a time."""
        assert self._elicit is not None and self.session is not None
        intent, slot_name, slots = self._elicit
        if self.nlu.slot_types(intent).get(slot_name) != amazon_time.SLOT_TYPE:
            return None
        time = amazon_time.find(words, self.locale, answer=True)
        if time is None:
            return None
        filled = {
            name: Slot(slot.get("value")) for name, slot in slots.items() if isinstance(slot, dict)
        }
        filled[slot_name] = Slot(time.value)
        return envelopes.intent(self.session, intent, filled, {}, dialog_state="IN_PROGRESS")

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
        self._elicit = self._asked = None
        return exchange

    def _new_session(self) -> Session:
        """A new session for the same user and device as before."""
        session = Session(
            skill_id=self.skill_id, locale=self.locale, user_id=self.user_id, device=self.device
        )
        if self.session is not None:
            session.device_id = self.session.device_id
        else:
            from skill.simulator.cloud import LOCALE_ZONES

            self.cloud.set_time_zone(session.device_id, LOCALE_ZONES.get(self.locale))
            self.cloud.user(self.api_token, granted="reminders" in self.grants)
        self._authorise(session)
        self._elicit = self._asked = None
        return session

    def _intent_request(
        self, session: Session, words: str
    ) -> tuple[dict[str, Any], tuple[tuple[str, float], ...]]:
        """The IntentRequest Alexa would send (every declared slot), and the intents weighed.

        A time said fills an AMAZON.TIME slot with Alexa's value (amazon_time.understand).
        """
        parse, considered = amazon_time.understand(self.nlu, words)
        declared = self.nlu.slot_types(parse.intent)
        slots = {}
        for slot_name in declared:
            match = parse.slots.get(slot_name)
            heard = Slot(match.value, match.id, match.resolved_name) if match else Slot(None)
            slots[slot_name] = heard
        custom = {n: t for n, t in declared.items() if not t.startswith("AMAZON.")}
        return envelopes.intent(session, parse.intent, slots, custom), tuple(considered)

    def _turn(
        self,
        utterance: str,
        request: dict[str, Any],
        closed: Exchange | None,
        considered: tuple[tuple[str, float], ...],
    ) -> Turn:
        """Send a request and note what it did to the user's reminders."""
        before = self.cloud.reminders(self.api_token)
        exchange = self._send(request)
        after = self.cloud.reminders(self.api_token)
        return Turn(utterance, exchange, closed, considered, tuple(after), after != before)

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
            self._follow(response)
        return Exchange(request, response)

    def _follow(self, response: dict[str, Any]) -> None:
        """What the response's directives ask of the next turn, as Alexa would do it: fill the
        slot a Dialog.ElicitSlot asks for; keep the session for a Connections.SendRequest."""
        assert self.session is not None
        self._elicit = self._asked = None
        for directive in (response.get("response") or {}).get("directives") or []:
            kind = directive.get("type") if isinstance(directive, dict) else None
            if kind == "Dialog.ElicitSlot":
                intent = directive.get("updatedIntent") or {}
                if isinstance(intent.get("name"), str) and isinstance(
                    directive.get("slotToElicit"), str
                ):
                    self._elicit = (
                        intent["name"],
                        directive["slotToElicit"],
                        intent.get("slots") or {},
                    )
            elif kind == "Connections.SendRequest":
                self._asked = (str(directive.get("name")), directive.get("token"))
                self.session.ended = False  # Alexa asks its question, then resumes the session
