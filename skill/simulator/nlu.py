"""Alexa-like language understanding built from an interaction model alone.

Utterances and samples are normalised the same way, by the rules of the model's language
(contractions, fillers, accents, Snowball stemming, one-edit spelling fixes); slot values and
synonyms are spotted and replaced by a placeholder for their type; the utterance is then compared
with every sample by IDF-weighted token overlap (weighted F1), each intent scoring its best
sample. Unknown words in a slot position are heard as a value that does not resolve
(ER_SUCCESS_NO_MATCH), and carrier phrases carry over between slot intents ("is it {cause}" also
serves a tip). Out-of-domain requests go to AMAZON.FallbackIntent when the best match is weak, or
when the utterance has words the model has never seen and nothing that names the skill's topic
(words most custom intents share: cramp, leg, calf...). A topic word right after an unknown word
("stomach cramps") or placed in an unknown part ("a cramp in my hand") names something else, and
so does a request naming another part of the body, complaint or subject from the language's
rules ("lower back pain", "period cramps") unless it also names a part of the leg or a warning
sign. A slot value of several content words heard in full ("chest pain", "blood clot") vouches
for the request whatever else is said, so a warning sign is never lost among unknown words.
"""

from __future__ import annotations

import json
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.simulator.domain import Domain
from skill.simulator.sampleindex import SampleIndex
from skill.simulator.spelling import Speller
from skill.simulator.templates import expand_all
from skill.simulator.textnorm import DEFAULT_LANGUAGE, Language, language

FALLBACK = "AMAZON.FallbackIntent"
ER_SUCCESS_MATCH = "ER_SUCCESS_MATCH"
ER_SUCCESS_NO_MATCH = "ER_SUCCESS_NO_MATCH"
BUILTIN_PHRASES = Path(__file__).parent
MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"

# Tuned on the development set in bench/data/dev_en-US.tsv.
MIN_SCORE = 0.58  # below this best similarity the request is out of domain
TOPIC_MIN_INTENTS = 4  # a word used by this many custom intents (and no built-in) names the topic
MIN_PHRASE_WORDS = 2  # a slot value of this many content words, heard in full, vouches for it
MAX_CAPTURE_WORDS = 3  # longest unknown phrase taken as an unresolved slot value
SLOT_PREFERENCE_MARGIN = 0.1  # how far behind an intent taking the heard slot value may score
CAPTURE_PENALTY = 0.9  # an unresolved slot value is a little less convincing than a known one
TRANSFER_PENALTY = 0.9  # a carrier phrase borrowed from another slot type


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


@dataclass(frozen=True)
class _Value:
    type: str
    id: str
    name: str


