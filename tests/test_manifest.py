"""The skill manifest (`skill.json`, ASK CLI shape) and the script that fills in its endpoints.

AWS is not reached: the deploy outputs are recorded `aws cloudformation describe-stacks`
responses in tests/fixtures/deploy, one per region, stand-ins for the real stacks.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from locale_support import NUMBERS

from skill.content import SUPPORTED_LOCALES, load_content, locale_settings

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "skill_manifest.py"
DEPLOY_OUTPUTS = {
    region: ROOT / "tests" / "fixtures" / "deploy" / f"describe-stacks-{region}.json"
    for region in ("us-east-1", "eu-west-1", "us-west-2")
}
DEPLOY_OUTPUT = DEPLOY_OUTPUTS["us-east-1"]
FUNCTION = "arn:aws:lambda:{}:123456789012:function:leg-cramp-helper-dev-skill"
# Where the recorded us-east-1 stack serves the clips, and so the privacy policy pages.
AUDIO_BASE_URL = "https://d111111abcdef8.cloudfront.net/audio"
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
    "es": "información general y no sustituye el consejo médico profesional",
}
IN_AN_EMERGENCY = {"en": "in an emergency call", "es": "en una emergencia, llama al"}


@pytest.fixture(params=SUPPORTED_LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    """Each locale in turn."""
    return request.param


@cache
def _language_model(locale: str) -> dict[str, Any]:
    model = json.loads((ROOT / "interaction_model" / f"{locale}.json").read_text(encoding="utf-8"))
    language_model: dict[str, Any] = model["interactionModel"]["languageModel"]
    return language_model


@pytest.fixture
def language_model(locale: str) -> dict[str, Any]:
    """The locale's interaction model's language model."""
    return _language_model(locale)


def flat(text: str) -> str:
    """Lower case with single spaces, for reading prose."""
    return " ".join(text.lower().split())


class Samples:
    """Every sample utterance of a language model, indexed once, to match phrases word for word:
    a `{slot}` stands for any value or synonym of the slot's type."""

    def __init__(self, language_model: dict[str, Any]) -> None:
        types = {t["name"]: t for t in language_model.get("types", [])}
        self.exact: dict[str, set[str]] = {}  # slotless sample -> its intents
        self.slotted: list[tuple[str, list[str], list[frozenset[str]]]] = []
        for intent in language_model["intents"]:
            vocabulary = {
                slot["name"]: frozenset(
                    word
                    for value in types.get(slot["type"], {}).get("values", [])
                    for word in [value["name"]["value"], *value["name"].get("synonyms", [])]
                )
                for slot in intent.get("slots", [])
            }
            for sample in intent.get("samples", []):
                parts = re.split(r"\{(\w+)\}", sample)  # literal, slot, literal, ... literal
                if len(parts) == 1:
                    self.exact.setdefault(sample, set()).add(intent["name"])
                else:
                    slots = [vocabulary.get(name, frozenset()) for name in parts[1::2]]
                    self.slotted.append((intent["name"], parts[::2], slots))

    def intents(self, words: str) -> set[str]:
        """The intents with a sample that is `words` exactly."""
        found = set(self.exact.get(words, ()))
        found |= {name for name, literals, slots in self.slotted if _fits(words, literals, slots)}
        return found


def _fits(words: str, literals: list[str], slots: list[frozenset[str]]) -> bool:
    """Whether `words` is literals[0] + a value of slots[0] + literals[1] + ... + literals[-1]."""
    head, *rest = literals
    if not words.startswith(head):
        return False
    words = words[len(head) :]
    if not slots:
        return words == ""
    return any(
        words[:end] in slots[0] and _fits(words[end:], rest, slots[1:])
        for end in range(1, len(words) + 1)
    )


@cache
def samples_of(locale: str) -> Samples:
    """The locale's samples, indexed once per run."""
    return Samples(_language_model(locale))


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
        assert samples_of(locale).intents(words), f"{phrase!r} matches no sample utterance"


def test_sample_matching_is_exact() -> None:
    """The matcher behind the previous test rejects near misses and accepts slot values."""
    samples = Samples(
        {
            "intents": [
                {"name": "Why", "samples": ["why do my legs cramp"]},
                {
                    "name": "About",
                    "slots": [{"name": "cause", "type": "Cause"}, {"name": "tip", "type": "Tip"}],
                    "samples": ["tell me about {cause}", "is {cause} worse than {tip}"],
                },
            ],
            "types": [
                {
                    "name": "Cause",
                    "values": [
                        {"name": {"value": "cold"}},
                        {"name": {"value": "chill", "synonyms": ["chilly feet"]}},
                    ],
                },
                {"name": "Tip", "values": [{"name": {"value": "socks"}}]},
            ],
        }
    )
    assert samples.intents("tell me about chilly feet") == {"About"}
    assert samples.intents("is cold worse than socks") == {"About"}
    assert samples.intents("why do my legs cramp") == {"Why"}
    assert not samples.intents("tell me about heat")
    assert not samples.intents("tell me about cold feet")
    assert not samples.intents("is cold worse than cold")
    assert not samples.intents("why do my legs cramp at night")
    assert not samples.intents("Why do my legs cramp")


