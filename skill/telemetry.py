"""Production metrics and structured logs for the Lambda, with nothing personal in them.

`instrument(builder, settings)` is the Lambda handler: the skill as the builder made it, wrapped
once in the entry point (handlers know nothing of it). Each request writes one CloudWatch
embedded-metric-format (EMF) record through AWS Lambda Powertools, with two dimension sets,
`service` (the whole skill) and `locale`:

- `Requests` (every request), `IntentRequests`, `Fallback` (Alexa chose AMAZON.FallbackIntent),
  `RedFlag` (UrgentSymptomsIntentHandler answered: taken from the handler that ran, not from
  words), `Errors` (the catch-all exception handler answered, or the request failed outright),
  `ColdStart` (the first request of a process), each a count written only when it is 1 (Errors
  also when Alexa ends a session because the skill's last answer failed: `ENDPOINT_TIMEOUT`,
  `INVALID_RESPONSE`...), and
  `HandlerLatency` in milliseconds (deserialising, dispatching and serialising, as Lambda sees).
- Properties that are not metrics (no dimension, nothing billed): the request type, the intent
  name, the handler's class name, resolved slot ids, the error's type, and a session's end reason
  and Alexa's error type, so CloudWatch Logs
  Insights breaks requests down by type and intent per locale.

What is never written: user, device, session and request ids, tokens, what was heard in a slot
(its raw value), session attributes, reminder texts, exception messages. Only names the
interaction model defines (checked against a pattern, so nothing else can become a dimension),
resolved ids, the locale and timings.

Powertools is imported on the first request, not on import: the cold import of the Lambda
module stays as it was. When it is missing (no layer) the skill answers all the same, without
metrics. On Lambda (`AWS_LAMBDA_FUNCTION_NAME` set), the skill's own loggers (`skill.*`) write
Powertools' JSON lines, with exception messages withheld (type and frames only).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, cast

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope

from skill.envelope_serializer import IsoTimestampSerializer
from skill.handlers.urgent import UrgentSymptomsIntentHandler
from skill.settings import TelemetrySettings

log = logging.getLogger(__name__)

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]
FALLBACK_INTENT = "AMAZON.FallbackIntent"
RED_FLAG_HANDLERS = (UrgentSymptomsIntentHandler,)
# What may leave the function as a dimension or property: names the model or Alexa define.
_LOCALE = re.compile(r"[a-z]{2}-[A-Z]{2}")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_.]{0,79}")
_SLOT_ID = re.compile(r"[A-Za-z0-9_]{1,64}")


class Outcome:
    """What happened to one request, as far as metrics may know it."""

    __slots__ = ("error", "handler")

    def __init__(self) -> None:
        self.handler: type | None = None
        self.error: str | None = None


_outcome: ContextVar[Outcome | None] = ContextVar("telemetry_outcome", default=None)


class _Noted(AbstractRequestHandler):
    """A registered request handler, unchanged, that notes it was the one that answered."""

    def __init__(self, inner: AbstractRequestHandler) -> None:
        self.inner = inner

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return self.inner.can_handle(handler_input)

    def handle(self, handler_input: HandlerInput) -> Any:
        outcome = _outcome.get()
        if outcome is not None:
            outcome.handler = type(self.inner)
        return self.inner.handle(handler_input)


class _NotedException(AbstractExceptionHandler):
    """A registered exception handler, unchanged, that notes the error's type."""

    def __init__(self, inner: AbstractExceptionHandler) -> None:
        self.inner = inner

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return self.inner.can_handle(handler_input, exception)

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Any:
        outcome = _outcome.get()
        if outcome is not None:
            outcome.error = type(exception).__name__
        return self.inner.handle(handler_input, exception)


def request_facts(event: Mapping[str, Any]) -> dict[str, Any]:
    """The request's locale, type, intent and resolved slot ids: nothing else of the envelope."""
    request = event.get("request") if isinstance(event, Mapping) else None
    request = request if isinstance(request, Mapping) else {}
    locale = request.get("locale")
    kind = request.get("type")
    facts: dict[str, Any] = {
        "locale": locale if isinstance(locale, str) and _LOCALE.fullmatch(locale) else "unknown",
        "type": kind if isinstance(kind, str) and _NAME.fullmatch(kind) else "unknown",
    }
    intent = request.get("intent") if facts["type"] == "IntentRequest" else None
    if isinstance(intent, Mapping):
        name = intent.get("name")
        facts["intent"] = name if isinstance(name, str) and _NAME.fullmatch(name) else "unknown"
        slots = intent.get("slots")
        ids = {}
        for slot_name, slot in (slots if isinstance(slots, Mapping) else {}).items():
            slot_id = _resolved_id(slot)
            if slot_id is not None and isinstance(slot_name, str) and _NAME.fullmatch(slot_name):
                ids[slot_name] = slot_id
        if ids:
            facts["slots"] = ids
    if facts["type"] == "SessionEndedRequest":
        reason, error = request.get("reason"), request.get("error")
        if isinstance(reason, str) and _NAME.fullmatch(reason):
            facts["reason"] = reason
        # Alexa's verdict on the skill's last answer (INVALID_RESPONSE, ENDPOINT_TIMEOUT...):
        # its type only, never its message.
        kind = error.get("type") if isinstance(error, Mapping) else None
        if isinstance(kind, str) and _NAME.fullmatch(kind):
            facts["alexa_error"] = kind
    return facts


