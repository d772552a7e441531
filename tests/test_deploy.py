"""Deployment, proven offline: the real `serverless package` for each AWS region Alexa calls
from, cfn-lint and the real Lambda zip.

AWS is the one boundary not crossed: packaging runs with every AWS credential source hidden and
its AWS client pointed at a dead proxy (only the Python package index stays reachable, for pip),
and the zip is run by a local Python instead of Lambda. The package is built once per session
(tests/deploy_support.py, the `regional`, `packaged` and `unpacked` fixtures of conftest.py).
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

import boto3
import pytest
from deploy_support import AUDIO_BASE_URL, REGIONS, SKILL_ID, Packaged
from packaging.utils import canonicalize_name
from test_visits_dynamodb import TABLE, Dynalite

from skill.audio.manifest import Manifest
from skill.persistence import TTL_ATTRIBUTE
from skill.simulator import envelopes
from skill.simulator.envelopes import Session, Slot

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
MAX_ZIP_BYTES = 3 * 1024 * 1024
SLOT_TYPES = {"cause": "CrampCause", "tip": "PreventionTip"}
AUDIO_RESOURCES = {
    "AudioBucket",
    "AudioBucketPolicy",
    "AudioOriginAccessControl",
    "AudioDistribution",
}
AUDIO_OUTPUTS = {"AudioBucketName", "AudioDistributionId", "AudioBaseUrl"}
# Runs a conversation through `skill.lambda_function.handler` in a fresh interpreter, carrying
# session attributes like Alexa does, and reports which modules came from outside the package,
# on its last line of stdout (the handler's metrics records, EMF lines, come before it).
DRIVER = r"""
import json, os, sys, sysconfig
events = json.load(sys.stdin)
runtime = [p for p in os.environ.get("LAMBDA_RUNTIME_PATH", "").split(os.pathsep) if p]
sys.path.extend(runtime)
from skill.lambda_function import handler
results, attributes = [], None
for event in events:
    if attributes is not None:
        event["session"].update(attributes=attributes, new=False)
    try:
        response = handler(event, None)
    except Exception as e:
        results.append({"error": type(e).__name__})
        continue
    results.append({"response": response})
    attributes = response.get("sessionAttributes") or {}
paths = sysconfig.get_paths()
roots = [os.getcwd(), paths["stdlib"], paths["platstdlib"], *runtime]
foreign = sorted(
    name for name, module in list(sys.modules.items())
    if getattr(module, "__file__", None)
    and not any(os.path.realpath(module.__file__).startswith(os.path.realpath(r)) for r in roots)
)
sys.stdout.write("\n")
json.dump({"results": results, "site": "site" in sys.modules, "foreign": foreign,
           "python": list(sys.version_info[:2])}, sys.stdout)
"""


def _copy_packages(names: tuple[str, ...], target: Path) -> Path:
    """Copies installed packages (or single-module distributions) into `target`."""
    site = Path(boto3.__file__).resolve().parent.parent
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (site / name).is_dir():
            shutil.copytree(
                site / name, target / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(site / f"{name}.py", target / f"{name}.py")
    return target


def lambda_runtime_packages(target: Path) -> Path:
    """What Lambda's Python runtime adds to the path for a function: boto3 and its needs."""
    return _copy_packages(("boto3", "botocore", "s3transfer", "jmespath"), target)


def powertools_layer(target: Path) -> Path:
    """What AWS's Powertools layer adds: /opt/python with Powertools and its one dependency the
    runtime lacks (jmespath, its other one, is the runtime's)."""
    return _copy_packages(("aws_lambda_powertools", "typing_extensions"), target / "python")


@pytest.fixture(scope="session")
def lambda_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """LAMBDA_RUNTIME_PATH for the zip: the runtime's boto3 and the Powertools layer."""
    root = tmp_path_factory.mktemp("lambda")
    runtime = lambda_runtime_packages(root / "var-runtime")
    layer = powertools_layer(root / "opt")
    return os.pathsep.join([str(runtime), str(layer)])


