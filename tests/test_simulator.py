"""The text simulator end to end: typed words, NLU, Alexa envelopes, Lambda handler, speech."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from skill.content import SUPPORTED_LOCALES, load_content
from skill.simulator.cli import main
from skill.simulator.session import Simulator

pytestmark = pytest.mark.unit

JSON_KEYS = {
    "utterance",
    "request_type",
    "intent",
    "slots",
    "speech",
    "ssml",
    "reprompt",
    "card",
    "end_session",
    "directives",  # each directive's type (and a Connections.SendRequest's name)
    "reminders",  # the stand-in's reminders for the user (tests/test_simulator_reminders.py)
}


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Run the command line in-process with piped stdin; returns (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def json_lines(stdout: str) -> list[dict]:
    """Every stdout line parsed as one JSON object (fails on anything else)."""
    return [json.loads(line) for line in stdout.splitlines()]


def test_one_shot_question_gives_the_causes() -> None:
    status, out, err = run("--json", "ask leg cramp helper why do my legs cramp at night")
    assert (status, err) == (0, "")
    [turn] = json_lines(out)
    assert turn["request_type"] == "IntentRequest"
    assert turn["intent"] == "CrampCausesIntent"
    speech = turn["speech"].lower()
    for cause in ("tired", "cold", "calcium", "blood flow"):
        assert cause in speech
    assert turn["end_session"] is False
    assert turn["reprompt"]


@pytest.mark.parametrize(
    "line",
    [
        "Alexa, ASK Leg Cramp Helper: why do my legs cramp at night?",
        "tell leg cramp helper why do my legs cramp at night",
        "alexa ask leg cramp helper about why my legs cramp at night",
    ],
)
def test_one_shot_forms_are_tolerant_of_prefix_case_and_punctuation(line: str) -> None:
    turn = Simulator().say(line)
    assert turn.intent == "CrampCausesIntent"
    assert turn.exchange.request["session"]["new"] is True


def test_open_sends_a_launch_request_with_the_disclaimer() -> None:
    turn = Simulator().say("Open leg cramp helper.")
    assert (turn.request_type, turn.intent) == ("LaunchRequest", None)
    assert "not medical advice" in turn.speech
    assert turn.card is not None and "not medical advice" in turn.card["text"]


def test_a_conversation_carries_state_from_turn_to_turn() -> None:
    sim = Simulator()
    said = [sim.say(line) for line in ("open leg cramp helper", "why do my legs cramp at night")]
    session_id = said[0].exchange.request["session"]["sessionId"]

    which = sim.say("yes")
    assert which.intent == "AMAZON.YesIntent"
    assert "which one" in which.speech.lower()

    calcium = sim.say("what about calcium")
    assert calcium.intent == "CauseDetailIntent"
    assert calcium.slots == {"cause": {"value": "calcium", "id": "LOW_CALCIUM"}}
    resolution = calcium.exchange.request["request"]["intent"]["slots"]["cause"]["resolutions"]
    assert resolution["resolutionsPerAuthority"][0]["authority"].endswith(".CrampCause")
    assert "calcium" in calcium.speech.lower()

    more = sim.say("tell me more")
    assert more.intent == "MoreDetailIntent"
    assert "calcium" in more.speech.lower() and more.speech != calcium.speech

    overview = sim.say("how can I prevent leg cramps")
    assert overview.intent == "PreventionTipsIntent"
    first = sim.say("yes")
    assert "shoes" in first.speech.lower()
    second = sim.say("next")
    assert second.intent == "AMAZON.NextIntent"
    assert "bedding" in second.speech.lower()
    # What the skill saved in the session comes back with the next request, as Alexa does it.
    back = sim.say("previous")
    assert (
        back.exchange.request["session"]["attributes"]
        == second.exchange.response["sessionAttributes"]
    )
    assert back.speech == first.speech
    again = sim.say("repeat")
    assert (again.ssml, again.reprompt, again.card) == (back.ssml, back.reprompt, back.card)

    bye = sim.say("stop")
    assert bye.end_session is True
    assert "goodbye" in bye.speech.lower() and "?" not in bye.speech
    turns = [*said, which, calcium, more, overview, first, second, back, again, bye]
    assert {t.exchange.request["session"]["sessionId"] for t in turns} == {session_id}
    assert all(not t.exchange.request["session"]["new"] for t in turns[1:])

    # After the skill ends the session, the next line starts a new one with nothing carried.
    fresh = sim.say("why do my legs cramp at night")
    assert fresh.exchange.request["session"]["new"] is True
    assert fresh.exchange.request["session"]["sessionId"] != session_id
    assert fresh.exchange.request["session"]["attributes"] == {}


def test_a_synonym_resolves_to_the_tip_id() -> None:
    turn = Simulator().say("ask leg cramp helper about the duvet")
    assert turn.intent == "TipDetailIntent"
    assert turn.slots["tip"]["id"] == "BEDDING"


def test_json_output_is_one_object_per_utterance_and_nothing_else() -> None:
    lines = ["open leg cramp helper", "", "how do I stop a cramp right now", ".new", "help", "stop"]
    status, out, err = run("--json", *lines)
    assert (status, err) == (0, "")
    turns = json_lines(out)
    assert [t["utterance"] for t in turns] == [
        "open leg cramp helper",
        "how do I stop a cramp right now",
        "help",
        "stop",
    ]
    for turn in turns:
        assert set(turn) == JSON_KEYS
        assert turn["speech"] and "<" not in turn["speech"]
        assert turn["ssml"].startswith("<speak>")
        assert turn["card"] is None or set(turn["card"]) == {"title", "text"}
    assert turns[1]["intent"] == "CrampReliefIntent"
    assert turns[1]["card"]["title"]
    assert [t["end_session"] for t in turns] == [False, False, False, True]
    assert turns[3]["reprompt"] is None


def test_a_line_with_no_words_is_not_understood_but_still_answered() -> None:
    status, out, _ = run("--json", "open leg cramp helper", "?!", "alexa")
    assert status == 0
    _launch, *unclear = json_lines(out)
    assert [t["intent"] for t in unclear] == ["AMAZON.FallbackIntent"] * 2
    assert all(t["end_session"] is False and t["reprompt"] for t in unclear)


def test_dot_new_ends_the_open_session_and_forgets_its_state() -> None:
    lines = ["open leg cramp helper", "why do my legs cramp at night", ".json", ".new", "yes"]
    status, out, err = run("--json", *lines)
    assert status == 0
    before_new, after_new = json_lines(out)[1:]
    assert "?" in before_new["speech"]  # the skill asked a yes/no question ...
    # ... which a new session no longer remembers: "yes" gets a general prompt, not the causes.
    assert "which one" not in after_new["speech"].lower()
    assert '"type": "SessionEndedRequest"' in err  # raw JSON goes to stderr beside --json


def test_text_mode_shows_intent_slots_speech_reprompt_card_and_session() -> None:
    status, out, err = run("open leg cramp helper", "tell me about tired legs", "stop")
    assert (status, err) == (0, "")
    assert "you: tell me about tired legs" in out
    assert "CauseDetailIntent" in out
    assert re.search(r'cause = "[^"]*tired[^"]*" -> FATIGUE', out)
    assert "reprompt" in out and "card" in out
    assert out.count("session  open") == 2 and out.count("session  ended") == 1


def test_record_then_replay_gives_the_same_conversation(tmp_path: Path) -> None:
    replay_file = tmp_path / "dialog.json"
    said = ["why do my legs cramp at night", "cold feet", ".new", "how do I prevent cramps", "yes"]
    status, out, _ = run("--json", "open leg cramp helper", f".record {replay_file}", *said)
    assert status == 0
    recorded = json.loads(replay_file.read_text())
    assert recorded["type"] == "text" and recorded["locale"] == "en-US"
    assert recorded["skillId"].startswith("amzn1.ask.skill.")
    assert recorded["userInput"] == said

    status, replayed, err = run("--json", "--replay", str(replay_file))
    assert (status, err) == (0, "")
    original = json_lines(out)[1:]
    again = json_lines(replayed)
    assert [t["intent"] for t in again] == [t["intent"] for t in original]
    assert [t["speech"] for t in again] == [t["speech"] for t in original]
    assert again[1]["slots"]["cause"]["id"] == "COLD"


def test_record_stops_at_quit_and_ignores_later_lines(tmp_path: Path) -> None:
    replay_file = tmp_path / "dialog.json"
    stdin = f".record {replay_file}\nopen leg cramp helper\n.quit\nhelp\n"
    status, out, _ = run("--json", stdin=stdin)
    assert status == 0
    assert len(json_lines(out)) == 1
    assert json.loads(replay_file.read_text())["userInput"] == ["open leg cramp helper"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"skillId": "x", "locale": "en-US", "type": "text"}', "missing userInput"),
        ('{"skillId": "x", "locale": "en-US", "type": "audio", "userInput": []}', "type must"),
        ('{"skillId": "x", "locale": "en-US", "type": "text", "userInput": "hi"}', "list of"),
        ('{"skillId": "", "locale": "en-US", "type": "text", "userInput": []}', "skillId must"),
        ('{"skillId": "x", "locale": "en-US", "type": "text", "userInput": [".go"]}', "unknown"),
        ('{"skillId": "x", "locale": "xx-XX", "type": "text", "userInput": []}', "xx-XX"),
    ],
)
def test_malformed_replay_file_exits_2_with_a_clear_message(
    tmp_path: Path, content: str, message: str
) -> None:
    replay_file = tmp_path / "bad.json"
    replay_file.write_text(content)
    status, out, err = run("--json", "--replay", str(replay_file))
    assert status == 2
    assert out == ""
    assert message in err


def test_missing_replay_file_exits_2() -> None:
    status, out, err = run("--replay", "/nonexistent/dialog.json")
    assert (status, out) == (2, "")
    assert "cannot read" in err


def test_unknown_command_is_explained_and_the_rest_still_runs() -> None:
    status, out, err = run("--json", ".bogus", "open leg cramp helper")
    assert status == 1
    assert "unknown command '.bogus'" in err and ".record FILE" in err
    assert [t["request_type"] for t in json_lines(out)] == ["LaunchRequest"]


def test_piped_lines_run_in_order_without_prompts() -> None:
    status, out, err = run(stdin="\nopen leg cramp helper\n\nstop\n")
    assert (status, err) == (0, "")
    assert out.startswith("you: open leg cramp helper\n")
    assert "Goodbye" in out
    assert "Commands:" not in out


class _Terminal(io.StringIO):
    """Typed input at a terminal (a TTY is the only thing that differs from a pipe)."""

    def isatty(self) -> bool:
        """Pretends to be a terminal."""
        return True


def test_interactive_mode_prompts_and_ends_at_end_of_input() -> None:
    out = io.StringIO()
    status = main([], stdin=_Terminal("open leg cramp helper\n.quit\n"), stdout=out)
    assert status == 0
    text = out.getvalue()
    assert "Commands: .new, .accept, .deny, .json, .record FILE, .quit" in text
    assert text.count("you: ") == 2
    assert "Welcome to Leg Cramp Helper" in text


OPEN_AND_ASK = {
    "en": ("open leg cramp helper", "ask leg cramp helper why do my legs cramp at night"),
    "es": (
        "Alexa, abre calambres nocturnos",
        "Alexa, pregúntale a calambres nocturnos "
        "por qué me dan calambres en las piernas por la noche",
    ),
}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_locale_opens_and_answers_in_its_own_language(locale: str) -> None:
    """`--locale` picks the model and the words: launch, then a one-shot question."""
    opening, question = OPEN_AND_ASK[locale.split("-")[0]]
    status, out, err = run("--locale", locale, "--json", opening, question)
    assert (status, err) == (0, "")
    launch, answer = json_lines(out)
    content = load_content(locale)
    assert launch["request_type"] == "LaunchRequest"
    assert launch["speech"].startswith(content.prompt("welcome"))
    assert answer["intent"] == "CrampCausesIntent"
    assert answer["speech"].startswith(content.prompt("causes_overview"))


@pytest.mark.parametrize(
    ("line", "intent"),
    [
        ("abre calambres nocturnos", None),
        ("preguntale a calambres nocturnos por que me dan calambres", "CrampCausesIntent"),
        (
            "pide a calambres nocturnos que me de consejos para evitar calambres",
            "PreventionTipsIntent",
        ),
        (
            "Alexa, pídele a calambres nocturnos que me diga cómo quitar un calambre",
            "CrampReliefIntent",
        ),
        ("dile a calambres nocturnos que tengo la pierna hinchada y roja", "UrgentSymptomsIntent"),
    ],
)
def test_spanish_launch_phrases(line: str, intent: str | None) -> None:
    simulator = Simulator("es-US")
    turn = simulator.say(line)
    assert turn.intent == intent
    assert turn.request_type == ("LaunchRequest" if intent is None else "IntentRequest")


def test_an_unknown_locale_is_refused_clearly(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit) as exit_status:
        run("--locale", "fr-FR", "open leg cramp helper")
    assert exit_status.value.code == 2
    assert "invalid choice: 'fr-FR'" in capsys.readouterr().err
