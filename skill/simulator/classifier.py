"""The simulator NLU's intent classifier: scikit-learn fits it, numpy applies it.

A linear SVM over the word and letter n-grams of stemmed texts (TF-IDF), its scores calibrated into
probabilities (Platt scaling on three folds). A parse is then one sparse product; the fitted
pipeline's own `predict_proba` would cost a millisecond more per utterance.
"""

from __future__ import annotations

from typing import Any

import numpy as np

REGULARISATION = 1.0  # the SVM's C: higher fits the samples more closely
WORDS, LETTERS = (1, 2), (3, 5)  # n-grams of stems, and of their letters (unseen words, typos)


class Classifier:
    """Probabilities of each intent for a text of stems and `{Type}` placeholders."""

    def __init__(self, texts: list[str], labels: list[str]) -> None:
        """Fit on the texts and their intents."""
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
