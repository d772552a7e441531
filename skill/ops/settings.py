"""Credentials and endpoints for the ops commands, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

# Amazon's endpoints: SMAPI, and Login with Amazon's token service.
SMAPI_ENDPOINT = "https://api.amazonalexa.com"
LWA_ENDPOINT = "https://api.amazon.com"
CREDENTIAL_VARIABLES = ("ASK_REFRESH_TOKEN", "LWA_CLIENT_ID", "LWA_CLIENT_SECRET")


class MissingCredentials(ValueError):
    """Some of the LWA credentials are not set."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            f"{', '.join(missing)} not set: `ask util generate-lwa-tokens` makes a refresh token "
            "for your Login with Amazon security profile (docs/operating.md, 'Credentials')"
        )
        self.missing = missing


@dataclass(frozen=True)
class OpsSettings:
    """The LWA security profile and refresh token, and where SMAPI and LWA answer.

    `ASK_SMAPI_ENDPOINT` and `ASK_LWA_ENDPOINT` override Amazon's endpoints (the tests' loopback
    stand-ins use them); certificates are checked against `REQUESTS_CA_BUNDLE` when it is set.
    """

    refresh_token: str
    client_id: str
    client_secret: str
    smapi_endpoint: str = SMAPI_ENDPOINT
    lwa_endpoint: str = LWA_ENDPOINT

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> OpsSettings:
        """Reads the environment; raises MissingCredentials naming what is not set."""
        env = os.environ if env is None else env
        values = {name: env.get(name, "").strip() for name in CREDENTIAL_VARIABLES}
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise MissingCredentials(missing)
        return cls(
            refresh_token=values["ASK_REFRESH_TOKEN"],
            client_id=values["LWA_CLIENT_ID"],
            client_secret=values["LWA_CLIENT_SECRET"],
            smapi_endpoint=env.get("ASK_SMAPI_ENDPOINT") or SMAPI_ENDPOINT,
            lwa_endpoint=env.get("ASK_LWA_ENDPOINT") or LWA_ENDPOINT,
        )
