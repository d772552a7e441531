"""Issue 18: every answer on a screen, and nothing changed for a speaker.

Every response kind (tests/response_walk.py) is asked through the real Lambda handler as a
speaker and as each device with a screen (skill/simulator/devices.py), in every locale.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import Conversation, Turn
from response_walk import is_guided_stretch
from screen_support import (
    EXECUTE,
    SCREEN_DEVICES,
    directives,
    on_device,
    rendered,
    walk,
    walked,
)

from skill import screens
from skill.apl import DOCUMENTS, document
from skill.content import SUPPORTED_LOCALES, load_content
from skill.lambda_function import handler
from skill.simulator import envelopes
from skill.simulator.devices import DEVICES

pytestmark = pytest.mark.integration  # every response kind walked on every device: tens of seconds

MAX_RESPONSE_BYTES = 24 * 1024  # the figure safe under every limit Alexa has documented
SIZES: dict[str, tuple[int, str]] = {}


@pytest.fixture(scope="module")
def walks() -> dict[tuple[str, str], list]:
    """Every response kind, per (locale, device), computed once: speakers and an Echo Show 8 in
    every locale, every other device in en-US."""
    pairs = [(loc, dev) for loc in SUPPORTED_LOCALES for dev in ("speaker", "echo-show-8")]
    pairs += [("en-US", dev) for dev in SCREEN_DEVICES if dev != "echo-show-8"]
    return {pair: list(walked(*pair)) for pair in pairs}


def _without_screen(envelope: dict[str, Any]) -> dict[str, Any]:
    """A screen device's response less what only a screen gets (its APL directives)."""
    envelope = copy.deepcopy(envelope)
    kept = [d for d in envelope["response"].pop("directives", []) if not is_apl(d)]
    if kept:  # a Dialog or Connections directive is everyone's
        envelope["response"]["directives"] = kept
    (envelope.get("sessionAttributes") or {}).pop(screens.SCREEN_KEY, None)
    return envelope


def is_apl(directive: dict[str, Any]) -> bool:
    """Whether a directive is for screens: Alexa.Presentation.APL.*."""
    return str(directive.get("type", "")).startswith("Alexa.Presentation.APL.")


