"""The small deploy tools: the pinned Lambda requirements and the choice of Python to build with."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements-lambda.txt"


def run(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run one of scripts/ with this interpreter."""
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_lambda_requirements_are_current_with_pyproject_and_constraints() -> None:
    """requirements-lambda.txt is what the generator makes from pyproject and constraints.txt."""
    result = run("lambda_requirements.py", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_lambda_requirements_hold_ask_sdk_core_and_nothing_for_web_or_audio() -> None:
    """Every line is pinned; ask-sdk-core is there, Flask and gTTS are not."""
    lines = [line for line in REQUIREMENTS.read_text().splitlines() if not line.startswith("#")]
    assert all("==" in line for line in lines)
    names = {line.split("==")[0].lower() for line in lines}
    assert {"ask-sdk-core", "ask-sdk-model", "ask-sdk-runtime"} <= names
    assert not names & {"flask", "flask-ask-sdk", "gtts", "mutagen", "gunicorn", "cryptography"}


def test_stale_lambda_requirements_are_reported(tmp_path: Path) -> None:
    """`--check` fails on a file that lost a dependency."""
    stale = tmp_path / "requirements-lambda.txt"
    stale.write_text(REQUIREMENTS.read_text().replace("six==", "# six=="))
    result = run("lambda_requirements.py", "--check", "--output", str(stale))
    assert result.returncode == 1
    assert "stale" in result.stdout


def fake_python(directory: Path, works: bool) -> Path:
    """A `python3.12` on PATH: this interpreter, or a stand-in that fails like an unset shim."""
    directory.mkdir()
    path = directory / "python3.12"
    target = sys.executable if works else "/bin/false"
    path.write_text(f'#!/bin/sh\nexec {target} "$@"\n')
    path.chmod(0o755)
    return path


def chooser_env(tmp_path: Path, path_dir: Path) -> dict[str, str]:
    """An environment with only `path_dir` and the system on PATH, and no pyenv."""
    env = {k: v for k, v in os.environ.items() if k not in ("LAMBDA_PYTHON", "PYENV_ROOT")}
    return {**env, "PATH": f"{path_dir}:/usr/bin:/bin", "PYENV_ROOT": str(tmp_path / "no-pyenv")}


def test_lambda_python_prefers_a_working_python_3_12(tmp_path: Path) -> None:
    """A `python3.12` that runs is chosen; `$LAMBDA_PYTHON` overrides everything."""
    working = fake_python(tmp_path / "bin", works=True)
    env = chooser_env(tmp_path, working.parent)
    assert run("lambda_python.py", env=env).stdout.strip() == str(working)
    chosen = run("lambda_python.py", env={**env, "LAMBDA_PYTHON": "/opt/py/bin/python3.12"})
    assert chosen.stdout.strip() == "/opt/py/bin/python3.12"


def test_lambda_python_skips_a_broken_one_and_falls_back(tmp_path: Path) -> None:
    """A `python3.12` that fails to start (a pyenv shim for an unselected version) is skipped."""
    broken = fake_python(tmp_path / "bin", works=False)
    result = run("lambda_python.py", env=chooser_env(tmp_path, broken.parent))
    assert result.stdout.strip() == sys.executable


def test_serverless_run_directly_finds_the_same_python(tmp_path: Path) -> None:
    """`npx serverless ...` without make resolves `pythonBin` through lambda_python.py too.

    With only a broken `python3.12` on PATH, the plugin would otherwise fail with "python3.12 not
    found! Install it according to the poetry docs"; here it gets the Python the scripts pick.
    """
    broken = fake_python(tmp_path / "bin", works=False)
    env = chooser_env(tmp_path, broken.parent)
    env["PATH"] = f"{env['PATH']}:{Path(shutil.which('node') or '/usr/bin/node').parent}"
    env.update(SKILL_ID="amzn1.ask.skill.direct", SLS_TELEMETRY_DISABLED="1")
    result = subprocess.run(
        [
            "npx",
            "--no-install",
            "serverless",
            "print",
            "--path",
            "custom.pythonRequirements.pythonBin",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    resolved = result.stdout.strip().splitlines()[-1]
    picker = [shutil.which("python3", path=env["PATH"]), str(ROOT / "scripts" / "lambda_python.py")]
    picked = subprocess.run(picker, env=env, capture_output=True, text=True, check=True).stdout
    assert resolved == picked.strip()
    assert resolved != str(broken)
    assert subprocess.run([resolved, "-m", "pip", "--version"], capture_output=True).returncode == 0
