"""The classifier's hand-written arithmetic gives what scikit-learn's own pipeline gives."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC

from skill.simulator.classifier import LETTERS, REGULARISATION, WORDS, Classifier

pytestmark = pytest.mark.unit

TEXTS = {
    "causes": ["why do leg cramp at night", "what caus cramp", "why my calf cramp", "reason cramp"],
    "relief": ["cramp now what do", "how stop cramp now", "ease this cramp", "help cramp now"],
    "fallback": ["play music", "what time is it", "weather tomorrow", "tell a joke"],
}
UNSEEN = ["why do my calves cramp", "cramp now help", "zzz", "", "music music music cramp"]


def test_the_probabilities_are_the_fitted_pipelines() -> None:
    texts = [t for group in TEXTS.values() for t in group]
    labels = [label for label, group in TEXTS.items() for _ in group]
    pipeline = make_pipeline(
        make_union(
            TfidfVectorizer(token_pattern=r"\S+", ngram_range=WORDS, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=LETTERS, sublinear_tf=True, min_df=2),
        ),
        CalibratedClassifierCV(LinearSVC(C=REGULARISATION, random_state=0), cv=3, ensemble=False),
    ).fit(texts, labels)
    ours = Classifier(texts, labels)
    assert ours.classes == list(pipeline.classes_)
    np.testing.assert_allclose(ours.probabilities(UNSEEN), pipeline.predict_proba(UNSEEN))
