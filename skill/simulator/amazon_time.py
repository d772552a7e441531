"""AMAZON.TIME for the simulator: spoken times resolved to the values Alexa sends.

"ten pm" and "twenty two hundred" become "22:00", "half past nine at night" and "a las nueve y
media de la noche" become "21:30", "a quarter to ten" becomes "09:45"; answering "what time?"
with "in the evening" gives "EV" (also "MO", "AF", "NI"), as Alexa's built-in slot type does.
A bare hour resolves to the morning ("at ten" is "10:00"), as AMAZON.TIME does too.

Each language's words and the shapes of a time are data (`amazon_time_<language>.toml`). The
simulator's request building (session.py) calls `find` for intents with an AMAZON.TIME slot
and passes the rest of the words to the NLU, which only learns that a time was heard; so this
module serves whatever understands the other words.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from skill.model.language import fold
from skill.model.templates import expand

if TYPE_CHECKING:
    from skill.simulator.nlu import NLU, Parse

SLOT_TYPE = "AMAZON.TIME"
_PLACEHOLDER = re.compile(r"^\{(h|h24|m|n)\}$")
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![\w'])", r"(?![\w'])"


@dataclass(frozen=True, slots=True)
class TimeMatch:
    """A time heard in a text: where (character offsets), what was said, and Alexa's value."""

    start: int
    end: int
    heard: str
    value: str  # "22:00", or a part of the day: "MO", "AF", "EV", "NI"


@dataclass(frozen=True, slots=True)
class _DayPart:
    pm_from: int
    twelve: int

    def hour(self, hour12: int) -> int:
        if hour12 == 12:
            return self.twelve
        return hour12 + 12 if hour12 >= self.pm_from else hour12


@dataclass(frozen=True, slots=True)
class _Shape:
    pattern: re.Pattern[str]
    minute: int | None
    shift: int
    bare: bool
    order: int


def _alternation(words: Iterable[str]) -> str:
    """A regex choice of phrases, longest first, spaces matching single spaces."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


class TimeWords:
    """One language's ways of saying a time, compiled."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        numbers = self._numbers(data)
        zero_values = {  # "oh five": a single digit after "oh"
            f"{z} {u}": v
            for z in data.get("zero_words", [])
            for v, u in enumerate(data["units"][1:], 1)
        }
        self.values: dict[str, int] = {**numbers, **zero_values}
        groups = {
            "h": [w for w, v in numbers.items() if 1 <= v <= 12],
            "h24": [w for w, v in {**numbers, **zero_values}.items() if v <= 23],
            "m": [w for w, v in {**numbers, **zero_values}.items() if 1 <= v <= 59],
            "n": [w for w, v in numbers.items() if 1 <= v <= 30],
        }
        digits = {"h": r"\d{1,2}", "h24": r"\d{1,2}", "m": r"\d{2}|[1-9]", "n": r"\d{1,2}"}
        self._groups = {
            name: f"(?P<{name}>{_alternation(words)}|{digits[name]})"
            for name, words in groups.items()
        }
        self._parts: dict[str, _DayPart] = {
            " ".join(w.split()): _DayPart(int(p["pm_from"]), int(p["twelve"]))
            for p in data["day_parts"]
            for w in p["words"]
        }
        part = f"(?: (?P<part>{_alternation(self._parts)}))?"
        self._shapes = [
            _Shape(
                self._compile(phrase, part),
                s.get("minute"),
                s.get("shift", 0),
                s.get("bare", False),
                i,
            )
            for i, s in enumerate(data["shapes"])
            for phrase in expand(s["say"])
        ]
        self._fixed = [
            (value, re.compile(_EDGE_BEFORE + f"(?:{_alternation(words)})" + _EDGE_AFTER))
            for value, words in data.get("fixed", {}).items()
        ]
        self._periods = [
            (code, re.compile(_EDGE_BEFORE + f"(?:{_alternation(words)})" + _EDGE_AFTER))
            for code, words in data.get("periods", {}).items()
        ]
        self.articles = frozenset(data.get("articles", []))
        self.anchors = frozenset(data.get("anchors", []))
        self.not_before = frozenset(data.get("not_before", []))

    @staticmethod
    def _numbers(data: Mapping[str, Any]) -> dict[str, int]:
        """Every number word from 0 to 59, by its value."""
        numbers = {word: value for value, word in enumerate(data["units"])}
        numbers |= {word: value for value, word in enumerate(data["teens"], 10)}
        for tens_word, tens in data["tens"].items():
            numbers[tens_word] = tens
            for unit, unit_word in enumerate(data["units"][1:], 1):
                if tens + unit < 60:
                    numbers[data["compound"].format(tens=tens_word, unit=unit_word)] = tens + unit
        numbers |= {" ".join(w.split()): int(v) for w, v in data.get("aliases", {}).items()}
        return numbers

    def _compile(self, phrase: str, part: str) -> re.Pattern[str]:
        tokens = []
        for token in phrase.split():
            placeholder = _PLACEHOLDER.match(token)
            tokens.append(self._groups[placeholder[1]] if placeholder else re.escape(token))
        suffix = part if "{h}" in phrase.split() else ""
        return re.compile(_EDGE_BEFORE + " ".join(tokens) + suffix + _EDGE_AFTER)

    def _number(self, said: str | None) -> int | None:
        if said is None:
            return None
        return int(said) if said.isdigit() else self.values[said]

    def _value(self, shape: _Shape, match: re.Match[str]) -> str | None:
        """Alexa's "HH:MM" for one match of a shape, or None when it is no real time."""
        groups = match.groupdict()
        minutes, n = self._number(groups.get("m")), self._number(groups.get("n"))
        if shape.minute is not None:
            minute = shape.minute
        elif n is not None:
            minute = 60 - n if shape.shift else n
        else:
            minute = minutes or 0
        if groups.get("h24") is not None:
            hour = self._number(groups["h24"])
        else:
            hour12 = self._number(groups["h"])
            if hour12 is None or not 1 <= hour12 <= 12:
                return None
            if shape.shift:
                hour12 = (hour12 - 2) % 12 + 1
            part = groups.get("part")
            hour = self._parts[part].hour(hour12) if part else hour12
        if hour is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
            return None
        return f"{hour:02d}:{minute:02d}"

    def _context_ok(self, text: str, start: int, end: int, bare: bool, answer: bool) -> bool:
        """Whether the words around a match make it a time (articles, anchors, what follows)."""
        before = text[:start].split()
        if before and before[-1] in self.articles:
            before = before[:-1]
        elif self.articles and not answer:  # "las diez"; an answer may be just "diez"
            return False
        if not bare:
            return True
        after = text[end:].split()
        if after and after[0] in self.not_before:
            return False
        return answer or bool(before and before[-1] in self.anchors)

    def find(self, text: str, *, answer: bool = False) -> TimeMatch | None:
        """The time said in `text` (normalised words), longest first; None when there is none.

        `answer`: the text answers "what time?", so a bare number is a time ("ten") and a part
        of the day alone ("in the evening") is one too.
        """
        best: tuple[int, int, int, TimeMatch] | None = None
        for shape in self._shapes:
            for match in shape.pattern.finditer(text):
                value = self._value(shape, match)
                digits_only = bool(re.fullmatch(r"\d{1,2} \d{2}", match.group()))
                bare = shape.bare and not match.groupdict().get("part") and not digits_only
                if value is None or not self._context_ok(text, *match.span(), bare, answer):
                    continue
                found = TimeMatch(match.start(), match.end(), match.group(), value)
                rank = (-(match.end() - match.start()), match.start(), shape.order, found)
                best = min(best, rank, key=lambda r: r[:3]) if best else rank
        for value, pattern in self._fixed:
            for match in pattern.finditer(text):
                found = TimeMatch(match.start(), match.end(), match.group(), value)
                rank = (-(match.end() - match.start()), match.start(), -1, found)
                best = min(best, rank, key=lambda r: r[:3]) if best else rank
        if best is not None:
            return best[3]
        if answer:
            for code, pattern in self._periods:
                period = pattern.search(text)
                if period:
                    return TimeMatch(period.start(), period.end(), period.group(), code)
        return None


