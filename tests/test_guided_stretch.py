"""The guided stretch: reached by asking or by Yes to an offer, timed, replayable, within limits."""

from __future__ import annotations

import re

import pytest

from skill import ssml
from skill.content import ROUTINE_IDS, load_content

pytestmark = pytest.mark.unit

content = load_content("en-US")
P = content.prompts
WORDS_PER_SECOND = 2.6  # a calm Alexa voice
BREAK = re.compile(r'<break time="(\d+)ms"/>')


def seconds(turn_ssml: str) -> float:
    """How long the speech lasts: words at a calm pace plus every break."""
    words = len(ssml.to_plain_text(turn_ssml).split())
    return words / WORDS_PER_SECOND + sum(int(ms) for ms in BREAK.findall(turn_ssml)) / 1000


def steps_of(routine_id: str) -> list[str]:
    return [step.say for step in content.routines[routine_id].steps]


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_routine_speaks_every_step_in_order_with_breaks_of_at_most_ten_seconds(talk, routine_id):
    turn = talk.intent("GuidedStretchIntent", routine=routine_id)
    position = 0
    for say in steps_of(routine_id):
        position = turn.speech.index(say, position)
    breaks = [int(ms) for ms in BREAK.findall(turn.ssml)]
    assert breaks and max(breaks) <= 10_000
    # The first bedtime stretch offers the nightly reminder instead (tests/test_reminders.py).
    ending = P["offer_reminder"] if routine_id == "BEDTIME" else P["routine_again"]
    assert turn.speech.endswith(ending) and not turn.ends
    assert len(turn.ssml) < 8000


@pytest.mark.parametrize("routine_id", ROUTINE_IDS)
def test_routine_stays_within_alexas_limits_and_is_the_one_long_answer(talk, routine_id):
    turn = talk.intent("GuidedStretchIntent", routine=routine_id)
    length = seconds(turn.ssml)
    assert 30 <= length <= 240, length  # long enough to hold a stretch, within 240 s of audio
    assert turn.ssml.count("<audio ") <= ssml.MAX_AUDIO_TAGS


def test_relief_hold_is_counted_aloud_for_about_thirty_seconds():
    steps = content.routines["RELIEF"].steps
    counts = [s for s in steps if s.say.split(".")[0] in {"Five", "Ten", "Fifteen", "Twenty"}]
    assert len(counts) >= 4
    hold = steps.index(counts[0]) - 1
    assert 25 <= sum(s.pause for s in steps[hold:]) <= 45
    assert "toes" in steps[hold].say and "let go" in " ".join(s.say for s in steps)


def test_bedtime_routine_is_the_wall_stretch_per_leg_then_the_stair():
    text = " ".join(steps_of("BEDTIME"))
    assert "wall" in text and "right foot" in text and "left foot" in text
    assert text.index("wall") < text.index("step") and "stair" in text
    assert text.count("Thirty") == 2


def test_relief_answer_offers_the_routine_and_yes_starts_it(talk):
    relief = talk.intent("CrampReliefIntent")
    assert relief.speech.endswith(P["offer_routine"])
    routine = talk.intent("AMAZON.YesIntent")
    assert routine.speech.startswith(steps_of("RELIEF")[0])


def test_stretching_tip_offers_the_bedtime_routine_and_the_walk_goes_on(talk):
    talk.intent("PreventionTipsIntent")
    talk.intent("AMAZON.YesIntent")
    talk.intent("AMAZON.NextIntent")
    stretching = talk.intent("AMAZON.NextIntent")
    assert stretching.speech.startswith(content.item("tip", "STRETCHING").summary)
    assert stretching.speech.endswith(P["offer_routine"])
    routine = talk.intent("AMAZON.YesIntent")
    assert routine.speech.startswith(steps_of("BEDTIME")[0])
    following = talk.intent("AMAZON.NextIntent")
    assert following.speech.startswith(content.item("tip", "HYDRATION").summary)


def test_asking_without_saying_which_guides_the_one_in_context(talk):
    assert talk.intent("GuidedStretchIntent").speech.startswith(steps_of("RELIEF")[0])
    talk.intent("TipDetailIntent", tip="STRETCHING")
    assert talk.intent("GuidedStretchIntent").speech.startswith(steps_of("BEDTIME")[0])


@pytest.mark.parametrize("again", ["AMAZON.RepeatIntent", "AMAZON.YesIntent"])
def test_again_repeat_and_yes_replay_the_routine(talk, again):
    talk.intent("GuidedStretchIntent", routine="BEDTIME")  # the first one offers the reminder
    first = talk.intent("GuidedStretchIntent", routine="BEDTIME")
    assert first.speech.endswith(P["routine_again"])
    replay = talk.intent(again)
    assert replay.ssml == first.ssml and not replay.ends


@pytest.mark.parametrize("name", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_end_the_routine_at_once(talk, name):
    talk.intent("GuidedStretchIntent")
    turn = talk.intent(name)
    assert turn.ends and turn.speech == P["goodbye"]


def test_people_reach_the_routine_in_their_own_words():
    from skill.simulator.session import Simulator

    sim = Simulator()
    for line in ("walk me through a stretch", "stretch with me", "time my stretch"):
        turn = sim.say(f"ask leg cramp helper {line}")
        assert turn.intent == "GuidedStretchIntent", line
    sim = Simulator()
    sim.say("open leg cramp helper")
    sim.say("how do I stop a cramp")
    first = sim.say("yes")
    again = sim.say("again")
    assert again.intent == "AMAZON.RepeatIntent" and again.ssml == first.ssml


def test_the_model_names_exactly_the_routines_and_red_flags_the_skill_handles(model):
    from skill.handlers.urgent import EMERGENCY_IDS

    ids = {t["name"]: {v["id"] for v in t["values"]} for t in model["types"]}
    assert ids["StretchRoutine"] == set(ROUTINE_IDS) == set(content.routines)
    assert ids["RedFlag"] > EMERGENCY_IDS
