"""Handlers for the requests every skill answers: launch, help, fallback, stop, session end,
and the skill events it subscribes to."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill.answers import goodbye
from skill.handlers.base import IntentHandler
from skill.request import content_of, state_of
from skill.responses import Card, ask
from skill.state import Question, State
from skill.visits import forget, returning_visitor


class LaunchRequestHandler(AbstractRequestHandler):
    """Welcomes the user with the disclaimer and two examples."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for a LaunchRequest."""
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the welcome and the disclaimer, shorter for a returning user, then asks."""
        content = content_of(handler_input)
        prompts = content.prompts
        card = Card(content.cards["welcome"], prompts["home"])
        visitor = returning_visitor(handler_input)
        if visitor is None:
            speech = [prompts["welcome"], prompts["welcome_examples"], prompts["what_next"]]
        elif visitor.tip_index is not None:
            tip = content.tips[visitor.tip_index]
            return ask(
                handler_input,
                [prompts["welcome_back"], content.fill("resume_tip", tip=tip.name)],
                [prompts["resume_reprompt"]],
                card=card,
                state=State(question=Question.RESUME, tip_index=visitor.tip_index),
            )
        else:
            speech = [prompts["welcome_back"], prompts["what_next"]]
        return ask(
            handler_input, speech, [prompts["home"], prompts["what_next"]], card=card, state=State()
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
        elif state.question is Question.CAUSE_DETAIL:
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
    """Says what the skill can do, keeps listening, and ends with the emergency number."""

    # Alexa sends no words with a Fallback, so a red flag the model missed lands here.
    intents = ("AMAZON.FallbackIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Apologises, lists what the skill can do, asks again, then names the emergency number."""
        prompts = content_of(handler_input).prompts
        return ask(
            handler_input,
            [
                prompts["fallback"],
                prompts["home"],
                prompts["what_next"],
                prompts["fallback_emergency"],
            ],
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


class SkillDisabledRequestHandler(AbstractRequestHandler):
    """Forgets the user when they disable the skill and Alexa does not keep their data."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for the AlexaSkillEvent.SkillDisabled event."""
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Deletes the record unless the status is PERSISTED; events get an empty response."""
        body = getattr(handler_input.request_envelope.request, "body", None)
        # ask-sdk-model declares no `body` on SkillDisabledRequest and leaves it as raw JSON.
        status = body.get("userInformationPersistenceStatus") if isinstance(body, dict) else None
        if status != "PERSISTED":
            forget(handler_input)
        return handler_input.response_builder.response
