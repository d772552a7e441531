"""Talking to the skill as a device with a screen: the same envelopes, as that device sends them."""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from conftest import Turn
from response_walk import every_response

from skill.factory import create_skill_builder
from skill.settings import Settings
from skill.simulator.devices import DEVICES, SPEAKER

Skill = Callable[[dict[str, Any], Any], dict[str, Any]]
SCREEN_DEVICES = [name for name in DEVICES if name != SPEAKER]
RENDER = "Alexa.Presentation.APL.RenderDocument"
EXECUTE = "Alexa.Presentation.APL.ExecuteCommands"


def remembering_skill(monkeypatch: pytest.MonkeyPatch, store: Path) -> Skill:
    """A Lambda handler remembering visits in its own SQLite file."""
    monkeypatch.setenv("PERSISTENCE", f"sqlite:{store}")
    return create_skill_builder(Settings.from_env()).lambda_handler()


@cache
def walked(locale: str, device: str) -> tuple[tuple[str, Turn], ...]:
    """`walk`, once per test session for each (locale, device): the screen, word-limit and
    apl-suggester tests read the same walks. Each has a store of its own, removed at exit."""
    folder = Path(tempfile.mkdtemp(prefix="walk-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    with pytest.MonkeyPatch.context() as patch:
        return tuple(walk(patch, folder, locale, device))


def on_device(skill: Skill, device: str) -> Skill:
    """`skill` called with envelopes that carry `device`'s viewport and interfaces."""
    screen = DEVICES[device]

    def call(envelope: dict[str, Any], context: Any) -> dict[str, Any]:
        envelope = json.loads(json.dumps(envelope))
        if screen is not None:
            system = envelope["context"]["System"]
            system["device"]["supportedInterfaces"] = screen.supported_interfaces()
            envelope["context"]["Viewport"] = screen.viewport()
            envelope["context"]["Viewports"] = screen.viewports()
        return skill(envelope, context)

    return call


def walk(
    monkeypatch: pytest.MonkeyPatch, tmp: Path, locale: str, device: str
) -> list[tuple[str, Turn]]:
    """Every response kind in `locale`, asked on `device`, with a store of its own."""
    skill = remembering_skill(monkeypatch, tmp / f"{locale}-{device}.sqlite3")
    return list(every_response(locale, on_device(skill, device)))


def directives(turn: Turn) -> list[dict[str, Any]]:
    """The response's directives."""
    return turn.response.get("directives") or []


def rendered(turn: Turn) -> dict[str, Any] | None:
    """The RenderDocument directive, if any."""
    return next((d for d in directives(turn) if d["type"] == RENDER), None)


def iter_documents(turns: list[tuple[str, Turn]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(what was asked, RenderDocument) for every response that shows something."""
    for asked, turn in turns:
        directive = rendered(turn)
        if directive is not None:
            yield asked, directive
