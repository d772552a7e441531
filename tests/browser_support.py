"""Debian's chromium through Playwright, launched as scripts/simulator_screenshot.py does, and
the fixtures the browser tests share: one browser a module, the web simulator a test."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright
from web_support import serve

from skill.simulator.web import create_app

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "simulator_screenshot.py"
_spec = importlib.util.spec_from_file_location("simulator_screenshot", _SCRIPT)
assert _spec is not None and _spec.loader is not None
screenshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screenshot)

launch = screenshot.launch
say = screenshot.say
serving = screenshot.serving
shoot = screenshot.shoot


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """Playwright's driver, for the module."""
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One chromium for the module."""
    browser = launch(playwright)
    yield browser
    browser.close()


@pytest.fixture
def server() -> Iterator[str]:
    """The web simulator as `--web` serves it, configured by this test's environment (its own
    visit store: tests/conftest.py)."""
    with serve(create_app()) as base_url:
        yield base_url
