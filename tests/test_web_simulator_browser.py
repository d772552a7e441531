"""The web simulator in a real browser (Debian's chromium via Playwright) against a real server.

The only stand-ins are the browser's loudspeaker: speech synthesis and audio playback are
recorded instead of played, since a headless test machine has no sound device.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import say, serving, shoot
from locale_support import OPEN, STRETCH, language
from playwright.sync_api import Browser, Page
from web_support import serve, terminal_json

from skill import data
from skill.simulator.web import create_app, locales, voice

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
PHONE = {"width": 390, "height": 844}
CSV = (
    "utterance,referenceTimestamp,intent,slot[cause]\n"
    "what about calcium,,CauseDetailIntent,calcium\n"
    "why do my legs cramp at night,,CrampCausesIntent,\n"
    "is it my phone bill,,CrampCausesIntent,\n"
)
RECORD_VOICE = """
window.__spoken = [];
window.__played = [];
window.speechSynthesis.speak = (u) => {
  window.__spoken.push({ text: u.text, lang: u.lang });
  setTimeout(() => u.onend && u.onend(), 0);
};
HTMLMediaElement.prototype.play = function () {
  window.__played.push(new URL(this.src).pathname);
  setTimeout(() => this.dispatchEvent(new Event("ended")), 0);
  return Promise.resolve();
};
"""
NO_SPEECH_RECOGNITION = "delete window.webkitSpeechRecognition; delete window.SpeechRecognition;"


def open_page(browser: Browser, url: str, init: str = RECORD_VOICE, **options: Any) -> Page:
    """A fresh browser context on the page, ready to type into. Its clock runs as usual unless
    a test holds it (`voiced_through_its_pauses`): a guided stretch's pauses are not sat out."""
    context = browser.new_context(accept_downloads=True, **options)
    context.clock.install()
    context.add_init_script(init)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    return page


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    page = open_page(browser, server)
    yield page
    page.context.close()


def shown_json(page: Page, testid: str) -> dict[str, Any]:
    """The envelope the page shows (inside a collapsed <details>, so read its text)."""
    return json.loads(page.get_by_test_id(testid).text_content() or "")


def planned(page: Page, kind: str, audio_dir: Path | None = None) -> list[str]:
    """The clips (or texts) the last answer the page shows should be voiced with, in order."""
    response = shown_json(page, "response-json")
    locale = shown_json(page, "request-json")["request"]["locale"]
    ssml = response["response"]["outputSpeech"]["ssml"]
    plan = voice(ssml, locale, audio_dir or data.audio_dir())
    return [str(part[kind]) for part in plan if kind in part]


def voiced_through_its_pauses(
    page: Page, line: str, record: str, kind: str, audio_dir: Path | None = None
) -> list[str]:
    """Say `line` with the page's clock held: its answer is voiced part by part in order (the
    `kind` parts of its plan, as `record` holds them), and the pause after the first part holds
    the next one until the clock moves on. The clock runs as usual again afterwards."""
    before = page.evaluate(f"window.{record}.length")
    # A minute ahead (in seconds, as Python gives it) is never in the past by the time the page
    # gets it; nothing is being voiced, so nothing is skipped by the jump.
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 60)
    say(page, line)
    expected = planned(page, kind, audio_dir)
    page.wait_for_function(f"window.{record}.length > {before}")
    page.clock.run_for(1)  # the first part ends and the pause after it starts
    assert page.evaluate(f"window.{record}.length") == before + 1, "the first pause holds"
    page.clock.run_for(MAX_ROUTINE_MS)
    page.wait_for_function(f"window.{record}.length >= {before + len(expected)}")
    done = page.evaluate(f"window.{record}")[before:]
    page.clock.resume()
    assert [part if isinstance(part, str) else part["text"] for part in done] == expected
    return expected


MAX_ROUTINE_MS = 240_000  # Alexa plays at most 240 s of audio in one answer


