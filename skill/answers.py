"""The answers more than one handler gives: an item's summary and detail, a tip of the walk, the
overviews, the guided stretch, goodbye, and the reminder offer that may end them.

Handlers (skill/handlers/) decide which answer a request gets; each answer here builds it from
the locale's content and the conversation state, through skill/responses.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill import reminders, screens, ssml
from skill.content import Item
from skill.request import content_of, session_attributes, state_of
from skill.responses import Card, ask, tell
from skill.state import Question, State, unsettled
from skill.visits import note_reminder_offer, reminder_offered

Answer = Callable[[HandlerInput], Response]

# The yes/no question each offer opens.
OFFER_QUESTIONS = {
    "offer_more": Question.MORE,
    "offer_routine": Question.ROUTINE,
    "offer_what_else": Question.RELIEF,
}
# Items after which the skill offers a guided stretch, and the routine it offers.
ROUTINE_AFTER = {("topic", "RELIEF"): "RELIEF", ("tip", "STRETCHING"): "BEDTIME"}
DEFAULT_ROUTINE = "RELIEF"  # someone woken by a cramp needs relief first
OFFERS_REMINDER = "BEDTIME"  # when it finishes, the nightly reminder may be offered


def speak_summary(
    handler_input: HandlerInput, item: Item, lead: Sequence[str] = (), offer: str = "offer_more"
) -> Response:
    """An item's short summary after optional lead-in, offering more (or the given offer)."""
    offer_prompt = content_of(handler_input).prompts[offer]
    return ask(
        handler_input,
        [*lead, item.summary, offer_prompt],
        [offer_prompt],
        card=Card.of(item),
        state=State(question=OFFER_QUESTIONS[offer], topic=(item.kind, item.id)),
    )


def topic_answer(topic_id: str, offer: str = "offer_more") -> Answer:
    """The answer that speaks one topic's summary, offering more (or the given offer)."""

    def answer(handler_input: HandlerInput) -> Response:
        topic = content_of(handler_input).topics[topic_id]
        return speak_summary(handler_input, topic, offer=offer)

    return answer


# What to do during a cramp, offering the guided stretch.
speak_relief = topic_answer("RELIEF", offer="offer_routine")


def speak_detail(handler_input: HandlerInput, item: Item) -> Response:
    """An item's longer detail, then asks whether there is anything else."""
    prompts = content_of(handler_input).prompts
    return ask(
        handler_input,
        [item.detail, prompts["anything_else"]],
        [prompts["anything_else"]],
        card=Card.of(item),
        state=State(question=Question.ANYTHING_ELSE, topic=(item.kind, item.id)),
    )


def speak_tip(handler_input: HandlerInput, index: int, lead: Sequence[str] = ()) -> Response:
    """One tip of the walk, after optional lead-in; the last tip says so and offers relief (or,
    once, the nightly reminder)."""
    content = content_of(handler_input)
    tip = content.tips[index]
    topic = (tip.kind, tip.id)
    last = index == len(content.tips) - 1
    prompts = content.prompts
    if topic in ROUTINE_AFTER:
        ending, question = [prompts["offer_routine"]], Question.ROUTINE
    elif last and may_offer(handler_input):
        ending, question = [prompts["last_tip"], offer(handler_input)], Question.REMINDER
    elif last:
        ending, question = [prompts["last_tip"], prompts["offer_relief"]], Question.RELIEF
    else:
        ending, question = [prompts["tip_next_hint"]], Question.NEXT_TIP
    return ask(
        handler_input,
        [*lead, tip.summary, *ending],
        ending[-1:],
        card=Card.of(tip),
        state=State(question=question, topic=topic, tip_index=index),
    )


def speak_causes(handler_input: HandlerInput) -> Response:
    """All four causes briefly, offering detail on one."""
    content = content_of(handler_input)
    prompts = content.prompts
    return ask(
        handler_input,
        [prompts["causes_overview"], prompts["offer_cause_detail"]],
        [prompts["which_cause"]],
        card=Card.overview(content.cards["causes"], content.causes),
        state=State(question=Question.CAUSE_DETAIL, topic=("topic", "RISK")),
    )


def speak_tips(handler_input: HandlerInput) -> Response:
    """The prevention overview, offering to go through the tips one by one."""
    content = content_of(handler_input)
    prompts = content.prompts
    return ask(
        handler_input,
        [prompts["tips_overview"], prompts["offer_tip_walk"]],
        [prompts["offer_tip_walk"]],
        card=Card.overview(content.cards["tips"], content.tips),
        state=State(question=Question.TIP_WALK),
    )


def ask_which(handler_input: HandlerInput, prompt_key: str) -> Response:
    """Asks which cause or tip the user means, keeping the session open."""
    prompt = content_of(handler_input).prompts[prompt_key]
    return ask(
        handler_input, [prompt], [prompt], state=state_of(handler_input).replace(question=None)
    )


def goodbye(handler_input: HandlerInput) -> Response:
    """Says goodbye and ends the session."""
    return tell(handler_input, [content_of(handler_input).prompts["goodbye"]])


def speak_routine(handler_input: HandlerInput, routine_id: str) -> Response:
    """Every step with its pause, then offers to go again (or, once, after the bedtime stretch,
    a nightly reminder); the tip walk stays where it was."""
    content = content_of(handler_input)
    routine = content.routines[routine_id]
    speech: list[str | ssml.Pause] = []
    for step in routine.steps:
        speech += [step.say, ssml.Pause(step.pause)]
    question, ending = Question.ROUTINE, content.prompts["routine_again"]
    if routine_id == OFFERS_REMINDER and may_offer(handler_input):
        question, ending = Question.REMINDER, offer(handler_input)
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


def may_offer(handler_input: HandlerInput) -> bool:
    """Whether to offer the nightly reminder now: never offered to this person, nothing
    unsettling in this session (a cramp now, a warning sign), and no reminder from this skill
    already (docs/reminders.md)."""
    if reminder_offered(handler_input) or unsettled(session_attributes(handler_input)):
        return False
    return reminders.has_reminder(handler_input) is False


def offer(handler_input: HandlerInput) -> str:
    """The reminder offer's words, noting (in the session and the visit record) that it was
    made."""
    note_reminder_offer(handler_input)
    return content_of(handler_input).prompts["offer_reminder"]
