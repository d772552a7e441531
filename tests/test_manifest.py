"""The skill manifest (`skill.json`, ASK CLI shape) and the script that fills in its endpoint.

AWS is not reached: the deploy output is a recorded `aws cloudformation describe-stacks`
response in tests/fixtures/deploy, a stand-in for the real stack.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from locale_support import NUMBERS

from skill.content import SUPPORTED_LOCALES, load_content, locale_settings

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "skill_manifest.py"
DEPLOY_OUTPUT = ROOT / "tests" / "fixtures" / "deploy" / "describe-stacks.json"
# The category enum of the skill manifest schema (Alexa Skills Kit), as the ASK tools list it.
ASK_CATEGORIES = frozenset(
    [
        "ALARMS_AND_CLOCKS",
        "ASTROLOGY",
        "BUSINESS_AND_FINANCE",
        "CALCULATORS",
        "CALENDARS_AND_REMINDERS",
        "CHILDRENS_EDUCATION_AND_REFERENCE",
        "CHILDRENS_GAMES",
        "CHILDRENS_MUSIC_AND_AUDIO",
        "CHILDRENS_NOVELTY_AND_HUMOR",
        "COMMUNICATION",
        "CONNECTED_CAR",
        "COOKING_AND_RECIPE",
        "CURRENCY_GUIDES_AND_CONVERTERS",
        "DATING",
        "DELIVERY_AND_TAKEOUT",
        "DEVICE_TRACKING",
        "EDUCATION_AND_REFERENCE",
        "EVENT_FINDERS",
        "EXERCISE_AND_WORKOUT",
        "FASHION_AND_STYLE",
        "FLIGHT_FINDERS",
        "FRIENDS_AND_FAMILY",
        "GAME_INFO_AND_ACCESSORY",
        "GAMES",
        "HEALTH_AND_FITNESS",
        "HOTEL_FINDERS",
        "KNOWLEDGE_AND_TRIVIA",
        "MOVIE_AND_TV_KNOWLEDGE_AND_TRIVIA",
        "MOVIE_INFO_AND_REVIEWS",
        "MOVIE_SHOWTIMES",
        "MUSIC_AND_AUDIO_ACCESSORIES",
        "MUSIC_AND_AUDIO_KNOWLEDGE_AND_TRIVIA",
        "MUSIC_INFO_REVIEWS_AND_RECOGNITION_SERVICE",
        "NAVIGATION_AND_TRIP_PLANNER",
        "NEWS",
        "NOVELTY",
        "ORGANIZERS_AND_ASSISTANTS",
        "PETS_AND_ANIMAL",
        "PODCAST",
        "PUBLIC_TRANSPORTATION",
        "RELIGION_AND_SPIRITUALITY",
        "RESTAURANT_BOOKING_INFO_AND_REVIEW",
        "SCHOOLS",
        "SCORE_KEEPING",
        "SELF_IMPROVEMENT",
        "SHOPPING",
        "SMART_HOME",
        "SOCIAL_NETWORKING",
        "SPORTS_GAMES",
        "SPORTS_NEWS",
        "STREAMING_SERVICE",
        "TAXI_AND_RIDESHARING",
        "TO_DO_LISTS_AND_NOTES",
        "TRANSLATORS",
        "TV_GUIDES",
        "UNIT_CONVERTERS",
        "WEATHER",
        "WINE_AND_BEVERAGE",
        "ZIP_CODE_LOOKUP",
    ]
)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    """The `manifest` object of skill.json."""
    return json.loads((ROOT / "skill.json").read_text(encoding="utf-8"))["manifest"]


# How a listing's example phrases open the skill and ask it something, per language.
OPEN = {"en": "Alexa, open {}", "es": "Alexa, abre {}"}
ASK = {"en": "Alexa, ask {} ", "es": "Alexa, pregúntale a {} "}
# The health disclaimer Amazon requires, per language, and how it names the emergency number.
DISCLAIMER = {
    "en": "general information, not a substitute for professional medical advice",
    "es": "información general, no sustituye el consejo médico profesional",
}
IN_AN_EMERGENCY = {"en": "in an emergency call", "es": "en una emergencia, llama al"}


@pytest.fixture(params=SUPPORTED_LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    """Each locale in turn."""
    return request.param


@pytest.fixture
def language_model(locale: str) -> dict[str, Any]:
    """The locale's interaction model's language model."""
    model = json.loads((ROOT / "interaction_model" / f"{locale}.json").read_text(encoding="utf-8"))
    return model["interactionModel"]["languageModel"]


def flat(text: str) -> str:
    """Lower case with single spaces, for reading prose."""
    return " ".join(text.lower().split())


def sample_matches(sample: str, words: str, slot_words: dict[str, set[str]]) -> bool:
    """Whether `words` is `sample` exactly, a `{slot}` standing for a value or synonym."""
    pattern = re.escape(sample)
    for slot, values in slot_words.items():
        choices = "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
        pattern = pattern.replace(re.escape(f"{{{slot}}}"), f"(?:{choices})")
    return re.fullmatch(pattern, words) is not None


def slot_vocabulary(language_model: dict[str, Any], intent: dict[str, Any]) -> dict[str, set[str]]:
    """Each slot of an intent with every value and synonym of its custom type."""
    types = {t["name"]: t for t in language_model.get("types", [])}
    vocabulary = {}
    for slot in intent.get("slots", []):
        values = types.get(slot["type"], {}).get("values", [])
        vocabulary[slot["name"]] = {
            word for v in values for word in [v["name"]["value"], *v["name"].get("synonyms", [])]
        }
    return vocabulary


def test_every_locale_has_a_listing(manifest: dict[str, Any]) -> None:
    assert tuple(manifest["publishingInformation"]["locales"]) == SUPPORTED_LOCALES


def test_listing_has_name_summary_and_keywords(manifest: dict[str, Any], locale: str) -> None:
    """What the Alexa app shows: a name, a short summary, keywords, a health category."""
    listing = manifest["publishingInformation"]["locales"][locale]
    assert listing["name"] == load_content(locale).skill_name
    assert 0 < len(listing["summary"]) <= 160
    assert 0 < len(listing["description"]) <= 4000
    assert 3 <= len(listing["keywords"]) <= 30
    assert all(isinstance(k, str) and k.strip() == k and k for k in listing["keywords"])
    info = manifest["publishingInformation"]
    assert info["category"] in ASK_CATEGORIES
    assert info["category"] == "HEALTH_AND_FITNESS"
    assert info["isAvailableWorldwide"] is False
    assert info["testingInstructions"]


def test_distribution_is_where_the_emergency_wording_is_right(manifest: dict[str, Any]) -> None:
    """Only the countries whose numbers some locale names: en-GB also Ireland, en-AU also NZ."""
    countries = {c for s in locale_settings().values() for c in s.countries}
    assert set(manifest["publishingInformation"]["distributionCountries"]) == countries
    assert {"IE", "NZ"} <= countries


def test_description_carries_the_health_disclaimer(manifest: dict[str, Any], locale: str) -> None:
    """General information, not a substitute for medical advice; the local emergency number."""
    lang = locale.split("-")[0]
    description = flat(manifest["publishingInformation"]["locales"][locale]["description"])
    assert DISCLAIMER[lang] in description
    emergency = description[description.index(IN_AN_EMERGENCY[lang]) :]
    assert all(number in emergency for number in NUMBERS[locale]), emergency


def test_example_phrases_are_ones_alexa_understands(
    manifest: dict[str, Any], language_model: dict[str, Any], locale: str
) -> None:
    """The first opens the skill; every other is "ask <invocation> <a sample, word for word>"."""
    lang = locale.split("-")[0]
    phrases = manifest["publishingInformation"]["locales"][locale]["examplePhrases"]
    invocation = language_model["invocationName"]
    assert 1 <= len(phrases) <= 3
    assert phrases[0] == OPEN[lang].format(invocation)
    for phrase in phrases[1:]:
        prefix = ASK[lang].format(invocation)
        assert phrase.startswith(prefix), phrase
        words = phrase.removeprefix(prefix)
        matches = [
            intent["name"]
            for intent in language_model["intents"]
            for sample in intent.get("samples", [])
            if sample_matches(sample, words, slot_vocabulary(language_model, intent))
        ]
        assert matches, f"{phrase!r} matches no sample utterance"


def test_sample_matching_is_exact() -> None:
    """The matcher behind the previous test rejects near misses and accepts slot values."""
    vocabulary = {"cause": {"cold", "chilly feet"}}
    assert sample_matches("tell me about {cause}", "tell me about chilly feet", vocabulary)
    assert not sample_matches("tell me about {cause}", "tell me about heat", vocabulary)
    assert not sample_matches("why do my legs cramp", "why do my legs cramp at night", {})
    assert not sample_matches("why do my legs cramp", "Why do my legs cramp", {})


def test_privacy_answers(manifest: dict[str, Any]) -> None:
    """No personal information, not for children, no ads, no purchases, export compliant."""
    assert manifest["privacyAndCompliance"] == {
        "allowsPurchases": False,
        "usesPersonalInfo": False,
        "isChildDirected": False,
        "isExportCompliant": True,
        "containsAds": False,
    }
    assert "permissions" not in manifest


def run_script(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run scripts/skill_manifest.py as `make deploy` does."""
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_endpoint_is_filled_from_the_deploy_output(
    tmp_path: Path, manifest: dict[str, Any]
) -> None:
    """The written package points Alexa at the deployed Lambda and carries the models."""
    result = run_script("--outputs", str(DEPLOY_OUTPUT), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "skill.json")
    written = json.loads((tmp_path / "skill.json").read_text())["manifest"]
    assert written["apis"]["custom"]["endpoint"] == {
        "uri": "arn:aws:lambda:us-east-1:123456789012:function:leg-cramp-helper-dev-skill"
    }
    del written["apis"]["custom"]["endpoint"]
    assert written == manifest
    model = tmp_path / "interactionModels" / "custom" / "en-US.json"
    assert model.read_bytes() == (ROOT / "interaction_model" / "en-US.json").read_bytes()