def test_typed_utterances_show_what_alexa_understood_and_said(page: Page) -> None:
    lines = ["open leg cramp helper", "what about calcium"]
    for line in lines:
        say(page, line)
    turns = page.get_by_test_id("turn")
    assert turns.count() == 2
    expected = terminal_json(lines)
    assert turns.nth(0).get_by_test_id("turn-intent").inner_text() == "LaunchRequest"
    assert turns.nth(0).get_by_test_id("turn-speech").inner_text() == expected[0]["speech"]
    second = turns.nth(1)
    assert second.get_by_test_id("turn-intent").inner_text() == "CauseDetailIntent"
    assert second.get_by_test_id("turn-speech").inner_text() == expected[1]["speech"]
    assert expected[1]["card"]["title"] in second.get_by_test_id("turn-card").inner_text()
    slots = page.get_by_test_id("slots").inner_text()
    assert "LOW_CALCIUM" in slots and "ER_SUCCESS_MATCH" in slots
    considered = page.get_by_test_id("considered").locator("tbody tr")
    rows = [row.split() for row in considered.all_inner_texts()]
    assert rows[0][0] == "CauseDetailIntent" and len(rows) > 1
    scores = [float(score) for _, score in rows]
    assert scores == sorted(scores, reverse=True) and 0.5 < scores[0] <= 1
    request = shown_json(page, "request-json")
    assert request["request"]["intent"]["name"] == "CauseDetailIntent"
    response = shown_json(page, "response-json")
    assert response["response"]["shouldEndSession"] is False
    assert page.get_by_test_id("reprompt").inner_text() == expected[1]["reprompt"]
    assert "<speak>" in (page.get_by_test_id("ssml").text_content() or "")
    attributes = json.loads(page.get_by_test_id("attributes").text_content() or "")
    assert attributes == response["sessionAttributes"]


def test_details_of_an_earlier_turn_can_be_shown_again(page: Page) -> None:
    say(page, "open leg cramp helper")
    say(page, "what about calcium")
    page.get_by_role("button", name="Show details of turn 1").click()
    assert page.get_by_test_id("intent").inner_text() == "LaunchRequest"
    assert shown_json(page, "request-json")["request"]["type"] == "LaunchRequest"


def test_a_refused_line_shows_its_error_and_the_page_carries_on(page: Page) -> None:
    say(page, "open leg cramp helper")
    page.get_by_test_id("utterance").fill(".json")
    page.get_by_test_id("send").click()
    error = page.get_by_test_id("error")
    error.wait_for()
    assert "only works in the terminal" in error.inner_text()
    say(page, "help")
    assert error.is_hidden()
    assert page.get_by_test_id("turn").count() == 2


def test_keyboard_reaches_every_control_with_visible_focus(page: Page) -> None:
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.dataset.testid || ''"))
        if reached[-1] == "utterance":
            outline = page.evaluate(
                "[getComputedStyle(document.activeElement).outlineStyle,"
                " getComputedStyle(document.activeElement).outlineWidth]"
            )
            assert outline[0] != "none" and outline[1] != "0px", outline
    for testid in ("locale", "user-id", "new-session", "mute", "utterance", "mic", "send"):
        assert testid in reached, reached
    page.get_by_test_id("utterance").focus()
    page.keyboard.type("open leg cramp helper")
    page.keyboard.press("Enter")
    page.get_by_test_id("turn").first.wait_for()
    assert page.evaluate("document.activeElement.dataset.testid") == "utterance"


