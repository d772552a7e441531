"""The simulator NLU's sample index: every intent's best IDF-weighted overlap with an utterance.

Samples are kept in arrays, grouped by intent, with one posting list (array of sample numbers)
per token. Scoring an utterance sums its tokens' weights into every sample they occur in with
one `numpy.bincount`, turns the sums into weighted F1 scores and takes each intent's best with
`numpy.maximum.reduceat`. Sums are added in the same order, token by token, as a plain loop
over the utterance's tokens would add them, so scores are the same to the last bit, and
intents come out in the order that loop would first meet them (the order ties are broken in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np


class SampleIndex:
    """Token sets of every intent's samples, scored against an utterance all at once."""

    def __init__(self, samples: Iterable[tuple[str, frozenset[str], float, bool]]) -> None:
        """Index (intent, tokens, weight, topical) samples, each intent's samples together."""
        by_intent: dict[str, list[tuple[frozenset[str], float, bool]]] = {}
        for intent, tokens, weight, topical in samples:
            by_intent.setdefault(intent, []).append((tokens, weight, topical))
        self._intents = list(by_intent)
        flat = [sample for group in by_intent.values() for sample in group]
        sizes = [len(group) for group in by_intent.values()]
        self._starts = np.cumsum([0, *sizes[:-1]], dtype=np.intp)
        self._intent_of = np.repeat(np.arange(len(sizes), dtype=np.intp), sizes)
        self._weights = np.array([weight for _, weight, _ in flat], dtype=np.float64)
        self._topical = np.array([topical for _, _, topical in flat], dtype=bool)
        postings: dict[str, list[int]] = {}
        for number, (tokens, _, _) in enumerate(flat):
            for token in tokens:
                postings.setdefault(token, []).append(number)
        self._postings = {t: np.array(ns, dtype=np.intp) for t, ns in postings.items()}

    def best_scores(
        self, weights: Mapping[str, float], u_weight: float, topical: bool
    ) -> dict[str, float]:
        """Each intent's best weighted F1 with an utterance of these token weights (in the
        order given), skipping topical samples unless the utterance is topical; intents no
        sample of which shares a token are left out."""
        hits = [(self._postings[t], w) for t, w in weights.items() if t in self._postings]
        if not hits:
            return {}
        numbers = np.concatenate([p for p, _ in hits])
        overlap = np.bincount(
            numbers,
            weights=np.repeat([w for _, w in hits], [len(p) for p, _ in hits]),
            minlength=len(self._weights),
        )
        eligible = np.zeros(len(self._weights), dtype=bool)
        eligible[numbers] = True
        if not topical:
            eligible &= ~self._topical
        scores = np.where(eligible, 2 * overlap / (u_weight + self._weights), 0.0)
        best = np.maximum.reduceat(scores, self._starts)
        met = self._intent_of[numbers[eligible[numbers]]]
        intents, first = np.unique(met, return_index=True)
        order = intents[np.argsort(first, kind="stable")]
        return {self._intents[i]: float(best[i]) for i in order.tolist()}
