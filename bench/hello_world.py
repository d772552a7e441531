"""Baseline for benchmarks: the canonical ASK SDK hello-world skill, as minimal as the sample."""

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

INTENT_NAME = "HelloWorldIntent"


class LaunchRequestHandler(AbstractRequestHandler):
    """Welcomes the user and keeps the session open."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for a LaunchRequest."""
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the welcome with a card."""
        speech_text = "Welcome to the Alexa Skills Kit, you can say hello!"
        handler_input.response_builder.speak(speech_text).set_card(
            SimpleCard("Hello World", speech_text)
        ).set_should_end_session(False)
        return handler_input.response_builder.response


class HelloWorldIntentHandler(AbstractRequestHandler):
    """Says hello and ends the session."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for HelloWorldIntent."""
        return is_intent_name(INTENT_NAME)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the greeting with a card."""
        speech_text = "Hello Python World from Classes!"
        handler_input.response_builder.speak(speech_text).set_card(
            SimpleCard("Hello World", speech_text)
        ).set_should_end_session(True)
        return handler_input.response_builder.response


sb = SkillBuilder()
sb.add_request_handler(LaunchRequestHandler())
sb.add_request_handler(HelloWorldIntentHandler())

handler = sb.lambda_handler()
