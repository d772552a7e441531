"""The conversation's state, kept in Alexa session attributes and read defensively."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from skill.content import CAUSE_IDS, ROUTINE_IDS, TIP_IDS, TOPIC_IDS


class Question(StrEnum):
    """The yes/no question the skill asked last, which a yes or a no answers.

    Each is saved in the session attributes as its value, a plain string.
    """

    MORE = "more"  # "Want to hear more?": yes speaks the topic's detail
    CAUSE_DETAIL = "cause_detail"  # "Want detail on one?" after the causes: yes asks which
    TIP_WALK = "tip_walk"  # "Shall we go through the tips?": yes starts the walk
    NEXT_TIP = "next_tip"  # in the walk: yes (or next) moves on
    RELIEF = "relief"  # "Want to know what to do during a cramp?"
    ANYTHING_ELSE = "anything_else"  # "Anything else?": yes asks what
    ROUTINE = "routine"  # "Shall I guide you through the stretch?" (or again)
    RESUME = "resume"  # "Carry on with the tips where you left off?"
    REMINDER = "reminder"  # "Would you like me to remind you each night?"


QUESTIONS = frozenset(Question)
# What someone in a cramp, or just told of a warning sign, has heard: once any of these was
# spoken in a session, the skill offers no reminder in it (issue 19).
UNSETTLING = frozenset(
    {
        ("topic", "RELIEF"),
        ("routine", "RELIEF"),
        ("topic", "URGENT"),
        ("topic", "DOCTOR"),
        ("cause", "BLOOD_FLOW"),
    }
)
UNSETTLED_KEY = "unsettled"
_KINDS = {"cause": CAUSE_IDS, "tip": TIP_IDS, "topic": TOPIC_IDS, "routine": ROUTINE_IDS}


@dataclass(frozen=True, slots=True)
class State:
    """Where the user is: the open yes/no question, the last item spoken, the tip walk."""

    question: Question | None = None
    topic: tuple[str, str] | None = None
    tip_index: int | None = None

    @classmethod
    def load(cls, attributes: Mapping[str, Any]) -> State:
        """Read state from session attributes, ignoring anything malformed or unknown."""
        tip_index = attributes.get("tip_index")
        valid_index = type(tip_index) is int and 0 <= tip_index < len(TIP_IDS)
        return cls(
            question=_question(attributes.get("question")),
            topic=_topic(attributes.get("topic")),
            tip_index=tip_index if valid_index else None,
        )

    def save(self, attributes: MutableMapping[str, Any]) -> None:
        """Write state into session attributes."""
        attributes["question"] = None if self.question is None else str(self.question)
        attributes["topic"] = list(self.topic) if self.topic else None
        attributes["tip_index"] = self.tip_index
        if self.topic in UNSETTLING:
            attributes[UNSETTLED_KEY] = True  # for the rest of the session

    def replace(self, **changes: Any) -> State:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def _question(value: object) -> Question | None:
    """A saved question's value, else None."""
    return Question(value) if isinstance(value, str) and value in QUESTIONS else None


def _topic(value: object) -> tuple[str, str] | None:
    """A saved `[kind, id]` naming a known item, else None."""
    if isinstance(value, list) and len(value) == 2:
        kind, item_id = value
        if isinstance(kind, str) and kind in _KINDS and item_id in _KINDS[kind]:
            return (kind, item_id)
    return None


def unsettled(attributes: Mapping[str, Any]) -> bool:
    """Whether this session has spoken about a cramp now or a warning sign (UNSETTLING)."""
    return attributes.get(UNSETTLED_KEY) is True
