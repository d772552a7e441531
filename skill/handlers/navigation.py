"""Handlers that move through a conversation: yes, no, next, previous, repeat, start over, home."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import Reprompt, SimpleCard, SsmlOutputSpeech

from skill.answers import (
    ask_which,
    routine_after,
    speak_detail,
    speak_relief,
    speak_routine,
    speak_summary,
    speak_tip,
)
from skill.content import CAUSE_IDS, TIP_IDS
from skill.handlers.base import IntentHandler
from skill.handlers.reminders import ask_time
from skill.request import content_of, has_screen, session_attributes, state_of
from skill.responses import ask, tell
from skill.state import Question, State

LAST_RESPONSE_KEY = "last_response"
# What a yes or a no does after a question: the answer, or None to fall back to the default.
Reply = Callable[[HandlerInput, State], Response | None]


def speak_home(handler_input: HandlerInput, *lead: str) -> Response:
    """What the user can ask, after optional lead-in segments, with a fresh state."""
    prompts = content_of(handler_input).prompts
    return ask(
        handler_input,
        [*lead, prompts["home"], prompts["what_next"]],
        [prompts["home"], prompts["what_next"]],
        state=State(),
    )


def cause_index(state: State) -> int | None:
    """The place among the causes of the cause last spoken, when no tip walk is going."""
    if state.tip_index is not None or state.topic is None or state.topic[0] != "cause":
        return None
    return CAUSE_IDS.index(state.topic[1])


def speak_cause(handler_input: HandlerInput, index: int, lead: Sequence[str] = ()) -> Response:
    """One cause, by its place among the causes; next and previous move from it."""
    return speak_summary(handler_input, content_of(handler_input).causes[index], lead)


def _more(handler_input: HandlerInput, state: State) -> Response | None:
    """The detail of the item last spoken, if it still names one."""
    item = content_of(handler_input).item(*state.topic) if state.topic else None
    return speak_detail(handler_input, item) if item else None


def _next_tip(handler_input: HandlerInput, state: State) -> Response | None:
    """The walk's next tip, unless the last one was spoken."""
    index = state.tip_index
    has_next = index is not None and index + 1 < len(TIP_IDS)
    return speak_tip(handler_input, index + 1) if has_next and index is not None else None


# What yes does after each question; after any other (anything else?), what next.
YES_REPLIES: Mapping[Question, Reply] = {
    Question.MORE: _more,
    Question.CAUSE_DETAIL: lambda handler_input, _: ask_which(handler_input, "which_cause"),
    Question.TIP_WALK: lambda handler_input, _: speak_tip(handler_input, 0),
    Question.NEXT_TIP: _next_tip,
    Question.RESUME: _next_tip,
    Question.RELIEF: lambda handler_input, _: speak_relief(handler_input),
    Question.ROUTINE: lambda handler_input, state: speak_routine(
        handler_input, routine_after(state.topic)
    ),
    Question.REMINDER: lambda handler_input, _: ask_time(handler_input),
}
# What no does after each question; after any other, a short goodnight.
NO_REPLIES: Mapping[Question, Reply] = {
    Question.RESUME: lambda handler_input, _: speak_home(
        handler_input, content_of(handler_input).prompts["okay"]
    ),
}


def _reply(replies: Mapping[Question, Reply], handler_input: HandlerInput) -> Response | None:
    """The reply to the open question, if `replies` has one and it applies; else None."""
    state = state_of(handler_input)
    reply = replies.get(state.question) if state.question is not None else None
    return reply(handler_input, state) if reply else None


class YesIntentHandler(IntentHandler):
    """Answers yes to the question last asked."""

    intents = ("AMAZON.YesIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Does what the open question offered (YES_REPLIES), else asks what next."""
        response = _reply(YES_REPLIES, handler_input)
        if response is not None:
            return response
        prompts = content_of(handler_input).prompts
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
        """No after an answer ends with a short goodnight; after the resume offer it goes on
        (NO_REPLIES)."""
        response = _reply(NO_REPLIES, handler_input)
        goodnight = content_of(handler_input).prompts["goodnight"]
        return response if response is not None else tell(handler_input, [goodnight])


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
            state=state.replace(question=Question.RELIEF),
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
        if state.tip_index is not None or state.question is Question.TIP_WALK:
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
