"""Typed, read-only access to the skill's words, one base text per language plus locale overrides.

A locale's words are `skill/content/<language>.toml` with `skill/content/<locale>.toml` (when it
exists) deep-merged on top, and its emergency number from `skill/content/locales.toml` put in for
`{emergency}` (as spoken, or as written on cards). Nothing is read at import: a locale loads on
its first request.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DEFAULT_LOCALE = "en-US"
# The locales the skill serves (a contract: models, content, simulator); each language's first
# locale answers for an unknown locale of that language.
SUPPORTED_LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN", "es-US", "es-MX", "es-ES")
EMERGENCY = "{emergency}"
CARD_KEY = "card"  # card text, read rather than heard, gets the number as written
_WORD = re.compile(r"[^\W_]+")
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.(?!\.)")

CAUSE_IDS = ("FATIGUE", "COLD", "LOW_CALCIUM", "BLOOD_FLOW")
TIP_IDS = ("FOOTWEAR", "BEDDING", "STRETCHING", "HYDRATION")
TOPIC_IDS = ("RELIEF", "RISK", "DOCTOR", "URGENT", "WHAT_IS", "MEDICINE")
ROUTINE_IDS = ("RELIEF", "BEDTIME")
REMEDY_IDS = (
    "MAGNESIUM",
    "POTASSIUM",
    "QUININE",
    "CALCIUM_SUPPLEMENTS",
    "VITAMINS",
    "BANANAS",
    "PICKLE_JUICE",
    "TONIC_WATER",
    "PAINKILLERS",
    "MUSCLE_RELAXANTS",
    "ELECTROLYTES",
    "SOAP",
)
RED_FLAG_KEYS = ("urgent", "emergency")
PROMPT_KEYS = (
    "welcome",
    "welcome_examples",
    "welcome_back",
    "resume_reprompt",
    "home",
    "what_next",
    "anything_else",
    "causes_overview",
    "offer_cause_detail",
    "which_cause",
    "tips_overview",
    "offer_tip_walk",
    "which_tip",
    "tip_next_hint",
    "first_tip",
    "last_tip",
    "first_cause",
    "last_cause",
    "offer_relief",
    "offer_more",
    "what_more",
    "no_list",
    "help",
    "help_tips",
    "help_causes",
    "fallback",
    "fallback_emergency",
    "goodbye",
    "okay",
    "goodnight",
    "offer_routine",
    "routine_again",
    "offer_what_else",
    "emergency",
    "urgent_legs",
    "error",
    "screen_stale",
    # The nightly stretch reminder (issue 19): the offer, asking the time, and every outcome.
    "offer_reminder",
    "reminder_ask_time",
    "reminder_time_hint",
    "reminder_not_a_time",
    "reminder_cancelled",
    "reminder_none",
    "reminder_cancel_no_permission",
    "permission_denied",
    "permission_not_answered",
    "permission_card",
    "permission_unexpected",
    "reminder_no_time_zone",
    "reminder_busy",
    "reminder_unavailable",
    "reminder_refused",
)
# Prompts with a `{placeholder}`, filled at run time (so never pre-rendered as clips).
TEMPLATE_FIELDS = {
    "resume_tip": ("tip",),
    "remedy_named": ("remedy",),
    "reminder_set": ("time",),
    "reminder_moved": ("time",),
    "reminder_card": ("time",),
}
CLOCK_FIELDS = ("hour", "minutes", "day_part")  # what `[clock] spoken` may use
WRITTEN_FIELDS = ("hour", "hour12", "minute", "half")  # and `[clock] written`
REMINDER_TEXT_CHARS = 140  # a conservative bound for the reminder's own text (docs/reminders.md)
SCREENS_KEY = "screens"  # words on screens, read like cards: the number as written
# Every word on a screen (skill/screens.py), with the placeholders each may use.
SCREEN_FIELDS: dict[str, tuple[str, ...]] = {
    "headline": (),
    "try": ("phrase",),
    **{f"try_{k}": () for k in ("home", "more", "next", "yes", "cause", "tip", "anything", "stop")},
    "tip_place": ("number", "total"),
    "cause_place": ("number", "total"),
    **{
        k: ()
        for k in (
            "previous",
            "next",
            "stop",
            "previous_tip",
            "next_tip",
            "previous_cause",
            "next_cause",
            "stop_stretch",
        )
    },
    "choose": ("name",),
    **{f"hold_{routine_id}": () for routine_id in ROUTINE_IDS},
    "emergency_label": (),
    "emergency_number": (),
}


class ContentError(ValueError):
    """A content file is missing a field or holds an unknown one."""


@dataclass(frozen=True, slots=True)
class Item:
    """One thing the skill can talk about: a cause, a tip or a topic."""

    kind: str
    id: str
    name: str
    summary: str
    detail: str
    card: str


@dataclass(frozen=True, slots=True)
class LocaleSettings:
    """What differs per locale beyond words: the emergency number and where it is right.

    `emergency` is how it is said; `card_emergency`, how cards write it (the same unless set).
    """

    locale: str
    emergency: str
    countries: tuple[str, ...]
    card_emergency: str

    @property
    def language(self) -> str:
        """The language part of the locale ("en", "es")."""
        return self.locale.split("-")[0]


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a guided routine: words to say, then a pause in seconds."""

    say: str
    pause: float


