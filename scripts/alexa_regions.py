"""The AWS regions Alexa calls a skill's Lambda from, and a checked selection of them.

Alexa sends each locale's requests from one of three service regions; a Lambda ARN in the
manifest is used for the region it is given for (docs/deploying.md, "Regions": the table and its
sources).
Prints the selected AWS regions in deploy order, North America first (its stack hosts the clips
that the other regions play). Usage: alexa_regions.py ["us-west-2 eu-west-1"]  (default: all)
"""

from __future__ import annotations

import re
import sys

# Alexa region code (skill manifest `apis.custom.regions`) -> the AWS region its requests come from.
ALEXA_REGIONS = {"NA": "us-east-1", "EU": "eu-west-1", "FE": "us-west-2"}
# The Alexa region of the manifest's default endpoint; its stack also hosts the clips, and it
# comes first in ALEXA_REGIONS, so first in deploy order (serverless.yml: HostsAudio).
DEFAULT_ALEXA_REGION = "NA"


def alexa_region(aws_region: str) -> str:
    """The Alexa region code served from `aws_region`; ValueError for any other AWS region."""
    for code, region in ALEXA_REGIONS.items():
        if region == aws_region:
            return code
    regions = " ".join(ALEXA_REGIONS.values())
    raise ValueError(f"{aws_region} is not an AWS region Alexa calls from: use {regions}")


def select(text: str = "") -> list[str]:
    """The AWS regions named in `text` (spaces or commas; empty: all), in deploy order."""
    names = [n for n in re.split(r"[\s,]+", text.strip()) if n]
    for name in names:
        alexa_region(name)
    return [r for r in ALEXA_REGIONS.values() if not names or r in names]


def main(argv: list[str]) -> int:
    """Print the selection, one line; exit 2 with the reason when a name is not a region."""
    try:
        print(" ".join(select(" ".join(argv))))
    except ValueError as e:
        print(f"REGIONS: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
