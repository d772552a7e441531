"""Red flags win wherever they appear: one check of the request, one handler that warns."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name
from ask_sdk_model import IntentRequest, Response

from skill import screens
from skill.content import phrase_words
from skill.handlers.base import IntentHandler
from skill.handlers.content import resolved_id
from skill.responses import Card, content_of, tell

SYMPTOM_SLOTS = ("symptom", "also")  # a warning sign, and another said with it
EMERGENCY_IDS = frozenset({"CHEST"})  # RedFlag ids that need the emergency number first
LEG_IDS = frozenset({"CLOT", "SWOLLEN_LEG"})  # RedFlag ids of a leg that may hold a clot


def heard_phrases(handler_input: HandlerInput) -> list[tuple[str, ...]]:
    """The words Alexa heard in each slot of the request, one tuple per slot."""
    request = handler_input.request_envelope.request
    intent = request.intent if isinstance(request, IntentRequest) else None
    slots = (intent.slots if intent is not None else None) or {}
    values = (slot.value for slot in slots.values() if isinstance(slot.value, str))
    return [words for words in map(phrase_words, values) if words]


def says_any(heard: Collection[tuple[str, ...]], phrases: Iterable[str]) -> bool:
    """Whether one slot's words hold one of the phrases, word after word."""
    if not heard:
        return False
    wanted = [phrase_words(phrase) for phrase in phrases]
    return any(
        words[start : start + len(phrase)] == phrase
        for words in heard
        for phrase in wanted
        for start in range(len(words) - len(phrase) + 1)
    )


def red_flag(handler_input: HandlerInput) -> str | None:
    """ "emergency", "urgent" or None for this request.

    Chest pain or breathlessness, resolved or heard in any slot, is an emergency. A leg that may
    hold a clot (resolved, or a red-flag word heard in any slot of any intent) is urgent.
    UrgentSymptomsIntent naming neither is treated as an emergency: the number comes first.
    """
    request = handler_input.request_envelope.request
    if not isinstance(request, IntentRequest):
        return None
    flags = content_of(handler_input).red_flags
    heard = heard_phrases(handler_input)
    symptoms = {resolved_id(handler_input, slot) for slot in SYMPTOM_SLOTS}
    if symptoms & EMERGENCY_IDS or says_any(heard, flags["emergency"]):
        return "emergency"
    if symptoms & LEG_IDS or says_any(heard, flags["urgent"]):
        return "urgent"
    if get_intent_name(handler_input) in UrgentSymptomsIntentHandler.intents:
        return "emergency"
    return None


class UrgentSymptomsIntentHandler(IntentHandler):
    """Leads with the emergency number or with seeking care now, whatever the intent; ends."""

    intents = ("UrgentSymptomsIntent",)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for UrgentSymptomsIntent and for any request whose slots name a red flag."""
        return red_flag(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        """The emergency line then the leg signs, or the leg warning (which names the number)."""
        content = content_of(handler_input)
        urgent = content.topics["URGENT"]
        if red_flag(handler_input) == "emergency":
            speech = [content.prompts["emergency"], content.prompts["urgent_legs"]]
        else:
            speech = [urgent.summary]
        screen = screens.warning(content, speech)  # on a screen: the same words first, nothing else
        return tell(handler_input, speech, card=Card.of(urgent), screen=screen)