@dataclass(frozen=True, slots=True)
class Routine:
    """A guided stretch, spoken step by step with timed pauses."""

    id: str
    name: str
    card: str
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Clock:
    """How a locale says and writes a time of day, for the reminder (words as data).

    `hours` name the hours of a 12-hour clock (index 0 is twelve), `minutes` every minute (index
    0 is on the hour), `day_parts` the words after the time from an hour of the day on, and
    `exact` whole phrases for some times ("00:00": "midnight"). Spoken times are words, so the
    digit rule (skill/ssml.py) never reads them one digit at a time; cards write digits.
    """

    hours: tuple[str, ...]
    minutes: tuple[str, ...]
    day_parts: tuple[tuple[int, str], ...]
    exact: Mapping[str, str]
    spoken_format: str
    written_format: str
    halves: tuple[str, str]

    def spoken(self, hour: int, minute: int) -> str:
        """The time as words ("ten thirty p.m.", "las diez y media de la noche")."""
        key = f"{hour:02d}:{minute:02d}"
        if key in self.exact:
            return self.exact[key]
        day_part = next(words for start, words in reversed(self.day_parts) if hour >= start)
        text = self.spoken_format.format(
            hour=self.hours[hour % 12], minutes=self.minutes[minute], day_part=day_part
        )
        return " ".join(text.split())

    def written(self, hour: int, minute: int) -> str:
        """The time as a card writes it ("10:30 PM", "22:30")."""
        return self.written_format.format(
            hour=hour, hour12=hour % 12 or 12, minute=minute, half=self.halves[hour >= 12]
        )


@dataclass(frozen=True, slots=True)
class Content:
    """All words of one locale."""

    locale: str
    skill_name: str
    disclaimer: str
    causes: tuple[Item, ...]
    tips: tuple[Item, ...]
    topics: Mapping[str, Item]
    prompts: Mapping[str, str]
    cards: Mapping[str, str]
    routines: Mapping[str, Routine]
    remedies: Mapping[str, str]
    templates: Mapping[str, str]
    red_flags: Mapping[str, frozenset[str]]  # lower-case phrases, as written
    clock: Clock
    reminder_text: str  # what Alexa says and shows when the reminder goes off
    screens: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # as written

    def screen(self, key: str, **values: str) -> str:
        """Words for a screen, placeholders filled; unknown keys are a programming error."""
        return self.screens[key].format(**values) if values else self.screens[key]

    def item(self, kind: str, item_id: str) -> Item | None:
        """Any item by kind ("cause", "tip", "topic") and id, or None."""
        pool = {"cause": self.causes, "tip": self.tips, "topic": tuple(self.topics.values())}
        return next((i for i in pool.get(kind, ()) if i.id == item_id), None)

    def prompt(self, key: str) -> str:
        """A fixed prompt; unknown keys are a programming error."""
        return self.prompts[key]

    def fill(self, key: str, **values: str) -> str:
        """A template with its placeholders filled; unknown keys are a programming error.

        A value ending a sentence with its own period ("ten p.m.") takes the sentence's place.
        """
        return _DOUBLE_STOP.sub(".", self.templates[key].format(**values))

    def card_text(self, text: str) -> str:
        """Card text with the disclaimer that stands in every card."""
        return f"{text}\n\n{self.disclaimer}"

    def spoken_texts(self) -> Iterator[tuple[str, str]]:
        """Every fixed spoken text as (clip id, text), for pre-rendered audio."""
        for item in (*self.causes, *self.tips, *self.topics.values()):
            yield f"{item.kind}.{item.id}.summary", item.summary
            yield f"{item.kind}.{item.id}.detail", item.detail
        for key, text in self.prompts.items():
            yield f"prompt.{key}", text
        for routine in self.routines.values():
            for number, step in enumerate(routine.steps, 1):
                yield f"routine.{routine.id}.{number}", step.say


