"""Every locale: the same items and prompts, its own words, and its own emergency number.

Content is one base text per language with small per-locale overrides; these tests hold every
locale to the same shape as en-US and check what a listener in each country would notice.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from locale_support import NUMBERS, SPOKEN_NUMBERS

from skill import ssml
from skill.content import (
    SUPPORTED_LOCALES,
    ContentError,
    content_folder,
    load_content,
    locale_settings,
    merge,
)

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
SPANISH = [locale for locale in SUPPORTED_LOCALES if locale.startswith("es-")]
# Words only English has: any of them in Spanish speech is an English leak.
ENGLISH_ONLY = set(
    [
        "the",
        "and",
        "your",
        "you",
        "with",
        "what",
        "which",
        "cramp",
        "cramps",
        "leg",
        "legs",
        "please",
        "sorry",
        "would",
        "should",
        "water",
        "shoes",
        "night",
        "help",
        "this",
        "that",
        "call",
        "seek",
        "medical",
        "care",
        "now",
        "welcome",
        "goodbye",
        "tip",
        "tips",
    ]
)
# A word each English locale uses where usage differs, in what it says.
LOCAL_WORDS = {
    "en-US": ["blanket", "See a doctor"],
    "en-CA": ["duvet", "runners", "family doctor", "washroom"],
    "en-GB": ["trainers", "duvet", "your GP", "A and E", "ease cramp", "toilet"],
    "en-AU": ["runners", "doona", "your GP", "emergency department", "ease cramp", "triple zero"],
    "en-IN": ["quilt", "washroom", "footwear shop", "108 for an ambulance"],
}


def spoken(locale: str) -> dict[str, str]:
    """Every fixed spoken text of a locale by clip id."""
    return dict(load_content(locale).spoken_texts())


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_has_every_item_and_prompt(locale: str) -> None:
    content = load_content(locale)
    assert content.locale == locale
    assert spoken(locale).keys() == spoken("en-US").keys()
    assert content.cards.keys() == load_content("en-US").cards.keys()
    texts = [*spoken(locale).values(), *content.cards.values(), content.disclaimer]
    texts += [item.card for item in (*content.causes, *content.tips, *content.topics.values())]
    assert all(text.strip() and "{" not in text for text in texts)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_urgent_and_doctor_answers_name_the_local_numbers(locale: str) -> None:
    content = load_content(locale)
    for item in (content.topics["URGENT"], content.topics["DOCTOR"]):
        assert all(number in item.detail for number in SPOKEN_NUMBERS[locale]), item.detail
        assert all(number in item.card for number in NUMBERS[locale]), item.card
    assert all(n in content.topics["URGENT"].summary for n in SPOKEN_NUMBERS[locale])
    everything = " ".join(spoken(locale).values()).lower()
    assert "your emergency number" not in everything
    assert "número de emergencias" not in everything


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_urgent_answer_speaks_each_number_digit_by_digit(new_conversation, locale: str) -> None:
    turn = new_conversation(locale=locale).intent("UrgentSymptomsIntent")
    for number in SPOKEN_NUMBERS[locale]:
        if number.isdigit():
            assert f'<say-as interpret-as="digits">{number}</say-as>' in turn.ssml
    bare = re.sub(r'<say-as interpret-as="digits">\d+</say-as>', "", turn.ssml)
    assert not re.search(r"\d", bare), "a number not read digit by digit"
    assert all(number in turn.speech for number in SPOKEN_NUMBERS[locale])


# Red flags as people say them in each locale: each must lead to the urgent warning, and chest
# pain or breathlessness to the local emergency number.
RED_FLAGS = {
    "en-US": ["I think I have a blood clot", "my calf is swollen and hot", "I have chest pain"],
    "en-CA": ["could this be a DVT", "one leg is red and swollen", "I'm short of breath"],
    "en-GB": ["I'm worried I've got a DVT", "my leg's swollen and red", "I've got chest pains"],
    "en-AU": ["could I have a clot in my leg", "my calf is swollen", "I've got a pain in my chest"],
    "en-IN": ["is it a blood clot", "my leg is swollen and paining", "I am having chest pain"],
    "es-US": ["creo que tengo un coágulo", "tengo la pierna hinchada y roja", "me duele el pecho"],
    "es-MX": ["será un coágulo", "se me hinchó la pantorrilla", "me falta el aire"],
    "es-ES": ["puede ser una trombosis", "tengo el gemelo hinchado", "me oprime el pecho"],
}
ASK = {"en": "ask leg cramp helper {}", "es": "pregúntale a calambres nocturnos {}"}


@pytest.mark.parametrize(
    ("locale", "phrase"),
    [(loc, phrase) for loc, phrases in RED_FLAGS.items() for phrase in phrases],
)
def test_every_red_flag_is_warned_in_every_locale(locale: str, phrase: str) -> None:
    from skill.simulator.session import Simulator

    content = load_content(locale)
    turn = Simulator(locale).say(ASK[locale.split("-")[0]].format(phrase))
    care = (content.topics["URGENT"].summary, content.prompts["urgent_legs"])
    assert any(line in turn.speech for line in care), (turn.intent, turn.slots)
    if phrase == RED_FLAGS[locale][-1]:
        assert turn.speech.startswith(content.prompts["emergency"]), (turn.intent, turn.slots)
        assert all(number in turn.speech for number in SPOKEN_NUMBERS[locale])


def test_australia_says_triple_zero_and_new_zealand_gets_its_own_number() -> None:
    """Each number once, clearly: "triple zero in Australia, or one one one in New Zealand"."""
    content = load_content("en-AU")
    said = "triple zero in Australia, or 111 in New Zealand"
    assert said in content.topics["URGENT"].summary and said in content.prompts["emergency"]
    assert all("000" not in text for text in spoken("en-AU").values())
    assert "000 (triple zero) in Australia, or 111 in New Zealand" in content.topics["URGENT"].card


@pytest.mark.parametrize("locale", [loc for loc in SUPPORTED_LOCALES if loc.startswith("en-")])
def test_english_locales_use_their_own_words(locale: str) -> None:
    everything = " ".join(spoken(locale).values())
    missing = [word for word in LOCAL_WORDS[locale] if word not in everything]
    assert missing == []


def test_us_words_stay_out_of_british_speech() -> None:
    british = " ".join(spoken("en-GB").values())
    assert "sneakers" not in british and "bathroom" not in british
    assert "stop a cramp" not in british


@pytest.mark.parametrize("locale", SPANISH)
def test_no_english_leaks_into_spanish_speech(new_conversation, locale: str) -> None:
    content = load_content(locale)
    texts = [*spoken(locale).values(), *content.cards.values(), content.disclaimer]
    leaks = {t: ENGLISH_ONLY & set(re.findall(r"[a-z]+", t.lower())) for t in texts}
    assert {t: w for t, w in leaks.items() if w} == {}
    talk = new_conversation(locale=locale)
    for turn in (
        talk.launch(),
        talk.intent("AMAZON.HelpIntent"),
        talk.intent("AMAZON.FallbackIntent"),
    ):
        words = set(re.findall(r"[a-z]+", turn.speech.lower()))
        assert ENGLISH_ONLY & words == set(), turn.speech


@pytest.mark.parametrize("locale", SPANISH)
def test_spanish_disclaimer_says_general_information_not_medical_advice(locale: str) -> None:
    disclaimer = load_content(locale).disclaimer.lower()
    assert "información general" in disclaimer and "no" in disclaimer
    assert "consejo médico" in disclaimer or "asesoramiento médico" in disclaimer
    assert disclaimer in load_content(locale).prompt("welcome").lower()


def test_overrides_are_small_and_only_change_what_the_base_has() -> None:
    """One base text per language: a locale file changes a few texts, never copies the lot."""
    for locale in SUPPORTED_LOCALES:
        path = content_folder() / f"{locale}.toml"
        if not path.is_file():
            continue
        with path.open("rb") as fh:
            override = tomllib.load(fh)
        changed = sum(
            1
            for table in override.values()
            for entry in table.values()
            for _ in (entry.values() if isinstance(entry, dict) else [entry])
        )
        assert changed <= len(spoken(locale)) // 2, (locale, changed)
    with pytest.raises(ContentError, match="nothing to override"):
        merge({"tips": {"FOOTWEAR": {"name": "shoes"}}}, {"tips": {"FOOTWEAR": {"nmae": "x"}}})
    with pytest.raises(ContentError, match="table"):
        merge({"prompts": {"help": "x"}}, {"prompts": "help"})


def test_locales_file_lists_exactly_the_supported_locales() -> None:
    settings = locale_settings()
    assert tuple(settings) == SUPPORTED_LOCALES
    assert all(s.emergency and s.countries for s in settings.values())


def test_content_loads_on_a_locales_first_request_not_at_import() -> None:
    """A cold Lambda imports the handler without reading any content file or clip manifest."""
    code = (
        "import skill.lambda_function, skill.content as c, skill.audio.runtime as r\n"
        "before = (c.load_content.cache_info().currsize, c.locale_settings.cache_info().currsize,"
        " r._index.cache_info().currsize)\n"
        "from skill.simulator import envelopes\n"
        "from skill.simulator.envelopes import Session\n"
        "skill.lambda_function.handler(envelopes.launch(Session(locale='en-GB')), None)\n"
        "print(before, sorted(c.locale_settings()), c.load_content.cache_info().currsize)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    # The last line: the handler writes its metrics record (an EMF line) to stdout first.
    before, _, after = out.stdout.strip().splitlines()[-1].rpartition(" ")
    assert before.startswith("(0, 0, 0)")
    assert after == "1"


def test_digit_rule_reads_every_number_singly_and_keeps_text_otherwise() -> None:
    assert ssml.paragraph("Call 999 or 112.") == (
        '<p>Call <say-as interpret-as="digits">999</say-as> or '
        '<say-as interpret-as="digits">112</say-as>.</p>'
    )
    assert ssml.paragraph("No numbers & no tags.") == "<p>No numbers &amp; no tags.</p>"
    assert ssml.digits_apart("triple zero, 000, or 111") == "triple zero, 0 0 0, or 1 1 1"
    assert ssml.to_plain_text(f"<speak>{ssml.paragraph('Call 911.')}</speak>") == "Call 911."
