"""virtual-alexa (Bespoken's simulator, from npm) talking to `python -m skill.webservice --dev`.

virtual-alexa cannot sign requests, hence dev mode; the skill id is still checked.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_support import SKILL_ID, assert_alexa_response

from skill import ssml
from skill.content import load_content

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "js" / "virtual_alexa_dialog.js"
MODEL = ROOT / "interaction_model" / "en-US.json"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def dev_server() -> Iterator[str]:
    """The web service started the way a developer starts it, on a free loopback port."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "skill.webservice", "--dev", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "SKILL_ID": SKILL_ID, "AUDIO_BASE_URL": ""},  # speech as text
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:
                    assert json.load(response) == {"status": "ok"}
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "DEV MODE" in stderr


def _dialog(base_url: str, steps: list[list[Any]], app_id: str = SKILL_ID) -> list[dict[str, Any]]:
    """Run virtual-alexa through `steps`; each turn has the request it sent and the response."""
    result = subprocess.run(
        ["node", str(SCRIPT), f"{base_url}/", str(MODEL), app_id, json.dumps(steps)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["turns"]


def _speech(turn: dict[str, Any]) -> str:
    return ssml.to_plain_text(turn["response"]["response"]["outputSpeech"]["ssml"])


def _resolved_id(turn: dict[str, Any], slot: str) -> str:
    resolution = turn["request"]["request"]["intent"]["slots"][slot]["resolutions"]
    return resolution["resolutionsPerAuthority"][0]["values"][0]["value"]["id"]


def test_a_whole_conversation(dev_server: str) -> None:
    content = load_content("en-US")
    launch, causes, cause, tip, help_turn, stop = _dialog(
        dev_server,
        [
            ["launch"],
            ["utter", "why do my legs cramp at night"],
            ["intend", "CauseDetailIntent", {"cause": "cold"}],
            ["intend", "TipDetailIntent", {"tip": "stretches"}],
            ["utter", "help"],
            ["utter", "stop"],
        ],
    )
    for turn in (launch, causes, cause, tip, help_turn, stop):
        assert_alexa_response(turn["response"])

    assert content.skill_name in _speech(launch)
    assert content.disclaimer in _speech(launch)
    assert launch["response"]["response"]["shouldEndSession"] is False

    assert causes["request"]["request"]["intent"]["name"] == "CrampCausesIntent"
    assert content.prompts["causes_overview"] in _speech(causes)

    assert _resolved_id(cause, "cause") == "COLD"
    assert content.item("cause", "COLD").summary in _speech(cause)

    assert _resolved_id(tip, "tip") == "STRETCHING"
    assert content.item("tip", "STRETCHING").summary in _speech(tip)

    assert help_turn["request"]["request"]["intent"]["name"] == "AMAZON.HelpIntent"
    assert help_turn["response"]["response"]["shouldEndSession"] is False
    assert help_turn["response"]["response"]["reprompt"]

    assert stop["request"]["request"]["intent"]["name"] == "AMAZON.StopIntent"
    assert stop["response"]["response"]["shouldEndSession"] is True


def test_a_simulator_posing_as_another_skill_is_turned_away(dev_server: str) -> None:
    result = subprocess.run(
        [
            "node",
            str(SCRIPT),
            f"{dev_server}/",
            str(MODEL),
            "amzn1.ask.skill.other",
            '[["launch"]]',
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Invalid response: 400" in result.stderr
