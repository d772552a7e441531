"""What handlers read from the request in hand: its content, the conversation state, the
session's attributes, slots, hosted audio, and whether the device has a screen.

skill/responses.py builds the answers; this module only reads.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.exceptions import AttributesManagerException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot, is_request_type
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.content import Content
from skill.settings import AudioSettings
from skill.state import State

CONTENT_KEY = "content"  # request attributes: the locale's Content (skill/interceptors.py)
AUDIO_KEY = "audio"  # request attributes: where the clips are hosted, when they are


def content_of(handler_input: HandlerInput) -> Content:
    """The content for this request's locale, put there by the content interceptor."""
    content = handler_input.attributes_manager.request_attributes.get(CONTENT_KEY)
    if not isinstance(content, Content):
        raise TypeError("no content for this request: the content interceptor has not run")
    return content


def audio_of(handler_input: HandlerInput) -> AudioSettings | None:
    """Where this request's clips are hosted (the skill's settings), or None for speech only."""
    audio = handler_input.attributes_manager.request_attributes.get(AUDIO_KEY)
    return audio if isinstance(audio, AudioSettings) and audio.base_url else None


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


def has_screen(handler_input: HandlerInput) -> bool:
    """Whether the device says it renders APL (`supportedInterfaces`), read defensively."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    interfaces = getattr(getattr(system, "device", None), "supported_interfaces", None)
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def resolved_id(handler_input: HandlerInput, slot_name: str) -> str | None:
    """The entity-resolution id of a slot, or None when it is missing or did not match."""
    if not is_request_type("IntentRequest")(handler_input):
        return None
    slot = get_slot(handler_input, slot_name)
    resolutions = slot.resolutions if slot else None
    for authority in (resolutions.resolutions_per_authority if resolutions else None) or []:
        matched = authority.status and authority.status.code == StatusCode.ER_SUCCESS_MATCH
        value = authority.values[0].value if matched and authority.values else None
        if value is not None:
            return value.id
    return None


def slot_value(handler_input: HandlerInput, name: str) -> str | None:
    """What Alexa put in a slot (for AMAZON.TIME, a value such as "22:00"), or None."""
    if not is_request_type("IntentRequest")(handler_input):
        return None
    value = getattr(get_slot(handler_input, name), "value", None)
    return value if isinstance(value, str) and value.strip() else None
