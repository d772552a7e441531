"""The catch-all exception handler: log the failure, apologise, keep listening."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

from skill.content import Content, load_content
from skill.request import CONTENT_KEY, content_of
from skill.responses import ask

log = logging.getLogger(__name__)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Turns any unexpected error into a spoken apology."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        """Handles every exception."""
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        """Logs the error type and where it happened (never the request), and apologises."""
        log.error(
            "unhandled %s for %s",
            type(exception).__name__,
            get_request_type(handler_input),
            exc_info=exception,
        )
        attributes = handler_input.attributes_manager.request_attributes
        if not isinstance(attributes.get(CONTENT_KEY), Content):
            attributes[CONTENT_KEY] = load_content()
        prompts = content_of(handler_input).prompts
        return ask(handler_input, [prompts["error"], prompts["what_next"]], [prompts["what_next"]])