def _resolved_id(slot: Any) -> str | None:
    """The id entity resolution matched (ER_SUCCESS_MATCH), never the words heard."""
    resolutions = slot.get("resolutions") if isinstance(slot, Mapping) else None
    authorities = (
        resolutions.get("resolutionsPerAuthority") if isinstance(resolutions, Mapping) else None
    )
    for authority in authorities if isinstance(authorities, list) else []:
        status = authority.get("status") if isinstance(authority, Mapping) else None
        if not isinstance(status, Mapping) or status.get("code") != "ER_SUCCESS_MATCH":
            continue
        values = authority.get("values")
        first = values[0] if isinstance(values, list) and values else None
        value = first.get("value") if isinstance(first, Mapping) else None
        slot_id = value.get("id") if isinstance(value, Mapping) else None
        if isinstance(slot_id, str) and _SLOT_ID.fullmatch(slot_id):
            return slot_id
    return None


class WithholdExceptionText(logging.Filter):
    """Keeps an exception's type and where it happened, drops its message (it may hold input)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[0] is not None:
            import traceback

            kind, _, tb = record.exc_info
            record.error_type = kind.__name__
            record.error_frames = [
                f"{os.path.basename(f.filename)}:{f.lineno} in {f.name}"
                for f in traceback.extract_tb(tb)[-5:]
            ]
            record.exc_info = None
            record.exc_text = None
        return True


class _Powertools:
    """Powertools' metrics (and, on Lambda, its logger), loaded on the first request."""

    def __init__(self, settings: TelemetrySettings) -> None:
        from aws_lambda_powertools import Logger, Metrics
        from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
        from aws_lambda_powertools.metrics import MetricUnit

        self.metrics = Metrics(namespace=settings.namespace, service=settings.service)
        self.count = MetricUnit.Count
        self.milliseconds = MetricUnit.Milliseconds
        if settings.structured_logs:
            logger = Logger(service=settings.service)
            for handler in logger.handlers:
                handler.addFilter(WithholdExceptionText())
            logging.getLogger("skill")  # registered, so Powertools configures it
            copy_config_to_registered_loggers(source_logger=logger, include={"skill"})

    def emit(self, facts: dict[str, Any], outcome: Outcome, latency_ms: float, cold: bool) -> None:
        """One EMF record: counts that are 1, the latency, and the request's non-personal facts."""
        metrics, count = self.metrics, self.count
        metrics.add_dimensions(locale=facts["locale"])
        metrics.add_metric(name="Requests", unit=count, value=1)
        if facts["type"] == "IntentRequest":
            metrics.add_metric(name="IntentRequests", unit=count, value=1)
            if facts.get("intent") == FALLBACK_INTENT:
                metrics.add_metric(name="Fallback", unit=count, value=1)
        if outcome.handler in RED_FLAG_HANDLERS:
            metrics.add_metric(name="RedFlag", unit=count, value=1)
        if outcome.error is not None or "alexa_error" in facts:
            metrics.add_metric(name="Errors", unit=count, value=1)
        if cold:
            metrics.add_metric(name="ColdStart", unit=count, value=1)
        metrics.add_metric(
            name="HandlerLatency", unit=self.milliseconds, value=round(latency_ms, 3)
        )
        request = {k: v for k, v in facts.items() if k != "locale"}
        if outcome.handler is not None:
            request["handler"] = outcome.handler.__name__
        if outcome.error is not None:
            request["error"] = outcome.error
        metrics.add_metadata(key="request", value=request)
        metrics.flush_metrics()


class _Telemetry:
    """Loads Powertools once, on the first request; a failure there turns metrics off."""

    def __init__(self, settings: TelemetrySettings) -> None:
        self.settings = settings
        self.sink: _Powertools | None = None
        self.loaded = False
        self.cold = True

    def start(self) -> None:
        if self.loaded:
            return
        self.loaded = True
        try:
            self.sink = _Powertools(self.settings)
        except ImportError as exc:
            log.warning("no metrics: AWS Lambda Powertools is not importable (%s)", exc.name)

    def record(self, event: Mapping[str, Any], outcome: Outcome, latency_ms: float) -> None:
        cold, self.cold = self.cold, False
        if self.sink is None:
            return
        try:
            self.sink.emit(request_facts(event), outcome, latency_ms, cold)
        except Exception as exc:  # metrics never cost an answer
            log.warning("metrics not written (%s)", type(exc).__name__)


def instrument(builder: CustomSkillBuilder, settings: TelemetrySettings) -> LambdaHandler:
    """The Lambda handler for `builder`'s skill, writing one metrics record per request.

    It answers exactly as `builder.lambda_handler()` would, but builds the skill once rather
    than on every request (the SDK's web adapters do the same) and reads timestamps with the
    standard library (skill/envelope_serializer.py): together they pay for the metrics.
    """
    config = builder.runtime_configuration_builder
    for chain in config.request_handler_chains:
        chain.request_handler = _Noted(chain.request_handler)
    config.exception_handlers[:] = [_NotedException(h) for h in config.exception_handlers]
    skill = builder.create()
    skill.serializer = IsoTimestampSerializer()
    telemetry = _Telemetry(settings)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        telemetry.start()
        started = time.perf_counter()
        outcome = Outcome()
        token = _outcome.set(outcome)
        try:
            envelope = skill.serializer.deserialize(
                payload=json.dumps(event), obj_type=RequestEnvelope
            )
            response = cast(  # a response envelope serializes to a dict
                dict[str, Any],
                skill.serializer.serialize(
                    skill.invoke(request_envelope=envelope, context=context)
                ),
            )
        except Exception as exc:
            outcome.error = outcome.error or type(exc).__name__
            raise
        finally:
            _outcome.reset(token)
            telemetry.record(event, outcome, (time.perf_counter() - started) * 1000)
        return response

    return handler
