"""Every locale's interaction model obeys Alexa's build rules and the skill's contract.

Each rule is a small checker; every model must pass it, and a broken example must fail it, so a
rule that stopped checking anything would show. Every locale has the intents, slots, slot types
and ids of en-US.
"""

from __future__ import annotations

import copy
import json
import re
from collections import defaultdict
from typing import Any

import pytest

from skill.content import SUPPORTED_LOCALES, load_content
from skill.model import generate as modelgen
from skill.model.language import language
from skill.simulator.session import nlu_for

pytestmark = pytest.mark.unit

CUSTOM_INTENTS = {
    "CrampCausesIntent": {},
    "CauseDetailIntent": {"cause": "CrampCause"},
    "PreventionTipsIntent": {},
    "TipDetailIntent": {"tip": "PreventionTip"},
    "CrampReliefIntent": {},
    "SeeDoctorIntent": {},
    "UrgentSymptomsIntent": {"symptom": "RedFlag", "also": "RedFlag"},
    "MoreDetailIntent": {},
    "WhatIsACrampIntent": {},
    "RiskGroupsIntent": {},
    "MedicineQuestionIntent": {"remedy": "Remedy"},
    "GuidedStretchIntent": {"routine": "StretchRoutine"},
    "SetReminderIntent": {"time": "AMAZON.TIME"},
    "CancelReminderIntent": {},
}
# Intents whose slots the skill asks for itself (Dialog.ElicitSlot): they need a dialog model.
ELICITED = {"SetReminderIntent": ("time",)}
REQUIRED_BUILTINS = {
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
}
SKILL_BUILTINS = REQUIRED_BUILTINS | {
    "AMAZON.RepeatIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
}
FORBIDDEN_IN_NAME = {"alexa", "amazon", "echo", "computer", "skill", "app"}
FORBIDDEN_IN_NAME |= {"habilidad", "aplicación", "aplicacion"}
# Launch and connecting words per language (Alexa's rules, with their Spanish counterparts).
LAUNCH_WORDS = {
    "en": {"run", "start", "play", "resume", "use", "launch", "ask", "open", "tell", "load"}
    | {"begin", "enable"},
    "es": {"abre", "abrir", "pregunta", "pregúntale", "preguntar", "pide", "pídele", "pedir"}
    | {"inicia", "iniciar", "dile", "di", "decir", "empieza", "comienza", "ejecuta", "lanza"}
    | {"carga", "juega", "usa", "usar", "activa", "habilita", "pon", "reproduce"},
}
CONNECTING_WORDS = {
    "en": {"to", "from", "in", "using", "with", "about", "for", "that", "by", "if", "and"}
    | {"whether"},
    "es": {"con", "para", "de", "del", "a", "al", "en", "sobre", "que", "si", "y", "por"}
    | {"desde", "usando", "acerca"},
}
ARTICLES_AND_PREPOSITIONS = {
    "en": {"a", "an", "the", "of", "on", "at", "to", "in", "for", "by", "with"},
    "es": {"el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "a", "al", "en"}
    | {"con", "por", "para"},
}
LETTERS = {"en": "a-z", "es": "a-záéíóúüñ"}
# What each language's models must hold word for word.
SIGNATURE = {
    "en": "why do my legs cramp at night",
    "es": "por qué me dan calambres en las piernas por la noche",
}
TELL_ME_ABOUT = {"en": "tell me about {}", "es": "háblame de {}"}
MAX_VALUE_CHARS = 140
MAX_MODEL_BYTES = 1_500_000  # Alexa's limit
BUDGET_BYTES = 600_000  # ours: varied samples and synonyms, not cartesian expansions
# Words that make no difference between two samples, for an independent check of variety.
FILLERS = {
    "en": frozenset(re.findall(r"\S+", "a an the i me my you it is are do does can could so um")),
    "es": frozenset(re.findall(r"\S+", "el la los las un una me mi te tu de que y a por favor")),
}
MAX_INTENTS = 250
MIN_SAMPLES = 20


def invocation_problems(name: str, lang: str = "en") -> list[str]:
    """Reasons an invocation name would fail certification, per the platform notes."""
    problems = []
    words = name.split()
    if not re.fullmatch(rf"[{LETTERS[lang]}' .]+", name):
        problems.append("only lower-case letters, spaces, apostrophes and periods")
    if len(words) < 2:
        problems.append("at least two words")
    if FORBIDDEN_IN_NAME & set(words):
        problems.append("no alexa/amazon/echo/computer/skill/app")
    if LAUNCH_WORDS[lang] & set(words):
        problems.append("no launch words")
    if CONNECTING_WORDS[lang] & set(words):
        problems.append("no connecting words")
    if len(words) == 2 and ARTICLES_AND_PREPOSITIONS[lang] & set(words):
        problems.append("a two-word name has no article or preposition")
    return problems


_DIGIT = re.compile(r"\d")
# A sample's allowed characters per language, compiled once: Alexa's rule, with {Slot} names.
_ALLOWED = {
    lang: re.compile(rf"(?:[{letters}.'_\- ]|\{{[A-Za-z_]+\}})+")
    for lang, letters in LETTERS.items()
}


def sample_problems(sample: str, lang: str = "en") -> list[str]:
    """Reasons a sample utterance breaks the character rules."""
    problems = []
    if _DIGIT.search(sample):
        problems.append("digits must be spelled out")
    if not _ALLOWED[lang].fullmatch(sample):
        problems.append("letters, spaces, periods, underscores, apostrophes, hyphens, {Slot}")
    return problems


def duplicate_samples(lm: dict[str, Any]) -> dict[str, set[str]]:
    """Samples (case and spacing normalised) that appear in more than one intent."""
    owners: dict[str, set[str]] = defaultdict(set)
    for intent in lm["intents"]:
        for sample in intent.get("samples", []):
            owners[" ".join(sample.lower().split())].add(intent["name"])
    return {s: names for s, names in owners.items() if len(names) > 1}


def undeclared_slots(lm: dict[str, Any]) -> list[tuple[str, str]]:
    """(intent, slot) pairs where a sample names a slot its intent does not declare."""
    missing = []
    for intent in lm["intents"]:
        declared = {s["name"] for s in intent.get("slots", [])}
        used = {s for sample in intent.get("samples", []) for s in re.findall(r"\{(\w+)\}", sample)}
        missing += [(intent["name"], s) for s in sorted(used - declared)]
    return missing


def intents_by_name(lm: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Intents keyed by name."""
    return {i["name"]: i for i in lm["intents"]}


def type_values(lm: dict[str, Any], type_name: str) -> dict[str, list[str]]:
    """A custom type's ids with their value and synonyms."""
    slot_type = next(t for t in lm["types"] if t["name"] == type_name)
    return {
        v["id"]: [v["name"]["value"], *v["name"].get("synonyms", [])] for v in slot_type["values"]
    }


@pytest.fixture(params=SUPPORTED_LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    """Each locale in turn."""
    return request.param


@pytest.fixture
def lang(locale: str) -> str:
    """The locale's language."""
    return locale.split("-")[0]


@pytest.fixture
def model(locale: str) -> dict[str, Any]:
    """The locale's language model (overrides the en-US one from conftest)."""
    return copy.deepcopy(_language_model(locale))


_MODELS: dict[str, dict[str, Any]] = {}


def _language_model(locale: str) -> dict[str, Any]:
    if locale not in _MODELS:
        text = modelgen.model_path(locale).read_text(encoding="utf-8")
        _MODELS[locale] = json.loads(text)["interactionModel"]["languageModel"]
    return _MODELS[locale]


def test_invocation_name_follows_the_rules(model: dict[str, Any], lang: str) -> None:
    names = {"en": "leg cramp helper", "es": "calambres nocturnos"}
    assert model["invocationName"] == names[lang]
    assert invocation_problems(model["invocationName"], lang) == []


@pytest.mark.parametrize(
    "bad",
    [
        "cramps",
        "Leg Cramp Helper",
        "leg cramps 2",
        "alexa cramp helper",
        "open leg cramps",
        "cramps for legs",
        "the cramps",
        "cramp skill",
    ],
)
def test_invocation_checker_rejects_broken_names(bad: str) -> None:
    assert invocation_problems(bad) != []


@pytest.mark.parametrize(
    "bad",
    [
        "calambres",
        "abre calambres nocturnos",
        "calambres de noche",
        "ayuda para calambres",
        "los calambres",
        "pregúntale calambres",
        "calambres con alexa",
    ],
)
def test_spanish_invocation_checker_rejects_spanish_launch_and_connecting_words(bad: str) -> None:
    assert invocation_problems(bad, "es") != []


def test_samples_use_only_allowed_characters(model: dict[str, Any], lang: str) -> None:
    bad = {
        s: p
        for i in model["intents"]
        for s in i.get("samples", [])
        if (p := sample_problems(s, lang))
    }
    assert bad == {}


@pytest.mark.parametrize("bad", ["play 2 songs", "what's up!", "why, though", "cramps?"])
def test_sample_checker_rejects_digits_and_punctuation(bad: str) -> None:
    assert sample_problems(bad)


def test_no_sample_belongs_to_two_intents(model: dict[str, Any], lang: str) -> None:
    assert duplicate_samples(model) == {}
    broken = copy.deepcopy(model)
    respaced = SIGNATURE[lang].capitalize().replace(" ", "  ", 1)
    intents_by_name(broken)["SeeDoctorIntent"]["samples"].append(respaced)
    assert SIGNATURE[lang] in duplicate_samples(broken)


def test_every_slot_in_a_sample_is_declared_on_its_intent(model: dict[str, Any]) -> None:
    assert undeclared_slots(model) == []
    broken = copy.deepcopy(model)
    intents_by_name(broken)["CrampCausesIntent"]["samples"].append("is it {cause}")
    assert undeclared_slots(broken) == [("CrampCausesIntent", "cause")]


def test_slot_types_are_defined_and_used(model: dict[str, Any]) -> None:
    custom = {t["name"] for t in model["types"]}
    used = {s["type"] for i in model["intents"] for s in i.get("slots", [])}
    assert all(t in custom or t.startswith("AMAZON.") for t in used)
    assert custom <= used


def test_custom_intents_and_slots_match_the_contract(model: dict[str, Any]) -> None:
    declared = {
        name: {s["name"]: s["type"] for s in i.get("slots", [])}
        for name, i in intents_by_name(model).items()
        if not name.startswith("AMAZON.")
    }
    assert declared == CUSTOM_INTENTS


def test_required_and_skill_builtins_are_present(model: dict[str, Any]) -> None:
    names = set(intents_by_name(model))
    assert names >= REQUIRED_BUILTINS, "the build expects these"
    assert names >= SKILL_BUILTINS, "the skill handles these"


def test_fallback_has_no_samples_and_a_sensitivity(model: dict[str, Any]) -> None:
    assert intents_by_name(model)["AMAZON.FallbackIntent"].get("samples", []) == []
    level = model["modelConfiguration"]["fallbackIntentSensitivity"]["level"]
    assert level in {"LOW", "MEDIUM", "HIGH"}


def test_model_stays_within_alexa_limits(model: dict[str, Any], locale: str, lang: str) -> None:
    size = len(modelgen.model_path(locale).read_bytes())
    assert size <= MAX_MODEL_BYTES
    assert len(model["intents"]) <= MAX_INTENTS
    for slot_type in model["types"]:
        for value in slot_type["values"]:
            for text in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                assert 0 < len(text) <= MAX_VALUE_CHARS
                assert sample_problems(text, lang) == [], text


def test_each_custom_intent_has_at_least_twenty_varied_samples(
    model: dict[str, Any], lang: str
) -> None:
    """Twenty samples that differ in more than fillers and function words, per custom intent."""

    def content(sample: str) -> frozenset[str]:
        return frozenset(w for w in sample.split() if w not in FILLERS[lang])

    counts = {
        name: len({content(s) for s in intents_by_name(model)[name]["samples"]})
        for name in CUSTOM_INTENTS
    }
    assert min(counts.values()) >= MIN_SAMPLES, counts


def test_no_two_samples_of_an_intent_differ_only_in_fillers(
    model: dict[str, Any], lang: str
) -> None:
    for intent in model["intents"]:
        keys = [
            frozenset(w for w in s.split() if w not in FILLERS[lang]) for s in intent["samples"]
        ]
        assert len(keys) == len(set(keys)), intent["name"]


def test_model_stays_within_our_budget(locale: str) -> None:
    assert len(modelgen.model_path(locale).read_bytes()) <= BUDGET_BYTES


def test_the_signature_question_is_a_sample_word_for_word(model: dict[str, Any], lang: str) -> None:
    samples = intents_by_name(model)["CrampCausesIntent"]["samples"]
    assert SIGNATURE[lang] in samples


def test_detail_intents_accept_a_bare_name(model: dict[str, Any], lang: str) -> None:
    """Users answer "which one?" with just the name, and "tell me about X" is understood."""
    intents, rules = intents_by_name(model), language(lang)
    for intent, slot in (("CauseDetailIntent", "cause"), ("TipDetailIntent", "tip")):
        assert f"{{{slot}}}" in intents[intent]["samples"]
        wanted = rules.content_key(TELL_ME_ABOUT[lang].format(f"{{{slot}}}"))
        assert wanted in {rules.content_key(s) for s in intents[intent]["samples"]}


def test_every_locale_has_the_types_and_ids_of_en_us(model: dict[str, Any]) -> None:
    def ids(lm: dict[str, Any]) -> dict[str, set[str]]:
        return {t["name"]: {v["id"] for v in t["values"]} for t in lm["types"]}

    assert ids(model) == ids(_language_model("en-US"))


def test_no_synonym_resolves_to_two_ids(model: dict[str, Any]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for slot_type in model["types"]:
        for value_id, texts in type_values(model, slot_type["name"]).items():
            for text in texts:
                owners[text.lower()].add(value_id)
    assert {t: ids for t, ids in owners.items() if len(ids) > 1} == {}


def test_synonyms_cover_the_words_people_use(model: dict[str, Any], lang: str) -> None:
    expected = EXPECTED_SYNONYMS[lang]
    for type_name, ids in expected.items():
        values = type_values(model, type_name)
        for value_id, words in ids.items():
            assert words <= set(values[value_id]), (value_id, words - set(values[value_id]))


EXPECTED_SYNONYMS = {
    "en": {
        "CrampCause": {
            "FATIGUE": {"tired", "overdoing it", "exercise", "fatigue"},
            "COLD": {"chilly", "cold feet"},
            "LOW_CALCIUM": {"calcium", "calcium deficiency", "low calcium"},
            "BLOOD_FLOW": {"varicose veins", "circulation", "poor circulation"},
        },
        "RedFlag": {
            "CLOT": {"blood clot", "dvt", "deep vein thrombosis", "thrombosis", "clot"},
            "CHEST": {"chest pain", "shortness of breath", "breathlessness"},
        },
        "Remedy": {
            "MAGNESIUM": {"magnesium"},
            "QUININE": {"quinine", "quinine tablets"},
            "CALCIUM_SUPPLEMENTS": {"calcium tablets", "calcium supplements"},
            "PAINKILLERS": {"ibuprofen", "paracetamol", "painkillers"},
            "TONIC_WATER": {"tonic water"},
            "PICKLE_JUICE": {"pickle juice"},
        },
        "PreventionTip": {
            "FOOTWEAR": {"shoes", "sneakers", "trainers", "footwear", "flat feet"},
            "BEDDING": {"blanket", "duvet", "quilt", "sheets", "covers"},
            "STRETCHING": {"stretch", "stretches", "stretching"},
            "HYDRATION": {"water", "fluids", "drinking", "dehydration"},
        },
    },
    "es": {
        "CrampCause": {
            "FATIGUE": {"cansancio"},
            "COLD": {"frío"},
            "LOW_CALCIUM": {"calcio"},
            "BLOOD_FLOW": {"circulación", "varices"},
        },
        "PreventionTip": {
            "FOOTWEAR": {"calzado", "zapatos"},
            "BEDDING": {"sábanas", "cobija", "manta"},
            "STRETCHING": {"estiramientos"},
            "HYDRATION": {"agua"},
        },
    },
}


def test_no_synonym_leads_to_an_answer_about_something_else(
    model: dict[str, Any], locale: str
) -> None:
    """Red flags go to UrgentSymptomsIntent; arteries are not veins, nor electrolytes calcium."""
    causes = {w for texts in type_values(model, "CrampCause").values() for w in texts}
    misleading = {
        "arteries",
        "narrowed arteries",
        "electrolytes",
        "electrolyte imbalance",
        "minerals",
    }
    assert causes & misleading == set()
    red_flag_words = ("clot", "thrombosis", "dvt", "embolism", "swollen", "chest", "breath")
    assert [w for w in causes if any(flag in w for flag in red_flag_words)] == []
    content = load_content(locale)
    flags = content.red_flags["urgent"] | content.red_flags["emergency"]
    for type_name in ("CrampCause", "PreventionTip", "Remedy", "StretchRoutine"):
        texts = [w for ws in type_values(model, type_name).values() for w in ws]
        assert [w for w in texts if set(w.split()) & flags] == [], type_name


@pytest.mark.parametrize("locale", [loc for loc in SUPPORTED_LOCALES if loc.startswith("en-")])
def test_the_articles_words_and_everyday_phrasing_are_in_the_model(model: dict[str, Any]) -> None:
    """The article's medical words, leg and foot parts, British, Indian and Australian usage."""
    text = " ".join(
        [s for i in model["intents"] for s in i.get("samples", [])]
        + [w for t in model["types"] for ws in type_values(model, t["name"]).values() for w in ws]
    )
    vocabulary = set(text.split())
    for word in ("hypocalcemia", "gastrocnemius", "plantar", "varicose", "thrombosis", "spasm"):
        assert word in vocabulary, word
    for part in ("calf", "thigh", "hamstring", "shin", "foot", "sole", "toes"):
        assert part in vocabulary, part
    for word in ("charley", "seize", "knot", "locked", "tight"):
        assert word in vocabulary, word
    for phrase in ("cramp in my", "trainers", "duvet", "gp", "a and e"):
        assert phrase in text, phrase


def test_every_cause_and_tip_is_reachable_by_voice(
    model: dict[str, Any], locale: str, lang: str
) -> None:
    """Each content id is a slot value, and saying its name resolves to that id."""
    content = load_content(locale)
    nlu = nlu_for(locale)  # built from the same model file, once per run
    assert model == _language_model(locale)
    for items, intent, slot, type_name in (
        (content.causes, "CauseDetailIntent", "cause", "CrampCause"),
        (content.tips, "TipDetailIntent", "tip", "PreventionTip"),
    ):
        values = type_values(model, type_name)
        assert {item.id for item in items} == set(values)
        for item in items:
            for phrase in (values[item.id][0], TELL_ME_ABOUT[lang].format(values[item.id][0])):
                parse = nlu.parse(phrase)
                assert (parse.intent, parse.slots[slot].id) == (intent, item.id), phrase


def test_model_file_is_valid_json_with_the_alexa_shape(locale: str) -> None:
    document = json.loads(modelgen.model_path(locale).read_text(encoding="utf-8"))
    lm = document["interactionModel"]["languageModel"]
    assert {"invocationName", "intents", "types"} <= set(lm)
    for intent in lm["intents"]:
        assert isinstance(intent["name"], str) and isinstance(intent.get("samples", []), list)
        assert all(
            set(s) in ({"name", "type"}, {"name", "type", "samples"})
            for s in intent.get("slots", [])
        )
    for slot_type in lm["types"]:
        assert all({"id", "name"} <= set(v) and "value" in v["name"] for v in slot_type["values"])


def dialog_problems(document: dict[str, Any], lang: str) -> list[str]:
    """Reasons the dialog model would not let the skill elicit its slots (Dialog.ElicitSlot
    needs the intent in the dialog model), or would let Alexa prompt on its own."""
    problems = []
    lm = document["interactionModel"]["languageModel"]
    dialog = document["interactionModel"].get("dialog") or {}
    in_dialog = {i["name"]: i for i in dialog.get("intents", [])}
    for name, slot_names in ELICITED.items():
        entry = in_dialog.get(name)
        if entry is None or entry.get("delegationStrategy") != "SKILL_RESPONSE":
            problems.append(f"{name}: not in the dialog model, or Alexa delegates it")
            continue
        declared = {s["name"]: s for s in intents_by_name(lm)[name].get("slots", [])}
        for slot_name in slot_names:
            slot = next((s for s in entry.get("slots", []) if s["name"] == slot_name), None)
            if slot is None or slot.get("elicitationRequired") is not False:
                problems.append(f"{name}.{slot_name}: the skill, not Alexa, asks for it")
            samples = declared.get(slot_name, {}).get("samples", [])
            if not samples or any(f"{{{slot_name}}}" not in sample for sample in samples):
                problems.append(f"{name}.{slot_name}: answers must name the slot")
            problems += [p for sample in samples for p in sample_problems(sample, lang)]
    return problems


def test_elicited_slots_are_in_the_dialog_model(locale: str, lang: str) -> None:
    document = json.loads(modelgen.model_path(locale).read_text(encoding="utf-8"))
    assert dialog_problems(document, lang) == []
    broken = copy.deepcopy(document)
    del broken["interactionModel"]["dialog"]
    assert dialog_problems(broken, lang)


# Words that carry no content, for counting how varied the reminder samples are.
FUNCTION_WORDS = {
    "en": {
        "a",
        "an",
        "the",
        "to",
        "my",
        "me",
        "i",
        "at",
        "for",
        "of",
        "in",
        "on",
        "it",
        "is",
        "be",
        "do",
        "you",
        "can",
        "set",
        "please",
        "every",
    },
    "es": {
        "a",
        "la",
        "las",
        "el",
        "los",
        "un",
        "una",
        "de",
        "del",
        "para",
        "que",
        "me",
        "mi",
        "mis",
        "te",
        "lo",
        "por",
        "y",
        "en",
        "se",
    },
}


def test_reminder_samples_vary_in_content_words(model: dict[str, Any], lang: str) -> None:
    """Many different words, not fillers around the same phrase (platform notes)."""
    for name in ("SetReminderIntent", "CancelReminderIntent"):
        words = {
            w
            for sample in intents_by_name(model)[name]["samples"]
            for w in sample.lower().split()
            if not w.startswith("{") and w not in FUNCTION_WORDS[lang]
        }
        assert len(words) >= 30, (name, sorted(words))