class NLU:
    """Maps typed utterances to intents and slots the way Alexa would for a given model."""

    def __init__(
        self,
        model: Mapping[str, Any],
        builtin_phrases: Mapping[str, list[str]],
        lang: Language | None = None,
    ) -> None:
        """Index a parsed interaction model plus the built-in intents' native phrasings."""
        self.lang = lang or language(DEFAULT_LANGUAGE)
        words, stem = self.lang.words, self.lang.stem
        lm = model["interactionModel"]["languageModel"]
        self.invocation_name: str = lm["invocationName"]
        self.intent_slots: dict[str, dict[str, str]] = {
            i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in lm["intents"]
        }
        self._vocab: set[str] = set()
        self._values: dict[tuple[str, ...], _Value] = {}
        for slot_type in lm.get("types", []):
            for value in slot_type["values"]:
                name = value["name"]
                target = _Value(slot_type["name"], value.get("id") or name["value"], name["value"])
                for phrase in [name["value"], *name.get("synonyms", [])]:
                    ws = words(phrase)
                    self._vocab.update(ws)
                    self._values.setdefault(tuple(stem(w) for w in ws), target)
        # Custom slot types: unknown words may be heard as their values. A built-in type's
        # values (AMAZON.TIME) are resolved by the caller and passed in as `heard_types`.
        self._custom_types = frozenset(
            t
            for slots in self.intent_slots.values()
            for t in slots.values()
            if not t.startswith("AMAZON.")
        )
        self._max_value_len = max((len(k) for k in self._values), default=0)
        self._value_starts = {k[0] for k in self._values}

        raw: dict[str, list[list[str]]] = defaultdict(list)
        for intent in lm["intents"]:
            samples = list(intent.get("samples", []))
            if intent["name"].startswith("AMAZON."):
                samples += builtin_phrases.get(intent["name"], [])
            for sample in samples:
                ws = words(sample)
                self._vocab.update(w for w in ws if not w.startswith("{"))
                raw[intent["name"]].append(self._sample_stems(intent["name"], ws))
        known_stems = {stem(w) for w in self._vocab} | {
            f"{{{t}}}" for slots in self.intent_slots.values() for t in slots.values()
        }

        custom_df: dict[str, int] = defaultdict(int)
        builtin_tokens: set[str] = set()
        for intent, intent_samples in raw.items():
            tokens = {t for s in intent_samples for t in s}
            if intent.startswith("AMAZON."):
                builtin_tokens |= tokens
            else:
                for token in tokens:
                    custom_df[token] += 1
        generic = {stem(g) for g in self.lang.generic}
        self.topic_words = frozenset(
            t
            for t, c in custom_df.items()
            if c >= TOPIC_MIN_INTENTS
            and t not in builtin_tokens
            and t not in self.lang.stopwords
            and t not in generic
            and not t.startswith("{")
        )

        self._scoring = SampleIndex(raw, {stem(w) for w in self.lang.neutral}, self.topic_words)
        ignorable = self.lang.stopwords | self._scoring.neutral
        self._domain = Domain(self.lang, known_stems, ignorable, self.topic_words)
        self._speller = Speller(self._vocab, self.lang.stopwords)

    @classmethod
    def from_model(cls, model: str | Path | Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> NLU:
        """Build from an interaction model (a path to its JSON file, or the parsed document)
        in a language ("en", "es", or a locale such as "es-MX")."""
        if not isinstance(model, Mapping):
            model = json.loads(Path(model).read_text(encoding="utf-8"))
        rules = language(lang)
        return cls(model, load_builtin_phrases(rules.code), rules)

    @classmethod
    def for_locale(cls, locale: str = "en-US") -> NLU:
        """Build from the project's interaction model for a locale, in its language."""
        return cls.from_model(MODEL_DIR / f"{locale}.json", locale)

    def slot_types(self, intent: str) -> dict[str, str]:
        """Slot names and their types declared on an intent."""
        return dict(self.intent_slots.get(intent, {}))

    def parse(self, text: str) -> Parse:
        """Understand one utterance."""
        return self.ranked(text)[0]

    def ranked(
        self, text: str, heard_types: Iterable[str] = ()
    ) -> tuple[Parse, list[tuple[str, float]]]:
        """Understand one utterance; also every intent considered, with its score, best first.

        `heard_types`: built-in slot types (AMAZON.TIME) whose words the caller took out of
        `text` and resolves itself; each counts as that type's placeholder, as in the samples.
        """
        considered: dict[str, float] = {}
        heard = [w for w in self.lang.words(text) if not w.startswith("{")]
        ws = [self._speller.correct(w) for w in heard]
        stems = [self.lang.stem(w) for w in ws]
        spotted, tokens = self._spot_values(ws, stems)
        tokens += [f"{{{slot_type}}}" for slot_type in heard_types]
        if not tokens:
            return Parse(FALLBACK), []
        candidates = [(tokens, spotted, 1.0)]
        candidates += self._capture_variants(ws, tokens, spotted)
        best: tuple[float, str, dict[str, tuple[str, _Value | None]]] = (0.0, FALLBACK, {})
        for variant, found, factor in candidates:
            scores = self._scoring.scores(variant)
            for name, value in scores.items():
                considered[name] = max(considered.get(name, 0.0), value * factor)
            score, intent = self._choose_intent(scores, found)
            if score * factor > best[0]:
                best = (score * factor, intent, found)
        for score, intent in self._transfer_variants(tokens, spotted):
            considered[intent] = max(considered.get(intent, 0.0), score * TRANSFER_PENALTY)
            if score * TRANSFER_PENALTY > best[0]:
                best = (score * TRANSFER_PENALTY, intent, spotted)
        score, intent, found = best
        ranking = sorted(((n, round(v, 3)) for n, v in considered.items()), key=lambda c: -c[1])
        if (
            not self._named_phrase(intent, found)
            and (score < MIN_SCORE or not self._domain.in_domain(tokens, spotted))
        ) or (not intent.startswith("AMAZON.") and self._domain.names_elsewhere(heard, stems)):
            return Parse(FALLBACK, {}, round(score, 3)), ranking
        slots = {}
        for slot_name, slot_type in self.intent_slots.get(intent, {}).items():
            if slot_type in found:
                heard, value = found[slot_type]
                slots[slot_name] = SlotMatch(
                    name=slot_name,
                    type=slot_type,
                    value=heard,
                    id=value.id if value else None,
                    resolved_name=value.name if value else None,
                )
        return Parse(intent, slots, round(score, 3)), ranking

    def _choose_intent(
        self, scores: Mapping[str, float], found: Mapping[str, Any]
    ) -> tuple[float, str]:
        """The best intent, preferring a close runner-up that takes the slot value heard."""
        if not scores:
            return 0.0, FALLBACK
        intent = max(scores, key=scores.__getitem__)
        takers = [i for i in scores if found.keys() & set(self.intent_slots.get(i, {}).values())]
        if takers and intent not in takers:
            taker = max(takers, key=scores.__getitem__)
            if scores[taker] >= scores[intent] - SLOT_PREFERENCE_MARGIN:
                intent = taker
        return scores[intent], intent

    def _sample_stems(self, intent: str, ws: list[str]) -> list[str]:
        """Normalise a sample: slot references and literal slot values become type placeholders."""
        slot_types = self.intent_slots.get(intent, {})
        plain = [f"{{{slot_types.get(w[1:-1], w[1:-1])}}}" if w.startswith("{") else w for w in ws]
        return self._spot_values(plain, [self.lang.stem(w) for w in plain])[1]

    def _spot_values(
        self, ws: list[str], stems: list[str]
    ) -> tuple[dict[str, tuple[str, _Value | None]], list[str]]:
        """Replace the longest slot-value phrases by type placeholders; return what was found."""
        found: dict[str, tuple[str, _Value | None]] = {}
        out: list[str] = []
        i = 0
        while i < len(stems):
            if stems[i] not in self._value_starts:
                out.append(stems[i])
                i += 1
                continue
            for size in range(min(self._max_value_len, len(stems) - i), 0, -1):
                value = self._values.get(tuple(stems[i : i + size]))
                if value is not None:
                    found.setdefault(value.type, (" ".join(ws[i : i + size]), value))
                    out.append(f"{{{value.type}}}")
                    i += size
                    break
            else:
                out.append(stems[i])
                i += 1
        return found, out

    def _transfer_variants(
        self, tokens: list[str], spotted: Mapping[str, Any]
    ) -> Iterable[tuple[float, str]]:
        """Carrier phrases shared between slot intents: "is it {cause}" also serves a tip.

        The value heard is read as another slot type; if an intent taking that type matches
        best, the intent taking the value's own type is meant.
        """
        if len(spotted) != 1:
            return
        heard_type = next(iter(spotted))
        takers = [i for i, slots in self.intent_slots.items() if heard_type in slots.values()]
        if len(takers) != 1:
            return
        for other in sorted(self._custom_types):
            if other == heard_type:
                continue
            variant = [f"{{{other}}}" if t == f"{{{heard_type}}}" else t for t in tokens]
            scores = self._scoring.scores(variant)
            if scores:
                intent = max(scores, key=scores.__getitem__)
                if other in self.intent_slots[intent].values():
                    yield scores[intent], takers[0]

    def _capture_variants(
        self, ws: list[str], tokens: list[str], spotted: dict[str, tuple[str, _Value | None]]
    ) -> Iterable[tuple[list[str], dict[str, tuple[str, _Value | None]], float]]:
        """Variants reading a run of unknown words as an unresolved value of a slot type."""
        if len(ws) != len(tokens):
            return
        slot_types = sorted(self._custom_types)
        i = 0
        while i < len(tokens):
            j = i
            while j < len(tokens) and self._domain.is_unknown(tokens[j]):
                j += 1
            modifier = j < len(tokens) and tokens[j] in self.topic_words  # "nocturnal cramps"
            if i < j <= i + MAX_CAPTURE_WORDS and not modifier:
                for slot_type in (t for t in slot_types if t not in spotted):
                    variant = [*tokens[:i], f"{{{slot_type}}}", *tokens[j:]]
                    found = {**spotted, slot_type: (" ".join(ws[i:j]), None)}
                    yield variant, found, CAPTURE_PENALTY
            i = max(j, i + 1)

    def _named_phrase(self, intent: str, found: Mapping[str, tuple[str, _Value | None]]) -> bool:
        """A known value of several content words ("chest pain", "blood clot") that the intent
        takes: said in full, it vouches for the request whatever else is said."""
        takes = set(self.intent_slots.get(intent, {}).values())
        return any(
            value is not None
            and kind in takes
            and sum(w not in self.lang.stopwords for w in heard.split()) >= MIN_PHRASE_WORDS
            for kind, (heard, value) in found.items()
        )


def load_builtin_phrases(lang: str = DEFAULT_LANGUAGE) -> dict[str, list[str]]:
    """Native phrasings of Alexa's built-in intents in a language, expanded from their templates."""
    with (BUILTIN_PHRASES / f"builtin_phrases_{lang}.toml").open("rb") as fh:
        data = tomllib.load(fh)
    return {name: expand_all(spec["samples"]) for name, spec in data["intents"].items()}
