"""Spelling repair for typed words: a misspelt word becomes the one known word closest to it."""

from __future__ import annotations

from collections.abc import Iterable

MIN_FUZZY_LEN = 6  # shorter words are never spelling-corrected
LONG_WORD = 9  # words this long may be two edits away from the known word


class Speller:
    """Corrects words against a model's vocabulary, remembering what it has worked out."""

    def __init__(self, vocabulary: Iterable[str], keep: Iterable[str]) -> None:
        """`vocabulary`: the known words; `keep`: words never corrected (stopwords)."""
        self.vocabulary = frozenset(vocabulary)
        self._keep = frozenset(keep)
        self._cache: dict[str, str] = {}

    def correct(self, word: str) -> str:
        """Map a misspelt word to a known word one edit away (two for long words), if unique."""
        if word in self.vocabulary or len(word) < MIN_FUZZY_LEN or word in self._keep:
            return word
        if word not in self._cache:
            limit = 1 if len(word) < LONG_WORD else 2
            near = (
                known
                for known in self.vocabulary
                if known[0] == word[0] and abs(len(known) - len(word)) <= limit
            )
            scored = ((edit_distance(word, known), known) for known in near)
            close = sorted((d, known) for d, known in scored if d <= limit)
            unique = close and (len(close) == 1 or close[0][0] < close[1][0])
            self._cache[word] = close[0][1] if unique else word
        return self._cache[word]


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, transpositions."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]
