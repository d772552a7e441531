"""Where visits are remembered: the `PERSISTENCE` setting and the adapters behind it.

`none` remembers nothing, `sqlite:PATH` keeps a file (simulators, the web service: by default
the local file of skill/settings.py),
`dynamodb:TABLE` keeps a DynamoDB table (Lambda). Both stores use the ASK SDK's
persistence-adapter interface, key a record by a hash of the Alexa user id, and let it expire
`RETENTION_DAYS` after it was last written.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

PERSISTENCE_ENV = "PERSISTENCE"
RETENTION_DAYS = 90
TTL_ATTRIBUTE = "expires_at"


class CorruptRecord(PersistenceException):
    """A stored record that is not what this skill writes: read as no record, then replaced."""


def record_key(request_envelope: RequestEnvelope) -> str:
    """A record's key: the SHA-256 of the Alexa user id, so no store holds the id itself."""
    import hashlib  # on first use: hashing is a request's work, not the cold import's

    system = request_envelope.context.system if request_envelope.context else None
    user_id = system.user.user_id if system and system.user else None
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("the request names no user")
    return hashlib.sha256(user_id.encode("utf-8")).hexdigest()


def expiry(now: float | None = None) -> int:
    """When a record written now expires, in seconds since the epoch (DynamoDB's TTL format)."""
    return int(now if now is not None else time.time()) + RETENTION_DAYS * 86400


class DeferredAdapter(AbstractPersistenceAdapter):
    """An adapter built on its first use, so that importing the skill stays light.

    Importing ask-sdk-dynamodb loads boto3 and builds a client at once (about 150 ms); deferred,
    the Lambda's cold import costs what it costs without a store, and a failure to build the
    client is a storage failure of that request (answered as for a new user), not a crash.
    """

    def __init__(self, build: Callable[[], AbstractPersistenceAdapter]) -> None:
        self._build = build

    @cached_property
    def adapter(self) -> AbstractPersistenceAdapter:
        """The real adapter, built once."""
        return self._build()

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        """Reads through the real adapter."""
        return self.adapter.get_attributes(request_envelope)

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        """Writes through the real adapter."""
        self.adapter.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Deletes through the real adapter."""
        self.adapter.delete_attributes(request_envelope)


def _dynamodb_adapter(table: str) -> AbstractPersistenceAdapter:
    from skill.persistence.dynamodb import VisitsTableAdapter

    return VisitsTableAdapter(table)


def create_adapter(spec: str) -> AbstractPersistenceAdapter | None:
    """The adapter a `PERSISTENCE` value names; None for `none`. A malformed value raises."""
    kind, _, target = spec.strip().partition(":")
    if kind == "none" and not target:
        return None
    if kind == "sqlite" and target:
        from skill.persistence.sqlite import SqliteAdapter

        return SqliteAdapter(Path(target))
    if kind == "dynamodb" and target:
        return DeferredAdapter(lambda: _dynamodb_adapter(target))
    raise ValueError(f"{PERSISTENCE_ENV} must be none, sqlite:PATH or dynamodb:TABLE, not {spec!r}")
