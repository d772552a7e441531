"""What a cramp is, who gets them, medicines, the fallback, and night-time brevity."""

from __future__ import annotations

import pytest

from skill.content import REMEDY_IDS, load_content
from skill.simulator.session import Simulator

pytestmark = pytest.mark.unit

content = load_content("en-US")
P = content.prompts
WORDS_PER_SECOND = 2.6


def test_what_a_cramp_is(talk):
    turn = talk.intent("WhatIsACrampIntent")
    what = content.topics["WHAT_IS"]
    assert turn.speech.startswith(what.summary) and not turn.ends
    assert all(w in what.summary for w in ("sudden", "spasm", "normal", "check-up"))
    assert talk.intent("MoreDetailIntent").speech.startswith(what.detail)


def test_risk_groups_are_reachable_directly(talk):
    turn = talk.intent("RiskGroupsIntent")
    assert turn.speech.startswith(content.topics["RISK"].summary) and not turn.ends


@pytest.mark.parametrize("remedy_id", REMEDY_IDS)
def test_a_named_remedy_is_named_and_never_judged(talk, remedy_id):
    turn = talk.intent("MedicineQuestionIntent", remedy=remedy_id)
    name = content.remedies[remedy_id]
    assert turn.speech.startswith(content.fill("remedy_named", remedy=name))
    medicine = content.topics["MEDICINE"].summary
    assert medicine in turn.speech
    assert "doctor or a pharmacist" in medicine and "pregnant" in medicine
    assert turn.speech.endswith(P["offer_what_else"]) and not turn.ends
    answer = turn.speech.removesuffix(P["offer_what_else"]).strip()
    assert answer.count(". ") + 1 <= 3, "a summary, named remedy included, is three sentences"


@pytest.mark.parametrize("slot", [None, ("cod liver oil", None)], ids=["no slot", "no match"])
def test_medicine_question_without_a_known_remedy_still_answers(talk, slot):
    turn = talk.intent("MedicineQuestionIntent", **({"remedy": slot} if slot else {}))
    assert turn.speech.startswith(content.topics["MEDICINE"].summary)
    relief = talk.intent("AMAZON.YesIntent")
    assert relief.speech.startswith(content.topics["RELIEF"].summary)


def test_medicine_words_say_nothing_about_whether_a_remedy_works():
    medicine = content.topics["MEDICINE"]
    text = f"{medicine.summary} {medicine.detail}".lower()
    for claim in ("works", "will help you", "effective", "recommend", "try taking"):
        assert claim not in text
    assert "say whether any of them will help" in medicine.summary
    assert "calcium" not in text and "blood test" not in text


def test_every_remedy_in_the_model_has_a_name_to_speak(model):
    remedy = next(t for t in model["types"] if t["name"] == "Remedy")
    assert {v["id"] for v in remedy["values"]} == set(REMEDY_IDS) == set(content.remedies)


@pytest.mark.parametrize(
    ("line", "remedy_id"),
    [
        ("does magnesium help with leg cramps", "MAGNESIUM"),
        ("should I take quinine", "QUININE"),
    ],
)
def test_the_issues_medicine_questions_are_answered(line, remedy_id):
    turn = Simulator().say(f"ask leg cramp helper {line}")
    assert turn.intent == "MedicineQuestionIntent" and turn.slots["remedy"]["id"] == remedy_id
    assert content.remedies[remedy_id] in turn.speech and "pharmacist" in turn.speech


def test_fallback_is_true_whether_or_not_the_question_was_about_cramps(talk):
    turn = talk.intent("AMAZON.FallbackIntent")
    assert turn.speech.startswith(P["fallback"])
    assert "don't know about that one" in P["fallback"]
    assert "can't help" not in turn.speech and "only answer" not in turn.speech
    assert P["home"] in turn.speech and not turn.ends


def spoken_seconds(text: str) -> float:
    return len(text.split()) / WORDS_PER_SECOND


def test_launch_and_help_stay_under_fifteen_seconds(talk):
    assert spoken_seconds(talk.launch().speech) <= 15
    assert spoken_seconds(talk.intent("AMAZON.HelpIntent").speech) <= 15
    talk.intent("CrampCausesIntent")
    assert spoken_seconds(talk.intent("AMAZON.HelpIntent").speech) <= 15
    talk.intent("PreventionTipsIntent")
    talk.intent("AMAZON.YesIntent")
    assert spoken_seconds(talk.intent("AMAZON.HelpIntent").speech) <= 15


@pytest.mark.parametrize(
    ("line", "intent"),
    [
        ("what is a leg cramp", "WhatIsACrampIntent"),
        ("what is hypocalcemia", "CauseDetailIntent"),
        ("my hamstring just cramped", "CrampReliefIntent"),
        ("why do my thighs cramp at night", "CrampCausesIntent"),
        ("who gets leg cramps more", "RiskGroupsIntent"),
    ],
)
def test_the_issues_misread_questions_are_understood(line, intent):
    assert Simulator().say(f"ask leg cramp helper {line}").intent == intent
