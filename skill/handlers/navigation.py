"""Handlers that move through a conversation: yes, no, next, previous, repeat, start over, home."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import Reprompt, SimpleCard, SsmlOutputSpeech

from skill.content import CAUSE_IDS
from skill.handlers.base import IntentHandler
from skill.handlers.content import (
    ask_which,
    speak_detail,
    speak_relief,
    speak_summary,
    speak_tip,
)
from skill.handlers.reminders import ask_time
from skill.handlers.routine import routine_after, speak_routine
from skill.responses import ask, content_of, has_screen, session_attributes, state_of, tell
from skill.state import State

LAST_RESPONSE_KEY = "last_response"


def speak_home(handler_input: HandlerInput, *lead: str) -> Response:
    """What the user can ask, after optional lead-in segments, with a fresh state."""
    prompts = content_of(handler_input).prompts
    return ask(
        handler_input,
        [*lead, prompts["home"], prompts["what_next"]],
        [prompts["home"], prompts["what_next"]],
        state=State(),
    )


def goodbye(handler_input: HandlerInput) -> Response:
    """Says goodbye and ends the session."""
    return tell(handler_input, [content_of(handler_input).prompts["goodbye"]])


def cause_index(state: State) -> int | None:
    """The place among the causes of the cause last spoken, when no tip walk is going."""
    if state.tip_index is not None or state.topic is None or state.topic[0] != "cause":
        return None
    return CAUSE_IDS.index(state.topic[1])


def speak_cause(handler_input: HandlerInput, index: int, lead: Sequence[str] = ()) -> Response:
    """One cause, by its place among the causes; next and previous move from it."""
    return speak_summary(handler_input, content_of(handler_input).causes[index], lead)


class YesIntentHandler(IntentHandler):
    """Answers yes to the question last asked."""

    intents = ("AMAZON.YesIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Does what the open question offered."""
        state = state_of(handler_input)
        content = content_of(handler_input)
        item = content.item(*state.topic) if state.topic else None
        if state.question == "more" and item:
            return speak_detail(handler_input, item)
        if state.question == "cause_detail":
            return ask_which(handler_input, "which_cause")
        if state.question == "tip_walk":
            return speak_tip(handler_input, 0)
        index = state.tip_index
        walking = state.question in ("next_tip", "resume")
        if walking and index is not None and index + 1 < len(content.tips):
            return speak_tip(handler_input, index + 1)
        if state.question == "relief":
            return speak_relief(handler_input)
        if state.question == "routine":
            return speak_routine(handler_input, routine_after(state.topic))
        if state.question == "reminder":
            return ask_time(handler_input)
        prompts = content.prompts
        return ask(
            handler_input,
            [prompts["what_next"]],
            [prompts["home"], prompts["what_next"]],
            state=State(),
        )


class NoIntentHandler(IntentHandler):
    """Answers no to the question last asked."""

    intents = ("AMAZON.NoIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """No after an answer ends with a short goodnight; after the resume offer it goes on."""
        prompts = content_of(handler_input).prompts
        if state_of(handler_input).question == "resume":
            return speak_home(handler_input, prompts["okay"])
        return tell(handler_input, [prompts["goodnight"]])


class NextIntentHandler(IntentHandler):
    """Moves to the next tip of the walk, or to the next cause after one."""

    intents = ("AMAZON.NextIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the next tip, says the list has ended, or that there is no list."""
        state = state_of(handler_input)
        prompts = content_of(handler_input).prompts
        cause = cause_index(state)
        if cause is not None and cause + 1 < len(CAUSE_IDS):
            return speak_cause(handler_input, cause + 1)
        if state.tip_index is None and cause is None:
            return speak_home(handler_input, prompts["no_list"])
        if state.tip_index is not None and state.tip_index + 1 < len(
            content_of(handler_input).tips
        ):
            return speak_tip(handler_input, state.tip_index + 1)
        last = "last_tip" if cause is None else "last_cause"
        return ask(
            handler_input,
            [prompts[last], prompts["offer_relief"]],
            [prompts["offer_relief"]],
            state=state.replace(question="relief"),
        )


class PreviousIntentHandler(IntentHandler):
    """Moves back to the previous tip of the walk, or to the previous cause."""

    intents = ("AMAZON.PreviousIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the previous tip or cause; at the first one says so and repeats it."""
        state = state_of(handler_input)
        prompts = content_of(handler_input).prompts
        cause = cause_index(state)
        if cause is not None:
            lead = [prompts["first_cause"]] if cause == 0 else []
            return speak_cause(handler_input, max(cause - 1, 0), lead)
        if state.tip_index is None:
            return speak_home(handler_input, prompts["no_list"])
        if state.tip_index == 0:
            return speak_tip(handler_input, 0, lead=[prompts["first_tip"]])
        return speak_tip(handler_input, state.tip_index - 1)


class StartOverIntentHandler(IntentHandler):
    """Starts the tip walk again, or goes back to the start of the skill."""

    intents = ("AMAZON.StartOverIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Restarts the walk when one is going, else offers the main choices."""
        state = state_of(handler_input)
        if state.tip_index is not None or state.question == "tip_walk":
            return speak_tip(handler_input, 0)
        return speak_home(handler_input)


class NavigateHomeIntentHandler(IntentHandler):
    """Goes back to the main choices."""

    intents = ("AMAZON.NavigateHomeIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Offers the main choices with a fresh state."""
        return speak_home(handler_input)


def _is_ssml(value: Any) -> bool:
    """A non-empty SSML document, as this skill saved it (session attributes can be tampered)."""
    return (
        isinstance(value, str)
        and value.startswith("<speak>")
        and value.endswith("</speak>")
        and len(value) > len("<speak></speak>")
    )


def _saved_response(attributes: Mapping[str, Any]) -> Response | None:
    """The last response kept in the session, if it is well formed."""
    last = attributes.get(LAST_RESPONSE_KEY)
    if not isinstance(last, dict) or not all(
        _is_ssml(last.get(key)) for key in ("speech", "reprompt")
    ):
        return None
    card = last.get("card")
    title, text = card if isinstance(card, list) and len(card) == 2 else (None, None)
    valid_card = isinstance(title, str) and isinstance(text, str)
    return Response(
        output_speech=SsmlOutputSpeech(ssml=last["speech"]),
        reprompt=Reprompt(output_speech=SsmlOutputSpeech(ssml=last["reprompt"])),
        card=SimpleCard(title=title, content=text) if valid_card else None,
        should_end_session=False,
    )


class RepeatIntentHandler(IntentHandler):
    """Replays the last response exactly."""

    intents = ("AMAZON.RepeatIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Replays the saved response, or offers the main choices when there is none."""
        topic = state_of(handler_input).topic
        if topic is not None and topic[0] == "routine" and has_screen(handler_input):
            return speak_routine(handler_input, topic[1])  # a screen spoke it: no speech saved
        saved = _saved_response(session_attributes(handler_input))
        return saved or speak_home(handler_input)
