"""Handlers for the requests every skill answers: launch, help, fallback, stop, session end."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.handlers.base import IntentHandler
from skill.handlers.navigation import goodbye
from skill.responses import Card, ask, content_of, state_of
from skill.state import State


class LaunchRequestHandler(AbstractRequestHandler):
    """Welcomes the user with the disclaimer and two examples."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for a LaunchRequest."""
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the welcome, the disclaimer, examples and a question."""
        content = content_of(handler_input)
        prompts = content.prompts
        return ask(
            handler_input,
            [prompts["welcome"], prompts["welcome_examples"], prompts["what_next"]],
            [prompts["home"], prompts["what_next"]],
            card=Card(content.cards["welcome"], prompts["home"]),
            state=State(),
        )


class HelpIntentHandler(IntentHandler):
    """Explains what the user can say, fitted to where they are."""

    intents = ("AMAZON.HelpIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks help for the tip walk, for choosing a cause, or in general."""
        content = content_of(handler_input)
        prompts = content.prompts
        state = state_of(handler_input)
        if state.tip_index is not None:
            speech = [prompts["help_tips"]]
        elif state.question == "cause_detail":
            speech = [prompts["help_causes"]]
        else:
            speech = [prompts["help"], prompts["what_next"]]
        return ask(
            handler_input,
            speech,
            [prompts["what_next"]],
            card=Card(content.cards["help"], prompts["help"]),
        )


class FallbackIntentHandler(IntentHandler):
    """Says what the skill can do when the request is outside it, and keeps listening."""

    intents = ("AMAZON.FallbackIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Apologises, lists what the skill can do and asks again."""
        prompts = content_of(handler_input).prompts
        return ask(
            handler_input,
            [prompts["fallback"], prompts["home"], prompts["what_next"]],
            [prompts["home"], prompts["what_next"]],
        )


class StopOrCancelIntentHandler(IntentHandler):
    """Says goodbye and ends the session."""

    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the goodbye."""
        return goodbye(handler_input)


class SessionEndedRequestHandler(AbstractRequestHandler):
    """Acknowledges the end of a session; Alexa accepts no speech here."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for a SessionEndedRequest."""
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Returns an empty response."""
        return handler_input.response_builder.response
