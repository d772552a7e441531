"""Every response the handlers can produce, walked through real request envelopes.

Each locale is asked every intent in every conversation state the skill keeps (the open
question, the last item spoken, the place in the tip walk), every slot id the model resolves,
a launch for a new, a returning and a resuming user, and an intent no handler knows (the error
answer). Tests then hold every answer to the rules of issue 16: one breath, each number once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from conftest import SLOT_TYPES, Turn

from skill.content import (
    CAUSE_IDS,
    REMEDY_IDS,
    ROUTINE_IDS,
    TIP_IDS,
    TOPIC_IDS,
    load_content,
)
from skill.simulator import envelopes
from skill.simulator.envelopes import Session, Slot
from skill.state import QUESTIONS, State

Skill = Callable[[dict[str, Any], Any], dict[str, Any]]
# Each digit is a word ("911" is heard as three); otherwise a word is a run of letters, with
# inner apostrophes or hyphens ("don't", "check-up").
_TOKEN = re.compile(r"\d|[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")
LIMITS = {"en": 55, "es": 60}  # spoken words per answer, the guided stretch aside (issue 16)
STATEFUL_INTENTS = (
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.HelpIntent",
    "AMAZON.FallbackIntent",
    "MoreDetailIntent",
    "GuidedStretchIntent",
)
PLAIN_INTENTS = (
    "CrampCausesIntent",
    "PreventionTipsIntent",
    "CrampReliefIntent",
    "SeeDoctorIntent",
    "WhatIsACrampIntent",
    "RiskGroupsIntent",
    "MedicineQuestionIntent",
    "CauseDetailIntent",
    "TipDetailIntent",
    "UrgentSymptomsIntent",
    "SetReminderIntent",  # without the permission: the time asked for, or Alexa asks permission
    "CancelReminderIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "NoSuchIntent",  # no handler: the error answer
)
SLOT_IDS = {
    "CauseDetailIntent": ("cause", CAUSE_IDS),
    "TipDetailIntent": ("tip", TIP_IDS),
    "MedicineQuestionIntent": ("remedy", REMEDY_IDS),
    "UrgentSymptomsIntent": ("symptom", ("CLOT", "SWOLLEN_LEG", "CHEST")),
    "GuidedStretchIntent": ("routine", ROUTINE_IDS),
}
ITEMS = [
    *(("cause", i) for i in CAUSE_IDS),
    *(("tip", i) for i in TIP_IDS),
    *(("topic", i) for i in TOPIC_IDS),
    *(("routine", i) for i in ROUTINE_IDS),
]


def spoken_words(text: str) -> int:
    """How many words a listener hears in `text`, each digit counted as a word."""
    return len(_TOKEN.findall(text))


def states() -> Iterator[State]:
    """Every conversation state worth asking in: each question with each topic, and the walk."""
    for question in (None, *sorted(QUESTIONS)):
        for topic in (None, *ITEMS):
            yield State(question=question, topic=topic)
    for index, tip in enumerate(TIP_IDS):
        for question in (None, "next_tip", "resume", "relief", "routine", "more"):
            yield State(question=question, topic=("tip", tip), tip_index=index)


def is_guided_stretch(locale: str, turn: Turn) -> bool:
    """Whether the answer is a guided stretch (its steps are timed, so it is long by design)."""
    content = load_content(locale)
    return any(routine.steps[0].say in turn.speech for routine in content.routines.values())


def _send(skill: Skill, session: Session, request: dict[str, Any]) -> Turn:
    turn = Turn(skill(request, None))
    session.update(turn.envelope)
    return turn


def _intent(skill: Skill, session: Session, name: str, slots: dict[str, Slot] | None) -> Turn:
    return _send(skill, session, envelopes.intent(session, name, slots, SLOT_TYPES))


def every_response(locale: str, skill: Skill) -> Iterator[tuple[str, Turn]]:
    """(what was asked, the answer) for every response `skill` gives in `locale`.

    `skill` should remember visits (a store), so that the returning and resuming launches are
    real; the guided stretch is included, and `is_guided_stretch` tells it apart.
    """
    user = f"amzn1.ask.account.WALK-{locale}"
    first = Session(locale=locale, user_id=user)
    yield "launch, new user", _send(skill, first, envelopes.launch(first))
    yield "walk starts", _intent(skill, first, "PreventionTipsIntent", None)
    yield "walk, first tip", _intent(skill, first, "AMAZON.YesIntent", None)
    back = Session(locale=locale, user_id=user)
    yield "launch, resuming the walk", _send(skill, back, envelopes.launch(back))
    yield "resume declined", _intent(skill, back, "AMAZON.NoIntent", None)
    again = Session(locale=locale, user_id=user)
    yield "launch, returning user", _send(skill, again, envelopes.launch(again))
    for state in states():
        for name in STATEFUL_INTENTS:
            session = Session(locale=locale, new=False)
            state.save(session.attributes)
            yield f"{name} in {state}", _intent(skill, session, name, None)
    for name in PLAIN_INTENTS:
        yield name, _intent(skill, Session(locale=locale, new=False), name, None)
    for name, (slot, ids) in SLOT_IDS.items():
        for slot_id in ids:
            session = Session(locale=locale, new=False)
            turn = _intent(skill, session, name, {slot: Slot(slot_id.lower(), slot_id)})
            yield f"{name} {slot}={slot_id}", turn
            if not turn.ends:
                yield (
                    f"{name} {slot}={slot_id}, then more",
                    _intent(skill, session, "MoreDetailIntent", None),
                )
                yield (
                    f"{name} {slot}={slot_id}, then repeat",
                    _intent(skill, session, "AMAZON.RepeatIntent", None),
                )
        session = Session(locale=locale, new=False)
        yield (
            f"{name} {slot} not resolved",
            _intent(skill, session, name, {slot: Slot("the moon", None)}),
        )