def resources_of_type(packaged: Packaged, kind: str) -> dict[str, Any]:
    """Resources of one CloudFormation type."""
    return {k: v for k, v in packaged.resources.items() if v["Type"] == kind}


@pytest.mark.parametrize("region", REGIONS)
def test_make_package_leaves_the_zip_and_template_in_the_checkout(
    regional: dict[str, Packaged], region: str
) -> None:
    """What docs/deploying.md promises: `.serverless/` (us-east-1) and `.serverless/<region>/` in
    the checkout hold both artifacts."""
    packaged = regional[region]
    default = ROOT / ".serverless"
    assert packaged.directory == (default if region == REGIONS[0] else default / region)
    assert packaged.zip_path.stat().st_size > 0
    assert (packaged.directory / "cloudformation-template-update-stack.json").stat().st_size > 0


def test_alexa_trigger_lets_only_this_skill_invoke_the_function(packaged: Packaged) -> None:
    """The `alexaSkill` event became a permission for Alexa, tied to the skill id."""
    permissions = resources_of_type(packaged, "AWS::Lambda::Permission")
    alexa = [p["Properties"] for p in permissions.values()]
    assert alexa == [
        {
            "FunctionName": {"Fn::GetAtt": ["SkillLambdaFunction", "Arn"]},
            "Action": "lambda:InvokeFunction",
            "Principal": "alexa-appkit.amazon.com",
            "EventSourceToken": SKILL_ID,
        }
    ]


def test_function_runs_the_skill_on_python_3_12_within_alexas_deadline(packaged: Packaged) -> None:
    """Handler, runtime, a timeout under Alexa's 8 s, sized memory and the two settings."""
    function = packaged.resources["SkillLambdaFunction"]["Properties"]
    assert function["Handler"] == "skill/lambda_function.handler"
    assert function["Runtime"] == "python3.12"
    assert 3 <= function["Timeout"] <= 8
    assert 128 < function["MemorySize"] <= 512
    variables = function["Environment"]["Variables"]
    assert variables["SKILL_ID"] == SKILL_ID
    # Its own distribution where the clips are hosted; elsewhere the URL `make deploy` gives.
    assert variables["AUDIO_BASE_URL"] == {
        "Fn::If": [
            "HostsAudio",
            {
                "Fn::Join": [
                    "",
                    ["https://", {"Fn::GetAtt": ["AudioDistribution", "DomainName"]}, "/audio"],
                ]
            },
            AUDIO_BASE_URL,
        ]
    }


def test_logs_are_kept_for_a_bounded_time(packaged: Packaged) -> None:
    """The function's log group expires old logs instead of keeping them forever."""
    group = packaged.resources["SkillLogGroup"]["Properties"]
    assert group["LogGroupName"] == "/aws/lambda/leg-cramp-helper-dev-skill"
    assert group["RetentionInDays"] == 30


