"""Write docs/simulator.png: the web simulator after a short conversation, in Debian's chromium.

Usage: python scripts/simulator_screenshot.py [--out docs/simulator.png] [--width 1280]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.web_sim import free_port, start_server  # noqa: E402 - after the path set-up above

CHROMIUM = "/usr/bin/chromium"  # Debian's package (`make` installs it); never `playwright install`
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONVERSATION = ["open leg cramp helper", "what about calcium"]


def launch(playwright: Playwright) -> Browser:
    """Debian's chromium, headless, with nothing reaching out to the network."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextmanager
def serving() -> Iterator[str]:
    """The real `python -m skill.simulator --web` on a free loopback port; yields its base URL."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="screenshot-") as folder:
        server = start_server(port, Path(folder) / "visits.sqlite3")
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=10)


def say(page: Page, line: str) -> None:
    """Type a line, press Enter and wait for its turn to appear."""
    before = page.get_by_test_id("turn").count()
    page.get_by_test_id("utterance").fill(line)
    page.get_by_test_id("utterance").press("Enter")
    page.get_by_test_id("turn").nth(before).wait_for()


def shoot(browser: Browser, base_url: str, out: Path, width: int, height: int) -> None:
    """Open the page in `browser`, hold a short conversation and save the screenshot at `out`."""
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(base_url)
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_test_id("mute").check()
    for line in CONVERSATION:
        say(page, line)
    page.get_by_test_id("utterance").fill("tell me more")
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out))
    page.close()


def main(argv: list[str] | None = None) -> int:
    """Serve the simulator, open it in Debian's chromium and save the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "simulator.png")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=860)
    args = parser.parse_args(argv)
    with serving() as base_url, sync_playwright() as playwright:
        browser = launch(playwright)
        shoot(browser, base_url, args.out, args.width, args.height)
        browser.close()
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
