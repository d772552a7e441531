"""What every intent handler shares: matching on intent names."""

from __future__ import annotations

from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_request_type


class IntentHandler(AbstractRequestHandler):
    """Handles IntentRequests whose intent is one of `intents`."""

    intents: ClassVar[tuple[str, ...]] = ()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for an IntentRequest naming one of this handler's intents."""
        return is_request_type("IntentRequest")(handler_input) and (
            get_intent_name(handler_input) in self.intents
        )
