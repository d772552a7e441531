"""Alexa-like language understanding learned from an interaction model alone.

As Alexa does, the simulator learns only from what the model gives it: every intent's samples,
every slot type's values and synonyms, the phrasings Alexa's built-in intents know natively
(`builtin_phrases_<language>.toml`) and, for AMAZON.FallbackIntent, a shipped set of everyday
off-topic requests (`offtopic_<language>.txt`), since Alexa's Fallback learns from out-of-domain
requests too. Slot values are spotted from the catalog (the longest value or synonym, by stems)
and stand as a placeholder for their type; a classifier (`classifier.py`) then gives each intent a
probability. Fallback wins when it is the likeliest, or when nothing reaches `MIN_CONFIDENCE`.
Words the model never saw, where a slot could be, are heard without resolving (ER_SUCCESS_NO_MATCH).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from skill.model.generate import model_path
from skill.model.language import DEFAULT_LANGUAGE, Language, language
from skill.model.templates import expand_all
from skill.simulator.classifier import Classifier

FALLBACK = "AMAZON.FallbackIntent"
ER_SUCCESS_MATCH = "ER_SUCCESS_MATCH"
ER_SUCCESS_NO_MATCH = "ER_SUCCESS_NO_MATCH"
MIN_CONFIDENCE = 0.3  # tuned on the development sets in bench/data
MAX_CAPTURE_WORDS = 3  # longest run of unknown words heard as a value that does not resolve
CAPTURE = 0.9  # a reading with words taken as an unresolved value is a little less convincing


@dataclass(frozen=True)
class SlotMatch:
    """A filled slot: the words heard and how entity resolution resolved them."""

    name: str
    type: str
    value: str
    id: str | None = None
    resolved_name: str | None = None

    @property
    def status(self) -> str:
        """Entity-resolution status code, as Alexa reports it."""
        return ER_SUCCESS_MATCH if self.id is not None else ER_SUCCESS_NO_MATCH


@dataclass(frozen=True)
class Parse:
    """What the NLU understood: an intent, its filled slots and a confidence score."""

    intent: str
    slots: dict[str, SlotMatch] = field(default_factory=dict)
    score: float = 0.0


class _Value(NamedTuple):
    type: str
    id: str
    name: str


@dataclass(frozen=True)
class _Reading:
    """An utterance as the classifier sees it: stems, with each spotted value a placeholder."""

    words: list[str]  # the words heard
    said: list[str]  # for each, the word as said ("can't" for "can" and "not")
    tokens: list[str]  # stems and `{Type}` placeholders
    spans: list[tuple[int, int]]  # the words each token stands for
    found: dict[str, list[tuple[str, _Value]]]  # slot type -> (words heard, value), as said

    def said_in(self, first: int, last: int) -> str:
        """The words as said from word `first` up to `last` (a contraction once)."""
        said = self.said[first:last]
        return " ".join(w for k, w in enumerate(said) if k == 0 or w != said[k - 1])


Capture = tuple[str, str]  # (slot type, the words heard as its value)


class NLU:
    """Maps typed utterances to intents and slots the way Alexa would for a given model."""

    def __init__(
        self,
        model: Mapping[str, Any],
        builtin_phrases: Mapping[str, list[str]],
        lang: Language | None = None,
        offtopic: Iterable[str] = (),
    ) -> None:
        """Learn a parsed interaction model, the built-ins' phrasings and off-topic requests."""
        self.lang = lang or language(DEFAULT_LANGUAGE)
        lm = model["interactionModel"]["languageModel"]
        self.invocation_name: str = lm["invocationName"]
        self.intent_slots = {
            i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in lm["intents"]
        }
        self._values: dict[tuple[str, ...], list[_Value]] = {}
        for kind in lm.get("types", []):
            for value in kind["values"]:
                target = _Value(kind["name"], value["id"], value["name"]["value"])
                for phrase in [target.name, *value["name"].get("synonyms", [])]:
                    found = self._values.setdefault(tuple(self.lang.stems(phrase)), [])
                    found += [] if any(v.type == target.type for v in found) else [target]
        self._longest = max(map(len, self._values), default=0)
        texts, labels = [], []
        for intent in lm["intents"]:
            slots = self.intent_slots[intent["name"]]
            for sample in [*intent.get("samples", []), *builtin_phrases.get(intent["name"], [])]:
                typed = " ".join(
                    placeholder(slots[w[1:-1]]) if w[0] == "{" else w for w in sample.split()
                )
                texts.append(" ".join(self._read(typed).tokens))
                labels.append(intent["name"])
        self._known = {t for text in texts for t in text.split()} | {
            s for k in self._values for s in k
        }
        # Catalog types only: Alexa's built-in types (AMAZON.TIME) are resolved by the caller.
        self._types = sorted(
            {t for slots in self.intent_slots.values() for t in slots.values() if "." not in t}
        )
        texts += [" ".join(self._read(line).tokens) for line in offtopic]
        labels += [FALLBACK] * (len(texts) - len(labels))
        self._classifier = Classifier(texts, labels)

    @classmethod
    def from_model(cls, model: str | Path | Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> NLU:
        """Build from an interaction model (its JSON file's path, or the parsed document) in a
        language ("en", "es", or a locale such as "es-MX")."""
        document = (
            model if isinstance(model, Mapping) else json.loads(Path(model).read_text("utf-8"))
        )
        rules = language(lang)
        return cls(document, load_builtin_phrases(rules.code), rules, load_offtopic(rules.code))

    @classmethod
    def for_locale(cls, locale: str = "en-US") -> NLU:
        """Build from the project's interaction model for a locale, in its language."""
        return cls.from_model(model_path(locale), locale)

    def slot_types(self, intent: str) -> dict[str, str]:
        """Slot names and their types declared on an intent."""
        return dict(self.intent_slots.get(intent, {}))

    def parse(self, text: str) -> Parse:
        """Understand one utterance."""
        return self.ranked(text)[0]

    def ranked(
        self, text: str, heard_types: Iterable[str] = ()
    ) -> tuple[Parse, list[tuple[str, float]]]:
        """Understand one utterance; also the intents considered, with their scores, best first.

        `heard_types`: built-in slot types (AMAZON.TIME) whose words the caller took out of
        `text` and resolves itself; each stands in the text as its placeholder.

        Each run of words the model never saw is also read as a value of each slot type the
        intent takes ("should i take {Remedy} for cramps"): such a reading of the same intent,
        a little less convinced, fills the slot with the words when it is the likelier. (Letting
        it change the intent lost more than it won on the development sets.)
        """
        reading = self._read(text)
        reading.tokens.extend(placeholder(kind) for kind in heard_types)
        reading.spans.extend((len(reading.words), len(reading.words)) for _ in heard_types)
        if not reading.tokens:
            return Parse(FALLBACK), []
        readings = [(reading.tokens, None), *self._captures(reading)]
        rows = self._classifier.probabilities([" ".join(tokens) for tokens, _ in readings])
        classes = self._classifier.classes
        score, intent, capture, row = float(rows[0].max()), classes[rows[0].argmax()], None, rows[0]
        for (_, heard), other in zip(readings[1:], rows[1:], strict=True):
            takes = heard is not None and heard[0] in self.intent_slots.get(intent, {}).values()
            if takes and classes[other.argmax()] == intent and other.max() * CAPTURE > score:
                score, capture, row = float(other.max() * CAPTURE), heard, other
        ranking = sorted(
            ((c, round(float(p), 3)) for c, p in zip(classes, row, strict=True)),
            key=lambda c: -c[1],
        )
        ranking = [c for c in ranking if c[0] != FALLBACK][:5]
        if intent == FALLBACK or score < MIN_CONFIDENCE:
            return Parse(FALLBACK, {}, round(score, 3)), ranking
        return Parse(intent, self._slots(intent, reading, capture), round(score, 3)), ranking

    def _read(self, text: str) -> _Reading:
        """Stem the words and put a placeholder for each longest slot value found."""
        pairs = self.lang.heard(text)
        words = [word for word, _ in pairs]
        stems = [self.lang.stem(w) for w in words]
        reading, i = _Reading(words, [said for _, said in pairs], [], [], {}), 0
        while i < len(stems):
            sizes = range(min(self._longest, len(stems) - i), 0, -1)
            size = next((n for n in sizes if tuple(stems[i : i + n]) in self._values), 1)
            values = self._values.get(tuple(stems[i : i + size]), [])
            for value in values:
                reading.found.setdefault(value.type, []).append(
                    (reading.said_in(i, i + size), value)
                )
            for token in [placeholder(v.type) for v in values] or [stems[i]]:
                reading.tokens.append(token)
                reading.spans.append((i, i + size))
            i += size
        return reading

    def _captures(self, reading: _Reading) -> list[tuple[list[str], Capture]]:
        """Readings with one run of unknown words as a value of a slot type not heard."""
        tokens, out = reading.tokens, []
        unknown = [t not in self._known and t not in self.lang.stopwords for t in tokens]
        i = 0
        while i < len(tokens) and not all(unknown):  # all unknown: no slot to put words in
            j = i
            while j < len(tokens) and unknown[j]:
                j += 1
            if 0 < j - i <= MAX_CAPTURE_WORDS:
                heard = reading.said_in(reading.spans[i][0], reading.spans[j - 1][1])
                for kind in (k for k in self._types if k not in reading.found):
                    out.append(([*tokens[:i], placeholder(kind), *tokens[j:]], (kind, heard)))
            i = j + 1
        return out

    def _slots(
        self, intent: str, reading: _Reading, capture: Capture | None
    ) -> dict[str, SlotMatch]:
        """The intent's slots: the values spotted for their types, in the order said (an intent
        with two slots of one type, such as a symptom and another, gets both), and the words
        captured."""
        slots, spotted = {}, {kind: list(values) for kind, values in reading.found.items()}
        for name, kind in self.intent_slots.get(intent, {}).items():
            if spotted.get(kind):
                heard, value = spotted[kind].pop(0)
                slots[name] = SlotMatch(name, kind, heard, value.id, value.name)
            elif capture is not None and capture[0] == kind:
                slots[name] = SlotMatch(name, kind, capture[1])
        return slots


def placeholder(slot_type: str) -> str:
    """How a slot type stands in a text: `{CrampCause}`, `{AMAZON_TIME}`."""
    return "{" + slot_type.replace(".", "_") + "}"


def load_builtin_phrases(lang: str = DEFAULT_LANGUAGE) -> dict[str, list[str]]:
    """Native phrasings of Alexa's built-in intents in a language, expanded from their templates."""
    text = resources.files(__package__).joinpath(f"builtin_phrases_{lang}.toml").read_text("utf-8")
    return {n: expand_all(spec["samples"]) for n, spec in tomllib.loads(text)["intents"].items()}


def load_offtopic(lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The shipped everyday off-topic requests in a language, Fallback's training set."""
    text = resources.files(__package__).joinpath(f"offtopic_{lang}.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]
