"""Turning fixed text segments into Alexa responses: the only place speech, cards and state meet.

What a handler reads from the request is in skill/request.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from skill import screens, ssml
from skill.audio.runtime import clip_lookup
from skill.content import Item
from skill.request import audio_of, content_of, has_screen, session_attributes
from skill.state import State


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


def _clips(handler_input: HandlerInput) -> ssml.ClipLookup | None:
    """Hosted clips for this request's locale, when the skill's audio settings name a host."""
    audio = audio_of(handler_input)
    return clip_lookup(content_of(handler_input).locale, audio) if audio else None


def _show(
    handler_input: HandlerInput,
    builder: ResponseFactory,
    speech: Sequence[str | ssml.Pause],
    card: Card | None,
    screen: screens.Screen | None,
    *,
    ends: bool,
) -> None:
    """On a device with a screen, the answer's screen too (docs/screens.md); else nothing."""
    if not has_screen(handler_input):
        return
    from ask_sdk_model.interfaces.alexa.presentation.apl import (
        ExecuteCommandsDirective,
        RenderDocumentDirective,
    )

    from skill.apl import document

    in_session = handler_input.request_envelope.session is not None
    attributes = session_attributes(handler_input) if in_session else {}
    if screen is None:
        state = State.load(attributes)  # saved by now, when the answer moved it
        title = card.title if card is not None else None
        screen = screens.answer(content_of(handler_input), speech, title, state, ends=ends)
    number = screens.next_number(attributes.get(screens.SCREEN_KEY))
    if not ends:
        attributes[screens.SCREEN_KEY] = number
    token = screens.token(number)
    builder.add_directive(
        RenderDocumentDirective(
            token=token, document=document(screen.document), datasources=screen.datasources()
        )
    )
    if screen.speaks:
        builder.response.output_speech = None  # the document speaks these words itself
        builder.add_directive(
            # Plain command objects serialize as they are; the SDK types them as its Command models.
            ExecuteCommandsDirective(commands=screens.stretch_commands(screen), token=token)  # type: ignore[arg-type]
        )


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
    screen: screens.Screen | None = None,
) -> Response:
    """A response that keeps the microphone open; a reprompt is required by construction.

    A device with a screen also gets `screen`, or the answer's own screen (skill/screens.py).
    """
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
    builder = _build(handler_input, speech_ssml, card).ask(reprompt_ssml)
    _show(handler_input, builder, speech, card, screen, ends=False)
    return builder.set_should_end_session(False).response


def tell(
    handler_input: HandlerInput,
    speech: Sequence[str | ssml.Pause],
    *,
    card: Card | None = None,
    screen: screens.Screen | None = None,
) -> Response:
    """A response that ends the session and asks nothing (with a screen: `screen` or its own)."""
    builder = _build(handler_input, ssml.render(speech, _clips(handler_input)), card)
    _show(handler_input, builder, speech, card, screen, ends=True)
    return builder.set_should_end_session(True).response
