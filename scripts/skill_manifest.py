"""Fill the skill manifest's Lambda endpoints from the deployed stacks' outputs.

Reads `aws cloudformation describe-stacks` JSON, one per deployed region (files, or `-` for
stdin), and writes an ASK CLI skill package: `<out>/skill.json` whose `apis.custom.regions` point
each Alexa region (NA, EU, FE) at the function in its AWS region, with North America's as the
default `apis.custom.endpoint.uri`, and `<out>/interactionModels/custom/<locale>.json` copied
from `interaction_model/`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from alexa_regions import ALEXA_REGIONS, DEFAULT_ALEXA_REGION, alexa_region

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


def regional_arns(arns: list[str]) -> dict[str, str]:
    """Alexa region code -> function ARN, in NA, EU, FE order; one function per region."""
    by_region: dict[str, str] = {}
    for arn in arns:
        code = alexa_region(arn.split(":")[3])
        if code in by_region:
            raise DeployOutputError(f"two deploy outputs for {code}: {by_region[code]} and {arn}")
        by_region[code] = arn
    if DEFAULT_ALEXA_REGION not in by_region:
        raise DeployOutputError(
            f"no deploy output from {ALEXA_REGIONS[DEFAULT_ALEXA_REGION]}: its function is the"
            " default endpoint, so deploy that region too"
        )
    return {code: by_region[code] for code in ALEXA_REGIONS if code in by_region}


def with_endpoints(manifest: dict[str, Any], arns: dict[str, str]) -> dict[str, Any]:
    """The manifest with each Alexa region (custom API and skill events) pointing at its Lambda."""
    filled = json.loads(json.dumps(manifest))
    custom = filled["manifest"]["apis"]["custom"]
    custom["endpoint"] = {"uri": arns[DEFAULT_ALEXA_REGION]}
    custom["regions"] = {code: {"endpoint": {"uri": arn}} for code, arn in arns.items()}
    if "events" in filled["manifest"]:
        # SkillDisabled reaches the function, and so the table, of the user's own region.
        events = filled["manifest"]["events"]
        events["endpoint"] = dict(custom["endpoint"])
        events["regions"] = json.loads(json.dumps(custom["regions"]))
    return filled


def write_skill_package(arns: dict[str, str], out: Path, root: Path = ROOT) -> Path:
    """Write the manifest and interaction models under `out`; returns the manifest's path."""
    manifest = json.loads((root / "skill.json").read_text(encoding="utf-8"))
    models = out / "interactionModels" / "custom"
    models.mkdir(parents=True, exist_ok=True)
    for model in sorted((root / "interaction_model").glob("*.json")):
        shutil.copyfile(model, models / model.name)
    target = out / "skill.json"
    target.write_text(json.dumps(with_endpoints(manifest, arns), indent=2) + "\n", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    """Read the deploy outputs, write the skill package, print the manifest's path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--outputs",
        required=True,
        action="append",
        help="describe-stacks JSON file, or -; once per deployed region",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "skill-package")
    args = parser.parse_args(argv)
    try:
        texts = [
            sys.stdin.read() if name == "-" else Path(name).read_text("utf-8")
            for name in args.outputs
        ]
        arns = regional_arns([function_arn(json.loads(text)) for text in texts])
    except (OSError, ValueError) as e:
        print(f"skill_manifest: {e}", file=sys.stderr)
        return 1
    print(write_skill_package(arns, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
