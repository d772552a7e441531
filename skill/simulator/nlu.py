"""Alexa-like language understanding learned from an interaction model alone.

As Alexa does, the simulator learns from what the model gives it: the samples of every intent,
the values and synonyms of every slot type, the phrasings Alexa's built-in intents know natively
(`builtin_phrases_<language>.toml`), and for AMAZON.FallbackIntent a shipped set of everyday
off-topic requests (`offtopic_<language>.txt`), since Alexa's Fallback is trained on
out-of-domain requests too. Slot values are spotted from the catalog (the longest value or
synonym, compared by stems) and stand in the text as a placeholder for their type; a linear
classifier (scikit-learn's linear SVM over word and character n-grams of the stems, its scores
calibrated into probabilities) then picks the intent. A request whose best intent is Fallback, or
whose best probability is below `MIN_CONFIDENCE`, goes to Fallback. Words in a slot's place that are
no value of its type are heard without resolving (ER_SUCCESS_NO_MATCH), as on Alexa.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from skill.model.generate import model_path
from skill.model.language import DEFAULT_LANGUAGE, Language, language
from skill.model.templates import expand_all

FALLBACK = "AMAZON.FallbackIntent"
ER_SUCCESS_MATCH = "ER_SUCCESS_MATCH"
ER_SUCCESS_NO_MATCH = "ER_SUCCESS_NO_MATCH"
MIN_CONFIDENCE = 0.3  # tuned on the development sets in bench/data
MAX_CAPTURE_WORDS = 3  # longest run of unknown words heard as a value that does not resolve
CAPTURE = 0.9  # a reading with words taken as an unresolved value is a little less convincing
REGULARISATION = 1.0  # the classifier's C: higher fits the samples more closely
WORDS, LETTERS = (1, 2), (3, 5)  # n-grams of stems, and of their letters (unseen words, typos)


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


@dataclass(frozen=True)
class _Reading:
    """An utterance as the classifier sees it: stems, with each spotted value a placeholder."""

    words: list[str]  # the words heard
    tokens: list[str]  # stems and `{Type}` placeholders
    spans: list[tuple[int, int]]  # which words each token stands for
    found: dict[str, tuple[str, _Value]]  # slot type -> (words heard, the value)


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
        self.intent_slots: dict[str, dict[str, str]] = {
            i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in lm["intents"]
        }
        self._values: dict[tuple[str, ...], list[_Value]] = {}
        for slot_type in lm.get("types", []):
            for value in slot_type["values"]:
                name = value["name"]
                target = _Value(slot_type["name"], value.get("id") or name["value"], name["value"])
                for phrase in [name["value"], *name.get("synonyms", [])]:
                    kinds = self._values.setdefault(tuple(self.lang.stems(phrase)), [])
                    if all(v.type != target.type for v in kinds):
                        kinds.append(target)
        self._longest = max(map(len, self._values), default=0)
        texts, labels = [], []
        for intent in lm["intents"]:
            name = intent["name"]
            for sample in [*intent.get("samples", []), *builtin_phrases.get(name, [])]:
                texts.append(" ".join(self._read(self._typed(name, sample)).tokens))
                labels.append(name)
        self._known = {t for text in texts for t in text.split()} | {
            s for k in self._values for s in k
        }
        self._slot_types = sorted(
            {t for slots in self.intent_slots.values() for t in slots.values()}
        )
        for line in offtopic:
            texts.append(" ".join(self._read(line).tokens))
            labels.append(FALLBACK)
        self._classifier = _Classifier(texts, labels)

    @classmethod
    def from_model(cls, model: str | Path | Mapping[str, Any], lang: str = DEFAULT_LANGUAGE) -> NLU:
        """Build from an interaction model (a path to its JSON file, or the parsed document)
        in a language ("en", "es", or a locale such as "es-MX")."""
        if not isinstance(model, Mapping):
            model = json.loads(Path(model).read_text(encoding="utf-8"))
        rules = language(lang)
        return cls(model, load_builtin_phrases(rules.code), rules, load_offtopic(rules.code))

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

    def ranked(self, text: str) -> tuple[Parse, list[tuple[str, float]]]:
        """Understand one utterance; also every intent considered, with its score, best first.

        Besides the words as heard, each run of words the model has never seen is also read as a
        value of each slot type ("should i take {Remedy} for cramps"): when the words as heard are
        in domain, the best reading wins, a little less convinced, if its intent takes that slot.
        """
        reading = self._read(text)
        if not reading.tokens:
            return Parse(FALLBACK), []
        readings = [(reading.tokens, None, 1.0), *self._captures(reading)]
        rows = self._classifier.probabilities([" ".join(tokens) for tokens, _, _ in readings])
        best = (
            float(rows[0].max()),
            self._classifier.classes[int(rows[0].argmax())],
            None,
            rows[0],
        )
        for (_, capture, factor), row in zip(readings[1:], rows[1:], strict=True):
            intent = self._classifier.classes[int(row.argmax())]
            takes = capture is not None and capture[0] in self.intent_slots.get(intent, {}).values()
            if best[1] != FALLBACK and takes and row.max() * factor > best[0]:
                best = (float(row.max() * factor), intent, capture, row)
        score, intent, capture, row = round(best[0], 3), best[1], best[2], best[3]
        scores = sorted(zip(self._classifier.classes, row, strict=True), key=lambda c: -c[1])
        ranking = [(name, round(float(p), 3)) for name, p in scores if name != FALLBACK][:5]
        if intent == FALLBACK or score < MIN_CONFIDENCE:
            return Parse(FALLBACK, {}, score), ranking
        return Parse(intent, self._slots(intent, reading, capture), score), ranking

    def _captures(self, reading: _Reading) -> list[tuple[list[str], tuple[str, str] | None, float]]:
        """Readings with one run of unknown words taken as a value of a slot type not heard."""
        tokens, out = reading.tokens, []
        unknown = [t not in self._known and t not in self.lang.stopwords for t in tokens]
        if all(unknown):  # nothing the model knows: no slot to put the words in
            return out
        i = 0
        while i < len(tokens):
            j = i
            while j < len(tokens) and unknown[j]:
                j += 1
            if 0 < j - i <= MAX_CAPTURE_WORDS:
                heard = " ".join(reading.words[reading.spans[i][0] : reading.spans[j - 1][1]])
                for kind in (k for k in self._slot_types if k not in reading.found):
                    out.append(([*tokens[:i], f"{{{kind}}}", *tokens[j:]], (kind, heard), CAPTURE))
            i = j + 1
        return out

    def _typed(self, intent: str, sample: str) -> str:
        """A sample with each `{slot}` reference written as its type, `{Type}`."""
        slots = self.intent_slots.get(intent, {})
        return " ".join(
            f"{{{slots.get(w[1:-1], w[1:-1])}}}" if w.startswith("{") else w for w in sample.split()
        )

    def _read(self, text: str) -> _Reading:
        """Stem the words and put a placeholder for each longest slot value found."""
        words = self.lang.words(text)
        stems = [self.lang.stem(w) for w in words]
        reading = _Reading(words, [], [], {})
        i = 0
        while i < len(stems):
            size, values = next(
                (
                    (n, self._values[tuple(stems[i : i + n])])
                    for n in range(min(self._longest, len(stems) - i), 0, -1)
                    if tuple(stems[i : i + n]) in self._values
                ),
                (1, []),
            )
            heard = " ".join(words[i : i + size])
            for value in values:
                reading.found.setdefault(value.type, (heard, value))
            for token in [f"{{{v.type}}}" for v in values] or [stems[i]]:
                reading.tokens.append(token)
                reading.spans.append((i, i + size))
            i += size
        return reading

    def _slots(
        self, intent: str, reading: _Reading, capture: tuple[str, str] | None
    ) -> dict[str, SlotMatch]:
        """The intent's slots: the values spotted for their types, and the words captured."""
        slots = {}
        for name, kind in self.intent_slots.get(intent, {}).items():
            if kind in reading.found:
                heard, value = reading.found[kind]
                slots[name] = SlotMatch(name, kind, heard, value.id, value.name)
            elif capture is not None and capture[0] == kind:
                slots[name] = SlotMatch(name, kind, capture[1])
        return slots


