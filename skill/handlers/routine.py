"""The guided stretch: a timed routine, spoken step by step, that can be replayed."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.answers import routine_after, speak_routine
from skill.handlers.base import IntentHandler
from skill.request import content_of, resolved_id, state_of


class GuidedStretchIntentHandler(IntentHandler):
    """Guides a timed stretch: the one asked for, the one the conversation is about, or relief."""

    intents = ("GuidedStretchIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the routine named by the `routine` slot, else the one fitting the topic."""
        asked = resolved_id(handler_input, "routine")
        if asked is not None and asked in content_of(handler_input).routines:
            return speak_routine(handler_input, asked)
        return speak_routine(handler_input, routine_after(state_of(handler_input).topic))
