"""The web simulator's screen preview in a real browser (Debian's chromium via Playwright): every
device shape in the page's light and dark schemes, touches by mouse and by keyboard."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest
from browser_support import say
from playwright.sync_api import Browser, Page

from skill.content import load_content
from skill.simulator.devices import DEVICES, SPEAKER

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "screen_screenshots", ROOT / "scripts" / "screen_screenshots.py"
)
assert _spec is not None and _spec.loader is not None
shots = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shots)


def on(browser: Browser, server: str, device: str, scheme: str = "dark") -> Page:
    """The page with `device` picked (voice out muted) and the tips walk at its first tip."""
    return shots.open_on(browser, server, device, scheme)


@pytest.mark.parametrize("scheme", shots.SCHEMES)
@pytest.mark.parametrize("device", shots.SCREEN_DEVICES)
def test_the_preview_has_the_device_shape_in_both_schemes(
    browser: Browser, server: str, device: str, scheme: str, tmp_path: Path
) -> None:
    page = on(browser, server, device, scheme)
    screen = page.get_by_test_id("screen")
    box = screen.bounding_box()
    assert box is not None
    width, height = DEVICES[device].dp_size
    assert abs(box["width"] / box["height"] - width / height) < 0.03, (box, width, height)
    radius = page.evaluate("getComputedStyle(document.querySelector('.screen')).borderRadius")
    assert (radius == "50%") == (DEVICES[device].shape == "ROUND"), radius
    assert page.get_by_test_id("screen-headline").inner_text() == "Comfortable shoes"
    assert page.get_by_test_id("screen-place").inner_text() == "Tip 1 of 4"
    assert page.get_by_test_id("screen-hint").inner_text() == "Try: “next”"
    assert "not Amazon's renderer" in page.get_by_test_id("screen-note").inner_text()
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.screen')).backgroundColor"
    )
    assert background == "rgb(5, 8, 12)"  # the documents' night background, in either scheme
    data = shots.shoot(page, tmp_path / f"{device}-{scheme}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24])[0] > 300
    page.close()


def test_touching_next_moves_the_walk(browser: Browser, server: str) -> None:
    page = on(browser, server, "echo-show-8")
    turns = page.get_by_test_id("turn").count()
    page.get_by_test_id("screen-buttons").get_by_role("button", name="Next tip").click()
    page.get_by_test_id("turn").nth(turns).wait_for()
    assert page.get_by_test_id("screen-place").inner_text() == "Tip 2 of 4"
    assert (
        page.get_by_test_id("turn-intent").last.inner_text() == "Alexa.Presentation.APL.UserEvent"
    )
    assert load_content().tips[1].summary in page.get_by_test_id("turn-speech").last.inner_text()
    page.get_by_role("button", name="Previous tip").click()
    page.get_by_test_id("turn").nth(turns + 1).wait_for()
    assert page.get_by_test_id("screen-place").inner_text() == "Tip 1 of 4"
    page.close()


def test_the_preview_buttons_work_from_the_keyboard(browser: Browser, server: str) -> None:
    page = on(browser, server, "echo-show-10")
    turns = page.get_by_test_id("turn").count()
    page.get_by_test_id("utterance").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-label')") == "Next tip":
            break
    else:
        pytest.fail("Tab never reached the preview's Next button")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.get_by_test_id("turn").nth(turns).wait_for()
    assert page.get_by_test_id("screen-place").inner_text() == "Tip 2 of 4"
    page.close()


def test_lists_stretch_and_warning_previews(browser: Browser, server: str) -> None:
    content = load_content()
    page = on(browser, server, "echo-spot")
    say(page, "why do my legs cramp at night")
    choices = page.get_by_test_id("screen-choices").get_by_role("button")
    assert choices.count() == len(content.causes)
    turns = page.get_by_test_id("turn").count()
    page.get_by_role("button", name=f"Hear about {content.causes[1].name}").click()
    page.get_by_test_id("turn").nth(turns).wait_for()
    assert page.get_by_test_id("screen-place").inner_text() == "Cause 2 of 4"
    say(page, "walk me through a stretch")
    steps = page.get_by_test_id("screen-steps").locator("li")
    assert steps.count() == len(content.routines["RELIEF"].steps)
    assert steps.first.get_attribute("data-lit") == "true"
    assert page.get_by_test_id("screen-hold").inner_text() == content.screen("hold_RELIEF")
    turns = page.get_by_test_id("turn").count()
    page.get_by_role("button", name=content.screen("stop_stretch")).click()
    page.get_by_test_id("turn").nth(turns).wait_for()
    assert page.get_by_test_id("turn-speech").last.inner_text() == content.prompts["goodbye"]
    say(page, "open leg cramp helper")
    say(page, "I have chest pain")
    assert page.get_by_test_id("screen-lead").inner_text() == content.prompts["emergency"]
    assert page.get_by_test_id("screen-number").inner_text() == "911"
    assert page.get_by_test_id("screen").get_by_role("button").count() == 0
    page.close()


def test_a_speaker_shows_no_screen(browser: Browser, server: str) -> None:
    page = browser.new_page()
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_by_test_id("device").input_value() == SPEAKER
    say(page, "open leg cramp helper")
    assert page.get_by_test_id("screen").is_hidden()
    assert page.get_by_test_id("screen-none").is_visible()
    page.close()


def test_the_committed_screenshots_cover_every_device_and_scheme() -> None:
    folder = ROOT / "docs" / "screens"
    expected = {f"{d}-{s}.png" for d in shots.SCREEN_DEVICES for s in shots.SCHEMES} | {
        f"echo-show-8-dark-{name}.png" for name in shots.EXTRAS
    }
    assert {p.name for p in folder.glob("*.png")} == expected


def test_the_preview_fits_a_phone_screen(browser: Browser, server: str) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server)
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_test_id("mute").check()
    page.get_by_test_id("device").select_option("echo-show-15")
    say(page, "open leg cramp helper")
    say(page, "why do my legs cramp at night")
    assert page.get_by_test_id("screen").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()