def test_every_control_has_a_label(page: Page) -> None:
    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input, select, button')]
             .filter(e => !e.hidden && !(e.labels && e.labels.length) &&
                          !e.getAttribute('aria-label') && !e.textContent.trim())
             .map(e => e.outerHTML)"""
    )
    assert unlabelled == []


def test_mic_button_only_where_the_browser_recognises_speech(
    page: Page, browser: Browser, server: str
) -> None:
    assert page.evaluate("'webkitSpeechRecognition' in window")
    assert page.get_by_test_id("mic").is_visible()
    without = open_page(browser, server, RECORD_VOICE + NO_SPEECH_RECOGNITION)
    assert without.get_by_test_id("mic").is_hidden()
    without.context.close()


def test_voice_out_plays_clips_with_the_pauses_between_and_mute_silences(page: Page) -> None:
    say(page, "open leg cramp helper")
    page.wait_for_function("window.__played.length >= 2")
    played = page.evaluate("window.__played")
    assert played[0] == "/audio/en-US/prompt-welcome.mp3"
    clips = voiced_through_its_pauses(page, STRETCH["en"], "__played", "clip")
    assert len(clips) > 2 and planned(page, "pause")
    played = page.evaluate("window.__played")
    assert page.evaluate("window.__spoken") == []
    page.get_by_test_id("mute").check()
    say(page, "what about calcium")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__played") == played


def test_voice_out_without_clips_uses_speech_synthesis_in_the_locale(
    browser: Browser, tmp_path: Path
) -> None:
    with serve(create_app(audio_dir=tmp_path)) as base_url:
        page = open_page(browser, base_url)
        say(page, "ask leg cramp helper what about calcium")
        page.wait_for_function("window.__spoken.length >= 1")
        spoken = page.evaluate("window.__spoken")
        assert "calcium" in " ".join(part["text"] for part in spoken).lower()
        for locale in ("en-US", "es-ES"):
            page.get_by_test_id("locale").select_option(locale)
            before = page.evaluate("window.__spoken.length")
            say(page, OPEN[language(locale)])
            before += len(planned(page, "text", tmp_path))
            page.wait_for_function(f"window.__spoken.length >= {before}")
            voiced_through_its_pauses(page, STRETCH[language(locale)], "__spoken", "text", tmp_path)
        spoken = page.evaluate("window.__spoken")
        page.context.close()
    assert {part["lang"] for part in spoken} == {"en-US", "es-ES"}


def test_locale_picker_lists_every_locale_and_each_starts_its_own_session(page: Page) -> None:
    options = page.get_by_test_id("locale").locator("option").all_inner_texts()
    assert options == locales()
    seen = set()
    for locale in options:
        page.get_by_test_id("locale").select_option(locale)
        before = page.evaluate("window.__played.length")
        say(page, OPEN[language(locale)])
        request = shown_json(page, "request-json")
        assert request["request"]["locale"] == locale
        assert request["session"]["new"] is True
        seen.add(request["session"]["sessionId"])
        before += len(planned(page, "clip"))
        page.wait_for_function(f"window.__played.length >= {before}")
        clips = voiced_through_its_pauses(page, STRETCH[language(locale)], "__played", "clip")
        assert shown_json(page, "request-json")["request"]["intent"]["name"] == (
            "GuidedStretchIntent"
        )
        assert clips and all(clip.startswith(f"/audio/{locale}/") for clip in clips)
    assert len(seen) == len(options)


def test_user_id_control_sets_the_simulated_user(page: Page) -> None:
    page.get_by_test_id("user-id").fill("amzn1.ask.account.BROWSER")
    say(page, "open leg cramp helper")
    assert shown_json(page, "request-json")["session"]["user"]["userId"] == (
        "amzn1.ask.account.BROWSER"
    )


def test_new_session_button_ends_the_session_and_starts_afresh(page: Page) -> None:
    say(page, "open leg cramp helper")
    first = shown_json(page, "request-json")["session"]["sessionId"]
    page.get_by_test_id("new-session").click()
    page.get_by_text("— new session —").wait_for()
    say(page, "what about calcium")
    request = shown_json(page, "request-json")
    assert request["session"]["new"] is True
    assert request["session"]["sessionId"] != first


def test_download_replay_saves_an_ask_cli_replay_file(page: Page) -> None:
    download = page.get_by_test_id("download-replay")
    assert download.get_attribute("aria-disabled") == "true"
    for line in ["open leg cramp helper", "what about calcium"]:
        say(page, line)
    with page.expect_download() as info:
        download.click()
    saved = Path(info.value.path())
    replay = json.loads(saved.read_text(encoding="utf-8"))
    assert info.value.suggested_filename == "dialog.json"
    assert replay["type"] == "text" and replay["locale"] == "en-US"
    assert replay["userInput"] == ["open leg cramp helper", "what about calcium", ".quit"]


def test_loading_a_replay_file_plays_it(page: Page, tmp_path: Path) -> None:
    replay = {
        "skillId": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000",
        "locale": "en-US",
        "type": "text",
        "userInput": ["open leg cramp helper", "what about calcium", "tell me more", ".quit"],
    }
    path = tmp_path / "dialog.json"
    path.write_text(json.dumps(replay), encoding="utf-8")
    page.get_by_test_id("replay-file").set_input_files(str(path))
    page.get_by_test_id("turn").nth(2).wait_for()
    intents = page.get_by_test_id("turn-intent").all_inner_texts()
    assert intents == ["LaunchRequest", "CauseDetailIntent", "MoreDetailIntent"]
    assert page.get_by_test_id("download-replay").get_attribute("aria-disabled") == "false"


def test_a_broken_replay_file_is_explained(page: Page, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"type": "text"}', encoding="utf-8")
    page.get_by_test_id("replay-file").set_input_files(str(path))
    page.get_by_test_id("error").wait_for()
    assert "missing skillId" in page.get_by_test_id("error").inner_text()


def test_evaluation_upload_shows_accuracy_per_intent_and_misses(page: Page, tmp_path: Path) -> None:
    path = tmp_path / "annotations.csv"
    path.write_text(CSV, encoding="utf-8")
    page.get_by_test_id("evaluate-file").set_input_files(str(path))
    page.get_by_test_id("evaluation").wait_for()
    assert page.get_by_test_id("accuracy").inner_text().startswith("Accuracy 66.7% (2 of 3")
    rows = page.get_by_test_id("per-intent").locator("tbody tr").all_inner_texts()
    assert [row.split() for row in rows] == [
        ["CauseDetailIntent", "1/1", "100.0%"],
        ["CrampCausesIntent", "1/2", "50.0%"],
    ]
    misses = page.get_by_test_id("misses").locator("tbody tr").all_inner_texts()
    assert len(misses) == 1 and "is it my phone bill" in misses[0]


def test_phone_width_has_no_horizontal_scrolling(
    browser: Browser, server: str, tmp_path: Path
) -> None:
    page = open_page(browser, server, viewport=PHONE)
    for line in ["open leg cramp helper", "what about calcium", "how can I prevent leg cramps"]:
        say(page, line)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    path = tmp_path / "annotations.csv"
    path.write_text(CSV, encoding="utf-8")
    page.get_by_test_id("evaluate-file").set_input_files(str(path))
    page.get_by_test_id("evaluation").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    sticking_out = page.evaluate(
        """[...document.querySelectorAll('body *')]
             .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
             .map(e => e.tagName + '.' + e.className)"""
    )
    page.context.close()
    assert width <= PHONE["width"]
    assert sticking_out == []


def test_phone_width_keeps_the_text_box_and_send_on_screen(browser: Browser, server: str) -> None:
    page = open_page(browser, server, viewport=PHONE)
    say(page, "open leg cramp helper")
    for testid in ("utterance", "send", "locale", "new-session"):
        box = page.get_by_test_id(testid).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.context.close()


def _background(browser: Browser, server: str, scheme: str) -> tuple[int, ...]:
    page = open_page(browser, server, color_scheme=scheme)
    color = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.context.close()
    return tuple(int(c) for c in color.removeprefix("rgb(").rstrip(")").split(","))


def test_page_follows_the_preferred_colour_scheme(browser: Browser, server: str) -> None:
    light, dark = _background(browser, server, "light"), _background(browser, server, "dark")
    assert sum(light) > 600 and sum(dark) < 150


def test_screenshot_script_writes_a_png(browser: Browser, tmp_path: Path) -> None:
    """The script's server (the real `--web` process) and its page, in this module's browser
    (launched as the script launches it); the script itself starts as a command."""
    done = subprocess.run(
        [sys.executable, "scripts/simulator_screenshot.py", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "--out" in done.stdout, done.stderr
    out = tmp_path / "simulator.png"
    with serving() as base_url:
        shoot(browser, base_url, out, width=800, height=860)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (800, 860)
    assert (ROOT / "docs" / "simulator.png").is_file(), "README.md shows the committed one"


def test_the_reminders_permission_switch_and_the_reminders_set(page: Page) -> None:
    """Alexa's question and its answer, the switch, and the stand-in's reminders (issue 19)."""
    page.get_by_test_id("user-id").fill(f"amzn1.ask.account.browser-{uuid.uuid4().hex}")
    assert not page.get_by_test_id("grant-reminders").is_checked()
    say(page, "remind me to stretch at ten pm")
    ask = page.get_by_test_id("permission-ask")
    assert ask.is_visible()
    assert page.get_by_test_id("directives").inner_text() == "Connections.SendRequest AskFor"
    assert page.get_by_test_id("reminders").inner_text() == "none"
    page.get_by_test_id("permission-accept").click()
    page.get_by_test_id("turn").nth(1).wait_for()
    assert not ask.is_visible()
    assert page.get_by_test_id("grant-reminders").is_checked()  # granted for the rest of the run
    assert page.get_by_test_id("turn-speech").nth(1).inner_text() == (
        "Done. I'll remind you to stretch every day at ten p.m."
    )
    assert page.get_by_test_id("reminder").inner_text().startswith("22:00 every day")
    say(page, "set a stretch reminder for half past nine at night")
    assert page.get_by_test_id("reminder").count() == 1
    assert page.get_by_test_id("reminder").inner_text().startswith("21:30 every day")
    page.get_by_test_id("grant-reminders").uncheck()
    say(page, "cancel the reminder")
    assert "permission" in page.get_by_test_id("turn-speech").nth(3).inner_text()
    assert page.get_by_test_id("reminder").count() == 1  # without permission nothing is touched
    page.get_by_test_id("grant-reminders").check()
    say(page, "cancel the reminder")
    assert page.get_by_test_id("reminders").inner_text() == "none"


def test_deny_answers_alexas_question(page: Page) -> None:
    page.get_by_test_id("user-id").fill(f"amzn1.ask.account.browser-{uuid.uuid4().hex}")
    say(page, "remind me to stretch at ten pm")
    page.get_by_test_id("permission-deny").click()
    page.get_by_test_id("turn").nth(1).wait_for()
    assert page.get_by_test_id("turn-speech").nth(1).inner_text() == (
        "That's fine, no reminder. A stretch before bed still helps."
    )
    assert not page.get_by_test_id("grant-reminders").is_checked()
