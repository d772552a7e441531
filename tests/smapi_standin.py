"""Loopback stand-ins at the cloud's edge: Login with Amazon's token service and the two SMAPI
operations `skill.ops` calls, over HTTPS with a certificate authority made here.

Neither service can be reached from this machine, so these speak their documented formats:
- LWA `POST /auth/o2/token` (form body, `grant_type=refresh_token`, `refresh_token`,
  `client_id`, `client_secret`) answers `{"access_token", "refresh_token", "token_type":
  "bearer", "expires_in": 3600}`, or an OAuth error `{"error", "error_description"}`: 400
  `invalid_grant` for a refresh token that is wrong, expired or revoked, 401 `invalid_client`
  for a wrong client id or secret.
- SMAPI `GET /v1/skills/{skillId}/history/intentRequests` (Intent Request History): query
  `stage`, `locale`, `maxResults` (at most 50), `nextToken`; answers `{"_links": {"self",
  "next"}, "nextToken", "isTruncated", "totalCount", "startIndex", "skillId", "items": [...]}`,
  each item `{"utteranceText", "locale", "stage", "publicationStatus", "interactionType",
  "intent": {"name", "confidence": {"bin"}, "slots": {name: {"name"}}}}`.
- SMAPI `POST /v1/skills/{skillId}/stages/{stage}/interactionModel/locales/{locale}/profileNlu`
  with `{"utterance"}` answers `{"sessionEnded", "selectedIntent": {"name",
  "confirmationStatus", "slots"}, "consideredIntents", "multiTurn"}`.
- Every SMAPI call needs `Authorization: Bearer <an access token LWA issued>` (else 401);
  another vendor's skill is 403; throttling is 429; errors carry `{"message"}` bodies
  (`violations` too for 400), as SMAPI's error models declare.
"""

from __future__ import annotations

import base64
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from skill.simulator.cloud import make_certificates

SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
OTHER_SKILL_ID = "amzn1.ask.skill.99999999-8888-7777-6666-555555555555"
CLIENT_ID = "amzn1.application-oa2-client.standin0000000000000000000000"
CLIENT_SECRET = "standin-client-secret"
REFRESH_TOKEN = "Atzr|standin-refresh-token"
MAX_RESULTS = 50


