"""What a screen shows with each answer: pure functions from the locale's content to APL data.

Echo Show, Echo Spot and Fire TV get an `Alexa.Presentation.APL.RenderDocument` with one of the
documents in skill/apl/ and the data source built here; every word comes from the content
(`[screens]`, the prompts, the items and routines). Nothing here reads a request: skill/responses.py
decides whether the device has a screen and which screen an answer gets (docs/screens.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from skill import ssml
from skill.content import Content, Item
from skill.state import Question, State

APL_INTERFACE = "Alexa.Presentation.APL"
RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"
EXECUTE_COMMANDS = "Alexa.Presentation.APL.ExecuteCommands"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
SCREEN_KEY = "screen"  # session attribute: the number of the last screen sent in this session
TOKEN_PREFIX = "leg-cramp-helper.screen."
DATASOURCE = "screen"  # documents read `payload.screen.properties`
# What a touch can ask for: SendEvent arguments [action, item id ("" when none)].
ACTIONS = frozenset({"next", "previous", "stop", "cause", "tip"})
# The "Try: ..." hint for each open question (None: nothing asked).
HINTS: dict[Question | None, str] = {
    None: "try_home",
    Question.MORE: "try_more",
    Question.NEXT_TIP: "try_next",
    Question.TIP_WALK: "try_yes",
    Question.RELIEF: "try_yes",
    Question.ROUTINE: "try_yes",
    Question.RESUME: "try_yes",
    Question.CAUSE_DETAIL: "try_cause",
    Question.ANYTHING_ELSE: "try_anything",
}


@dataclass(frozen=True, slots=True)
class Touch:
    """Something to touch: its words, what the screen reader says, and the event it sends."""

    text: str
    label: str
    action: str
    id: str = ""

    def as_data(self) -> dict[str, str]:
        """The touchable item as the documents bind it."""
        return {"text": self.text, "label": self.label, "action": self.action, "id": self.id}


@dataclass(frozen=True, slots=True)
class Screen:
    """A document of skill/apl/ and the properties of its data source.

    `speaks` is true for the guided stretch: its steps are spoken by the document (SpeakList),
    so the response carries ExecuteCommands instead of the same words in outputSpeech.
    """

    document: str
    properties: Mapping[str, Any]
    speaks: bool = False
    transformers: tuple[Mapping[str, str], ...] = field(default=())

    def datasources(self) -> dict[str, Any]:
        """The RenderDocument `datasources`."""
        source: dict[str, Any] = {
            "type": "object",
            "objectId": DATASOURCE,
            "properties": dict(self.properties),
        }
        if self.transformers:
            source["transformers"] = [dict(t) for t in self.transformers]
        return {DATASOURCE: source}


def token(number: int) -> str:
    """The token of the `number`th screen sent in a session."""
    return f"{TOKEN_PREFIX}{number}"


def next_number(current: Any) -> int:
    """The number of the next screen, from the session attribute (read defensively)."""
    return current + 1 if type(current) is int and current >= 0 else 1


def is_current(event_token: Any, current: Any) -> bool:
    """Whether a touch came from the screen sent last in this session."""
    return type(current) is int and current > 0 and event_token == token(current)


def touch_of(arguments: Any) -> tuple[str, str] | None:
    """(action, item id) from a UserEvent's arguments, or None when they are not the skill's."""
    if not isinstance(arguments, list) or not 1 <= len(arguments) <= 2:
        return None
    if not all(isinstance(a, str) for a in arguments):
        return None
    action, item_id = arguments[0], arguments[1] if len(arguments) == 2 else ""
    return (action, item_id) if action in ACTIONS else None


def _speak(segments: Sequence[str | ssml.Pause]) -> str:
    """A whole SSML document for `ssmlToSpeech` (Alexa's voice: it takes no `<audio>`)."""
    return f"<speak>{ssml.render(segments)}</speak>"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _hint(content: Content, question: Question | None, ends: bool) -> str:
    key = None if ends else HINTS.get(question, "try_home")
    return content.screen("try", phrase=content.screen(key)) if key else ""


def _walk(content: Content, state: State) -> tuple[str, list[Touch]]:
    """The place in the tip walk or among the causes, and the buttons that move through it."""
    if state.tip_index is not None:
        number, total, kind = state.tip_index + 1, len(content.tips), "tip"
    elif state.topic is not None and state.topic[0] == "cause":
        ids = [cause.id for cause in content.causes]
        number, total, kind = ids.index(state.topic[1]) + 1, len(ids), "cause"
    else:
        return "", []
    place = content.screen(f"{kind}_place", number=str(number), total=str(total))
    buttons = [
        Touch(content.screen("previous"), content.screen(f"previous_{kind}"), "previous"),
        Touch(content.screen("next"), content.screen(f"next_{kind}"), "next"),
    ]
    return place, buttons


def _choices(content: Content, question: Question | None) -> list[Touch]:
    """The items a list answer offers to choose from by touch."""
    lists: dict[Question | None, tuple[str, tuple[Item, ...]]] = {
        Question.CAUSE_DETAIL: ("cause", content.causes),
        Question.TIP_WALK: ("tip", content.tips),
    }
    kind, items = lists.get(question, ("", ()))
    return [
        Touch(_capitalised(item.name), content.screen("choose", name=item.name), kind, item.id)
        for item in items
    ]


def answer(
    content: Content,
    speech: Iterable[str | ssml.Pause],
    headline: str | None,
    state: State,
    *,
    ends: bool,
) -> Screen:
    """Any spoken answer: its headline (the card's title), the words said, and what to try next.

    In the tip walk or on a cause it also shows the place and Previous / Next; the causes and the
    tips overviews list their items to touch.
    """
    place, buttons = ("", []) if ends else _walk(content, state)
    choices = [] if ends else _choices(content, state.question)
    text = " ".join(part for part in speech if isinstance(part, str) and part.strip())
    return Screen(
        "answer",
        {
            "headline": headline or content.screen("headline"),
            "text": text,
            "place": place,
            "choices": [c.as_data() for c in choices],
            "buttons": [b.as_data() for b in buttons],
            "hint": _hint(content, state.question, ends),
        },
    )


def stretch(content: Content, routine_id: str, closing: str) -> Screen:
    """The guided stretch: its steps, each spoken by the document in turn and lit meanwhile."""
    routine = content.routines[routine_id]
    steps = [
        {
            "text": step.say,
            "ssml": f"<speak>{ssml.render([step.say, ssml.Pause(step.pause)])}</speak>",
        }
        for step in routine.steps
    ]
    return Screen(
        "stretch",
        {
            "headline": _capitalised(routine.name),
            "hold": content.screen(f"hold_{routine_id}"),
            "steps": steps,
            "closing": {"text": closing, "ssml": _speak([closing])},
            "stop": Touch(content.screen("stop"), content.screen("stop_stretch"), "stop").as_data(),
            "hint": content.screen("try", phrase=content.screen("try_stop")),
        },
        speaks=True,
        transformers=(
            {"inputPath": "steps.*.ssml", "outputName": "speech", "transformer": "ssmlToSpeech"},
            {"inputPath": "closing.ssml", "outputName": "speech", "transformer": "ssmlToSpeech"},
        ),
    )


def stretch_commands(screen: Screen) -> list[dict[str, Any]]:
    """ExecuteCommands for the stretch: every step spoken and lit in turn, then the question."""
    count = len(screen.properties["steps"])
    return [
        {
            "type": "Sequential",
            "commands": [
                {"type": "SpeakList", "componentId": "steps", "start": 0, "count": count},
                {"type": "SpeakItem", "componentId": "closing"},
            ],
        }
    ]


def _sentences(text: str) -> tuple[str, str]:
    """The first sentence of a text, and the rest."""
    first, dot, rest = text.partition(". ")
    return (first + dot.strip(), rest) if rest else (text, "")


def warning(content: Content, speech: Sequence[str]) -> Screen:
    """A red flag: what to do now first, exactly as spoken, then the emergency number, large."""
    if len(speech) > 1:
        lead, text = speech[0], " ".join(speech[1:])
    else:
        lead, text = _sentences(speech[0])
    return Screen(
        "warning",
        {
            "lead": lead,
            "text": text,
            "emergency_label": content.screen("emergency_label"),
            "emergency_number": content.screen("emergency_number"),
        },
    )