def _items(kind: str, table: Mapping[str, Mapping[str, str]], ids: tuple[str, ...]) -> list[Item]:
    if set(table) != set(ids):
        raise ContentError(f"{kind} ids {sorted(table)} differ from {sorted(ids)}")
    fields = {"name", "summary", "detail", "card"}
    items = []
    for item_id in ids:
        entry = table[item_id]
        if set(entry) != fields:
            raise ContentError(f"{kind} {item_id}: fields {sorted(entry)}, want {sorted(fields)}")
        items.append(Item(kind=kind, id=item_id, **entry))
    return items


def _templates(data: Mapping[str, str]) -> dict[str, str]:
    if set(data) != set(TEMPLATE_FIELDS):
        raise ContentError(f"templates differ: {sorted(set(data) ^ set(TEMPLATE_FIELDS))}")
    for key, fields in TEMPLATE_FIELDS.items():
        try:
            data[key].format(**dict.fromkeys(fields, ""))
        except (KeyError, IndexError, ValueError):
            raise ContentError(f"template {key} may use only {fields}") from None
    return dict(data)


def _screens(data: Mapping[str, str]) -> dict[str, str]:
    if set(data) != set(SCREEN_FIELDS):
        raise ContentError(f"screens differ: {sorted(set(data) ^ set(SCREEN_FIELDS))}")
    for key, fields in SCREEN_FIELDS.items():
        try:
            data[key].format(**dict.fromkeys(fields, ""))
        except (KeyError, IndexError, ValueError):
            raise ContentError(f"screens {key} may use only {fields}") from None
    return dict(data)


