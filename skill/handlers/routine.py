"""The guided stretch: a timed routine, spoken step by step, that can be replayed."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill import screens, ssml
from skill.handlers.base import IntentHandler
from skill.handlers.content import ROUTINE_AFTER, resolved_id
from skill.handlers.reminders import may_offer, offer
from skill.responses import Card, ask, content_of, state_of
from skill.state import State

DEFAULT_ROUTINE = "RELIEF"  # someone woken by a cramp needs relief first
OFFERS_REMINDER = "BEDTIME"  # when it finishes, the nightly reminder may be offered


def speak_routine(handler_input: HandlerInput, routine_id: str) -> Response:
    """Every step with its pause, then offers to go again (or, once, after the bedtime stretch,
    a nightly reminder); the tip walk stays where it was."""
    content = content_of(handler_input)
    routine = content.routines[routine_id]
    speech: list[str | ssml.Pause] = []
    for step in routine.steps:
        speech += [step.say, ssml.Pause(step.pause)]
    question, ending = "routine", content.prompts["routine_again"]
    if routine_id == OFFERS_REMINDER and may_offer(handler_input):
        question, ending = "reminder", offer(handler_input)
    state = state_of(handler_input)
    return ask(
        handler_input,
        [*speech, ending],
        [ending],
        card=Card.named(routine.name, routine.card),
        state=State(question=question, topic=("routine", routine_id), tip_index=state.tip_index),
        screen=screens.stretch(content, routine_id, ending),
    )


def routine_after(topic: tuple[str, str] | None) -> str:
    """The routine for the item last spoken (a routine repeats itself), or the default."""
    if topic is not None and topic[0] == "routine":
        return topic[1]
    return ROUTINE_AFTER.get(topic, DEFAULT_ROUTINE) if topic else DEFAULT_ROUTINE


class GuidedStretchIntentHandler(IntentHandler):
    """Guides a timed stretch: the one asked for, the one the conversation is about, or relief."""

    intents = ("GuidedStretchIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the routine named by the `routine` slot, else the one fitting the topic."""
        asked = resolved_id(handler_input, "routine")
        if asked is not None and asked in content_of(handler_input).routines:
            return speak_routine(handler_input, asked)
        return speak_routine(handler_input, routine_after(state_of(handler_input).topic))