def test_endpoint_reads_stdin_too(tmp_path: Path) -> None:
    """`aws cloudformation describe-stacks ... | scripts/skill_manifest.py --outputs -` works."""
    result = run_script("--outputs", "-", "--out", str(tmp_path), stdin=DEPLOY_OUTPUT.read_text())
    assert result.returncode == 0, result.stderr
    written = json.loads((tmp_path / "skill.json").read_text())
    assert written["manifest"]["apis"]["custom"]["endpoint"]["uri"].endswith(
        ":function:leg-cramp-helper-dev-skill"
    )


@pytest.mark.parametrize(
    ("deploy_output", "message"),
    [
        ("not json", "Expecting value"),
        ('{"Stacks": []}', "no Stacks[0]"),
        ('{"Stacks": [{"StackName": "leg-cramp-helper-dev"}]}', "SkillFunctionArn missing"),
        (
            '{"Stacks": [{"Outputs": [{"OutputKey": "SkillFunctionArn", "OutputValue": '
            '"arn:aws:lambda:us-east-1:123456789012:function:leg-cramp-helper-dev-skill:7"}]}]}',
            "not an unqualified Lambda ARN",
        ),
    ],
)
def test_bad_deploy_output_is_refused_clearly(
    tmp_path: Path, deploy_output: str, message: str
) -> None:
    """A failed or foreign deploy output stops with a reason and writes nothing."""
    result = run_script("--outputs", "-", "--out", str(tmp_path), stdin=deploy_output)
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "skill.json").exists()