def _is_stretch(turn: Turn) -> bool:
    return any(d["type"] == EXECUTE for d in directives(turn))


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_speaker_gets_exactly_what_it_got_before(
    walks: dict, locale: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With the screen hook switched off entirely, a speaker's answers are the same, byte for
    byte; and no speaker answer carries an APL directive or the screen counter."""
    speaker = walks[locale, "speaker"]
    monkeypatch.setattr("skill.responses._show", lambda *args, **kwargs: None)
    before = walk(monkeypatch, tmp_path, locale, "speaker")
    assert [t.envelope for _, t in speaker] == [t.envelope for _, t in before]
    for asked, turn in speaker:
        assert not any(is_apl(d) for d in turn.response.get("directives", [])), asked
        assert screens.SCREEN_KEY not in (turn.envelope.get("sessionAttributes") or {}), asked


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_screen_hears_what_a_speaker_hears_and_sees_it_too(walks: dict, locale: str) -> None:
    """Speech, reprompt, card and state are the speaker's; only the stretch moves its steps
    from outputSpeech into the document, which speaks them itself."""
    speaker, screen = walks[locale, "speaker"], walks[locale, "echo-show-8"]
    assert [a for a, _ in speaker] == [a for a, _ in screen]
    content = load_content(locale)
    for (asked, heard), (_, shown) in zip(speaker, screen, strict=True):
        if _is_stretch(shown) and not is_guided_stretch(locale, heard):
            # Repeat after a stretch: a screen spoke it (nothing saved to replay), so it is
            # rendered again, where a speaker replays the saved speech.
            assert "routine" in asked and ("RepeatIntent" in asked or asked.endswith("repeat"))
            continue
        if _is_stretch(shown):
            expected = _without_screen(heard.envelope)
            expected["response"].pop("outputSpeech")
            expected.get("sessionAttributes", {}).pop("last_response", None)
            got = _without_screen(shown.envelope)
            got.get("sessionAttributes", {}).pop("last_response", None)
            assert got == expected, asked
            steps = rendered(shown)["datasources"]["screen"]["properties"]["steps"]
            said = [step["text"] for step in steps]
            assert said in [[s.say for s in r.steps] for r in content.routines.values()], asked
            continue
        assert _without_screen(shown.envelope) == heard.envelope, asked
        replayed = asked.startswith("AMAZON.RepeatIntent") or asked.endswith("then repeat")
        if heard.ssml and not replayed:  # every answer shows; a replay leaves the screen as is
            assert rendered(shown) is not None, asked


@pytest.mark.parametrize("device", SCREEN_DEVICES)
def test_every_response_kind_renders_on_every_device(walks: dict, device: str) -> None:
    """Each answer's RenderDocument names one of skill/apl's documents with a fresh token."""
    kinds = set()
    for asked, turn in walks["en-US", device]:
        directive = rendered(turn)
        replayed = asked.startswith("AMAZON.RepeatIntent") or asked.endswith("then repeat")
        if not turn.ssml and not _is_stretch(turn):
            assert directive is None, asked
            continue
        if replayed and directive is None:  # the saved speech again: the screen stays as it is
            continue
        assert directive is not None, asked
        assert directive["document"] in [document(name) for name in DOCUMENTS], asked
        assert re.fullmatch(re.escape(screens.TOKEN_PREFIX) + r"\d+", directive["token"]), asked
        properties = directive["datasources"]["screen"]["properties"]
        kind = "warning" if "lead" in properties else "stretch" if "steps" in properties else ""
        kinds.add(
            kind
            or ("walk" if properties["place"] else "list" if properties["choices"] else "answer")
        )
        if _is_stretch(turn):
            commands = next(d for d in directives(turn) if d["type"] == EXECUTE)
            assert commands["token"] == directive["token"], asked
            assert "outputSpeech" not in turn.response, asked
    assert kinds == {"answer", "walk", "list", "stretch", "warning"}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_largest_answer_with_its_screen_is_under_24_kb(walks: dict, locale: str) -> None:
    asked, turn = max(walks[locale, "echo-show-8"], key=lambda pair: _size(pair[1]))
    SIZES[locale] = (_size(turn), asked)
    print(f"{locale}: largest response {_size(turn)} bytes ({asked})")
    assert _size(turn) < MAX_RESPONSE_BYTES, asked


@pytest.mark.parametrize("locale", ["en-US", "es-ES"])
def test_with_hosted_clips_too(
    locale: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With every committed clip allowed in the speech, answers still stay under 24 KB."""
    monkeypatch.setenv("AUDIO_BASE_URL", "https://d111111abcdef8.cloudfront.net/audio")
    monkeypatch.setenv("AUDIO_ENGINES", "gtts,offline")
    turns = walk(monkeypatch, tmp_path, locale, "echo-show-15")
    assert any("<audio" in turn.ssml for _, turn in turns)
    assert max(_size(turn) for _, turn in turns) < MAX_RESPONSE_BYTES


def _size(turn: Turn) -> int:
    return len(json.dumps(turn.envelope, ensure_ascii=False).encode("utf-8"))


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_word_on_screen_comes_from_the_content(walks: dict, locale: str) -> None:
    """An answer's text is what was said; every other string is a name, a title, a step, a
    prompt or a [screens] entry of the locale, whole or with its placeholders filled."""
    content = load_content(locale)
    names = [i.name for i in (*content.causes, *content.tips, *content.topics.values())]
    known = {
        *content.prompts.values(),
        *content.cards.values(),
        *(n[:1].upper() + n[1:] for n in (*names, *(r.name for r in content.routines.values()))),
        *(s.say for r in content.routines.values() for s in r.steps),
        content.topics["URGENT"].summary,
    }
    filled = [
        re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(text)))
        for text in content.screens.values()
    ]
    for asked, turn in walks[locale, "echo-show-8"]:
        directive = rendered(turn)
        if directive is None:
            continue
        properties = directive["datasources"]["screen"]["properties"]
        if "text" in properties and "lead" not in properties:
            assert properties["text"] == turn.speech, asked
        for key, value in _strings(properties):
            if key in ("action", "id", "ssml", "text") and value not in known:
                if key == "text" and "lead" in properties:
                    assert value in turn.speech, asked
                continue
            in_content = value in known or any(p.fullmatch(value) for p in filled)
            assert in_content or value in turn.speech, (asked, key, value)


