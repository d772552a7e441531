"""Shared fixtures: talking to the real skill through its Lambda handler with real envelopes."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import layers
import pytest
from deploy_support import BUILD, REGIONS, Packaged
from web_support import Pki, make_pki

from skill import ssml
from skill.lambda_function import handler
from skill.simulator import envelopes
from skill.simulator.envelopes import Session, Slot

# The browser tests' shared fixtures (one chromium a module, the web simulator a test).
pytest_plugins = ["browser_support"]

ROOT = Path(__file__).resolve().parent.parent
MODEL_PATH = ROOT / "interaction_model" / "en-US.json"
SLOT_TYPES = {
    "cause": "CrampCause",
    "tip": "PreventionTip",
    "symptom": "RedFlag",
    "remedy": "Remedy",
    "routine": "StretchRoutine",
}


@dataclass(frozen=True)
class Turn:
    """One response, as a user and a developer would look at it."""

    envelope: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        """The `response` object."""
        return self.envelope["response"]

    @property
    def ssml(self) -> str:
        """The SSML of the speech ("" when silent)."""
        return self.response.get("outputSpeech", {}).get("ssml", "")

    @property
    def speech(self) -> str:
        """The speech as plain text."""
        return ssml.to_plain_text(self.ssml)

    @property
    def reprompt(self) -> str:
        """The reprompt as plain text ("" when none)."""
        reprompt = self.response.get("reprompt") or {}
        return ssml.to_plain_text(reprompt.get("outputSpeech", {}).get("ssml", ""))

    @property
    def card(self) -> dict[str, str] | None:
        """The card, if any."""
        return self.response.get("card")

    @property
    def ends(self) -> bool:
        """Whether the session ends with this response."""
        return self.response.get("shouldEndSession") is not False


class Conversation:
    """A user talking to the skill over one session, turn by turn, through the Lambda handler."""

    def __init__(
        self,
        locale: str = "en-US",
        *,
        user_id: str | None = None,
        skill: Callable[[dict[str, Any], Any], dict[str, Any]] = handler,
    ) -> None:
        self.session = Session(locale=locale)
        if user_id is not None:
            self.session.user_id = user_id
        self.skill = skill
        self.turns: list[Turn] = []

    def send(self, request: dict[str, Any]) -> Turn:
        """Send a request envelope (round-tripped through JSON, as on the wire)."""
        turn = Turn(self.skill(json.loads(json.dumps(request)), None))
        self.session.update(turn.envelope)
        self.turns.append(turn)
        return turn

    def launch(self) -> Turn:
        """ "Alexa, open leg cramp helper"."""
        return self.send(envelopes.launch(self.session))

    def intent(self, name: str, **slots: str | tuple[str, str | None]) -> Turn:
        """An intent; a slot is the resolved id, or (heard words, id or None for no match)."""
        slot_values = {
            slot: Slot(*value) if isinstance(value, tuple) else Slot(value.lower(), value)
            for slot, value in slots.items()
        }
        return self.send(envelopes.intent(self.session, name, slot_values, SLOT_TYPES))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test module has exactly one layer (tests/layers.py), checked before deselection;
    the layers run in order, unit first, so the quick failures come first."""
    layers.check(items)
    items.sort(key=layers.rank)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start `make package` in the background when a selected test will read the package."""
    if any("regional" in getattr(item, "fixturenames", ()) for item in session.items):
        BUILD.start()


def pytest_sessionfinish() -> None:
    """No build outlives the session."""
    BUILD.stop()


@pytest.fixture(scope="session", autouse=True)
def session_visit_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store for whatever a session- or module-scoped fixture builds, before `visit_store`:
    nothing in a test run remembers visits in the checkout's `.data/`."""
    path = tmp_path_factory.mktemp("session-visits") / "visits.sqlite3"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PERSISTENCE", f"sqlite:{path}")
        yield path


@pytest.fixture(autouse=True)
def visit_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test that builds a skill remembering visits gets its own empty SQLite file.

    The simulator and the web service otherwise use `.data/` in the checkout, which would make a
    second test run meet a returning user.
    """
    path = tmp_path_factory.mktemp("visits") / "visits.sqlite3"
    monkeypatch.setenv("PERSISTENCE", f"sqlite:{path}")
    return path


@pytest.fixture
def talk() -> Conversation:
    """A fresh conversation in en-US."""
    return Conversation()


@pytest.fixture
def new_conversation() -> type[Conversation]:
    """Start more conversations: `new_conversation(locale="en-GB")`."""
    return Conversation


@pytest.fixture(scope="session")
def model() -> dict[str, Any]:
    """The en-US interaction model."""
    return json.loads(MODEL_PATH.read_text())["interactionModel"]["languageModel"]


@pytest.fixture(scope="session")
def pki() -> Pki:
    """A throwaway PKI (root, intermediate, Alexa-like leaves) for the web tests."""
    return make_pki()


@pytest.fixture(scope="session")
def regional() -> dict[str, Packaged]:
    """`make package` for every region, built once per session for every test that reads it."""
    return BUILD.result()


@pytest.fixture(scope="session")
def packaged(regional: dict[str, Packaged]) -> Packaged:
    """The package of the default region, us-east-1."""
    return regional[REGIONS[0]]


@pytest.fixture(scope="session")
def unpacked(packaged: Packaged, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip, extracted as Lambda does into its task directory."""
    target = tmp_path_factory.mktemp("var-task")
    with zipfile.ZipFile(packaged.zip_path) as archive:
        archive.extractall(target)
    return target
