"""The one skill factory, used by every entry point: Lambda, the web service, the simulators."""

from __future__ import annotations

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
from skill.persistence import create_adapter
from skill.services import ServiceApiClient
from skill.settings import Settings


def create_skill_builder(
    settings: Settings | None = None, api_client: ApiClient | None = None
) -> CustomSkillBuilder:
    """A SkillBuilder with every handler and interceptor registered, in order.

    `settings` are what the entry point read (`Settings.from_env()`); the defaults check no
    skill id, remember nothing and speak text. With an id set, the SDK refuses requests
    addressed to another skill. The store is the one `settings.persistence` names
    (docs/persistence.md); hosted clips are `settings.audio`'s (docs/audio.md). Alexa's service
    APIs (reminders, the device's time zone) are called through `api_client`, by default one
    with a 1 s timeout (skill/services.py).
    """
    settings = Settings() if settings is None else settings
    adapter = create_adapter(settings.persistence)
    client = api_client or ServiceApiClient()
    builder = (
        CustomSkillBuilder(api_client=client)
        if adapter is None
        else CustomSkillBuilder(persistence_adapter=adapter, api_client=client)
    )
    # The SDK leaves `skill_id` unannotated (`self.skill_id = None`), so mypy reads it as None.
    builder.skill_id = settings.skill_id or None  # type: ignore[assignment]
    for handler in REQUEST_HANDLERS:
        builder.add_request_handler(handler())
    for exception_handler in EXCEPTION_HANDLERS:
        builder.add_exception_handler(exception_handler())
    builder.add_global_request_interceptor(ContentInterceptor(settings.audio))
    builder.add_global_response_interceptor(RememberResponseInterceptor())
    if adapter is not None:
        builder.add_global_request_interceptor(LoadVisitInterceptor())
        builder.add_global_response_interceptor(SaveVisitInterceptor())
    return builder


def create_skill(
    settings: Settings | None = None, api_client: ApiClient | None = None
) -> CustomSkill:
    """The ready skill, for entry points that call `invoke` themselves."""
    return create_skill_builder(settings, api_client).create()
