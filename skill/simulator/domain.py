"""Whether an utterance is about the skill's topic: the words the model knows, and where they stand.

Alexa sends AMAZON.FallbackIntent for requests outside the model; the simulator decides it from
the words: unknown words need a word naming the topic nearby, a topic word placed in an unknown
body part or modified by an unknown word is about something else, and a request naming another
part of the body or complaint falls back unless it names the leg or a warning sign.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from skill.simulator.textnorm import Language

MAX_UNKNOWN_WITH_VALUE = 0  # unknown words a slot value alone can vouch for
PLACE_WINDOW = 3  # "cramp in my hand": where a topic word happens, looked at this far ahead


class Domain:
    """The topic checks of one language model."""

    def __init__(
        self,
        lang: Language,
        known_stems: Iterable[str],
        ignorable: Iterable[str],
        topic_words: frozenset[str],
    ) -> None:
        """The model's known word stems, the words that never count (stopwords, neutral
        words) and the words naming the topic."""
        self.lang = lang
        self._known = frozenset(known_stems)
        self._ignorable = frozenset(ignorable)
        self.topic_words = topic_words
        self._elsewhere = {tuple(lang.stem(w) for w in p) for p in lang.elsewhere}
        self._anchors = {lang.stem(w) for w in lang.anchors}

    def in_domain(self, tokens: list[str], spotted: Mapping[str, Any]) -> bool:
        """Unknown words need a word naming the topic nearby; a slot value alone excuses one.

        A topic word next to an unknown word where the language puts modifiers is about something
        else ("stomach cramps", "restless legs", "calambres menstruales"), so it does not count.
        """
        unknown = [self.is_unknown(t) for t in tokens]
        if not any(unknown):
            return True
        if any(
            t in self.topic_words
            and not self._modified(unknown, i)
            and not self._placed(tokens, i)
            and not self._place_of_unknown(tokens, unknown, i)
            for i, t in enumerate(tokens)
        ):
            return True
        return bool(spotted) and sum(unknown) <= MAX_UNKNOWN_WITH_VALUE

    def _modified(self, unknown: list[bool], i: int) -> bool:
        """An unknown word where the language puts a modifier: "stomach cramps", "calambres
        menstruales"."""
        return any(0 <= i + k < len(unknown) and unknown[i + k] for k in self.lang.modifier_offsets)

    def _place_of_unknown(self, tokens: list[str], unknown: list[bool], i: int) -> bool:
        """A topic word that is where something unknown is: "un moretón en la pierna"."""
        j = i - 1
        while j >= 0 and tokens[j] in self.lang.determiners:
            j -= 1
        return j >= 1 and tokens[j] in self.lang.thing_places and unknown[j - 1]

    def names_elsewhere(self, heard: list[str], stems: list[str]) -> bool:
        """Another part of the body or another complaint ("period cramps", "my back"), and no part
        of the leg or warning sign."""
        if self._anchors.intersection(stems):
            return False
        said = [self.lang.stem(w) for w in heard]
        return any(
            tuple(said[i : i + len(phrase)]) == phrase
            for phrase in self._elsewhere
            for i in range(len(said) - len(phrase) + 1)
        )

    def _placed(self, tokens: list[str], i: int) -> bool:
        """A topic word placed somewhere the model does not know: "a cramp in my hand"."""
        window = tokens[i + 1 : i + 1 + PLACE_WINDOW]
        rest = [t for t in window if t not in self.lang.determiners]
        return len(rest) >= 2 and rest[0] in self.lang.place_words and self.is_unknown(rest[1])

    def is_unknown(self, token: str) -> bool:
        """A content word the model has never seen."""
        return token not in self._known and token not in self._ignorable
