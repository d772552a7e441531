"""The one skill factory, used by every entry point: Lambda, the web service, the simulator."""

from __future__ import annotations

import os

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model.services import ApiClient

from skill.handlers import EXCEPTION_HANDLERS, REQUEST_HANDLERS
from skill.interceptors import (
    ContentInterceptor,
    LoadVisitInterceptor,
    RememberResponseInterceptor,
    SaveVisitInterceptor,
)
from skill.persistence import adapter_from_environment
from skill.services import ServiceApiClient


def create_skill_builder(
    skill_id: str | None = None,
    default_persistence: str = "none",
    api_client: ApiClient | None = None,
    persistence: str | None = None,
) -> CustomSkillBuilder:
    """A SkillBuilder with every handler and interceptor registered, in order.

    `skill_id` None reads the `SKILL_ID` environment variable; an empty id checks nothing.
    With an id set, the SDK refuses requests addressed to another skill.
    The store is the one `PERSISTENCE` names, else `default_persistence` (docs/persistence.md);
    without one the skill remembers nothing between sessions; `persistence` set wins
    over both. Alexa's service APIs (reminders, the device's time zone) are called through
    `api_client`, by default one with a 1 s timeout (skill/services.py).
    """
    adapter = adapter_from_environment(default_persistence, persistence)
    client = api_client or ServiceApiClient()
    builder = (
        CustomSkillBuilder(api_client=client)
        if adapter is None
        else CustomSkillBuilder(persistence_adapter=adapter, api_client=client)
    )
    # The SDK leaves `skill_id` unannotated (`self.skill_id = None`), so mypy reads it as None.
    builder.skill_id = (  # type: ignore[assignment]
        os.environ.get("SKILL_ID", "") if skill_id is None else skill_id
    ) or None
    for handler in REQUEST_HANDLERS:
        builder.add_request_handler(handler())
    for exception_handler in EXCEPTION_HANDLERS:
        builder.add_exception_handler(exception_handler())
    builder.add_global_request_interceptor(ContentInterceptor())
    builder.add_global_response_interceptor(RememberResponseInterceptor())
    if adapter is not None:
        builder.add_global_request_interceptor(LoadVisitInterceptor())
        builder.add_global_response_interceptor(SaveVisitInterceptor())
    return builder


def create_skill(
    skill_id: str | None = None,
    default_persistence: str = "none",
    api_client: ApiClient | None = None,
) -> CustomSkill:
    """The ready skill, for entry points that call `invoke` themselves."""
    return create_skill_builder(skill_id, default_persistence, api_client).create()
