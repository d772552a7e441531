"""The ASK SDK's serializer, with Alexa's ISO 8601 timestamps parsed by the standard library.

ask-sdk-core parses every `timestamp` of a request envelope with dateutil's generic parser,
the largest single cost of deserialising a request (about a third of it). Alexa always sends
ISO 8601 (`2026-11-26T21:04:05Z`), which `datetime.fromisoformat` reads directly on Python 3.11
and later; anything it cannot read still goes to the SDK's own parser, so results and errors
are the SDK's. The hook is the SDK's private `__deserialize_datetime` (ask-sdk-core 1.19, pinned):
tests/test_telemetry.py checks that the override is in effect and changes nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer


class IsoTimestampSerializer(DefaultSerializer):
    """DefaultSerializer, reading ISO 8601 timestamps without dateutil."""

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        """What the SDK returns for `payload`, sooner when it is plain ISO 8601."""
        try:
            parsed = datetime.fromisoformat(payload)
        except (TypeError, ValueError):
            return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)  # type: ignore[misc]
        return parsed.date() if obj_type is date else parsed