@cache
def time_words(language: str) -> TimeWords:
    """The compiled time words of a language ("en", "es"; a locale's language part)."""
    name = f"amazon_time_{language.split('-')[0]}.toml"
    return TimeWords(tomllib.loads(resources.files(__package__).joinpath(name).read_text("utf-8")))


def find(text: str, language: str, *, answer: bool = False) -> TimeMatch | None:
    """The time said in `text` (the simulator's normalised words), as AMAZON.TIME resolves it.

    The words are matched without accents ("veintidós" is "veintidos"); folding keeps every
    letter in its place, so the match's span is the same in `text`.
    """
    return time_words(language).find(fold(text), answer=answer)


def without(text: str, match: TimeMatch) -> str:
    """The text with the time taken out, for the words around it."""
    return " ".join(f"{text[: match.start]} {text[match.end :]}".split())


def understand(nlu: NLU, text: str) -> tuple[Parse, list[tuple[str, float]]]:
    """What Alexa would make of `text`, with AMAZON.TIME slots filled ("22:00").

    When a time is said and the intent the other words point to takes an AMAZON.TIME slot, the
    slot holds the time; otherwise the time's words meant something else, and every word is read.
    """
    from skill.simulator.nlu import Parse, SlotMatch
    from skill.simulator.session import normalise

    takes_time = any(t == SLOT_TYPE for slots in nlu.intent_slots.values() for t in slots.values())
    words = normalise(text)  # accents kept for the NLU
    time = find(words, nlu.lang.code) if takes_time else None
    if time is not None:
        parse, considered = nlu.ranked(without(words, time), (SLOT_TYPE,))
        names = [n for n, t in nlu.slot_types(parse.intent).items() if t == SLOT_TYPE]
        if names:
            filled = {name: SlotMatch(name, SLOT_TYPE, time.value) for name in names}
            return Parse(parse.intent, {**parse.slots, **filled}, parse.score), considered
    return nlu.ranked(text)
