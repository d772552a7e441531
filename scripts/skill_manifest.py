"""Fill the skill manifest's Lambda endpoints and privacy policy addresses from the deployed stacks.

Reads `aws cloudformation describe-stacks` JSON, one per deployed region (files, or `-` for
stdin), and writes an ASK CLI skill package: `<out>/skill.json` whose `apis.custom.regions` point
each Alexa region (NA, EU, FE) at the function in its AWS region, with North America's as the
default `apis.custom.endpoint.uri`; whose `privacyAndCompliance.locales.<locale>.privacyPolicyUrl`
is the page of the locale's language (`privacy/<language>.html`), which `scripts/deploy.sh`
publishes beside the clips, under North America's `AudioBaseUrl`; and
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

from alexa_regions import ALEXA_REGIONS, DEFAULT_ALEXA_REGION, alexa_region

ROOT = Path(__file__).resolve().parent.parent
ARN_OUTPUT = "SkillFunctionArn"
AUDIO_URL_OUTPUT = "AudioBaseUrl"  # where the clips, and beside them the privacy pages, are served
PRIVACY_DIR = "privacy"  # privacy/<language>.html, published as <AudioBaseUrl>/privacy/...
LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$")


class DeployOutputError(ValueError):
    """The deploy output lacks a usable Lambda ARN."""


def _outputs(describe_stacks: dict[str, Any]) -> dict[str, Any]:
    """A describe-stacks response's outputs by key."""
    try:
        outputs = describe_stacks["Stacks"][0].get("Outputs", [])
    except (KeyError, IndexError, TypeError, AttributeError) as e:
        raise DeployOutputError("not a describe-stacks response: no Stacks[0]") from e
    return {o.get("OutputKey"): o.get("OutputValue") for o in outputs if isinstance(o, dict)}


def function_arn(describe_stacks: dict[str, Any]) -> str:
    """The skill function's unqualified ARN from a describe-stacks response."""
    arn = _outputs(describe_stacks).get(ARN_OUTPUT)
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


def audio_base_url(describe_stacks: dict[str, Any]) -> str:
    """The https base URL of the hosted clips (North America's stack), without a trailing slash."""
    url = _outputs(describe_stacks).get(AUDIO_URL_OUTPUT)
    if not isinstance(url, str) or not url.startswith("https://"):
        raise DeployOutputError(
            f"stack output {AUDIO_URL_OUTPUT} missing or not https: the privacy policy pages"
            " are published beside the clips, so their address is unknown"
        )
    return url.rstrip("/")


def privacy_policy_urls(
    manifest: dict[str, Any], base_url: str, root: Path = ROOT
) -> dict[str, str]:
    """Locale -> the address of its language's privacy page; every page must exist."""
    urls = {}
    for locale in manifest["manifest"]["publishingInformation"]["locales"]:
        page = f"{locale.split('-')[0]}.html"
        if not (root / PRIVACY_DIR / page).is_file():
            raise DeployOutputError(f"no privacy policy page {PRIVACY_DIR}/{page} for {locale}")
        urls[locale] = f"{base_url}/{PRIVACY_DIR}/{page}"
    return urls


def with_privacy_policies(manifest: dict[str, Any], urls: dict[str, str]) -> dict[str, Any]:
    """The manifest with every locale's `privacyPolicyUrl` set."""
    filled = json.loads(json.dumps(manifest))
    privacy = filled["manifest"].setdefault("privacyAndCompliance", {})
    locales = privacy.setdefault("locales", {})
    for locale, url in urls.items():
        locales.setdefault(locale, {})["privacyPolicyUrl"] = url
    return filled


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


def write_skill_package(arns: dict[str, str], out: Path, base_url: str, root: Path = ROOT) -> Path:
    """Write the manifest and interaction models under `out`; returns the manifest's path.

    `base_url` is where the clips and the privacy pages are served (`AudioBaseUrl`).
    """
    manifest = json.loads((root / "skill.json").read_text(encoding="utf-8"))
    manifest = with_privacy_policies(manifest, privacy_policy_urls(manifest, base_url, root))
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
        stacks = [json.loads(text) for text in texts]
        arns = regional_arns([function_arn(stack) for stack in stacks])
        north_america = next(s for s in stacks if function_arn(s) == arns[DEFAULT_ALEXA_REGION])
        base_url = audio_base_url(north_america)
        print(write_skill_package(arns, args.out, base_url))
    except (OSError, ValueError) as e:
        print(f"skill_manifest: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