def history_item(
    text: str,
    intent: str,
    confidence: str = "HIGH",
    locale: str = "en-US",
    stage: str = "live",
    slots: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One Intent Request History item, as SMAPI returns it."""
    return {
        "utteranceText": text,
        "locale": locale,
        "stage": stage,
        "publicationStatus": "CERTIFICATION" if stage == "development" else "PUBLISHED",
        "interactionType": "MODAL",
        "dialogAct": None,
        "intent": {
            "name": intent,
            "confidence": {"bin": confidence},
            "slots": {name: {"name": name} for name in slots},
        },
    }


@dataclass
class Cloud:
    """What the stand-ins know and what they were asked."""

    history: list[dict[str, Any]] = field(default_factory=list)
    # locale -> utterance -> (intent, {slot name: (heard, id)}); anything else falls back.
    nlu: dict[str, dict[str, tuple[str, dict[str, tuple[str, str]]]]] = field(default_factory=dict)
    refresh_token: str = REFRESH_TOKEN
    throttle: int = 0  # the next N SMAPI calls answer 429
    retry_after: str | None = None
    issued: list[str] = field(default_factory=list)
    revoked: bool = False  # SMAPI refuses every access token (401)
    calls: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def token_request(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        def one(name: str) -> str:
            return (form.get(name) or [""])[0]

        if one("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type", "error_description": "grant_type"}
        if one("client_id") != CLIENT_ID or one("client_secret") != CLIENT_SECRET:
            return 401, {
                "error": "invalid_client",
                "error_description": "Client authentication failed",
            }
        if one("refresh_token") != self.refresh_token:
            return 400, {
                "error": "invalid_grant",
                "error_description": "The request has an invalid grant parameter : refresh_token",
            }
        token = f"Atza|standin-access-{len(self.issued)}"
        self.issued.append(token)
        body = {
            "access_token": token,
            "refresh_token": self.refresh_token,
            "token_type": "bearer",
            "expires_in": 3600,
        }
        return 200, body

    def smapi(
        self, method: str, path: str, query: dict[str, list[str]], headers: Any, body: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        bearer = headers.get("Authorization", "").removeprefix("Bearer ")
        if self.revoked or bearer not in self.issued:
            return 401, {"message": "Token is invalid or expired."}, {}
        if self.throttle:
            self.throttle -= 1
            extra = {"Retry-After": self.retry_after} if self.retry_after else {}
            return 429, {"message": "Rate exceeded."}, extra
        parts = path.strip("/").split("/")
        if len(parts) < 3 or parts[:2] != ["v1", "skills"]:
            return 404, {"message": "Not found."}, {}
        if parts[2] != SKILL_ID:
            return 403, {"message": "User has insufficient permission to access the resource."}, {}
        if method == "GET" and parts[3:] == ["history", "intentRequests"]:
            return (*self.history_page(query, path), {})
        if method == "POST" and len(parts) == 9 and parts[8] == "profileNlu":
            return (*self.profile(parts[4], parts[7], json.loads(body or b"{}")), {})
        return 404, {"message": "Not found."}, {}

    def history_page(self, query: dict[str, list[str]], path: str) -> tuple[int, dict[str, Any]]:
        stage = (query.get("stage") or [""])[0]
        locales = set(query.get("locale") or [])
        size = int((query.get("maxResults") or [str(MAX_RESULTS)])[0])
        if stage not in ("live", "development") or not 1 <= size <= MAX_RESULTS:
            violation = {"code": "INVALID_REQUEST_PARAMETER", "message": "stage or maxResults"}
            return 400, {"message": "Request is not valid.", "violations": [violation]}
        token = (query.get("nextToken") or [None])[0]
        try:
            start = int(base64.urlsafe_b64decode(token).decode()) if token else 0
        except ValueError:
            return 400, {"message": "Invalid nextToken.", "violations": []}
        items = [
            i
            for i in self.history
            if i["stage"] == stage and (not locales or i["locale"] in locales)
        ]
        page = items[start : start + size]
        truncated = start + size < len(items)
        body: dict[str, Any] = {
            "_links": {"self": {"href": path}},
            "isTruncated": truncated,
            "totalCount": len(items),
            "startIndex": start,
            "skillId": SKILL_ID,
            "items": page,
        }
        if truncated:
            body["nextToken"] = base64.urlsafe_b64encode(str(start + size).encode()).decode()
            body["_links"]["next"] = {"href": f"{path}?nextToken={body['nextToken']}"}
        return 200, body

    def profile(self, stage: str, locale: str, request: dict[str, Any]) -> tuple[int, dict]:
        if locale not in self.nlu:
            return 404, {"message": f"No interaction model for locale {locale}."}
        utterance = str(request.get("utterance", ""))
        intent, slots = self.nlu[locale].get(utterance.lower(), ("AMAZON.FallbackIntent", {}))
        authority = f"amzn1.er-authority.echo-sdk.{SKILL_ID}"
        selected = {
            "name": intent,
            "confirmationStatus": "NONE",
            "slots": {
                name: {
                    "name": name,
                    "value": heard,
                    "confirmationStatus": "NONE",
                    "resolutions": {
                        "resolutionsPerAuthority": [
                            {
                                "authority": f"{authority}.{name}",
                                "status": {"code": "ER_SUCCESS_MATCH"},
                                "values": [{"value": {"name": heard, "id": slot_id}}],
                            }
                        ]
                    },
                }
                for name, (heard, slot_id) in slots.items()
            },
        }
        considered = [{"name": "AMAZON.FallbackIntent", "confirmationStatus": "NONE"}]
        body = {
            "sessionEnded": False,
            "selectedIntent": selected,
            "consideredIntents": considered,
            "multiTurn": {"token": None, "prompt": None},
        }
        return 200, body


def _handler(cloud: Cloud) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _answer(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            query = parse_qs(url.query)
            with cloud.lock:
                cloud.calls.append((method, url.path, query))
                # Amazon documents /auth/o2/token; the SDK's LwaClient posts to /auth/O2/token.
                if method == "POST" and url.path.lower() == "/auth/o2/token":
                    status, answer = cloud.token_request(parse_qs(body.decode()))
                    extra: dict[str, str] = {}
                else:
                    status, answer, extra = cloud.smapi(method, url.path, query, self.headers, body)
            self._answer(status, answer, extra)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


@contextmanager
def serve(cloud: Cloud, folder: Path) -> Iterator[tuple[str, Path]]:
    """Both stand-ins on one loopback HTTPS port: yields (base URL, CA certificate file)."""
    ca, cert, key = make_certificates(folder)  # the simulator's stand-in CA, reused
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(cloud))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}", ca
    finally:
        server.shutdown()
        server.server_close()
