"""Red flags win wherever they appear: every route that can name a clot leads with the warning.

A leg that may hold a clot leads with "seek medical care now"; chest pain, trouble breathing, or
an UrgentSymptomsIntent that names no symptom leads with the emergency number (issue 16).
"""

from __future__ import annotations

import pytest

from skill.content import load_content
from skill.simulator.session import Simulator

pytestmark = pytest.mark.unit

content = load_content("en-US")
P = content.prompts
URGENT = content.topics["URGENT"].summary

# Every way a request can carry a red flag: the intent Alexa picks and the slot it fills
# (heard words, resolved id or None when entity resolution found no match).
ROUTES = [
    ("UrgentSymptomsIntent", {"symptom": ("a blood clot", "CLOT")}),
    ("UrgentSymptomsIntent", {"symptom": ("dvt", "CLOT")}),
    ("UrgentSymptomsIntent", {"symptom": ("a swollen leg", "SWOLLEN_LEG")}),
    ("UrgentSymptomsIntent", {"symptom": ("a clot in the calf", None)}),
    ("CauseDetailIntent", {"cause": ("blood clot", None)}),
    ("CauseDetailIntent", {"cause": ("a blood clot", "BLOOD_FLOW")}),
    ("CauseDetailIntent", {"cause": ("deep vein thrombosis", None)}),
    ("TipDetailIntent", {"tip": ("my swollen leg", None)}),
    ("MedicineQuestionIntent", {"remedy": ("blood thinners for a clot", None)}),
    ("GuidedStretchIntent", {"routine": ("with a dvt", None)}),
]
EMERGENCY_ROUTES = [
    ("UrgentSymptomsIntent", {}),
    ("UrgentSymptomsIntent", {"symptom": ("my leg hurts", None)}),
    ("UrgentSymptomsIntent", {"symptom": ("chest pain", "CHEST")}),
    ("UrgentSymptomsIntent", {"symptom": ("a clot and i can't breathe", "CLOT")}),
    ("UrgentSymptomsIntent", {"symptom": ("shortness of breath", "CHEST")}),
    ("CauseDetailIntent", {"cause": ("chest pain", None)}),
    ("MedicineQuestionIntent", {"remedy": ("something for my chest", None)}),
]
# What people say, through the simulator's language understanding and the real handler.
PHRASINGS = [
    "I think I have a blood clot in my leg",
    "could this be a DVT",
    "could deep vein thrombosis cause this",
    "could a blood clot cause cramps",
    "blood clot",
    "is it thrombosis",
    "my leg is swollen and red",
    "one leg is hot and painful",
    "my calf is swollen",
    "I have chest pain",
    "I'm short of breath and my calf hurts",
    "should I go to A and E with a swollen leg",
]


def _ids(route: tuple[str, dict]) -> str:
    name, slots = route
    return name + "".join(f" {k}={v[0]!r}" for k, v in slots.items())


@pytest.mark.parametrize("route", ROUTES + EMERGENCY_ROUTES, ids=_ids)
def test_every_route_warns_and_ends(talk, route):
    name, slots = route
    talk.launch()
    turn = talk.intent(name, **slots)
    assert "seek medical care now" in turn.speech and "call 911" in turn.speech
    assert turn.ends and not turn.reprompt
    assert turn.card["title"] == "Warning signs"


@pytest.mark.parametrize("route", ROUTES, ids=_ids)
def test_a_leg_that_may_hold_a_clot_leads_with_seeking_care_now(talk, route):
    name, slots = route
    turn = talk.intent(name, **slots)
    assert turn.speech == URGENT
    assert URGENT.startswith("Please seek medical care now")


@pytest.mark.parametrize("route", EMERGENCY_ROUTES, ids=_ids)
def test_chest_pain_breathlessness_or_no_symptom_names_the_emergency_number_first(talk, route):
    name, slots = route
    turn = talk.intent(name, **slots)
    assert turn.speech == f"{P['emergency']} {P['urgent_legs']}"
    assert P["emergency"].startswith("If you have chest pain or trouble breathing, call 911 now.")


@pytest.mark.parametrize(
    ("name", "slots"),
    [
        ("CauseDetailIntent", {"cause": ("cold feet", "COLD")}),
        ("TipDetailIntent", {"tip": ("warm socks", None)}),
        ("MedicineQuestionIntent", {"remedy": ("magnesium", "MAGNESIUM")}),
    ],
)
def test_ordinary_slot_values_are_not_red_flags(talk, name, slots):
    assert URGENT not in talk.intent(name, **slots).speech


def test_the_blood_flow_answer_itself_says_when_to_get_care_now(talk):
    blood_flow = content.item("cause", "BLOOD_FLOW")
    assert "seek medical care now" in blood_flow.summary
    assert "swollen, warm or red, or pain that stays after the cramp" in blood_flow.summary
    assert blood_flow.detail.startswith("A clot needs a doctor")
    turn = talk.intent("CauseDetailIntent", cause=("varicose veins", "BLOOD_FLOW"))
    assert turn.speech.startswith(blood_flow.summary)


@pytest.mark.parametrize("phrase", PHRASINGS)
def test_what_people_say_about_red_flags_is_warned(phrase):
    turn = Simulator().say(f"ask leg cramp helper {phrase}")
    assert "seek medical care now" in turn.speech, (turn.intent, turn.slots)
    if "chest" in phrase.lower() or "breath" in phrase.lower():
        assert "call 911" in turn.speech
