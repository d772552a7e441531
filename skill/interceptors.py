"""Cross-cutting work around every request: the content, what was said, the user's visits."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_locale
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard, SsmlOutputSpeech

from skill import visits
from skill.content import load_content
from skill.handlers.navigation import LAST_RESPONSE_KEY
from skill.request import AUDIO_KEY, CONTENT_KEY, session_attributes
from skill.settings import AudioSettings


class ContentInterceptor(AbstractRequestInterceptor):
    """Puts the content for the request's locale, and where its clips are hosted, where
    handlers find them (skill/request.py)."""

    def __init__(self, audio: AudioSettings) -> None:
        """`audio`: the skill's audio settings, read once by the entry point."""
        self.audio = audio

    def process(self, handler_input: HandlerInput) -> None:
        """Loads (cached) content for the request locale, falling back to the default."""
        locale = get_locale(handler_input)
        attributes = handler_input.attributes_manager.request_attributes
        attributes[CONTENT_KEY] = load_content(locale if isinstance(locale, str) else "")
        attributes[AUDIO_KEY] = self.audio


class RememberResponseInterceptor(AbstractResponseInterceptor):
    """Keeps the last response that left the session open, so Repeat can replay it exactly."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        """Saves speech, reprompt and card into the session attributes."""
        if response is None or response.should_end_session is not False:
            return
        speech = response.output_speech
        reprompt = response.reprompt.output_speech if response.reprompt else None
        if not isinstance(speech, SsmlOutputSpeech) or not isinstance(reprompt, SsmlOutputSpeech):
            return
        card = response.card
        session_attributes(handler_input)[LAST_RESPONSE_KEY] = {
            "speech": speech.ssml,
            "reprompt": reprompt.ssml,
            "card": [card.title, card.content] if isinstance(card, SimpleCard) else None,
        }


class LoadVisitInterceptor(AbstractRequestInterceptor):
    """On a new session, reads the user's record and counts the visit (only with a store)."""

    def process(self, handler_input: HandlerInput) -> None:
        """Notes the state before the turn; a store that fails means a new user, not an error."""
        visits.begin(handler_input)


class SaveVisitInterceptor(AbstractResponseInterceptor):
    """Writes the visit, and the tip walk as it moves, without waiting for the session's end."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        """Stores what changed in this turn; a store that fails only logs a warning."""
        visits.finish(handler_input)
