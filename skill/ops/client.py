"""Amazon's SMAPI client, built for one LWA security profile; retries and plain-language errors.

The client is ask-smapi-sdk's `SkillManagementServiceClient` with ask-sdk-model-runtime's
`LwaClient` (the refresh-token grant), exactly as `StandardSmapiClientBuilder` assembles them,
except that the LWA client is given its endpoint (the builder always uses Amazon's) and the
serializer tolerates enum values newer than ask-smapi-model (see `LenientSerializer`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from ask_sdk_model_runtime import (
    ApiConfiguration,
    AuthenticationConfiguration,
    DefaultApiClient,
    DefaultSerializer,
    ServiceException,
)
from ask_sdk_model_runtime.lwa import LwaClient
from ask_sdk_model_runtime.lwa.error import Error as LwaError
from ask_smapi_model.services.skill_management import SkillManagementServiceClient

from skill.ops.settings import OpsSettings

T = TypeVar("T")
RETRIED = frozenset({429, 500, 502, 503, 504})
MAX_ATTEMPTS = 5
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 20.0


class OpsError(Exception):
    """A failure to explain to whoever runs the command (exit 1)."""


class LenientSerializer(DefaultSerializer):
    """ask-sdk-model-runtime's serializer, except that an enum value the model does not list
    stays a plain string instead of failing the whole response.

    ask-smapi-model 1.36 (the last release) lists en-US, en-GB, en-IN, en-CA, en-AU, de-DE and
    ja-JP as the history's locales: an item in es-US would otherwise fail its whole page.
    """

    def _DefaultSerializer__deserialize_model(self, payload: Any, obj_type: Any) -> Any:
        if isinstance(obj_type, type) and issubclass(obj_type, Enum):
            try:
                return obj_type(payload)
            except ValueError:
                return payload
        return super()._DefaultSerializer__deserialize_model(payload, obj_type)  # type: ignore[misc]


def build_client(settings: OpsSettings) -> SkillManagementServiceClient:
    """A SMAPI client that gets its access tokens from LWA with the refresh token."""
    serializer = LenientSerializer()
    authentication = AuthenticationConfiguration(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        refresh_token=settings.refresh_token,
    )
    lwa = LwaClient(
        api_configuration=ApiConfiguration(
            serializer=serializer,
            api_client=DefaultApiClient(),
            api_endpoint=settings.lwa_endpoint,
        ),
        authentication_configuration=authentication,
        grant_type=LwaClient.LWA_CREDENTIALS_GRANT_TYPE,
    )
    return SkillManagementServiceClient(
        api_configuration=ApiConfiguration(
            serializer=serializer,
            api_client=DefaultApiClient(),
            api_endpoint=settings.smapi_endpoint,
        ),
        authentication_configuration=authentication,
        lwa_client=lwa,
    )


def _retry_after(exc: ServiceException) -> float | None:
    for name, value in exc.headers or []:
        if name.lower() == "retry-after":
            try:
                return float(value)
            except ValueError:
                return None
    return None


def with_retries(
    call: Callable[[], T],
    skill_id: str,
    sleep: Callable[[float], None] = time.sleep,
    attempts: int = MAX_ATTEMPTS,
) -> T:
    """`call()`, tried again with exponential backoff when throttled (429) or on a 5xx; any
    failure left becomes an OpsError that says what to do."""
    for attempt in range(attempts):
        try:
            return call()
        except ServiceException as exc:
            unreachable = str(exc).startswith("Call to service failed")
            if exc.status_code not in RETRIED or unreachable or attempt == attempts - 1:
                raise OpsError(explain(exc, skill_id, attempt + 1)) from None
            delay = _retry_after(exc) or FIRST_DELAY_S * 2**attempt
            sleep(min(delay, MAX_DELAY_S))
    raise AssertionError("unreachable")  # pragma: no cover


def _message(body: Any) -> str:
    """The error body's message: a model's `message`, or a JSON or plain-text body."""
    if isinstance(body, LwaError):
        return f"{body.error_type}: {body.error_description}"
    text = getattr(body, "message", None)
    if isinstance(text, str):
        return text
    if isinstance(body, str | bytes):
        try:
            data = json.loads(body)
        except ValueError:
            return str(body)[:200]
        if isinstance(data, dict):
            return str(data.get("message") or data.get("error_description") or data)[:200]
    return str(body)[:200] if body else ""


def explain(exc: ServiceException, skill_id: str, attempts: int = 1) -> str:
    """What a failed call means, for someone holding the token and the skill id."""
    status, detail = exc.status_code, _message(exc.body)
    if str(exc).startswith("Call to service failed"):
        return f"cannot reach SMAPI or Login with Amazon: {exc}"
    if isinstance(exc.body, LwaError):
        if exc.body.error_type == "invalid_client" or status == 401:
            return (
                f"Login with Amazon refused the security profile ({status} {detail}): check "
                "LWA_CLIENT_ID and LWA_CLIENT_SECRET"
            )
        return (
            f"Login with Amazon refused the refresh token ({status} {detail}): it is expired, "
            "revoked or for another profile; make a new one with `ask util generate-lwa-tokens`"
        )
    if status == 401:
        return (
            f"SMAPI refused the access token (401 {detail}): make a new refresh token with "
            "`ask util generate-lwa-tokens` for the account that owns the skill"
        )
    if status in (403, 404):
        return (
            f"skill {skill_id} is not one this account can read ({status} {detail}): check "
            "the skill id (`ask smapi list-skills-for-vendor`) and whose token this is"
        )
    if status == 429:
        return f"SMAPI kept throttling (429) after {attempts} tries: wait a minute, then run again"
    if status >= 500:
        return f"SMAPI failed ({status} {detail}) after {attempts} tries: try again later"
    return f"SMAPI refused the request ({status} {detail})"
