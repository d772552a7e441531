"""One breath (issue 16): every answer but the guided stretch fits in about twenty seconds.

At most 55 spoken words in English and 60 in Spanish, each digit counted as a word ("911" is
three), for the whole response a listener hears: lead-ins, the answer and the question after
it. Every response the handlers can produce is walked (tests/response_walk.py), every locale.
"""

from __future__ import annotations

import pytest
from conftest import Turn
from locale_support import SPOKEN_NUMBERS
from response_walk import LIMITS, is_guided_stretch, spoken_words
from screen_support import walked

from skill.content import SUPPORTED_LOCALES, load_content
from skill.simulator.devices import SPEAKER

pytestmark = pytest.mark.unit


def _walk(locale: str) -> tuple[tuple[str, Turn], ...]:
    """Every (what was asked, answer) of a locale on a speaker, walked once per test session."""
    return walked(locale, SPEAKER)


def test_word_counting_counts_each_digit() -> None:
    assert spoken_words("Call 911 now.") == 5
    assert spoken_words("triple zero in Australia, or 111 in New Zealand") == 11
    assert spoken_words("It's worth a check-up.") == 4
    assert spoken_words("¿Quieres saber algo más?") == 4


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_answer_but_the_guided_stretch_fits_in_one_breath(locale: str) -> None:
    limit = LIMITS[locale.split("-")[0]]
    answers = [(asked, turn) for asked, turn in _walk(locale) if turn.speech]
    assert len(answers) > 2000  # the walk reached every handler in every state
    over = {
        asked: (spoken_words(turn.speech), turn.speech)
        for asked, turn in answers
        if not is_guided_stretch(locale, turn) and spoken_words(turn.speech) > limit
    }
    assert over == {}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_walk_heard_every_item_and_the_stretch(locale: str) -> None:
    """The walk is complete: every summary and detail was heard, and the guided stretches."""
    content = load_content(locale)
    heard = " ".join(turn.speech for _, turn in _walk(locale))
    for item in (*content.causes, *content.tips, *content.topics.values()):
        assert item.summary in heard, item.id
        assert item.detail in heard, item.id
    for key in ("fallback_emergency", "emergency", "urgent_legs", "error", "welcome_back"):
        assert content.prompts[key] in heard, key
    assert any(is_guided_stretch(locale, turn) for _, turn in _walk(locale))


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_each_number_is_spoken_at_most_once_per_answer(locale: str) -> None:
    """An answer names the emergency number once: "triple zero in Australia, or 111 in..."."""
    twice = {}
    for asked, turn in _walk(locale):
        speech = turn.speech
        counts = {number: speech.count(number) for number in SPOKEN_NUMBERS[locale]}
        if any(count > 1 for count in counts.values()):
            twice[asked] = counts
    assert twice == {}


def test_australia_never_hears_zero_zero_zero() -> None:
    for asked, turn in _walk("en-AU"):
        assert "000" not in turn.speech and "zero zero" not in turn.speech.lower(), asked
