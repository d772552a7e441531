"""Conversations with the real skill: request envelopes in, what the user hears out."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest
from ask_sdk_core.exceptions import AskSdkException

from skill.content import load_content
from skill.factory import create_skill_builder
from skill.handlers import REQUEST_HANDLERS
from skill.settings import Settings
from skill.simulator import envelopes

pytestmark = pytest.mark.unit

content = load_content("en-US")
P = content.prompts
CAUSE_NAMES = ("tired muscles", "cold", "low calcium", "blood flow")


def assert_well_formed(turn) -> None:
    """What Alexa requires of every response that speaks."""
    assert turn.ssml.startswith("<speak>")
    ElementTree.fromstring(turn.ssml)
    assert len(turn.ssml) < 8000
    assert len(json.dumps(turn.envelope).encode()) < 24 * 1024
    if turn.ends:
        assert not turn.reprompt
        assert "?" not in turn.speech
    else:
        assert turn.reprompt.endswith("?")
        # The one exception: Fallback asks, then ends with the emergency number (issue 16).
        assert turn.speech.removesuffix(P["fallback_emergency"]).rstrip().endswith("?")
    if turn.card:
        assert turn.card["content"].endswith(content.disclaimer)


def test_launch_welcomes_with_disclaimer_examples_and_a_question(talk):
    turn = talk.launch()
    assert_well_formed(turn)
    assert turn.speech.startswith("Welcome to Leg Cramp Helper.")
    assert "general information, not medical advice" in turn.speech
    assert "why legs cramp at night" in turn.speech and "stop a cramp" in turn.speech
    assert not turn.ends and turn.reprompt
    assert turn.card["title"] == "Leg Cramp Helper"


def test_causes_then_a_cause_by_name_then_more(talk):
    talk.launch()
    causes = talk.intent("CrampCausesIntent")
    assert_well_formed(causes)
    assert all(name in causes.speech for name in ("tired muscles", "cold", "calcium", "blood"))
    assert causes.speech.endswith(P["offer_cause_detail"])
    which = talk.intent("AMAZON.YesIntent")
    assert which.speech == P["which_cause"]
    cold = talk.intent("CauseDetailIntent", cause=("chilly", "COLD"))
    assert_well_formed(cold)
    assert cold.speech.startswith(content.item("cause", "COLD").summary)
    assert cold.card["title"] == "Cold legs"
    more = talk.intent("MoreDetailIntent")
    assert more.speech.startswith(content.item("cause", "COLD").detail)
    assert more.speech.endswith(P["anything_else"])


@pytest.mark.parametrize("cause_id", ["FATIGUE", "COLD", "LOW_CALCIUM", "BLOOD_FLOW"])
def test_each_cause_answers_by_slot_id(talk, cause_id):
    turn = talk.intent("CauseDetailIntent", cause=cause_id)
    assert turn.speech.startswith(content.item("cause", cause_id).summary)
    assert not turn.ends


@pytest.mark.parametrize(
    "slot", [None, ("the moon", None)], ids=["missing slot", "ER_SUCCESS_NO_MATCH"]
)
def test_unresolved_cause_asks_which_and_keeps_listening(talk, slot):
    turn = talk.intent("CauseDetailIntent", **({"cause": slot} if slot else {}))
    assert_well_formed(turn)
    assert turn.speech == P["which_cause"]
    assert all(name in turn.speech for name in CAUSE_NAMES)
    assert not turn.ends
    follow_up = talk.intent("CauseDetailIntent", cause="BLOOD_FLOW")
    assert follow_up.speech.startswith(content.item("cause", "BLOOD_FLOW").summary)


def test_unresolved_tip_asks_which(talk):
    turn = talk.intent("TipDetailIntent", tip=("my hat", None))
    assert turn.speech == P["which_tip"] and not turn.ends


def test_tip_walk_from_overview_to_end(talk):
    overview = talk.intent("PreventionTipsIntent")
    assert_well_formed(overview)
    assert overview.speech.endswith(P["offer_tip_walk"])
    tips = [talk.intent("AMAZON.YesIntent")]
    tips += [talk.intent("AMAZON.NextIntent") for _ in range(3)]
    for turn, tip in zip(tips, content.tips, strict=True):
        assert_well_formed(turn)
        assert turn.speech.startswith(tip.summary)
    # The walk's end offers the nightly reminder, once per person (tests/test_reminders.py).
    assert tips[-1].speech.endswith(f"{P['last_tip']} {P['offer_reminder']}")
    past_end = talk.intent("AMAZON.NextIntent")
    assert past_end.speech == f"{P['last_tip']} {P['offer_relief']}"
    relief = talk.intent("AMAZON.YesIntent")
    assert relief.speech.startswith(content.topics["RELIEF"].summary)


def test_previous_and_start_over_in_the_walk(talk):
    talk.intent("PreventionTipsIntent")
    talk.intent("AMAZON.YesIntent")
    talk.intent("AMAZON.NextIntent")
    back = talk.intent("AMAZON.PreviousIntent")
    assert back.speech.startswith(content.tips[0].summary)
    first = talk.intent("AMAZON.PreviousIntent")
    assert first.speech.startswith(f"{P['first_tip']} {content.tips[0].summary}")
    talk.intent("AMAZON.NextIntent")
    talk.intent("AMAZON.NextIntent")
    again = talk.intent("AMAZON.StartOverIntent")
    assert again.speech.startswith(content.tips[0].summary)


def test_a_tip_by_name_joins_the_walk(talk):
    bedding = talk.intent("TipDetailIntent", tip=("duvet", "BEDDING"))
    assert bedding.speech.startswith(content.item("tip", "BEDDING").summary)
    following = talk.intent("AMAZON.NextIntent")
    assert following.speech.startswith(content.item("tip", "STRETCHING").summary)


def test_next_and_previous_without_a_list_say_so(talk):
    talk.launch()
    for name in ("AMAZON.NextIntent", "AMAZON.PreviousIntent"):
        turn = talk.intent(name)
        assert turn.speech.startswith(P["no_list"]) and not turn.ends


def test_repeat_replays_the_last_response_exactly(talk):
    talk.launch()
    talk.intent("PreventionTipsIntent")
    tip = talk.intent("AMAZON.YesIntent")
    again = talk.intent("AMAZON.RepeatIntent")
    assert again.response == tip.response
    assert talk.intent("AMAZON.RepeatIntent").response == tip.response
    following = talk.intent("AMAZON.NextIntent")
    assert following.speech.startswith(content.tips[1].summary)


def test_repeat_with_nothing_said_yet_offers_the_choices(talk):
    turn = talk.intent("AMAZON.RepeatIntent")
    assert P["home"] in turn.speech and not turn.ends


def test_yes_and_no_answer_the_question_last_asked(talk):
    talk.intent("SeeDoctorIntent")
    more = talk.intent("AMAZON.YesIntent")
    assert more.speech.startswith(content.topics["DOCTOR"].detail)
    declined = talk.intent("AMAZON.NoIntent")
    assert declined.ends and declined.speech == P["goodnight"]


@pytest.mark.parametrize(
    "offer",
    [
        ("CrampCausesIntent",),
        ("PreventionTipsIntent",),
        ("PreventionTipsIntent", "AMAZON.YesIntent"),
        ("CrampReliefIntent",),
        ("SeeDoctorIntent",),
        ("WhatIsACrampIntent",),
        ("MedicineQuestionIntent",),
        ("GuidedStretchIntent",),
    ],
    ids=lambda names: "+".join(names),
)
def test_no_after_a_complete_answer_is_a_short_goodnight(talk, offer):
    """Someone trying to get back to sleep gets no extra "anything else?" turn."""
    for name in offer:
        assert not talk.intent(name).ends
    turn = talk.intent("AMAZON.NoIntent")
    assert_well_formed(turn)
    assert turn.ends and turn.speech == P["goodnight"]
    assert len(turn.speech.split()) <= 5


def test_help_fits_where_the_user_is(talk):
    general = talk.intent("AMAZON.HelpIntent")
    assert_well_formed(general)
    assert general.speech.startswith(P["help"])
    talk.intent("CrampCausesIntent")
    assert talk.intent("AMAZON.HelpIntent").speech == P["help_causes"]
    talk.intent("PreventionTipsIntent")
    talk.intent("AMAZON.YesIntent")
    in_walk = talk.intent("AMAZON.HelpIntent")
    assert_well_formed(in_walk)
    assert in_walk.speech == P["help_tips"] and not in_walk.ends
    assert talk.intent("AMAZON.NextIntent").speech.startswith(content.tips[1].summary)


def test_relief_and_doctor_and_risk(talk):
    relief = talk.intent("CrampReliefIntent")
    assert "pull your toes" in relief.speech and not relief.ends
    doctor = talk.intent("SeeDoctorIntent")
    assert "keep coming back" in doctor.speech
    talk.intent("CrampCausesIntent")
    risk = talk.intent("MoreDetailIntent")
    assert risk.speech.startswith(content.topics["RISK"].detail)


def test_urgent_symptoms_say_seek_care_now_and_end(talk):
    turn = talk.intent("UrgentSymptomsIntent")
    assert_well_formed(turn)
    assert "seek medical care now" in turn.speech and "call 911" in turn.speech
    assert '<say-as interpret-as="digits">911</say-as>' in turn.ssml
    assert turn.ends


@pytest.mark.parametrize("name", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_say_goodbye_and_end(talk, name):
    talk.launch()
    turn = talk.intent(name)
    assert_well_formed(turn)
    assert turn.speech == P["goodbye"] and turn.ends


def test_fallback_says_what_the_skill_does_and_keeps_listening(talk):
    turn = talk.intent("AMAZON.FallbackIntent")
    assert_well_formed(turn)
    assert turn.speech.startswith(P["fallback"]) and P["home"] in turn.speech
    assert turn.speech.endswith(P["fallback_emergency"]) and "call 911" in P["fallback_emergency"]
    assert not turn.ends


def test_session_ended_request_is_handled_silently(talk):
    talk.launch()
    turn = talk.send(envelopes.session_ended(talk.session, "EXCEEDED_MAX_REPROMPTS"))
    assert "outputSpeech" not in turn.response


def test_an_unknown_intent_gets_a_spoken_apology(talk):
    turn = talk.intent("MadeUpIntent")
    assert_well_formed(turn)
    assert turn.speech.startswith(P["error"]) and not turn.ends


@pytest.mark.parametrize(
    "attributes",
    [
        {"question": "more", "topic": ["cause", "NOT_A_CAUSE"]},
        {"question": 7, "topic": "cause", "tip_index": 99},
        {"tip_index": "2", "last_response": {"speech": 5}},
        {"tip_index": -1, "last_response": "garbage"},
        {"question": "more", "topic": [["cause"], "COLD"]},
    ],
)
@pytest.mark.parametrize(
    "name",
    ["AMAZON.YesIntent", "AMAZON.NextIntent", "AMAZON.RepeatIntent", "MoreDetailIntent"],
)
def test_tampered_session_attributes_never_crash(talk, attributes, name):
    talk.launch()
    talk.session.attributes = attributes
    turn = talk.intent(name)
    assert_well_formed(turn)
    assert P["error"] not in turn.speech


def test_every_model_intent_reaches_its_own_handler(model, new_conversation):
    for intent in model["intents"]:
        owners = [h for h in REQUEST_HANDLERS if intent["name"] in getattr(h, "intents", ())]
        assert len(owners) == 1, intent["name"]
        talk = new_conversation()
        talk.launch()
        turn = talk.intent(intent["name"])
        assert_well_formed(turn)
        assert P["error"] not in turn.speech, intent["name"]


def test_other_locales_answer_in_the_default_language(new_conversation):
    talk = new_conversation(locale="en-GB")
    assert talk.launch().speech.startswith("Welcome to Leg Cramp Helper.")


def test_requests_for_another_skill_are_refused(monkeypatch):
    ours = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
    monkeypatch.setenv("SKILL_ID", ours)
    handler = create_skill_builder(
        Settings.from_env()
    ).lambda_handler()  # as skill/lambda_function.py builds it
    stranger = envelopes.launch(envelopes.Session())
    with pytest.raises(AskSdkException, match="Skill ID Verification failed"):
        handler(stranger, None)
    mine = handler(envelopes.launch(envelopes.Session(skill_id=ours)), None)
    assert mine["response"]["outputSpeech"]["ssml"].startswith("<speak><p>Welcome")


def test_no_skill_id_in_the_environment_checks_nothing(monkeypatch):
    monkeypatch.delenv("SKILL_ID", raising=False)
    handler = create_skill_builder(Settings.from_env()).lambda_handler()
    anyone = handler(envelopes.launch(envelopes.Session(skill_id="amzn1.ask.skill.other")), None)
    assert anyone["response"]["shouldEndSession"] is False
