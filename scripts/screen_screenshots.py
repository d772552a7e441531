"""Write docs/screens/<device>-<scheme>.png: the web simulator's screen preview on every device
with a screen, in the page's light and dark colour schemes, in Debian's chromium.

Each shows the tips walk after "open leg cramp helper", "how can I prevent leg cramps", "yes";
echo-show-8-dark-stretch.png and echo-show-8-dark-warning.png: the guided stretch, a red flag.
Usage: python scripts/screen_screenshots.py [--out docs/screens]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.simulator_screenshot import launch, say, serving  # noqa: E402 - after the path
from skill.simulator.devices import DEVICES, SPEAKER  # noqa: E402

SCREEN_DEVICES = [name for name in DEVICES if name != SPEAKER]
SCHEMES = ("light", "dark")
WALK = ["open leg cramp helper", "how can I prevent leg cramps", "yes"]
# Two more screens on an Echo Show 8, dark: the guided stretch and a red flag.
EXTRAS = {"stretch": ["walk me through a stretch"], "warning": ["I have chest pain"]}


def open_on(browser: Browser, url: str, device: str, scheme: str) -> Page:
    """The page in a colour scheme, the device picked and the tips walk started."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_test_id("mute").check()
    page.get_by_test_id("device").select_option(device)
    for line in WALK:
        say(page, line)
    page.get_by_test_id("screen-place").wait_for()
    return page


def shoot(page: Page, path: Path) -> Path:
    """The screen panel alone, as a PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("screen-panel").screenshot(path=str(path))
    return path


def main(argv: list[str] | None = None) -> int:
    """Every device with a screen in both schemes."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screens")
    args = parser.parse_args(argv)
    with serving() as url, sync_playwright() as playwright:
        browser = launch(playwright)
        for device in SCREEN_DEVICES:
            for scheme in SCHEMES:
                page = open_on(browser, url, device, scheme)
                print(shoot(page, args.out / f"{device}-{scheme}.png"))
                page.close()
        for name, lines in EXTRAS.items():
            page = open_on(browser, url, "echo-show-8", "dark")
            for line in lines:
                say(page, line)
            print(shoot(page, args.out / f"echo-show-8-dark-{name}.png"))
            page.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
