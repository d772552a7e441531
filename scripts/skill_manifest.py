"""Fill the skill manifest's Lambda endpoint from the deployed stack's outputs.

Reads `aws cloudformation describe-stacks` JSON (a file, or `-` for stdin) and writes an ASK CLI
skill package: `<out>/skill.json` with `apis.custom.endpoint.uri` set to the function ARN, and
`<out>/interactionModels/custom/<locale>.json` copied from `interaction_model/`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARN_OUTPUT = "SkillFunctionArn"
LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$")


class DeployOutputError(ValueError):
    """The deploy output lacks a usable Lambda ARN."""


def function_arn(describe_stacks: dict[str, Any]) -> str:
    """The skill function's unqualified ARN from a describe-stacks response."""
    try:
        outputs = describe_stacks["Stacks"][0].get("Outputs", [])
    except (KeyError, IndexError, TypeError, AttributeError) as e:
        raise DeployOutputError("not a describe-stacks response: no Stacks[0]") from e
    values = {o.get("OutputKey"): o.get("OutputValue") for o in outputs if isinstance(o, dict)}
    arn = values.get(ARN_OUTPUT)
    if not arn:
        raise DeployOutputError(f"stack output {ARN_OUTPUT} missing: was the stack deployed?")
    if not LAMBDA_ARN.match(arn):
        raise DeployOutputError(f"{ARN_OUTPUT} is not an unqualified Lambda ARN: {arn!r}")
    return arn


def with_endpoint(manifest: dict[str, Any], arn: str) -> dict[str, Any]:
    """A copy of the manifest whose custom API, and skill events, point at the Lambda."""
    filled = json.loads(json.dumps(manifest))
    filled["manifest"]["apis"]["custom"]["endpoint"] = {"uri": arn}
    if "events" in filled["manifest"]:
        filled["manifest"]["events"]["endpoint"] = {"uri": arn}
    return filled


def write_skill_package(arn: str, out: Path, root: Path = ROOT) -> Path:
    """Write the manifest and interaction models under `out`; returns the manifest's path."""
    manifest = json.loads((root / "skill.json").read_text(encoding="utf-8"))
    models = out / "interactionModels" / "custom"
    models.mkdir(parents=True, exist_ok=True)
    for model in sorted((root / "interaction_model").glob("*.json")):
        shutil.copyfile(model, models / model.name)
    target = out / "skill.json"
    target.write_text(json.dumps(with_endpoint(manifest, arn), indent=2) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    """Read the deploy output, write the skill package, print the manifest's path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outputs", required=True, help="describe-stacks JSON file, or -")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "skill-package")
    args = parser.parse_args(argv)
    try:
        text = sys.stdin.read() if args.outputs == "-" else Path(args.outputs).read_text("utf-8")
        arn = function_arn(json.loads(text))
    except (OSError, ValueError) as e:
        print(f"skill_manifest: {e}", file=sys.stderr)
        return 1
    print(write_skill_package(arn, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
