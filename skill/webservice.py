"""The skill as a self-hosted HTTPS endpoint: Flask plus flask-ask-sdk's SkillAdapter."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import time
from http import HTTPStatus
from pathlib import Path
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from cryptography import x509
from flask import Flask, Response, jsonify, request
from flask_ask_sdk.skill_adapter import SkillAdapter
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
)

from skill.audio.manifest import default_audio_dir
from skill.factory import create_skill
from skill.persistence import LOCAL_DEFAULT
from skill.verification import AlexaRequestVerifier, Fetcher, RequestRejected, download_chain
from skill.webaudio import add_audio_route

APP_NAME = "skill.webservice"
log = logging.getLogger(APP_NAME)
request_log = logging.getLogger(f"{APP_NAME}.requests")

MAX_BODY_BYTES = 128 * 1024
_LOGGABLE = re.compile(r"[A-Za-z0-9_.:\-]{1,128}")


class _Rejected(Exception):
    """A client error: the HTTP status to answer and a short reason for the log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class _QuietSdkLog(logging.Filter):
    """Drop the adapter's tracebacks for client errors: our request line gives the reason.

    Those tracebacks are noise, and a SerializationException's message quotes the request body,
    which may hold what the user said.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep every record except those two kinds."""
        if record.msg == "Request verification failed":
            return False
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, SerializationException)


def _loggable(value: Any) -> str | None:
    """An id or name safe to log verbatim (client-controlled: no free text, no control chars)."""
    if value is None:
        return None
    return value if isinstance(value, str) and _LOGGABLE.fullmatch(value) else "<invalid>"


def _summary(envelope: Any) -> dict[str, str | None]:
    """Request id, type and intent name: all the request line may say about a request."""
    req = envelope.get("request") if isinstance(envelope, dict) else None
    req = req if isinstance(req, dict) else {}
    intent = req.get("intent")
    return {
        "request_id": _loggable(req.get("requestId")),
        "type": _loggable(req.get("type")),
        "intent": _loggable(intent.get("name")) if isinstance(intent, dict) else None,
    }


def _parse_body(body: bytes) -> dict[str, Any]:
    """The JSON object of an Alexa request envelope, or a 400."""
    try:
        envelope = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _Rejected(400, "malformed body") from error
    if not isinstance(envelope, dict) or not isinstance(envelope.get("request"), dict):
        raise _Rejected(400, "not an Alexa request envelope")
    return envelope


def _ensure_log_output() -> None:
    """Let request lines reach stderr under gunicorn or `python -m` (no logging set up there)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log.setLevel(logging.INFO)


def create_app(
    *,
    skill_id: str | None = None,
    dev_mode: bool | None = None,
    audio_dir: Path | None = None,
    fetch_chain: Fetcher = download_chain,
    trusted_roots: list[x509.Certificate] | None = None,
) -> Flask:
    """The WSGI app. Unset arguments come from SKILL_ID, SKILL_DEV_MODE=1 and AUDIO_DIR.

    `fetch_chain` and `trusted_roots` replace the S3 download and certifi's roots (for tests).
    """
    skill_id = os.environ.get("SKILL_ID", "") if skill_id is None else skill_id
    dev_mode = os.environ.get("SKILL_DEV_MODE") == "1" if dev_mode is None else dev_mode
    audio_dir = default_audio_dir() if audio_dir is None else audio_dir
    _ensure_log_output()
    if not skill_id and not dev_mode:
        raise RuntimeError("SKILL_ID is not set: Alexa requests cannot be checked against it")
    if dev_mode:
        log.warning(
            "!!! DEV MODE: Alexa request SIGNATURE and TIMESTAMP checks are OFF. "
            "Never expose this server to the internet. !!!"
        )
        if not skill_id:
            log.warning("!!! DEV MODE: SKILL_ID unset, application ids are not checked. !!!")

    app = Flask(APP_NAME)
    app.url_map.merge_slashes = False  # "/audio//etc/x" is a 404, not a redirect
    app.config.update(
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        # The SDK's own verifiers are replaced by AlexaRequestVerifier (docs/web-service.md).
        ASK_SDK_VERIFY_SIGNATURE=False,
        ASK_SDK_VERIFY_TIMESTAMP=False,
    )
    app.logger.addFilter(_QuietSdkLog())
    skill = create_skill(skill_id, default_persistence=LOCAL_DEFAULT)
    verifier = AlexaRequestVerifier(
        skill_id, dev_mode=dev_mode, fetch=fetch_chain, trusted_roots=trusted_roots
    )
    adapter = SkillAdapter(
        skill=skill, skill_id=skill_id or APP_NAME, verifiers=[verifier], app=app
    )

    def dispatch(summary: dict[str, str | None]) -> Response:
        try:
            body = request.get_data(cache=True)
        except RequestEntityTooLarge as error:
            raise _Rejected(413, "body too large") from error
        envelope = _parse_body(body)
        summary.update(_summary(envelope))
        try:
            response: Response = adapter.dispatch_request()
            return response
        except BadRequest as error:
            cause = error.__context__
            reason = cause.reason if isinstance(cause, RequestRejected) else "verification failed"
            raise _Rejected(400, reason) from error
        except InternalServerError as error:
            if isinstance(error.__context__, SerializationException):
                raise _Rejected(400, "envelope does not deserialize") from error
            raise

    @app.post("/")
    def alexa() -> Response | tuple[Response, int]:
        started = time.perf_counter()
        summary: dict[str, str | None] = {"request_id": None, "type": None, "intent": None}
        status = 500
        reason: str | None = "server error"  # what the line says if dispatch raises
        try:
            response = dispatch(summary)
            status, reason = 200, None
            return response
        except _Rejected as rejected:
            status, reason = rejected.status, rejected.reason
            return jsonify(error=HTTPStatus(status).phrase), status
        finally:
            line = {
                **summary,
                "status": status,
                "latency_ms": round(1000 * (time.perf_counter() - started), 2),
            }
            if reason:
                line["reason"] = reason
            request_log.info(json.dumps(line, separators=(",", ":")))

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    add_audio_route(app, audio_dir)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        return jsonify(error=error.name), error.code or 500

    return app


def main(argv: list[str] | None = None) -> None:
    """`python -m skill.webservice [--host H] [--port P] [--dev]`: Flask's development server."""
    parser = argparse.ArgumentParser(prog="python -m skill.webservice", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on")
    parser.add_argument(
        "--dev", action="store_true", help="switch off signature and timestamp checks (local only)"
    )
    args = parser.parse_args(argv)
    try:
        app = create_app(dev_mode=True if args.dev else None)
    except RuntimeError as error:
        parser.error(f"{error} (set SKILL_ID, or use --dev locally)")
    app.run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
