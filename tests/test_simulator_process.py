"""The simulator as a real process: `python -m skill.simulator`, as a person or a script runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent


def simulator(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m skill.simulator` with piped stdin."""
    return subprocess.run(
        [sys.executable, "-m", "skill.simulator", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def test_piped_stdin_talks_to_the_skill_and_exits_0_at_end_of_input() -> None:
    done = simulator(stdin="open leg cramp helper\nwhy do my legs cramp at night\n")
    assert done.returncode == 0, done.stderr
    assert "Welcome to Leg Cramp Helper" in done.stdout
    assert "CrampCausesIntent" in done.stdout
    assert done.stderr == ""


def test_json_mode_prints_only_json_lines() -> None:
    done = simulator("--json", "ask leg cramp helper how do I stop a cramp right now", ".new")
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    turn = json.loads(line)
    assert turn["intent"] == "CrampReliefIntent"
    assert "stretch" in turn["speech"].lower()


def test_replay_for_another_skill_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    """With SKILL_ID set, the Lambda handler refuses envelopes addressed to another skill."""
    replay = {
        "skillId": "amzn1.ask.skill.someone-else",
        "locale": "en-US",
        "type": "text",
        "userInput": ["open leg cramp helper"],
    }
    replay_file = tmp_path / "other.json"
    replay_file.write_text(json.dumps(replay))
    done = simulator("--replay", str(replay_file), env={"SKILL_ID": "amzn1.ask.skill.ours"})
    assert done.returncode == 1
    assert "refused" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
