"""The catch-all exception handler: log the failure, apologise, keep listening."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.content import load_content
from skill.responses import CONTENT_KEY, ask

log = logging.getLogger(__name__)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Turns any unexpected error into a spoken apology."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        """Handles every exception."""
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        """Logs the error type and where it happened (never the request), and apologises."""
        request = handler_input.request_envelope.request
        log.error(
            "unhandled %s for %s",
            type(exception).__name__,
            getattr(request, "object_type", "?"),
            exc_info=exception,
        )
        attributes = handler_input.attributes_manager.request_attributes
        attributes.setdefault(CONTENT_KEY, load_content())
        prompts = attributes[CONTENT_KEY].prompts
        return ask(handler_input, [prompts["error"], prompts["what_next"]], [prompts["what_next"]])
