"""Debian's chromium through Playwright, launched as scripts/simulator_screenshot.py does."""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "simulator_screenshot.py"
_spec = importlib.util.spec_from_file_location("simulator_screenshot", _SCRIPT)
assert _spec is not None and _spec.loader is not None
screenshot = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(screenshot)

launch = screenshot.launch
say = screenshot.say
serving = screenshot.serving
shoot = screenshot.shoot
