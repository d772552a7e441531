"""`serverless package`, run once per test session for every region (the `regional`,
`packaged` and `unpacked` fixtures in tests/conftest.py), and what it wrote.

AWS is not reached: packaging runs with every AWS credential source hidden and its AWS client
pointed at a dead proxy (only the Python package index stays reachable, for pip).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SKILL_ID = "amzn1.ask.skill.6f1d2c3b-0a9e-4d8c-b7a6-5e4f3d2c1b0a"
# A stand-in CloudFront domain (AWS's documentation example): no request goes to it.
AUDIO_BASE_URL = "https://d111111abcdef8.cloudfront.net/audio"
# The AWS regions Alexa calls from (scripts/alexa_regions.py): North America's is the default.
REGIONS = ("us-east-1", "eu-west-1", "us-west-2")
# A closed port: Serverless sends AWS calls through HTTP(S)_PROXY, so any attempt fails the run.
DEAD_PROXY = "http://127.0.0.1:9"


@dataclass(frozen=True)
class Packaged:
    """What `serverless package` wrote."""

    directory: Path

    @cached_property
    def template(self) -> dict[str, Any]:
        """The CloudFormation template that `serverless deploy` would send."""
        path = self.directory / "cloudformation-template-update-stack.json"
        return json.loads(path.read_text(encoding="utf-8"))

    @property
    def resources(self) -> dict[str, Any]:
        """The template's resources by logical id."""
        return self.template["Resources"]

    @property
    def zip_path(self) -> Path:
        """The Lambda artifact."""
        return self.directory / "leg-cramp-helper.zip"

    @cached_property
    def names(self) -> list[str]:
        """Every file in the zip."""
        with zipfile.ZipFile(self.zip_path) as archive:
            return [n for n in archive.namelist() if not n.endswith("/")]


def package_index_hosts() -> list[str]:
    """The hosts pip may need: PyPI, and any index configured through the environment."""
    hosts = ["pypi.org", "files.pythonhosted.org"]
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
        hosts += [urlsplit(u).hostname or "" for u in os.environ.get(name, "").split()]
    return [h for h in hosts if h]


class PackageBuild:
    """`make package`, as docs/deploying.md says, for every region: no AWS credentials, no route to
    AWS. The regions without clips of their own get the stand-in URL.

    It must leave us-east-1's zip and template in the checkout's `.serverless/`, and each other
    region's in `.serverless/<region>/`. `start` runs it in the background (conftest.py starts
    it as soon as collection shows a test that needs it, so it overlaps the tests before);
    `result` waits for it. Either way it runs once per session.
    """

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._result: dict[str, Packaged] | None = None

    def start(self) -> None:
        """Begin building, unless already begun."""
        if self._process is not None:
            return
        # Every region, whatever REGIONS or STAGE the caller's environment holds.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("AWS_") and k not in ("REGIONS", "STAGE")
        }
        env.update(
            SKILL_ID=SKILL_ID,
            AUDIO_BASE_URL=AUDIO_BASE_URL,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            AWS_CONFIG_FILE=os.devnull,
            AWS_EC2_METADATA_DISABLED="true",
        )
        for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
            env[name] = DEAD_PROXY
        env["NO_PROXY"] = env["no_proxy"] = ",".join(package_index_hosts())
        # A file, not a pipe: nothing reads the output until the end. Closed by result or stop.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            ["make", "--no-print-directory", "package"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            process_group=0,  # its own process group, so stop ends the builds it runs
        )

    def result(self) -> dict[str, Packaged]:
        """Each region's package, once the build has finished (started now if it was not)."""
        if self._result is None:
            self.start()
            assert self._process is not None and self._log is not None
            returncode = self._process.wait(timeout=600)
            self._log.seek(0)
            output = self._log.read().decode(errors="replace")
            self._log.close()
            assert returncode == 0, output
            out = ROOT / ".serverless"
            self._result = {
                region: Packaged(out if region == REGIONS[0] else out / region)
                for region in REGIONS
            }
        return self._result

    def stop(self) -> None:
        """End a build still running when the session ends early."""
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        if self._log is not None:
            self._log.close()


BUILD = PackageBuild()
