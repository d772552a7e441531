"""Handlers for the content intents, and the answers other handlers reuse."""

from __future__ import annotations

from collections.abc import Sequence

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot, is_request_type
from ask_sdk_model import Response
from ask_sdk_model.slu.entityresolution import StatusCode

from skill.content import TIP_IDS, Item
from skill.handlers.base import IntentHandler
from skill.handlers.reminders import may_offer, offer
from skill.responses import Card, ask, content_of, state_of
from skill.state import State


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


# The yes/no question each offer opens.
OFFER_QUESTIONS = {"offer_more": "more", "offer_routine": "routine", "offer_what_else": "relief"}
# Items after which the skill offers a guided stretch, and the routine it offers.
ROUTINE_AFTER = {("topic", "RELIEF"): "RELIEF", ("tip", "STRETCHING"): "BEDTIME"}


def speak_detail(handler_input: HandlerInput, item: Item) -> Response:
    """An item's longer detail, then asks whether there is anything else."""
    prompts = content_of(handler_input).prompts
    return ask(
        handler_input,
        [item.detail, prompts["anything_else"]],
        [prompts["anything_else"]],
        card=Card.of(item),
        state=State(question="anything_else", topic=(item.kind, item.id)),
    )


def speak_tip(handler_input: HandlerInput, index: int, lead: Sequence[str] = ()) -> Response:
    """One tip of the walk, after optional lead-in; the last tip says so and offers relief (or,
    once, the nightly reminder)."""
    content = content_of(handler_input)
    tip = content.tips[index]
    topic = (tip.kind, tip.id)
    last = index == len(content.tips) - 1
    if topic in ROUTINE_AFTER:
        ending, question = [content.prompts["offer_routine"]], "routine"
    elif last and may_offer(handler_input):
        ending, question = [content.prompts["last_tip"], offer(handler_input)], "reminder"
    elif last:
        ending, question = [content.prompts["last_tip"], content.prompts["offer_relief"]], "relief"
    else:
        ending, question = [content.prompts["tip_next_hint"]], "next_tip"
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
        state=State(question="cause_detail", topic=("topic", "RISK")),
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
        state=State(question="tip_walk"),
    )


def speak_relief(handler_input: HandlerInput) -> Response:
    """What to do during a cramp, offering the guided stretch."""
    relief = content_of(handler_input).topics["RELIEF"]
    return speak_summary(handler_input, relief, offer="offer_routine")


def ask_which(handler_input: HandlerInput, prompt_key: str) -> Response:
    """Asks which cause or tip the user means, keeping the session open."""
    prompt = content_of(handler_input).prompts[prompt_key]
    return ask(
        handler_input, [prompt], [prompt], state=state_of(handler_input).replace(question=None)
    )


class CrampCausesIntentHandler(IntentHandler):
    """Names the four likely causes of night cramps."""

    intents = ("CrampCausesIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the causes overview."""
        return speak_causes(handler_input)


class CauseDetailIntentHandler(IntentHandler):
    """Explains one cause, chosen by the resolved id of the `cause` slot."""

    intents = ("CauseDetailIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the cause, or asks which one when the slot did not resolve."""
        cause_id = resolved_id(handler_input, "cause")
        cause = content_of(handler_input).item("cause", cause_id or "")
        if cause is None:
            return ask_which(handler_input, "which_cause")
        return speak_summary(handler_input, cause)


class PreventionTipsIntentHandler(IntentHandler):
    """Gives the prevention overview."""

    intents = ("PreventionTipsIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the tips overview and offers the walk through them."""
        return speak_tips(handler_input)


class TipDetailIntentHandler(IntentHandler):
    """Explains one tip, chosen by the resolved id of the `tip` slot; the walk continues from it."""

    intents = ("TipDetailIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the tip, or asks which one when the slot did not resolve."""
        tip_id = resolved_id(handler_input, "tip")
        if tip_id not in TIP_IDS:
            return ask_which(handler_input, "which_tip")
        return speak_tip(handler_input, TIP_IDS.index(tip_id))


class CrampReliefIntentHandler(IntentHandler):
    """Says what to do during a cramp, right now."""

    intents = ("CrampReliefIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the relief summary and offers to guide the stretch."""
        return speak_relief(handler_input)


class SeeDoctorIntentHandler(IntentHandler):
    """Says when to see a doctor."""

    intents = ("SeeDoctorIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the see-a-doctor summary."""
        return speak_summary(handler_input, content_of(handler_input).topics["DOCTOR"])


class WhatIsACrampIntentHandler(IntentHandler):
    """Says what a cramp is."""

    intents = ("WhatIsACrampIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the what-is summary."""
        return speak_summary(handler_input, content_of(handler_input).topics["WHAT_IS"])


class RiskGroupsIntentHandler(IntentHandler):
    """Says who gets night cramps more often."""

    intents = ("RiskGroupsIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the risk-groups summary."""
        return speak_summary(handler_input, content_of(handler_input).topics["RISK"])


class MedicineQuestionIntentHandler(IntentHandler):
    """Declines to advise on medicines or remedies, naming the one asked about, and points on."""

    intents = ("MedicineQuestionIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Names the remedy when it resolved, says who to ask, and offers relief without one."""
        content = content_of(handler_input)
        remedy = content.remedies.get(resolved_id(handler_input, "remedy") or "")
        lead = [content.fill("remedy_named", remedy=remedy)] if remedy else []
        medicine = content.topics["MEDICINE"]
        return speak_summary(handler_input, medicine, lead, offer="offer_what_else")


class MoreDetailIntentHandler(IntentHandler):
    """Says more about whatever was spoken last ("tell me more")."""

    intents = ("MoreDetailIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the detail of the current topic, or asks what to say more about."""
        state = state_of(handler_input)
        item = content_of(handler_input).item(*state.topic) if state.topic else None
        return speak_detail(handler_input, item) if item else ask_which(handler_input, "what_more")
