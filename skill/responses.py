"""Turning fixed text segments into Alexa responses: the only place speech, cards and state meet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ask_sdk_core.exceptions import AttributesManagerException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill import ssml
from skill.audio.runtime import clip_lookup
from skill.content import Content, Item
from skill.state import State

CONTENT_KEY = "content"


@dataclass(frozen=True, slots=True)
class Card:
    """A card for the Alexa app; the disclaimer is added when it is sent."""

    title: str
    text: str

    @classmethod
    def named(cls, name: str, text: str) -> Card:
        """A card titled by a name, its first letter capitalised."""
        return cls(name[:1].upper() + name[1:], text)

    @classmethod
    def of(cls, item: Item) -> Card:
        """The card for one cause, tip or topic."""
        return cls.named(item.name, item.card)

    @classmethod
    def overview(cls, title: str, items: Sequence[Item]) -> Card:
        """One card listing several items, a line each."""
        return cls(title, "\n".join(f"{cls.of(i).title}: {i.card}" for i in items))


def content_of(handler_input: HandlerInput) -> Content:
    """The content for this request's locale, put there by the content interceptor."""
    content = handler_input.attributes_manager.request_attributes.get(CONTENT_KEY)
    if not isinstance(content, Content):
        raise TypeError("no content for this request: the content interceptor has not run")
    return content


def session_attributes(handler_input: HandlerInput) -> dict[str, Any]:
    """The session's attributes. (The SDK types them Optional, but raises rather than return
    None outside a session.)"""
    attributes = handler_input.attributes_manager.session_attributes
    if attributes is None:
        raise AttributesManagerException("no session attributes out of a session")
    return attributes


def state_of(handler_input: HandlerInput) -> State:
    """The conversation state carried in the session."""
    return State.load(session_attributes(handler_input))


def _clips(handler_input: HandlerInput) -> ssml.ClipLookup | None:
    """Hosted clips for this request's locale, when `AUDIO_BASE_URL` is set."""
    return clip_lookup(content_of(handler_input).locale)


def _build(handler_input: HandlerInput, speech_ssml: str, card: Card | None) -> ResponseFactory:
    builder = handler_input.response_builder
    builder.speak(speech_ssml)
    if card is not None:
        content = content_of(handler_input)
        builder.set_card(SimpleCard(title=card.title, content=content.card_text(card.text)))
    return builder


def ask(
    handler_input: HandlerInput,
    speech: Sequence[str | ssml.Pause],
    reprompt: Sequence[str],
    *,
    card: Card | None = None,
    state: State | None = None,
) -> Response:
    """A response that keeps the microphone open; a reprompt is required by construction."""
    if not any(part.strip() for part in reprompt):
        raise ValueError("a response that keeps the session open needs a reprompt")
    if state is not None:
        state.save(session_attributes(handler_input))
    clips = _clips(handler_input)  # one lookup serves speech and reprompt
    speech_ssml = ssml.render(speech, clips)
    reprompt_ssml = ssml.render(
        reprompt,
        clips,
        max_tags=ssml.MAX_AUDIO_TAGS - ssml.audio_tags(speech_ssml),
        max_seconds=ssml.MAX_REPROMPT_AUDIO_SECONDS,
    )
    builder = _build(handler_input, speech_ssml, card)
    return builder.ask(reprompt_ssml).set_should_end_session(False).response


def tell(
    handler_input: HandlerInput, speech: Sequence[str | ssml.Pause], *, card: Card | None = None
) -> Response:
    """A response that ends the session and asks nothing."""
    builder = _build(handler_input, ssml.render(speech, _clips(handler_input)), card)
    return builder.set_should_end_session(True).response