def _keyed(kind: str, table: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    if set(table) != set(keys):
        raise ContentError(f"{kind} differ: {sorted(set(table) ^ set(keys))}")
    return dict(table)


def _routines(table: Mapping[str, Mapping[str, Any]]) -> dict[str, Routine]:
    routines = {}
    for routine_id, entry in _keyed("routines", table, ROUTINE_IDS).items():
        steps = tuple(Step(s["say"], float(s["pause"])) for s in entry["steps"])
        if not steps or any(not s.say.strip() or s.pause < 0 for s in steps):
            raise ContentError(f"routine {routine_id}: every step needs words and a pause >= 0")
        routines[routine_id] = Routine(routine_id, entry["name"], entry["card"], steps)
    return routines


def _clock(data: Mapping[str, Any]) -> Clock:
    try:
        clock = Clock(
            hours=tuple(data["hours"]),
            minutes=tuple(data["minutes"]),
            day_parts=tuple((int(start), words) for start, words in data["day_parts"]),
            exact=MappingProxyType(dict(data.get("exact", {}))),
            spoken_format=data["spoken"],
            written_format=data["written"],
            halves=tuple(data["halves"]),
        )
    except (KeyError, TypeError, ValueError):
        raise ContentError("clock: hours, minutes, day_parts, spoken, written, halves") from None
    starts = [start for start, _ in clock.day_parts]
    if len(clock.hours) != 12 or len(clock.minutes) != 60 or len(clock.halves) != 2:
        raise ContentError("clock: 12 hours, 60 minutes and two halves")
    if not starts or starts[0] != 0 or starts != sorted(set(starts)) or starts[-1] > 23:
        raise ContentError("clock: day_parts start at hour 0 and go up")
    try:
        clock.spoken_format.format(**dict.fromkeys(CLOCK_FIELDS, ""))
        clock.written(23, 59)
    except (KeyError, IndexError, ValueError):
        raise ContentError(
            f"clock: spoken may use {CLOCK_FIELDS}, written {WRITTEN_FIELDS}"
        ) from None
    return clock


def _reminder_text(text: Any) -> str:
    if not isinstance(text, str) or not 0 < len(text.strip()) <= REMINDER_TEXT_CHARS:
        raise ContentError(f"reminder text: 1 to {REMINDER_TEXT_CHARS} characters")
    return text


def phrase_words(text: str) -> tuple[str, ...]:
    """The words of a text for matching what was heard: lower case, no accents, no apostrophes.

    "Can't breathe" and "cant breathe" give the same words, and so do "coágulo" and "coagulo".
    """
    import unicodedata  # here, not at the top: only a request with slots needs it

    folded = unicodedata.normalize("NFKD", text.lower().replace("'", "").replace("\u2019", ""))
    return tuple(_WORD.findall("".join(c for c in folded if not unicodedata.combining(c))))


def _phrases(kind: str, phrases: list[str]) -> frozenset[str]:
    if not phrases or any(not phrase_words(p) for p in phrases):
        raise ContentError(f"red_flags {kind}: every phrase needs a word")
    return frozenset(" ".join(p.lower().split()) for p in phrases)


def parse_content(locale: str, data: Mapping[str, Any]) -> Content:
    """Validate raw TOML data and build the typed content."""
    prompts = data.get("prompts", {})
    if set(prompts) != set(PROMPT_KEYS):
        raise ContentError(f"prompts differ: {sorted(set(prompts) ^ set(PROMPT_KEYS))}")
    try:
        return Content(
            locale=locale,
            skill_name=data["skill_name"],
            disclaimer=data["disclaimer"],
            causes=tuple(_items("cause", data["causes"], CAUSE_IDS)),
            tips=tuple(_items("tip", data["tips"], TIP_IDS)),
            topics=MappingProxyType({i.id: i for i in _items("topic", data["topics"], TOPIC_IDS)}),
            prompts=MappingProxyType(dict(prompts)),
            cards=MappingProxyType(dict(data["cards"])),
            routines=MappingProxyType(_routines(data["routines"])),
            remedies=MappingProxyType(_keyed("remedies", data["remedies"], REMEDY_IDS)),
            templates=MappingProxyType(_templates(data["templates"])),
            red_flags=MappingProxyType(
                {
                    k: _phrases(k, v)
                    for k, v in _keyed("red_flags", data["red_flags"], RED_FLAG_KEYS).items()
                }
            ),
            screens=MappingProxyType(_screens(data[SCREENS_KEY])),
            clock=_clock(data["clock"]),
            reminder_text=_reminder_text(data["reminder"]["text"]),
        )
    except KeyError as missing:
        raise ContentError(f"{locale}: missing {missing}") from None


def merge(base: Mapping[str, Any], override: Mapping[str, Any], where: str = "") -> dict[str, Any]:
    """`base` with `override` deep-merged on top; an override may only change existing keys."""
    merged = dict(base)
    for key, value in override.items():
        path = f"{where}.{key}" if where else key
        if key not in base:
            raise ContentError(f"override {path!r} has nothing to override")
        if isinstance(base[key], Mapping) != isinstance(value, Mapping):
            raise ContentError(f"override {path!r} changes a table into a value or back")
        merged[key] = merge(base[key], value, path) if isinstance(value, Mapping) else value
    return merged


def fill_emergency(
    data: Mapping[str, Any], emergency: str, card_emergency: str | None = None
) -> dict[str, Any]:
    """Every string in `data`, however deep, with `{emergency}` replaced by the locale's number.

    Text under a `card` or `screens` key gets `card_emergency` (the number as written), when it
    is given.
    """

    def filled(value: Any, number: str) -> Any:
        if isinstance(value, str):
            return value.replace(EMERGENCY, number)
        if isinstance(value, Mapping):
            return {
                key: filled(
                    inner, card_emergency or number if key in (CARD_KEY, SCREENS_KEY) else number
                )
                for key, inner in value.items()
            }
        if isinstance(value, list):
            return [filled(inner, number) for inner in value]
        return value

    result: dict[str, Any] = filled(data, emergency)
    return result


def resolve_locale(locale: str | None) -> str:
    """The supported locale to answer in: the exact one, the same language, or the default."""
    if locale in SUPPORTED_LOCALES:
        return locale
    language = (locale or "").split("-")[0]
    same = [s for s in SUPPORTED_LOCALES if s.split("-")[0] == language]
    return same[0] if same else DEFAULT_LOCALE


@cache
def content_folder() -> Traversable:
    """skill/content/, the words of every locale (package data, read through importlib)."""
    from importlib.resources import files  # here, not at the top: the cold import reads none

    return files("skill") / "content"


def _read(path: Traversable) -> dict[str, Any]:
    import tomllib  # here, not at the top: the Lambda's cold import reads no content file

    with path.open("rb") as f:
        return tomllib.load(f)


@cache
def locale_settings() -> Mapping[str, LocaleSettings]:
    """Every supported locale's settings from `locales.toml`, which must list exactly them."""
    data = _read(content_folder() / "locales.toml")
    if set(data) != set(SUPPORTED_LOCALES):
        raise ContentError(f"locales.toml lists {sorted(data)}, want {sorted(SUPPORTED_LOCALES)}")
    return MappingProxyType(
        {
            locale: LocaleSettings(
                locale,
                entry["emergency"],
                tuple(entry["countries"]),
                entry.get("card_emergency", entry["emergency"]),
            )
            for locale, entry in ((locale, data[locale]) for locale in SUPPORTED_LOCALES)
        }
    )


@cache
def load_content(locale: str = DEFAULT_LOCALE) -> Content:
    """The content for a locale (falls back as `resolve_locale` says); cached per process."""
    settings = locale_settings()[resolve_locale(locale)]
    data = _read(content_folder() / f"{settings.language}.toml")
    override = content_folder() / f"{settings.locale}.toml"
    if override.is_file():
        data = merge(data, _read(override))
    filled = fill_emergency(data, settings.emergency, settings.card_emergency)
    return parse_content(settings.locale, filled)
