"""Red flags win wherever they appear: one check of the request, one handler that warns."""

from __future__ import annotations

import re

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

from skill.handlers.base import IntentHandler
from skill.handlers.content import resolved_id
from skill.responses import Card, content_of, tell

SYMPTOM_SLOT = "symptom"
EMERGENCY_IDS = frozenset({"CHEST"})  # RedFlag ids that need the emergency number first
_WORD = re.compile(r"[^\W\d_]+")


def heard_words(handler_input: HandlerInput) -> set[str]:
    """Every word Alexa heard in any slot of the request, lower-cased."""
    request = handler_input.request_envelope.request
    slots = (request.intent.slots if isinstance(request, IntentRequest) else None) or {}
    values = (slot.value for slot in slots.values() if isinstance(slot.value, str))
    return {w for value in values for w in _WORD.findall(value.lower())}


def red_flag(handler_input: HandlerInput) -> str | None:
    """ "emergency", "urgent" or None for this request.

    A request is a red flag when Alexa chose UrgentSymptomsIntent, or when any slot of any
    intent heard one of the locale's red-flag words ("a blood clot" heard as a cause, say).
    Chest pain or breathlessness, resolved or heard, makes it an emergency.
    """
    request = handler_input.request_envelope.request
    if not isinstance(request, IntentRequest):
        return None
    flags = content_of(handler_input).red_flags
    heard = heard_words(handler_input)
    if resolved_id(handler_input, SYMPTOM_SLOT) in EMERGENCY_IDS or heard & flags["emergency"]:
        return "emergency"
    if request.intent.name in UrgentSymptomsIntentHandler.intents or heard & flags["urgent"]:
        return "urgent"
    return None


class UrgentSymptomsIntentHandler(IntentHandler):
    """Leads with the urgent warning for any red flag, whatever the intent; ends the session."""

    intents = ("UrgentSymptomsIntent",)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for UrgentSymptomsIntent and for any request whose slots name a red flag."""
        return red_flag(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the emergency line first when needed, then the warning signs."""
        content = content_of(handler_input)
        urgent = content.topics["URGENT"]
        lead = [content.prompts["emergency"]] if red_flag(handler_input) == "emergency" else []
        return tell(handler_input, [*lead, urgent.summary], card=Card.of(urgent))
