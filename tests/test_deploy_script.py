"""`scripts/deploy.sh` and `make deploy`: regions, the order of steps and what they leave behind.

Stand-ins for AWS: `aws` and `npx` (whose `serverless deploy` would call AWS) are small scripts
on PATH that log their arguments and answer like the real tools: describe-stacks answers, for a
region whose stack exists, with that region's recorded deploy output in tests/fixtures/deploy.
The script runs in a copy of the repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "deploy"
SKILL_ID = "amzn1.ask.skill.6f1d2c3b-0a9e-4d8c-b7a6-5e4f3d2c1b0a"
AUDIO_BASE_URL = "https://d111111abcdef8.cloudfront.net/audio"
FUNCTION = "arn:aws:lambda:{}:123456789012:function:leg-cramp-helper-dev-skill"
# Both stand-ins find the value after `--region` and `--stack-name` the same way.
ARGS = """region=""; stack=""; prev=""
for a in "$@"; do
  [ "$prev" = --region ] && region="$a"
  [ "$prev" = --stack-name ] && stack="$a"
  prev="$a"
done
"""
FAKE_AWS = f"""#!/bin/sh
echo "aws $*" >> "$FAKE_LOG"
{ARGS}case "$1 $2" in
  "cloudformation describe-stacks")
    [ -f "$FAKE_STATE/stack-$region" ] || {{ echo "Stack $stack does not exist" >&2; exit 254; }}
    cat "$FAKE_FIXTURES/describe-stacks-$region.json" ;;
  "s3 sync") cat "$FAKE_STATE/sync-output" ;;
  "cloudfront create-invalidation") echo I2J0I21PCUYOIK ;;
esac
"""
# `serverless deploy` creates the region's stack and notes the AUDIO_BASE_URL it was given.
FAKE_NPX = f"""#!/bin/sh
echo "npx $*" >> "$FAKE_LOG"
{ARGS}case " $* " in *" deploy "*)
  touch "$FAKE_STATE/stack-$region"
  printf %s "${{AUDIO_BASE_URL-unset}}" > "$FAKE_STATE/audio-$region" ;;
