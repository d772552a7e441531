"""`scripts/deploy.sh`, the order of its steps and what it leaves behind, with AWS stood in for.

Stand-ins for AWS: `aws` and `npx` (whose `serverless deploy` would call AWS) are small scripts
on PATH that log their arguments and answer like the real tools, describe-stacks with the
recorded deploy output in tests/fixtures/deploy. The script runs in a copy of the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "deploy"
SKILL_ID = "amzn1.ask.skill.6f1d2c3b-0a9e-4d8c-b7a6-5e4f3d2c1b0a"
FAKE_AWS = """#!/bin/sh
echo "aws $*" >> "$FAKE_LOG"
case "$1 $2" in
  "cloudformation describe-stacks")
    [ -f "$FAKE_STATE/stack" ] || { echo "Stack with id $6 does not exist" >&2; exit 254; }
    cat "$FAKE_FIXTURE" ;;
  "s3 sync") cat "$FAKE_STATE/sync-output" ;;
  "cloudfront create-invalidation") echo I2J0I21PCUYOIK ;;
esac
"""
FAKE_NPX = """#!/bin/sh
echo "npx $*" >> "$FAKE_LOG"
case " $* " in *" deploy "*) touch "$FAKE_STATE/stack" ;; esac
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of what deploy.sh reads: its scripts, the manifest, the models and the clips."""
    copy = tmp_path / "repo"
    for part in ("scripts", "interaction_model", "audio"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "skill.json", copy / "skill.json")
    return copy


def deploy(repo: Path, tmp_path: Path, *args: str, stack: bool, sync_output: str) -> list[str]:
    """Run deploy.sh with the stand-ins; returns the logged commands."""
    bin_dir, state = tmp_path / "bin", tmp_path / "state"
    bin_dir.mkdir(exist_ok=True)
    state.mkdir(exist_ok=True)
    for name, text in (("aws", FAKE_AWS), ("npx", FAKE_NPX)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    if stack:
        (state / "stack").touch()
    (state / "sync-output").write_text(sync_output)
    log = tmp_path / "calls.log"
    log.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        PATH=f"{bin_dir}:{env['PATH']}",
        SKILL_ID=SKILL_ID,
        LAMBDA_PYTHON="python3",
        FAKE_LOG=str(log),
        FAKE_STATE=str(state),
        FAKE_FIXTURE=str(FIXTURE),
    )
    result = subprocess.run(
        [str(repo / "scripts" / "deploy.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return log.read_text().splitlines()


def kinds(calls: list[str]) -> list[str]:
    """Each logged command reduced to its first three words."""
    return [" ".join(call.split()[:3]) for call in calls]


def test_first_deploy_creates_the_stack_then_uploads_clips(repo: Path, tmp_path: Path) -> None:
    """No stack yet: deploy, then sync the clips, refresh CloudFront and write the package."""
    uploaded = (
        "upload: audio/en-US/prompt-welcome.mp3 to s3://bucket/audio/en-US/prompt-welcome.mp3\n"
    )
    calls = deploy(repo, tmp_path, stack=False, sync_output=uploaded)
    assert kinds(calls) == [
        "aws cloudformation describe-stacks",
        "npx --no-install serverless",
        "aws cloudformation describe-stacks",
        "aws s3 sync",
        "aws cloudfront create-invalidation",
    ]
    assert calls[1] == "npx --no-install serverless deploy --stage dev --region us-east-1"
    sync = calls[3].split()
    assert sync[3:5] == ["audio/", "s3://leg-cramp-helper-dev-audiobucket-1x2y3z4w5v6u/audio/"]
    assert "--delete" in sync and "audio/mpeg" in sync
    assert "--distribution-id E2QWRUHAPOMQZL" in calls[4]
    manifest = json.loads((repo / "build" / "skill-package" / "skill.json").read_text())
    assert manifest["manifest"]["apis"]["custom"]["endpoint"]["uri"] == (
        "arn:aws:lambda:us-east-1:123456789012:function:leg-cramp-helper-dev-skill"
    )
    assert (
        repo / "build" / "skill-package" / "interactionModels" / "custom" / "en-US.json"
    ).exists()


def test_update_uploads_clips_before_the_code_and_skips_an_empty_invalidation(
    repo: Path, tmp_path: Path
) -> None:
    """An existing stack gets its clips first; unchanged clips leave CloudFront's cache alone."""
    calls = deploy(repo, tmp_path, "--stage", "prod", stack=True, sync_output="")
    assert kinds(calls) == [
        "aws cloudformation describe-stacks",
        "aws s3 sync",
        "npx --no-install serverless",
        "aws cloudformation describe-stacks",
        "aws s3 sync",
    ]
    assert "--stack-name leg-cramp-helper-prod" in calls[0]
    assert calls[2].endswith("deploy --stage prod --region us-east-1")


def test_deploy_without_a_skill_id_stops_before_touching_aws(repo: Path) -> None:
    """The trigger is tied to the skill id, so there is no deploying without one."""
    env = {k: v for k, v in os.environ.items() if k != "SKILL_ID"}
    result = subprocess.run(
        [str(repo / "scripts" / "deploy.sh")], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "set SKILL_ID" in result.stderr