def test_audio_bucket_refuses_plain_http_and_stays_private(packaged: Packaged) -> None:
    """Every request without TLS is denied; nobody but CloudFront reads, and only `audio/`."""
    bucket = packaged.resources["AudioBucket"]["Properties"]
    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    policy = packaged.resources["AudioBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "AudioBucket"}
    statements = policy["PolicyDocument"]["Statement"]
    deny = next(s for s in statements if s["Effect"] == "Deny")
    assert deny["Principal"] == "*" and deny["Action"] == "s3:*"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == [
        {"Fn::GetAtt": ["AudioBucket", "Arn"]},
        {"Fn::Join": ["", [{"Fn::GetAtt": ["AudioBucket", "Arn"]}, "/*"]]},
    ]
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert allow["Resource"] == {
        "Fn::Join": ["", [{"Fn::GetAtt": ["AudioBucket", "Arn"]}, "/audio/*"]]
    }
    source = allow["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Join"][1]
    assert {"Ref": "AudioDistribution"} in source


def test_clips_are_served_over_https_only(packaged: Packaged) -> None:
    """CloudFront reads the bucket with signed requests and answers viewers on HTTPS only."""
    config = packaged.resources["AudioDistribution"]["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["DomainName"] == {"Fn::GetAtt": ["AudioBucket", "RegionalDomainName"]}
    assert origin["OriginAccessControlId"] == {"Fn::GetAtt": ["AudioOriginAccessControl", "Id"]}
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "https-only"
    assert config["DefaultCacheBehavior"]["AllowedMethods"] == ["GET", "HEAD"]
    control = packaged.resources["AudioOriginAccessControl"]["Properties"]
    assert control["OriginAccessControlConfig"]["SigningBehavior"] == "always"


@pytest.mark.parametrize("region", REGIONS)
def test_cfn_lint_finds_nothing_wrong(regional: dict[str, Packaged], region: str) -> None:
    """cfn-lint, checking against the region's own resource specs, reports no error or warning."""
    template = regional[region].directory / "cloudformation-template-update-stack.json"
    cfn_lint = str(Path(sys.executable).parent / "cfn-lint")
    result = subprocess.run(
        [cfn_lint, "--format", "json", "--regions", region, "--template", str(template)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    serious = [f for f in findings if f["Level"] in ("Error", "Warning")]
    assert serious == [], json.dumps(serious, indent=1)
    assert result.returncode in (0, 8), result.stderr  # 8: informational findings only


def condition_holds(expression: dict[str, Any], region: str) -> bool:
    """A template condition's value in `region`: Fn::Equals of literals and AWS::Region."""
    ((function, (left, right)),) = expression.items()
    assert function == "Fn::Equals", f"cannot evaluate {function} offline"
    values = [region if arg == {"Ref": "AWS::Region"} else arg for arg in (left, right)]
    assert all(isinstance(v, str) for v in values), expression
    return values[0] == values[1]


def created_in(packaged: Packaged, region: str) -> tuple[set[str], set[str]]:
    """The resources and outputs CloudFormation creates from the template in `region`."""
    conditions = {
        name: condition_holds(expression, region)
        for name, expression in packaged.template.get("Conditions", {}).items()
    }

    def present(entries: dict[str, Any]) -> set[str]:
        return {k for k, v in entries.items() if conditions.get(v.get("Condition"), True)}

    return present(packaged.resources), present(packaged.template["Outputs"])


@pytest.mark.parametrize("region", REGIONS)
def test_stack_outputs_are_what_the_deploy_scripts_read(
    regional: dict[str, Packaged], region: str
) -> None:
    """The outputs `scripts/deploy.sh` reads exist in each region, and match its recorded output."""
    packaged = regional[region]
    _, outputs = created_in(packaged, region)
    assert "SkillFunctionArn" in outputs
    assert packaged.template["Outputs"]["SkillFunctionArn"]["Value"] == {
        "Fn::GetAtt": ["SkillLambdaFunction", "Arn"]
    }
    path = ROOT / "tests" / "fixtures" / "deploy" / f"describe-stacks-{region}.json"
    stack = json.loads(path.read_text())["Stacks"][0]
    recorded = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs <= set(recorded)
    assert not (set(recorded) - outputs) & AUDIO_OUTPUTS, "recorded clip outputs it lacks"
    name = packaged.resources["SkillLambdaFunction"]["Properties"]["FunctionName"]
    assert recorded["SkillFunctionArn"] == f"arn:aws:lambda:{region}:123456789012:function:{name}"
    assert stack["StackName"] == "leg-cramp-helper-dev"
    assert stack["StackId"].startswith(f"arn:aws:cloudformation:{region}:")


@pytest.mark.parametrize("region", REGIONS)
def test_only_the_default_region_hosts_the_clips(
    regional: dict[str, Packaged], region: str
) -> None:
    """One bucket and one distribution for everyone: us-east-1 creates them, no other region."""
    resources, outputs = created_in(regional[region], region)
    if region == REGIONS[0]:
        assert resources >= AUDIO_RESOURCES and outputs >= AUDIO_OUTPUTS
    else:
        assert not resources & AUDIO_RESOURCES and not outputs & AUDIO_OUTPUTS
    assert {"SkillLambdaFunction", "SkillLambdaPermissionAlexaSkill1"} <= resources


def test_every_region_gets_the_same_stack_and_code(regional: dict[str, Packaged]) -> None:
    """The templates differ only in the artifact's upload key; the zips hold the same files."""

    def without_artifact_key(packaged: Packaged) -> dict[str, Any]:
        template = json.loads(json.dumps(packaged.template))
        del template["Resources"]["SkillLambdaFunction"]["Properties"]["Code"]["S3Key"]
        return template

    def contents(packaged: Packaged) -> dict[str, int]:
        with zipfile.ZipFile(packaged.zip_path) as archive:
            return {info.filename: info.CRC for info in archive.infolist()}

    default = regional[REGIONS[0]]
    for region in REGIONS[1:]:
        assert without_artifact_key(regional[region]) == without_artifact_key(default), region
        assert contents(regional[region]) == contents(default), region


def test_zip_is_under_three_mib_and_carries_nothing_for_other_places(packaged: Packaged) -> None:
    """No web service, simulator, clips, tests, bytecode or node_modules; the clip manifest."""
    assert packaged.zip_path.stat().st_size <= MAX_ZIP_BYTES
    forbidden = (
        "flask",
        "werkzeug",
        "gtts",
        "mutagen",
        "tqdm",
        "node_modules/",
        "tests/",
        "bench/",
        "skill/simulator/",
        "skill/ops/",
        # AWS's Powertools layer provides it (serverless.yml `layers`).
        "aws_lambda_powertools/",
        "typing_extensions",
        "__pycache__",
        ".dist-info/",
        ".mp3",
        # Lambda's runtime has boto3: the DynamoDB adapter uses that one.
        "boto3/",
        "botocore/",
        "s3transfer/",
        "jmespath/",
    )
    assert [n for n in packaged.names if any(f in n.lower() for f in forbidden)] == []
    assert "audio/manifest.json" in packaged.names
    assert [n for n in packaged.names if n.startswith("audio/")] == ["audio/manifest.json"]


def module_file(root: Path, name: str) -> Path | None:
    """The source file of module `name` under `root`, or None if it is not a module there."""
    path = root.joinpath(*name.split("."))
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else None


def imported_skill_modules(root: Path, start: str = "skill.lambda_function") -> set[str]:
    """Every `skill` module that `start` imports, transitively, including imports in functions."""
    seen: set[str] = set()
    pending = [start]
    while pending:
        name = pending.pop()
        path = module_file(root, name)
        if name in seen or path is None:
            continue
        seen.add(name)
        parts = name.split(".")
        pending += [".".join(parts[:i]) for i in range(1, len(parts))]
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0]
                    base = f"{parent}.{base}" if base else parent
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            else:
                continue
            pending += [t for t in targets if t == "skill" or t.startswith("skill.")]
    return seen


def test_zip_holds_exactly_the_skill_modules_the_lambda_imports(packaged: Packaged) -> None:
    """Nothing the handler imports is left out, and nothing it never imports is shipped."""
    shipped = {
        n.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
        for n in packaged.names
        if n.startswith("skill/") and n.endswith(".py")
    }
    needed = imported_skill_modules(ROOT)
    assert shipped == needed, (
        f"missing from the zip: {sorted(needed - shipped)}; "
        f"shipped but never imported (exclude in serverless.yml): {sorted(shipped - needed)}"
    )
    data = {n for n in packaged.names if n.startswith("skill/") and not n.endswith(".py")}
    assert data == {f"skill/content/{p.name}" for p in (ROOT / "skill/content").glob("*.toml")} | {
        f"skill/apl/{p.name}" for p in (ROOT / "skill/apl").glob("*.json")
    }


def test_zip_dependencies_are_exactly_the_lambda_requirements(packaged: Packaged) -> None:
    """Besides the skill, the zip holds the distributions in requirements-lambda.txt, no others."""
    pinned = {
        canonicalize_name(line.split("==")[0])
        for line in (ROOT / "requirements-lambda.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    owners = packages_distributions()
    top_level = {n.split("/")[0].removesuffix(".py") for n in packaged.names}
    # `.completed_requirements` is serverless-python-requirements' empty marker file.
    top_level -= {"skill", "audio", ".completed_requirements"}
    shipped = {canonicalize_name(d) for name in top_level for d in owners.get(name, [name])}
    assert shipped == pinned


def lambda_python() -> str:
    """The interpreter closest to Lambda's runtime that this machine has."""
    script = ROOT / "scripts" / "lambda_python.py"
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=True
    ).stdout.strip()


def conversation(skill_id: str = SKILL_ID) -> list[dict[str, Any]]:
    """One session touching every intent in the model, slots resolved and unresolved."""
    model = json.loads((ROOT / "interaction_model/en-US.json").read_text())
    session = Session(skill_id=skill_id)
    events = [envelopes.launch(session)]
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        name = intent["name"]
        if name in ("AMAZON.StopIntent", "AMAZON.CancelIntent"):
            continue
        slots = [slot["name"] for slot in intent.get("slots", [])]
        events.append(envelopes.intent(session, name))
        if slots:
            events.append(envelopes.intent(session, name, {slots[0]: Slot("socks")}, SLOT_TYPES))
        if name == "CauseDetailIntent":
            events.append(
                envelopes.intent(session, name, {"cause": Slot("cold", "COLD")}, SLOT_TYPES)
            )
        if name == "PreventionTipsIntent":
            events.append(envelopes.intent(session, "AMAZON.YesIntent"))
    events.append(envelopes.intent(session, "AMAZON.StopIntent"))
    events.append(envelopes.session_ended(session))
    return events


def run_handler(python: list[str], cwd: Path, events: list[dict[str, Any]], env: dict[str, str]):
    """Run DRIVER with `python` in `cwd` (which is on its path, like Lambda's /var/task)."""
    result = subprocess.run(
        [*python, "-E", "-c", DRIVER],
        cwd=cwd,
        input=json.dumps(events),
        env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    *printed, last = result.stdout.splitlines()
    report = json.loads(last)
    report["emf"] = [json.loads(line) for line in printed if line.startswith('{"_aws"')]
    return report


def without_user_agent(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Results minus the SDK's `userAgent`, which names the Python version that ran it."""
    return [
        {"response": {k: v for k, v in r["response"].items() if k != "userAgent"}}
        if "response" in r
        else r
        for r in results
    ]


def audio_env() -> dict[str, str]:
    """AUDIO_BASE_URL set, and every engine in the clip manifest allowed, so clips get used."""
    manifest = Manifest.load(ROOT / "audio" / "manifest.json")
    engines = {entry.engine for clips in manifest.clips.values() for entry in clips.values()}
    return {
        "AUDIO_BASE_URL": AUDIO_BASE_URL,
        "AUDIO_ENGINES": ",".join(sorted(engines) or ["gtts"]),
    }


def test_zip_answers_like_the_source_without_site_packages(
    unpacked: Path, lambda_path: str
) -> None:
    """Under `python3.12 -S` the zip, with what Lambda adds (the runtime's boto3, the Powertools
    layer), answers a LaunchRequest and a whole session, one metrics record per request.

    The same conversation through the source tree gives the same responses, clips included.
    """
    events = conversation()
    env = {"SKILL_ID": SKILL_ID, **audio_env()}
    in_zip = run_handler(
        [lambda_python(), "-S"], unpacked, events, {**env, "LAMBDA_RUNTIME_PATH": lambda_path}
    )
    from_source = run_handler([sys.executable], ROOT, events, env)
    assert len(in_zip["emf"]) == len(from_source["emf"]) == len(events)
    assert [r["request"] for r in in_zip["emf"]] == [r["request"] for r in from_source["emf"]]

    assert in_zip["site"] is False
    assert in_zip["foreign"] == []
    assert [r.get("error") for r in in_zip["results"]] == [None] * len(events)
    launch = in_zip["results"][0]["response"]["response"]
    assert launch["shouldEndSession"] is False
    assert launch["outputSpeech"]["ssml"].startswith("<speak>")
    assert launch["reprompt"]["outputSpeech"]["ssml"]
    assert "medical advice" in launch["card"]["content"]
    assert without_user_agent(in_zip["results"]) == without_user_agent(from_source["results"])
    manifest = Manifest.load(unpacked / "audio" / "manifest.json")
    if manifest.clips.get("en-US"):
        assert AUDIO_BASE_URL + "/en-US/" in json.dumps(in_zip["results"])


def test_zip_refuses_requests_for_another_skill(unpacked: Path) -> None:
    """With SKILL_ID set, a request addressed to another skill gets no answer."""
    events = conversation(skill_id="amzn1.ask.skill.00000000-dead-beef-0000-000000000000")[:1]
    in_zip = run_handler([lambda_python(), "-S"], unpacked, events, {"SKILL_ID": SKILL_ID})
    assert "response" not in in_zip["results"][0]


def test_packaging_a_region_alexa_does_not_call_from_is_refused(tmp_path: Path) -> None:
    """`make package REGIONS=...` with another AWS region stops at once and builds nothing."""
    result = subprocess.run(
        [str(ROOT / "scripts" / "package.sh"), str(tmp_path / "out"), "--regions", "ap-south-1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "ap-south-1 is not an AWS region Alexa calls from" in result.stderr
    assert not (tmp_path / "out").exists()


def test_visits_table_is_on_demand_expiring_recoverable_and_encrypted(packaged: Packaged) -> None:
    """One table keyed by `id`, on-demand, with the TTL the adapter writes, PITR and SSE."""
    (table,) = resources_of_type(packaged, "AWS::DynamoDB::Table").values()
    properties = table["Properties"]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert properties["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert properties["TimeToLiveSpecification"] == {
        "AttributeName": TTL_ATTRIBUTE,
        "Enabled": True,
    }
    assert properties["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert properties["SSESpecification"] == {"SSEEnabled": True}
    assert "GlobalSecondaryIndexes" not in properties and "StreamSpecification" not in properties


def test_function_may_only_get_put_and_delete_items_in_its_table(packaged: Packaged) -> None:
    """The role's only DynamoDB rights: GetItem, PutItem, DeleteItem on that one table."""
    role = packaged.resources["IamRoleLambdaExecution"]["Properties"]
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    dynamodb = [s for s in statements if "dynamodb" in json.dumps(s["Action"])]
    assert dynamodb == [
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
            "Resource": {"Fn::GetAtt": ["VisitsTable", "Arn"]},
        }
    ]
    assert not any("*" in json.dumps(s["Action"]) for s in statements)


def test_function_is_told_which_table_to_use(packaged: Packaged) -> None:
    """PERSISTENCE names the stack's own table, so each region uses its own."""
    variables = packaged.resources["SkillLambdaFunction"]["Properties"]["Environment"]["Variables"]
    assert variables["PERSISTENCE"] == {"Fn::Join": ["", ["dynamodb:", {"Ref": "VisitsTable"}]]}


def test_zip_remembers_users_in_dynamodb_with_the_runtimes_boto3(
    unpacked: Path, lambda_path: str
) -> None:
    """The zip, plus the boto3 Lambda's runtime provides, against dynalite: welcome back.

    AWS is the stand-in edge: dynalite plays DynamoDB on loopback, with dummy credentials.
    """
    env = {
        "SKILL_ID": SKILL_ID,
        "AWS_ACCESS_KEY_ID": "dummy",
        "AWS_SECRET_ACCESS_KEY": "dummy",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
    try:
        dynalite = Dynalite()
    finally:
        for name in env:
            if name.startswith("AWS_"):
                os.environ.pop(name)
    try:
        env.update(
            PERSISTENCE=f"dynamodb:{TABLE}",
            AWS_ENDPOINT_URL_DYNAMODB=dynalite.url,
            LAMBDA_RUNTIME_PATH=lambda_path,
        )
        session = Session(skill_id=SKILL_ID)
        runs = [
            run_handler([lambda_python(), "-S"], unpacked, [envelopes.launch(session)], env)
            for _ in range(2)
        ]
    finally:
        dynalite.stop()
    first, second = (run["results"][0]["response"]["response"] for run in runs)
    assert first["outputSpeech"]["ssml"].startswith("<speak><p>Welcome to Leg Cramp Helper.")
    assert second["outputSpeech"]["ssml"].startswith("<speak><p>Welcome back.")
    assert all(run["site"] is False and run["foreign"] == [] for run in runs)


def constraint(name: str) -> str:
    """The version constraints.txt pins for `name`."""
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if canonicalize_name(line.partition("==")[0]) == canonicalize_name(name):
            return line.partition("==")[2].strip()
    raise AssertionError(f"{name} is not pinned")


def test_powertools_comes_from_awss_layer_at_the_pinned_version(packaged: Packaged) -> None:
    """The layer is AWS's for this runtime and architecture, at the version the tests use;
    CloudFormation resolves its ARN from AWS's public SSM parameter at deploy time."""
    function = packaged.resources["SkillLambdaFunction"]["Properties"]
    version = constraint("aws-lambda-powertools")
    runtime = function["Runtime"]
    (architecture,) = function.get("Architectures", ["x86_64"])
    assert function["Layers"] == [
        f"{{{{resolve:ssm:/aws/service/powertools/python/{architecture}/{runtime}/{version}}}}}"
    ]
    variables = function["Environment"]["Variables"]
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "LegCrampHelper/dev"
    assert variables["POWERTOOLS_SERVICE_NAME"] == "leg-cramp-helper"


def emitted_metrics(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """(namespace, metric, dimension name) for everything the handler writes, driven through a
    cold start, a Fallback, a red flag and an error, configured as serverless.yml deploys it."""
    from skill.factory import create_skill_builder
    from skill.handlers.content import TopicIntentHandler
    from skill.settings import Settings, TelemetrySettings
    from skill.telemetry import instrument

    handler = instrument(
        create_skill_builder(Settings.from_env({**os.environ, "SKILL_ID": SKILL_ID})),
        TelemetrySettings.from_env(
            {"POWERTOOLS_METRICS_NAMESPACE": "LegCrampHelper/dev", "POWERTOOLS_SERVICE_NAME": "x"}
        ),
    )
    session = Session(skill_id=SKILL_ID)
    for name in ("AMAZON.FallbackIntent", "UrgentSymptomsIntent"):
        handler(envelopes.intent(session, name), None)
    monkeypatch.setattr(TopicIntentHandler, "handle", lambda self, h: 1 / 0)
    handler(envelopes.intent(session, "CrampCausesIntent"), None)
    found = set()
    for line in capsys.readouterr().out.splitlines():
        record = json.loads(line)
        (directive,) = record["_aws"]["CloudWatchMetrics"]
        for metric in directive["Metrics"]:
            for dimensions in directive["Dimensions"]:
                found.add((directive["Namespace"], metric["Name"], tuple(dimensions)))
    return found


def referenced_metrics(packaged: Packaged) -> set[tuple[str, str, tuple[str, ...]]]:
    """(namespace, metric, dimension names) of every custom metric an alarm reads."""
    found = set()
    for alarm in resources_of_type(packaged, "AWS::CloudWatch::Alarm").values():
        for query in alarm["Properties"].get("Metrics", []):
            if "MetricStat" in query:
                metric = query["MetricStat"]["Metric"]
                names = tuple(d["Name"] for d in metric["Dimensions"])
                found.add((metric["Namespace"], metric["MetricName"], names))
    return found


def test_alarms_read_the_metrics_the_skill_writes(
    packaged: Packaged, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every metric an alarm reads, with its dimensions, is one the handler actually writes."""
    referenced = referenced_metrics(packaged)
    assert {name for _, name, _ in referenced} == {
        "Errors",
        "Requests",
        "Fallback",
        "IntentRequests",
    }
    assert referenced <= emitted_metrics(monkeypatch, capsys)


def test_alarms_watch_errors_slow_answers_and_each_locales_fallback_share(
    packaged: Packaged,
) -> None:
    """Error rate (the skill's own count and Lambda's), p99 duration under Alexa's 8 s, and the
    Fallback share of every locale the skill is published in; all notify one SNS topic."""
    alarms = resources_of_type(packaged, "AWS::CloudWatch::Alarm")
    function = packaged.resources["SkillLambdaFunction"]["Properties"]
    for alarm in alarms.values():
        properties = alarm["Properties"]
        assert properties["AlarmActions"] == properties["OKActions"] == [{"Ref": "AlarmTopic"}]
        assert properties["TreatMissingData"] == "notBreaching"
    assert resources_of_type(packaged, "AWS::SNS::Topic").keys() == {"AlarmTopic"}

    rate = alarms["ErrorRateAlarm"]["Properties"]
    (expression,) = [m for m in rate["Metrics"] if m.get("ReturnData")]
    assert expression["Expression"] == "IF(requests >= 10, 100 * FILL(errors, 0) / requests, 0)"
    assert rate["Threshold"] == 5

    slow = alarms["SlowAnswersAlarm"]["Properties"]
    assert (slow["Namespace"], slow["MetricName"], slow["ExtendedStatistic"]) == (
        "AWS/Lambda",
        "Duration",
        "p99",
    )
    assert slow["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "SkillLambdaFunction"}}]
    assert slow["Threshold"] < function["Timeout"] * 1000 < 8000
    crashed = alarms["FunctionErrorsAlarm"]["Properties"]
    assert (crashed["MetricName"], crashed["Threshold"]) == ("Errors", 0)

    manifest = json.loads((ROOT / "skill.json").read_text())
    locales = set(manifest["manifest"]["publishingInformation"]["locales"])
    fallback = {
        alarm["Properties"]["Metrics"][0]["MetricStat"]["Metric"]["Dimensions"][0]["Value"]: alarm
        for key, alarm in alarms.items()
        if key.startswith("FallbackShare")
    }
    assert set(fallback) == locales
    for locale, alarm in fallback.items():
        properties = alarm["Properties"]
        assert properties["AlarmName"] == f"leg-cramp-helper-dev-fallback-share-{locale}"
        (share,) = [m for m in properties["Metrics"] if m.get("ReturnData")]
        assert share["Expression"] == "IF(intents >= 10, 100 * FILL(fallback, 0) / intents, 0)"


def test_the_dashboard_shows_those_series_in_each_region(packaged: Packaged) -> None:
    """One dashboard per region (dashboard names are account-wide), with every alarm, the error
    rate, the durations against 8 s, the Fallback share per locale and requests by intent."""
    dashboard = packaged.resources["Dashboard"]["Properties"]
    assert dashboard["DashboardName"] == {"Fn::Sub": "leg-cramp-helper-dev-${AWS::Region}"}
    body, names = dashboard["DashboardBody"]["Fn::Sub"]
    alarms = resources_of_type(packaged, "AWS::CloudWatch::Alarm")
    assert names == {
        "Function": {"Ref": "SkillLambdaFunction"},
        **{name: {"Fn::GetAtt": [name, "Arn"]} for name in alarms},
    }
    for name in ("Function", "AWS::Region", *alarms):
        body = body.replace(f"${{{name}}}", f"<{name}>")
    assert "${" not in body
    widgets = json.loads(body)["widgets"]
    titles = [w["properties"]["title"] for w in widgets]
    assert titles[0] == "Alarms"
    assert widgets[0]["properties"]["alarms"] == [f"<{name}>" for name in alarms]
    assert {
        "Error rate (%)",
        "Duration against Alexa's 8 s",
        "Fallback share by locale (%)",
    } <= set(titles)
    (logs,) = [w for w in widgets if w["type"] == "log"]
    assert logs["properties"]["query"].startswith("SOURCE '/aws/lambda/<Function>'")
    assert "by locale, request.type, request.intent" in logs["properties"]["query"]
    (durations,) = [w for w in widgets if w["properties"]["title"].startswith("Duration")]
    limits = [a["value"] for a in durations["properties"]["annotations"]["horizontal"]]
    assert 8000 in limits