def test_privacy_answers(manifest: dict[str, Any]) -> None:
    """No personal information, not for children, no ads, no purchases, export compliant."""
    assert manifest["privacyAndCompliance"] == {
        "allowsPurchases": False,
        "usesPersonalInfo": False,
        "isChildDirected": False,
        "isExportCompliant": True,
        "containsAds": False,
    }
    # Permissions are global (platform notes): only reminders, for the nightly stretch.
    assert manifest["permissions"] == [{"name": "alexa::alerts:reminders:skill:readwrite"}]


REMINDER_PROMISES = {
    "en": ("daily reminder to stretch before bed", "permission for reminders",
           "alexa keeps the reminder in your account", "the skill keeps nothing about it",
           "time zone", "cancel my stretch reminder"),
    "es": ("recordatorio diario para estirar antes de dormir", "permiso para los recordatorios",
           "el recordatorio lo guarda alexa en tu cuenta", "la skill no guarda nada de él",
           "zona horaria", "cancela el recordatorio"),
}  # fmt: skip


def test_listings_and_privacy_pages_say_what_the_reminder_permission_is_for(
    manifest: dict[str, Any], locale: str
) -> None:
    lang = locale.split("-")[0]
    description = flat(manifest["publishingInformation"]["locales"][locale]["description"])
    page = flat((ROOT / "privacy" / f"{lang}.html").read_text(encoding="utf-8"))
    for promise in REMINDER_PROMISES[lang]:
        assert promise in description, promise
    assert flat(REMINDER_PROMISES[lang][-1]) in page
    assert ("recordatorio" if lang == "es" else "reminder") in page


def test_testing_instructions_say_how_to_try_the_reminder(manifest: dict[str, Any]) -> None:
    instructions = manifest["publishingInformation"]["testingInstructions"].lower()
    for words in (
        "remind me to stretch before bed at ten pm",
        "permission",
        "cancel my stretch",
        "recuérdame estirar a las diez de la noche",
    ):
        assert words in instructions, words  # fmt: skip