def _strings(node: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(node, str):
        return [(key, node)] if node else []
    if isinstance(node, dict):
        return [pair for k, v in node.items() for pair in _strings(v, k)]
    if isinstance(node, list):
        return [pair for v in node for pair in _strings(v, key)]
    return []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_red_flags_lead_with_what_to_do_now_and_the_number(locale: str) -> None:
    content = load_content(locale)
    skill = on_device(handler, "echo-show-5")
    cases = {"CHEST": content.prompts["emergency"], "CLOT": content.topics["URGENT"].summary}
    for symptom, spoken_first in cases.items():
        talk = Conversation(locale, skill=skill)
        turn = talk.intent("UrgentSymptomsIntent", symptom=symptom)
        properties = rendered(turn)["datasources"]["screen"]["properties"]
        assert set(properties) == {"lead", "text", "emergency_label", "emergency_number"}
        assert spoken_first.startswith(properties["lead"])
        assert turn.speech.startswith(properties["lead"].replace("\u2019", "'")[:30])
        assert properties["emergency_number"] == content.screen("emergency_number")
        assert properties["emergency_number"] in content.topics["URGENT"].card
        assert rendered(turn)["document"] == document("warning")


def _touch(talk: Conversation, *arguments: str, token: str | None = None) -> Turn:
    last = rendered(talk.turns[-1]) if talk.turns else None
    chosen = token if token is not None else (last or {}).get("token", "")
    return talk.send(envelopes.user_event(talk.session, chosen, list(arguments)))


@pytest.fixture
def show(new_conversation: type[Conversation]) -> Conversation:
    """A conversation on an Echo Show 8."""
    return new_conversation(skill=on_device(handler, "echo-show-8"))


def test_touching_next_and_previous_answers_as_saying_them(
    show: Conversation, new_conversation: type[Conversation]
) -> None:
    said = new_conversation(skill=on_device(handler, "echo-show-8"))
    for talk in (show, said):
        talk.intent("PreventionTipsIntent")
        talk.intent("AMAZON.YesIntent")
    touched = [_touch(show, "next", ""), _touch(show, "next", ""), _touch(show, "previous", "")]
    spoken = [said.intent(name) for name in ("AMAZON.NextIntent",) * 2 + ("AMAZON.PreviousIntent",)]
    assert [t.speech for t in touched] == [t.speech for t in spoken]
    places = [rendered(t)["datasources"]["screen"]["properties"]["place"] for t in touched]
    assert places == ["Tip 2 of 4", "Tip 3 of 4", "Tip 2 of 4"]


def test_the_causes_walk_by_voice_and_by_touch(show: Conversation) -> None:
    content = load_content()
    show.intent("CrampCausesIntent")
    choices = rendered(show.turns[-1])["datasources"]["screen"]["properties"]["choices"]
    assert [c["id"] for c in choices] == [c.id for c in content.causes]
    assert all(c["label"] for c in choices)
    turn = _touch(show, "cause", "COLD")
    assert content.causes[1].summary in turn.speech
    assert rendered(turn)["datasources"]["screen"]["properties"]["place"] == "Cause 2 of 4"
    assert content.causes[2].summary in show.intent("AMAZON.NextIntent").speech
    assert content.causes[3].summary in _touch(show, "next", "").speech
    last = _touch(show, "next", "")
    assert last.speech.startswith(content.prompts["last_cause"])
    talk = Conversation(skill=on_device(handler, "echo-show-8"))
    talk.intent("CauseDetailIntent", cause="FATIGUE")
    first = talk.intent("AMAZON.PreviousIntent")
    assert first.speech.startswith(content.prompts["first_cause"])


def test_the_stretch_can_be_stopped_by_touch(show: Conversation) -> None:
    turn = show.intent("GuidedStretchIntent")
    stop = rendered(turn)["datasources"]["screen"]["properties"]["stop"]
    assert stop["label"] and stop["action"] == "stop"
    ended = _touch(show, "stop", "")
    assert ended.ends and ended.speech == load_content().prompts["goodbye"]


def test_repeat_after_a_stretch_on_a_screen_plays_it_again(show: Conversation) -> None:
    show.intent("GuidedStretchIntent")
    again = show.intent("AMAZON.RepeatIntent")
    assert any(d["type"] == EXECUTE for d in directives(again))


@pytest.mark.parametrize(
    "arguments",
    [[], ["dance"], ["cause", "MOON"], ["tip", "NOPE"], [1, 2], ["next", "", "extra"], None],
)
def test_a_touch_the_skill_cannot_act_on_gets_a_short_answer(
    show: Conversation, arguments: Any
) -> None:
    show.intent("PreventionTipsIntent")
    token = rendered(show.turns[-1])["token"]
    event = envelopes.user_event(show.session, token, arguments)
    if arguments is None:
        del event["request"]["arguments"]
    turn = show.send(event)
    assert turn.speech == _stale(), arguments
    assert not turn.ends


def test_a_token_never_sent_or_from_an_old_screen_gets_a_short_answer(show: Conversation) -> None:
    show.intent("PreventionTipsIntent")
    old = rendered(show.turns[-1])["token"]
    show.intent("AMAZON.YesIntent")
    for token in ("someone-else", "", old, screens.token(99)):
        assert _touch(show, "next", "", token=token).speech == _stale(), token


def test_a_touch_that_opens_a_new_session_gets_a_short_answer() -> None:
    talk = Conversation(skill=on_device(handler, "echo-spot"))
    turn = talk.send(envelopes.user_event(talk.session, screens.token(1), ["next", ""]))
    assert turn.speech == _stale() and not turn.ends


def _stale() -> str:
    prompts = load_content().prompts
    return f"{prompts['screen_stale']} {prompts['what_next']}"


def test_every_device_sends_its_viewport_and_apl() -> None:
    for name, device in DEVICES.items():
        envelope = envelopes.launch(envelopes.Session(device=name))
        interfaces = envelope["context"]["System"]["device"]["supportedInterfaces"]
        if device is None:
            assert interfaces == {} and "Viewport" not in envelope["context"]
            continue
        assert "Alexa.Presentation.APL" in interfaces
        viewport = envelope["context"]["Viewport"]
        assert (viewport["pixelWidth"], viewport["pixelHeight"], viewport["shape"]) == (
            device.pixel_width,
            device.pixel_height,
            device.shape,
        )
        assert envelope["context"]["Viewports"][0]["type"] == "APL"


def test_the_manifest_declares_apl_with_a_viewport_for_every_device() -> None:
    manifest = json.loads((Path(__file__).parent.parent / "skill.json").read_text())
    (interface,) = manifest["manifest"]["apis"]["custom"]["interfaces"]
    assert interface["type"] == "ALEXA_PRESENTATION_APL"
    for name, device in DEVICES.items():
        if device is None:
            continue
        width, height = device.dp_size
        assert any(
            v["mode"] == device.mode
            and v["shape"] == device.shape
            and v["minWidth"] <= width <= v["maxWidth"]
            and v["minHeight"] <= height <= v["maxHeight"]
            for v in interface["supportedViewports"]
        ), name


def test_documents_are_dark_quiet_and_accessible() -> None:
    """Dark theme, no white backgrounds, no animation command but the SpeakList highlight, and
    an accessibilityLabel on every touchable item."""
    for name in DOCUMENTS:
        doc = document(name)
        assert doc["type"] == "APL" and doc["version"] == "2024.2" and doc["theme"] == "dark"
        assert {"name": "alexa-layouts", "version": "1.7.0"} in doc["import"]
        text = json.dumps(doc)
        assert not re.search(r'"#(?:F{3}|F{6})"', text, re.I) or name == "warning"
        for banned in ("AnimateItem", "AutoPage", "ScrollToIndex", '"onMount"', "Video"):
            assert banned not in text, (name, banned)
        for component in _components(doc["mainTemplate"]):
            if component.get("type") in ("AlexaButton", "AlexaTextListItem", "TouchWrapper"):
                assert component.get("accessibilityLabel"), (name, component["type"])
    colours = document("answer")["resources"][0]["colors"]
    assert all(int(c[1:3], 16) < 0x30 for k, c in colours.items() if "Background" in k)


def _components(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        found = [node] if "type" in node else []
        return found + [c for v in node.values() for c in _components(v)]
    if isinstance(node, list):
        return [c for v in node for c in _components(v)]
    return []


TRY_INTENTS = {
    "try_home": "CrampCausesIntent",
    "try_more": "MoreDetailIntent",
    "try_next": "AMAZON.NextIntent",
    "try_yes": "AMAZON.YesIntent",
    "try_cause": "CauseDetailIntent",
    "try_tip": "TipDetailIntent",
    "try_anything": "PreventionTipsIntent",
    "try_stop": "AMAZON.StopIntent",
}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_hint_on_screen_is_understood(locale: str) -> None:
    """Saying a "Try: ..." phrase gets the intent the screen suggests it for."""
    from skill.simulator.session import nlu_for, normalise

    content = load_content(locale)
    nlu = nlu_for(locale)
    heard = {key: nlu.parse(normalise(content.screen(key))).intent for key in TRY_INTENTS}
    assert heard == TRY_INTENTS
