"""The simulator NLU's scoring: each intent's best IDF-weighted overlap with an utterance.

Words weigh their inverse document frequency over intents. Samples are kept in arrays, grouped
by intent, with one posting list (array of sample numbers) per token. Scoring an utterance sums
its tokens' weights into every sample they occur in with one `numpy.bincount`, turns the sums
into weighted F1 scores and takes each intent's best with `numpy.maximum.reduceat`. Sums are
added in the utterance's word order and a sample's weight in sorted token order, so a score
does not depend on Python's hash seed, and intents come out in the order a plain loop over the
utterance's words would first meet them (the order ties between intents are broken in).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np


class SampleIndex:
    """Every intent's distinct sample token sets, weighted and scored all at once."""

    def __init__(
        self,
        samples: Mapping[str, list[list[str]]],
        neutral: Iterable[str],
        topic_words: frozenset[str],
    ) -> None:
        """Index each intent's samples (token lists) given the words that weigh like the
        commonest (`neutral`) and the words naming the topic."""
        df: dict[str, int] = {}
        for intent_samples in samples.values():
            for token in {t for s in intent_samples for t in s}:
                df[token] = df.get(token, 0) + 1
        n = len(samples)
        self._idf = {t: math.log(1 + n / c) for t, c in df.items()}
        self._unknown_weight = math.log(1 + n)
        self.neutral = frozenset(neutral) - set(df)
        self._neutral_weight = min(self._idf.values(), default=0.0)
        self.topic_words = topic_words

        by_intent: dict[str, list[frozenset[str]]] = {}
        for intent, intent_samples in samples.items():
            distinct = dict.fromkeys(frozenset(s) for s in intent_samples if s)
            if distinct:
                by_intent[intent] = list(distinct)
        self._intents = list(by_intent)
        flat = [tokens for group in by_intent.values() for tokens in group]
        sizes = [len(group) for group in by_intent.values()]
        self._starts = np.cumsum([0, *sizes[:-1]], dtype=np.intp)
        self._intent_of = np.repeat(np.arange(len(sizes), dtype=np.intp), sizes)
        self._weights = np.array([self.weight(sorted(t)) for t in flat], dtype=np.float64)
        self._topical = np.array([bool(tokens & topic_words) for tokens in flat], dtype=bool)
        postings: dict[str, list[int]] = {}
        for number, tokens in enumerate(flat):
            for token in tokens:
                postings.setdefault(token, []).append(number)
        self._postings = {t: np.array(ns, dtype=np.intp) for t, ns in postings.items()}

    def weight(self, tokens: Iterable[str]) -> float:
        """Sum of IDF weights; unseen words weigh as much as the rarest known ones."""
        return sum(self.token_weight(t) for t in tokens)

    def token_weight(self, token: str) -> float:
        """IDF over intents; unseen words weigh like the rarest, neutral ones like the commonest."""
        if token in self._idf:
            return self._idf[token]
        return self._neutral_weight if token in self.neutral else self._unknown_weight

    def scores(self, tokens: Iterable[str]) -> dict[str, float]:
        """Each intent's best similarity (IDF-weighted F1 of token overlap) to the utterance;
        topical samples only count for a topical utterance, and intents none of whose samples
        share a token are left out."""
        utterance = dict.fromkeys(tokens)  # distinct words in the order said: no hash-seed order
        weights = {t: self.token_weight(t) for t in utterance}
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
        if self.topic_words.isdisjoint(utterance):
            eligible &= ~self._topical
        u_weight = sum(weights.values())
        scores = np.where(eligible, 2 * overlap / (u_weight + self._weights), 0.0)
        best = np.maximum.reduceat(scores, self._starts)
        met = self._intent_of[numbers[eligible[numbers]]]
        intents, first = np.unique(met, return_index=True)
        order = intents[np.argsort(first, kind="stable")]
        return {self._intents[i]: float(best[i]) for i in order.tolist()}
