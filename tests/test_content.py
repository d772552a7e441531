"""The words: well formed and fit for the ear (the article's facts: tests/test_sources.py)."""

from __future__ import annotations

import re

import pytest

from skill.content import (
    CAUSE_IDS,
    TIP_IDS,
    ContentError,
    load_content,
    parse_content,
    resolve_locale,
)

pytestmark = pytest.mark.unit

content = load_content("en-US")
ITEMS = [*content.causes, *content.tips, *content.topics.values()]
WORDS_PER_SECOND = 2.6  # a calm Alexa voice speaks about 150 to 160 words a minute


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]


def test_causes_and_tips_come_in_a_fixed_order():
    assert [c.id for c in content.causes] == list(CAUSE_IDS)
    assert [t.id for t in content.tips] == list(TIP_IDS)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: f"{i.kind}.{i.id}")
def test_summaries_are_short_enough_to_hear(item):
    assert 1 <= len(sentences(item.summary)) <= 3
    assert len(item.summary.split()) / WORDS_PER_SECOND <= 20
    assert item.detail != item.summary
    assert item.card and item.name


def test_relief_risk_doctor_and_urgent_facts():
    topics = content.topics
    assert "toes" in topics["RELIEF"].summary and "something steady" in topics["RELIEF"].summary
    risk = topics["RISK"].summary.lower()
    assert all(w in risk for w in ("pregnant", "older", "flat feet", "thirsty"))
    doctor = topics["DOCTOR"].summary
    assert "keep coming back" in doctor and "more than about ten minutes" in doctor
    assert "numbness or weakness" in doctor
    urgent = topics["URGENT"].summary
    assert urgent.startswith("Please seek medical care now")
    assert "swollen, warm or red, or pain that stays after the cramp has gone" in urgent
    assert "chest pain" in urgent and "call 911 now" in urgent


def test_no_cure_or_diagnosis_claims():
    words = " ".join(text for _, text in content.spoken_texts()).lower()
    for claim in ("cure", "guarantee", "diagnos", "you have a ", "you definitely"):
        assert claim not in words


def test_disclaimer_in_welcome_and_cards():
    assert content.disclaimer == "This is general information, not medical advice."
    assert content.disclaimer in content.prompt("welcome")
    assert content.card_text("x").endswith(content.disclaimer)


def test_spoken_texts_have_unique_ids_and_cover_everything():
    texts = dict(content.spoken_texts())
    assert len(texts) == len(list(content.spoken_texts()))
    assert texts["cause.COLD.detail"] == content.item("cause", "COLD").detail
    assert texts["prompt.welcome"] == content.prompt("welcome")
    steps = sum(len(r.steps) for r in content.routines.values())
    assert len(texts) == 2 * len(ITEMS) + len(content.prompts) + steps
    assert texts["routine.RELIEF.1"] == content.routines["RELIEF"].steps[0].say


def test_unknown_locales_fall_back():
    assert resolve_locale("en-GB") == "en-GB"
    assert resolve_locale("en-NZ") == "en-US"
    assert resolve_locale("de-DE") == "en-US"
    assert resolve_locale(None) == "en-US"
    assert load_content("fr-FR").locale == "en-US"


def test_a_broken_content_file_is_refused_clearly():
    with pytest.raises(ContentError, match="prompts"):
        parse_content("xx-XX", {"prompts": {"welcome": "hi"}})
    good = {
        "skill_name": "x",
        "disclaimer": "d",
        "prompts": dict(content.prompts),
        "cards": dict(content.cards),
        "causes": {"FATIGUE": {}},
    }
    with pytest.raises(ContentError, match="cause ids"):
        parse_content("xx-XX", good)
