"""The simulator NLU's sample index: IDF-weighted F1 per intent, as the parse scores rely on."""

from __future__ import annotations

import math

import pytest

from skill.simulator.sampleindex import SampleIndex

pytestmark = pytest.mark.unit

SAMPLES = {
    "StretchIntent": [["stretch", "my", "calf"], ["how", "do", "i", "stretch"]],
    "CauseIntent": [["why", "do", "i", "get", "cramp"], ["what", "cause", "cramp"]],
    "HelpIntent": [["help"], ["what", "can", "i", "do"]],
}


@pytest.fixture
def index() -> SampleIndex:
    return SampleIndex(SAMPLES, {"please"}, frozenset({"cramp"}))


def test_an_utterance_equal_to_a_sample_scores_one(index: SampleIndex) -> None:
    assert index.scores(["stretch", "my", "calf"])["StretchIntent"] == pytest.approx(1.0)


def test_each_intent_scores_its_best_sample_by_weighted_f1(index: SampleIndex) -> None:
    idf = {t: math.log(1 + 3 / c) for t, c in {"how": 1, "do": 3, "i": 3, "stretch": 1}.items()}
    utterance = ["how", "do", "i", "stretch", "it"]  # "it": never seen, weighs log(1 + 3)
    u_weight = sum(idf.values()) + math.log(4)
    expected = 2 * sum(idf.values()) / (u_weight + sum(idf.values()))
    assert index.scores(utterance)["StretchIntent"] == pytest.approx(expected)
    assert index.weight(utterance) == pytest.approx(u_weight)


def test_samples_naming_the_topic_only_match_utterances_that_do(index: SampleIndex) -> None:
    off_topic = index.scores(["what", "cause", "it"])
    assert "CauseIntent" not in off_topic
    assert "HelpIntent" in off_topic
    assert "CauseIntent" in index.scores(["what", "cause", "cramp"])


def test_intents_sharing_no_word_are_left_out(index: SampleIndex) -> None:
    assert set(index.scores(["help", "please"])) == {"HelpIntent"}
    assert index.scores(["banana"]) == {}
    assert index.token_weight("please") == pytest.approx(math.log(1 + 3 / 3))