class _Classifier:
    """A linear SVM over the word and character n-grams of stemmed texts, its scores calibrated
    into probabilities (Platt scaling on three folds); scikit-learn fits it, and a parse is one
    sparse product (the fitted pipeline's own `predict_proba` costs a millisecond more)."""

    def __init__(self, texts: list[str], labels: list[str]) -> None:
        """Fit on the texts (stems and placeholders, space-separated) and their intents."""
        from scipy.sparse import hstack
        from sklearn import config_context
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        self._hstack, self._config = hstack, config_context
        self._features = [
            TfidfVectorizer(token_pattern=r"\S+", ngram_range=WORDS, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=LETTERS, sublinear_tf=True, min_df=2),
        ]
        matrix = hstack([f.fit_transform(texts) for f in self._features]).tocsr()
        svm = LinearSVC(C=REGULARISATION)
        fitted = CalibratedClassifierCV(svm, cv=3, ensemble=False).fit(matrix, labels)
        calibrated = fitted.calibrated_classifiers_[0]
        self.classes = [str(c) for c in fitted.classes_]
        self._weights = calibrated.estimator.coef_.T.copy()
        self._bias = calibrated.estimator.intercept_
        self._slope = np.array([c.a_ for c in calibrated.calibrators])
        self._offset = np.array([c.b_ for c in calibrated.calibrators])

    def probabilities(self, texts: list[str]) -> Any:
        """Each class's probability (columns, in the order of `classes`) for each text (rows)."""
        with self._config(assume_finite=True, skip_parameter_validation=True):
            rows = self._hstack([f.transform(texts) for f in self._features]).tocsr()
        margins = np.asarray(rows @ self._weights) + self._bias
        sigmoid = 1.0 / (1.0 + np.exp(self._slope * margins + self._offset))
        return sigmoid / sigmoid.sum(axis=1, keepdims=True)


def load_builtin_phrases(lang: str = DEFAULT_LANGUAGE) -> dict[str, list[str]]:
    """Native phrasings of Alexa's built-in intents in a language, expanded from their templates."""
    text = resources.files(__package__).joinpath(f"builtin_phrases_{lang}.toml").read_text("utf-8")
    return {
        name: expand_all(spec["samples"]) for name, spec in tomllib.loads(text)["intents"].items()
    }


def load_offtopic(lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The shipped everyday off-topic requests in a language, Fallback's training set."""
    text = resources.files(__package__).joinpath(f"offtopic_{lang}.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
