"""The simulator NLU's intent classifier: scikit-learn fits it, numpy applies it.

A linear SVM over the word and letter n-grams of stemmed texts (TF-IDF), its scores calibrated into
probabilities (Platt scaling on three folds). A parse then counts a text's n-grams, weights them
as the fitted TF-IDF does and sums their rows of the weights: the fitted pipeline's own
`transform` and `predict_proba` build and check sparse matrices at every call, several times
what the arithmetic costs.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

REGULARISATION = 1.0  # the SVM's C: higher fits the samples more closely
WORDS, LETTERS = (1, 2), (3, 5)  # n-grams of stems, and of their letters (unseen words, typos)


class Classifier:
    """Probabilities of each intent for a text of stems and `{Type}` placeholders."""

    def __init__(self, texts: list[str], labels: list[str]) -> None:
        """Fit on the texts and their intents."""
        from scipy.sparse import hstack
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        features = [
            TfidfVectorizer(token_pattern=r"\S+", ngram_range=WORDS, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=LETTERS, sublinear_tf=True, min_df=2),
        ]
        matrix = hstack([f.fit_transform(texts) for f in features]).tocsr()
        offsets = np.cumsum([0, *(len(f.vocabulary_) for f in features)])
        self._blocks = [
            (f.build_analyzer(), f.vocabulary_, f.idf_, int(offset))
            for f, offset in zip(features, offsets[:-1], strict=True)
        ]
        svm = LinearSVC(C=REGULARISATION, random_state=0)  # liblinear shuffles: same fit each run
        fitted = CalibratedClassifierCV(svm, cv=3, ensemble=False).fit(matrix, labels)
        calibrated = fitted.calibrated_classifiers_[0]
        self.classes = [str(c) for c in fitted.classes_]
        self._weights = calibrated.estimator.coef_.T.copy()
        self._bias = calibrated.estimator.intercept_
        self._slope = np.array([c.a_ for c in calibrated.calibrators])
        self._offset = np.array([c.b_ for c in calibrated.calibrators])

    def probabilities(self, texts: list[str]) -> Any:
        """Each class's probability (columns, in the order of `classes`) for each text (rows)."""
        margins = np.tile(self._bias, (len(texts), 1))
        for row, text in enumerate(texts):
            for analyze, vocabulary, idf, offset in self._blocks:
                counts = Counter(vocabulary[g] for g in analyze(text) if g in vocabulary)
                if counts:  # TF-IDF as fitted: 1 + log(tf), times idf, the block's row l2
                    at = np.fromiter(counts, dtype=np.intp, count=len(counts))
                    tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
                    weights = (1.0 + np.log(tf)) * idf[at]
                    margins[row] += weights @ self._weights[at + offset] / np.linalg.norm(weights)
        sigmoid = 1.0 / (1.0 + np.exp(self._slope * margins + self._offset))
        return sigmoid / sigmoid.sum(axis=1, keepdims=True)
