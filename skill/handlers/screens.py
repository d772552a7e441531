"""Touches on a screen (`Alexa.Presentation.APL.UserEvent`): the very code the voice runs."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill import screens
from skill.answers import speak_summary, speak_tip
from skill.content import TIP_IDS
from skill.handlers.builtins import StopOrCancelIntentHandler
from skill.handlers.navigation import NextIntentHandler, PreviousIntentHandler
from skill.request import content_of, session_attributes
from skill.responses import ask

# The handler whose answer each touch gets, exactly as if it had been said.
SAME_AS_SAID: dict[
    str, type[NextIntentHandler | PreviousIntentHandler | StopOrCancelIntentHandler]
] = {
    "next": NextIntentHandler,
    "previous": PreviousIntentHandler,
    "stop": StopOrCancelIntentHandler,
}


def out_of_date(handler_input: HandlerInput) -> Response:
    """A short spoken answer to a touch the skill cannot act on; the session goes on."""
    prompts = content_of(handler_input).prompts
    return ask(
        handler_input, [prompts["screen_stale"], prompts["what_next"]], [prompts["what_next"]]
    )


class ScreenEventHandler(AbstractRequestHandler):
    """Previous, Next, Stop and the items of a list, touched on the screen the skill sent last."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for an APL UserEvent."""
        return is_request_type(screens.USER_EVENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Answers as the voice would; an unknown, old or foreign touch gets a short answer."""
        envelope = handler_input.request_envelope
        request, session = envelope.request, envelope.session
        fresh = session is not None and session.new is False
        current = session_attributes(handler_input).get(screens.SCREEN_KEY) if fresh else None
        touch = screens.touch_of(getattr(request, "arguments", None))
        if (
            not fresh
            or touch is None
            or not screens.is_current(getattr(request, "token", None), current)
        ):
            return out_of_date(handler_input)
        action, item_id = touch
        if action in SAME_AS_SAID:
            return SAME_AS_SAID[action]().handle(handler_input)
        if action == "tip" and item_id in TIP_IDS:
            return speak_tip(handler_input, TIP_IDS.index(item_id))
        cause = content_of(handler_input).item("cause", item_id) if action == "cause" else None
        return speak_summary(handler_input, cause) if cause else out_of_date(handler_input)