esac
"""

# What follows the clips in every deploy of both other regions: each stack, then its outputs.
EUROPE_THEN_FAR_EAST = [
    "npx --no-install serverless eu-west-1",
    "aws cloudformation describe-stacks eu-west-1",
    "npx --no-install serverless us-west-2",
    "aws cloudformation describe-stacks us-west-2",
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of what `make deploy` reads: the Makefile, scripts, manifest, models, clips, pages."""
    copy = tmp_path / "repo"
    for part in ("scripts", "interaction_model", "audio", "privacy"):
        shutil.copytree(ROOT / part, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("skill.json", "Makefile", "package.json", "package-lock.json"):
        shutil.copy(ROOT / name, copy / name)
    # `make deploy` installs node_modules first; the stamp says it is done (npx is a stand-in).
    stamp = copy / "node_modules" / ".installed"
    stamp.parent.mkdir()
    stamp.touch()
    later = time.time() + 60
    os.utime(stamp, (later, later))
    return copy


def deploy(
    repo: Path,
    tmp_path: Path,
    *command: str,
    stacks: tuple[str, ...] = (),
    sync_output: str = "",
    ok: bool = True,
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run `command` (default deploy.sh) with the stand-ins, the stacks of `stacks` existing."""
    bin_dir, state = tmp_path / "bin", tmp_path / "state"
    bin_dir.mkdir(exist_ok=True)
    state.mkdir(exist_ok=True)
    for name, text in (("aws", FAKE_AWS), ("npx", FAKE_NPX)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    for region in stacks:
        (state / f"stack-{region}").touch()
    (state / "sync-output").write_text(sync_output)
    log = tmp_path / "calls.log"
    log.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MAKE"))}
    env.pop("AUDIO_BASE_URL", None)
    env.update(
        PATH=f"{bin_dir}:{env['PATH']}",
        SKILL_ID=SKILL_ID,
        LAMBDA_PYTHON="python3",
        FAKE_LOG=str(log),
        FAKE_STATE=str(state),
        FAKE_FIXTURES=str(FIXTURES),
    )
    result = subprocess.run(
        list(command or [str(repo / "scripts" / "deploy.sh")]),
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if ok:
        assert result.returncode == 0, result.stdout + result.stderr
    return result, log.read_text().splitlines()


def kinds(calls: list[str]) -> list[str]:
    """Each logged command reduced to its first three words and its region."""
    return [
        " ".join(call.split()[:3] + call.split("--region ")[1].split()[:1])
        if "--region " in call
        else " ".join(call.split()[:3])
        for call in calls
    ]


def given_audio_url(tmp_path: Path, region: str) -> str:
    """The AUDIO_BASE_URL that `serverless deploy` had in `region`."""
    return (tmp_path / "state" / f"audio-{region}").read_text()


def regions_in_manifest(repo: Path) -> dict[str, str]:
    """Alexa region -> endpoint in the skill package that the deploy wrote."""
    manifest = json.loads((repo / "build" / "skill-package" / "skill.json").read_text())
    custom = manifest["manifest"]["apis"]["custom"]
    assert custom["endpoint"] == custom["regions"]["NA"]["endpoint"]
    return {code: r["endpoint"]["uri"] for code, r in custom["regions"].items()}


def privacy_policies_in_manifest(repo: Path) -> dict[str, str]:
    """Language -> the privacy policy address the deploy wrote for every locale of it."""
    manifest = json.loads((repo / "build" / "skill-package" / "skill.json").read_text())
    locales = manifest["manifest"]["privacyAndCompliance"]["locales"]
    urls: dict[str, set[str]] = {}
    for locale, entry in locales.items():
        urls.setdefault(locale.split("-")[0], set()).add(entry["privacyPolicyUrl"])
    assert all(len(u) == 1 for u in urls.values()), urls
    return {language: u.pop() for language, u in urls.items()}


def test_first_deploy_creates_every_region_with_the_clips_hosted_first(
    repo: Path, tmp_path: Path
) -> None:
    """No stack yet: us-east-1 with the clips, then Europe and the Far East playing them."""
    uploaded = (
        "upload: audio/en-US/prompt-welcome.mp3 to s3://bucket/audio/en-US/prompt-welcome.mp3\n"
    )
    _, calls = deploy(repo, tmp_path, sync_output=uploaded)
    assert kinds(calls) == [
        "aws cloudformation describe-stacks us-east-1",
        "npx --no-install serverless us-east-1",
        "aws cloudformation describe-stacks us-east-1",
        "aws s3 sync us-east-1",
        "aws s3 sync us-east-1",
        "aws cloudfront create-invalidation",
        *EUROPE_THEN_FAR_EAST,
    ]
    assert calls[1] == "npx --no-install serverless deploy --stage dev --region us-east-1"
    sync = calls[3].split()
    assert sync[3:5] == ["audio/", "s3://leg-cramp-helper-dev-audiobucket-1x2y3z4w5v6u/audio/"]
    assert "--delete" in sync and "audio/mpeg" in sync
    # The privacy pages go beside the clips, under the one prefix the distribution reads.
    pages = calls[4]
    bucket = "s3://leg-cramp-helper-dev-audiobucket-1x2y3z4w5v6u"
    assert pages.split()[3:5] == ["privacy/", f"{bucket}/audio/privacy/"]
    assert "--include *.html" in pages and "--content-type text/html; charset=utf-8" in pages
    assert "--delete" in pages
    assert "--distribution-id E2QWRUHAPOMQZL" in calls[5]
    assert given_audio_url(tmp_path, "eu-west-1") == AUDIO_BASE_URL
    assert given_audio_url(tmp_path, "us-west-2") == AUDIO_BASE_URL
    assert regions_in_manifest(repo) == {
        "NA": FUNCTION.format("us-east-1"),
        "EU": FUNCTION.format("eu-west-1"),
        "FE": FUNCTION.format("us-west-2"),
    }
    assert (
        repo / "build" / "skill-package" / "interactionModels" / "custom" / "en-US.json"
    ).exists()
    assert privacy_policies_in_manifest(repo) == {
        "en": f"{AUDIO_BASE_URL}/privacy/en.html",
        "es": f"{AUDIO_BASE_URL}/privacy/es.html",
    }


def test_update_uploads_clips_before_any_code_and_skips_an_empty_invalidation(
    repo: Path, tmp_path: Path
) -> None:
    """Existing stacks get the clips first; unchanged clips leave CloudFront's cache alone."""
    _, calls = deploy(
        repo,
        tmp_path,
        str(repo / "scripts" / "deploy.sh"),
        "--stage",
        "prod",
        stacks=("us-east-1", "eu-west-1", "us-west-2"),
    )
    assert kinds(calls) == [
        "aws cloudformation describe-stacks us-east-1",
        "aws s3 sync us-east-1",
        "aws s3 sync us-east-1",
        "npx --no-install serverless us-east-1",
        "aws cloudformation describe-stacks us-east-1",
        "aws s3 sync us-east-1",
        "aws s3 sync us-east-1",
        *EUROPE_THEN_FAR_EAST,
    ]
    assert "--stack-name leg-cramp-helper-prod" in calls[0]
    assert calls[3].endswith("deploy --stage prod --region us-east-1")


def test_make_deploy_regions_picks_some_in_deploy_order(repo: Path, tmp_path: Path) -> None:
    """`make deploy REGIONS=...` deploys just those, after syncing the clips they play."""
    _, calls = deploy(
        repo, tmp_path, "make", "deploy", "REGIONS=us-west-2 eu-west-1", stacks=("us-east-1",)
    )
    assert kinds(calls) == [
        "aws cloudformation describe-stacks us-east-1",
        "aws s3 sync us-east-1",
        "aws s3 sync us-east-1",
        *EUROPE_THEN_FAR_EAST,
    ]
    assert given_audio_url(tmp_path, "eu-west-1") == AUDIO_BASE_URL
    assert set(regions_in_manifest(repo)) == {"NA", "EU", "FE"}


def test_one_region_keeps_the_other_deployed_endpoints(repo: Path, tmp_path: Path) -> None:
    """Redeploying us-east-1 alone lists Europe, deployed before, and not the absent Far East."""
    _, calls = deploy(
        repo, tmp_path, "make", "deploy", "REGIONS=us-east-1", stacks=("us-east-1", "eu-west-1")
    )
    assert [k for k in kinds(calls) if "serverless" in k] == [
        "npx --no-install serverless us-east-1"
    ]
    assert kinds(calls)[-2:] == [
        "aws cloudformation describe-stacks eu-west-1",
        "aws cloudformation describe-stacks us-west-2",
    ]
    assert regions_in_manifest(repo) == {
        "NA": FUNCTION.format("us-east-1"),
        "EU": FUNCTION.format("eu-west-1"),
    }


def test_a_region_without_the_clip_stack_is_refused_before_deploying(
    repo: Path, tmp_path: Path
) -> None:
    """Europe alone, with no us-east-1 stack to host its clips: a reason, and no deploy."""
    result, calls = deploy(
        repo, tmp_path, "make", "deploy", "REGIONS=eu-west-1", stacks=("us-west-2",), ok=False
    )
    assert result.returncode != 0
    assert "deploy us-east-1 first" in result.stderr
    assert not [c for c in calls if c.startswith("npx")]
    assert not (repo / "build" / "skill-package" / "skill.json").exists()


@pytest.mark.parametrize("regions", ["eu-central-1", "us-east-1 ap-northeast-1", "NA"])
def test_a_region_alexa_does_not_call_from_is_refused(
    repo: Path, tmp_path: Path, regions: str
) -> None:
    """Only us-east-1, eu-west-1 and us-west-2 are Alexa's: anything else stops at once."""
    result, calls = deploy(
        repo, tmp_path, str(repo / "scripts" / "deploy.sh"), "--regions", regions, ok=False
    )
    assert result.returncode == 2
    assert (
        "is not an AWS region Alexa calls from: use us-east-1 eu-west-1 us-west-2" in result.stderr
    )
    assert calls == []


def test_deploy_without_a_skill_id_stops_before_touching_aws(repo: Path) -> None:
    """The trigger is tied to the skill id, so there is no deploying without one."""
    env = {k: v for k, v in os.environ.items() if k != "SKILL_ID"}
    result = subprocess.run(
        [str(repo / "scripts" / "deploy.sh")], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "set SKILL_ID" in result.stderr
