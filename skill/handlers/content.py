"""Handlers for the content intents: the topics, one cause or tip, medicines, "tell me more"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name
from ask_sdk_model import Response

from skill.answers import (
    Answer,
    ask_which,
    speak_causes,
    speak_detail,
    speak_relief,
    speak_summary,
    speak_tip,
    speak_tips,
    topic_answer,
)
from skill.content import TIP_IDS
from skill.handlers.base import IntentHandler
from skill.request import content_of, resolved_id, state_of

# The intents that need nothing but the content, and the answer each gets.
TOPIC_ANSWERS: Mapping[str, Answer] = {
    "CrampCausesIntent": speak_causes,  # the four likely causes, offering detail on one
    "PreventionTipsIntent": speak_tips,  # the prevention overview, offering the walk
    "CrampReliefIntent": speak_relief,  # what to do during a cramp, offering the stretch
    "SeeDoctorIntent": topic_answer("DOCTOR"),  # when to see a doctor
    "WhatIsACrampIntent": topic_answer("WHAT_IS"),  # what a cramp is
    "RiskGroupsIntent": topic_answer("RISK"),  # who gets night cramps more often
}


class TopicIntentHandler(IntentHandler):
    """Answers each intent of TOPIC_ANSWERS with its answer."""

    intents = tuple(TOPIC_ANSWERS)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the topic the intent asks about."""
        # The SDK types the name `AnyStr`; a deserialized envelope holds a str.
        return TOPIC_ANSWERS[cast(str, get_intent_name(handler_input))](handler_input)


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


class TipDetailIntentHandler(IntentHandler):
    """Explains one tip, chosen by the resolved id of the `tip` slot; the walk continues from it."""

    intents = ("TipDetailIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Speaks the tip, or asks which one when the slot did not resolve."""
        tip_id = resolved_id(handler_input, "tip")
        if tip_id not in TIP_IDS:
            return ask_which(handler_input, "which_tip")
        return speak_tip(handler_input, TIP_IDS.index(tip_id))


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