def test_the_skill_hears_when_it_is_disabled(manifest: dict[str, Any]) -> None:
    """Subscribed to SKILL_DISABLED, so a user who disables the skill is forgotten."""
    assert manifest["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]


# What every listing must say about the record, as the code keeps it (issue 16): each field,
# the hashed per-skill user id, expiry, deletion on disabling unless Alexa keeps the data
# (PERSISTED), and the 35 days of point-in-time backups.
PRIVACY_PROMISES = {
    "en": (
        "first and last visits",
        "how many times you have visited",
        "the last tip",
        "the date it first offered you a nightly reminder",
        "a hash (a one-way code) of the user id that alexa gives this skill for you",
        "not your amazon account id",
        "expires 90 days after your last visit",
        "if you disable the skill, it is deleted then, unless you chose to let alexa keep your"
        " data",
        "up to 35 days",
        "privacy policy",
    ),
    "es": (
        "tu primera y tu última visita",
        "cuántas veces has entrado",
        "el último consejo",
        "la fecha en que te ofreció por primera vez un recordatorio nocturno",
        "un hash (un código que no se puede revertir) del identificador de usuario que alexa"
        " asigna a esta skill para ti",
        "no es el de tu cuenta de amazon",
        "caduca 90 días después de tu última visita",
        "en cuanto desactives la skill, se borra, salvo que hayas elegido que alexa conserve tus"
        " datos",
        "hasta 35 días",
        "política de privacidad",
    ),
}


def test_description_says_what_is_remembered_and_for_how_long(
    manifest: dict[str, Any], locale: str
) -> None:
    """The listing names every field kept, the hashed id, expiry, disabling and backups."""
    description = flat(manifest["publishingInformation"]["locales"][locale]["description"])
    for promise in PRIVACY_PROMISES[locale.split("-")[0]]:
        assert promise in description, promise
    for untrue in ("straight away", "scrambled", "account id. this is deleted", "desactivas"):
        assert untrue not in description


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
    assert written["apis"]["custom"].pop("endpoint") == {"uri": FUNCTION.format("us-east-1")}
    assert written["apis"]["custom"].pop("regions") == {
        "NA": {"endpoint": {"uri": FUNCTION.format("us-east-1")}}
    }
    assert written["events"].pop("endpoint") == {"uri": FUNCTION.format("us-east-1")}
    assert written["events"].pop("regions") == {
        "NA": {"endpoint": {"uri": FUNCTION.format("us-east-1")}}
    }
    assert set(written["privacyAndCompliance"].pop("locales")) == set(SUPPORTED_LOCALES)
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


def test_every_alexa_region_gets_the_function_in_its_own_aws_region(
    tmp_path: Path, manifest: dict[str, Any]
) -> None:
    """NA, EU and FE each point at their region's Lambda; North America's is the default."""
    outputs = [
        a
        for region in ("us-west-2", "eu-west-1", "us-east-1")
        for a in ("--outputs", str(DEPLOY_OUTPUTS[region]))
    ]
    result = run_script(*outputs, "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = json.loads((tmp_path / "skill.json").read_text())["manifest"]
    custom = written["apis"]["custom"]
    assert custom["endpoint"] == {"uri": FUNCTION.format("us-east-1")}
    assert custom["regions"] == {
        "NA": {"endpoint": {"uri": FUNCTION.format("us-east-1")}},
        "EU": {"endpoint": {"uri": FUNCTION.format("eu-west-1")}},
        "FE": {"endpoint": {"uri": FUNCTION.format("us-west-2")}},
    }
    assert list(custom["regions"]) == ["NA", "EU", "FE"]
    # SkillDisabled goes to the function, and so the visits table, of the user's own region.
    assert written["events"]["endpoint"] == custom["endpoint"]
    assert written["events"]["regions"] == custom["regions"]
    del custom["endpoint"], custom["regions"], written["events"]["endpoint"]
    del written["events"]["regions"], written["privacyAndCompliance"]["locales"]
    assert written == manifest


def test_only_deployed_regions_are_listed(tmp_path: Path) -> None:
    """A region with no stack gets no endpoint: Alexa then uses the default one for it."""
    result = run_script(
        "--outputs",
        str(DEPLOY_OUTPUTS["us-east-1"]),
        "--outputs",
        str(DEPLOY_OUTPUTS["us-west-2"]),
        "--out",
        str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    custom = json.loads((tmp_path / "skill.json").read_text())["manifest"]["apis"]["custom"]
    assert set(custom["regions"]) == {"NA", "FE"}
    assert custom["regions"]["FE"]["endpoint"]["uri"] == FUNCTION.format("us-west-2")


def stack_in(region: str, arn_region: str | None = None) -> str:
    """The recorded deploy output of `region`, its function ARN moved to `arn_region`."""
    text = DEPLOY_OUTPUTS[region].read_text()
    return text.replace(f"lambda:{region}:", f"lambda:{arn_region}:") if arn_region else text


@pytest.mark.parametrize(
    ("deploy_outputs", "message"),
    [
        ([stack_in("eu-west-1"), stack_in("us-west-2")], "no deploy output from us-east-1"),
        ([stack_in("us-east-1"), stack_in("us-east-1")], "two deploy outputs for NA"),
        ([stack_in("us-east-1"), stack_in("eu-west-1", "eu-central-1")], "eu-central-1 is not"),
    ],
)
def test_regional_outputs_that_cannot_make_a_manifest_are_refused(
    tmp_path: Path, deploy_outputs: list[str], message: str
) -> None:
    """No default endpoint, two stacks for one Alexa region, a region Alexa never calls."""
    args = []
    for i, text in enumerate(deploy_outputs):
        (tmp_path / f"outputs-{i}.json").write_text(text)
        args += ["--outputs", str(tmp_path / f"outputs-{i}.json")]
    result = run_script(*args, "--out", str(tmp_path / "package"))
    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "package" / "skill.json").exists()


def test_every_locale_gets_its_languages_privacy_policy_page(tmp_path: Path) -> None:
    """The deploy writes each locale's privacyPolicyUrl: its language's page beside the clips."""
    result = run_script("--outputs", str(DEPLOY_OUTPUT), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    written = json.loads((tmp_path / "skill.json").read_text())["manifest"]
    privacy = written["privacyAndCompliance"]["locales"]
    assert privacy == {
        locale: {"privacyPolicyUrl": f"{AUDIO_BASE_URL}/privacy/{locale.split('-')[0]}.html"}
        for locale in SUPPORTED_LOCALES
    }
    for url in {entry["privacyPolicyUrl"] for entry in privacy.values()}:
        assert (ROOT / "privacy" / url.rsplit("/", 1)[1]).is_file(), url


def test_a_north_american_stack_without_the_clip_address_is_refused(tmp_path: Path) -> None:
    """Without AudioBaseUrl the privacy pages have no address: no manifest, a reason."""
    stacks = json.loads(DEPLOY_OUTPUTS["us-east-1"].read_text())
    outputs = stacks["Stacks"][0]["Outputs"]
    stacks["Stacks"][0]["Outputs"] = [o for o in outputs if o["OutputKey"] != "AudioBaseUrl"]
    result = run_script("--outputs", "-", "--out", str(tmp_path), stdin=json.dumps(stacks))
    assert result.returncode == 1
    assert "AudioBaseUrl missing" in result.stderr
    assert not (tmp_path / "skill.json").exists()


def test_a_locale_without_a_privacy_page_is_refused(tmp_path: Path) -> None:
    """A language with no page under privacy/ stops the manifest: no dead link in the store."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import skill_manifest
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    (tmp_path / "privacy").mkdir()
    (tmp_path / "privacy" / "en.html").write_text("<!doctype html>")
    manifest = json.loads((ROOT / "skill.json").read_text(encoding="utf-8"))
    with pytest.raises(skill_manifest.DeployOutputError, match=r"privacy/es\.html for es-US"):
        skill_manifest.privacy_policy_urls(manifest, AUDIO_BASE_URL, tmp_path)
